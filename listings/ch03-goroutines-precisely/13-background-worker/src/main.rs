// Shows: a background worker with two ways out: its CancellationToken is cancelled, or
// every job sender is dropped. Its JoinHandle tells the caller when it has really stopped.
// Run: cargo run -p ch03-13-background-worker
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

struct Job {
    n: u64,
    reply: oneshot::Sender<u64>,
}

fn start_worker(token: CancellationToken, mut jobs: mpsc::Receiver<Job>) -> JoinHandle<u32> {
    tokio::spawn(async move {
        let mut done = 0;
        loop {
            tokio::select! {
                _ = token.cancelled() => break,
                job = jobs.recv() => match job {
                    Some(job) => {
                        let _ = job.reply.send(job.n * job.n); // the caller may have left
                        done += 1;
                    }
                    None => break, // every sender is gone: no job can ever arrive
                },
            }
        }
        done // the worker's last word: how many jobs it did
    })
}

#[tokio::main]
async fn main() {
    let token = CancellationToken::new();
    let (jobs, inbox) = mpsc::channel(8);
    let worker = start_worker(token.clone(), inbox);

    for n in 1..=3 {
        let (reply, answer) = oneshot::channel();
        jobs.send(Job { n, reply })
            .await
            .expect("the worker stopped");
        println!(
            "{n} squared is {}",
            answer.await.expect("the worker dropped the job")
        );
    }

    token.cancel(); // ask the worker to stop...
    let done = worker.await.expect("the worker panicked"); // ...and wait until it has
    println!("worker stopped after {done} jobs");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::runtime::Handle;

    fn alive() -> usize {
        Handle::current().metrics().num_alive_tasks()
    }

    /// Waits for the worker to stop. On the paused clock, a worker that never stops makes
    /// the runtime idle, the clock jumps to the deadline, and the test fails at once.
    async fn stopped(worker: JoinHandle<u32>) -> u32 {
        tokio::time::timeout(Duration::from_secs(60), worker)
            .await
            .expect("the worker never stopped")
            .expect("the worker panicked")
    }

    #[tokio::test(start_paused = true)]
    async fn cancelling_stops_the_worker() {
        let token = CancellationToken::new();
        let (_jobs, inbox) = mpsc::channel(8); // the sender stays alive throughout
        let worker = start_worker(token.clone(), inbox);
        tokio::task::yield_now().await; // the worker runs, and waits
        assert_eq!(alive(), 1);
        token.cancel();
        assert_eq!(stopped(worker).await, 0);
        assert_eq!(alive(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn closing_the_job_channel_stops_the_worker() {
        let (jobs, inbox) = mpsc::channel(8);
        let worker = start_worker(CancellationToken::new(), inbox); // never cancelled
        let (reply, answer) = oneshot::channel();
        jobs.send(Job { n: 4, reply }).await.unwrap();
        assert_eq!(answer.await.unwrap(), 16);
        drop(jobs); // the last sender: the channel closes
        assert_eq!(stopped(worker).await, 1);
        assert_eq!(alive(), 0);
    }
}
