// Shows: the fix Go uses, `select` on `ctx.Done()`, in Rust: the task waits for the
// reply or for a cancellation token, whichever comes first, and returns its handle to
// the caller.
// Run: cargo run -p ch02-24-task-leak-fixed
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

type Pending = Vec<oneshot::Sender<u32>>;
type Waiting = JoinHandle<Option<u32>>; // `None` if cancelled before a reply came

fn wait_for_reply(pending: &mut Pending, token: CancellationToken) -> Waiting {
    let (tx, rx) = oneshot::channel();
    pending.push(tx);
    tokio::spawn(async move {
        tokio::select! {
            reply = rx => reply.ok(),
            _ = token.cancelled() => None, // Go: case <-ctx.Done(): return
        }
    })
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let token = CancellationToken::new();
    let mut pending = Pending::new();
    let waiting: Vec<_> = (0..3)
        .map(|_| wait_for_reply(&mut pending, token.clone()))
        .collect();
    tokio::task::yield_now().await; // let the tasks start waiting
    println!("tasks waiting for a reply: {}", alive_tasks());

    token.cancel();
    for task in waiting {
        assert_eq!(task.await.unwrap(), None); // and now we know each one has returned
    }
    println!("after cancel: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::timeout;

    // On the paused clock, a task that waits forever leaves the runtime idle, so the
    // clock jumps to the one-minute limit and the test fails at once, not hangs.
    const LIMIT: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn cancelling_ends_every_waiting_task() {
        let token = CancellationToken::new();
        let mut pending = Pending::new();
        let waiting: Vec<_> = (0..3)
            .map(|_| wait_for_reply(&mut pending, token.clone()))
            .collect();
        // An hour on the paused clock: the tasks are waiting, not finished.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(alive_tasks(), 3);
        token.cancel();
        for task in waiting {
            let result = timeout(LIMIT, task).await.expect("a task is still waiting");
            assert_eq!(result.unwrap(), None);
        }
        assert_eq!(alive_tasks(), 0);
    }

    #[tokio::test]
    async fn a_reply_still_gets_through() {
        let mut pending = Pending::new();
        let waiting = wait_for_reply(&mut pending, CancellationToken::new());
        pending.pop().unwrap().send(7).unwrap();
        assert_eq!(waiting.await.unwrap(), Some(7));
    }
}
