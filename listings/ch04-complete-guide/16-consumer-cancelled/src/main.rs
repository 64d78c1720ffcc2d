// Shows: the fix for the leak. The consumer waits for an event or for cancellation,
// whichever comes first, and its caller keeps the handle to wait for it to end.
// Run: cargo run -p ch04-16-consumer-cancelled
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

fn start_consumer(mut events: mpsc::Receiver<u32>, token: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = token.cancelled() => return,
                event = events.recv() => match event {
                    Some(event) => println!("processed event {event}"),
                    None => return, // closed: every sender is gone
                },
            }
        }
    })
}

struct App {
    events: mpsc::Sender<u32>,
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (events, inbox) = mpsc::channel(8);
    let app = App { events };
    let token = CancellationToken::new();
    let consumer = start_consumer(inbox, token.clone());

    for event in 1..=3 {
        app.events.send(event).await.unwrap();
    }
    tokio::task::yield_now().await; // let the consumer catch up
    println!("alive tasks while running: {}", alive_tasks());

    token.cancel();
    consumer.await.unwrap();
    println!("alive tasks after cancel: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::timeout;

    // The paused clock moves only when every task is waiting: if the consumer never
    // ends, the timeout fires at once instead of the test hanging.
    const NEVER: Duration = Duration::from_secs(3600);

    #[tokio::test(start_paused = true)]
    async fn cancelling_ends_the_consumer_though_a_sender_is_alive() {
        let (events, inbox) = mpsc::channel(8);
        let token = CancellationToken::new();
        let consumer = start_consumer(inbox, token.clone());
        events.send(1).await.unwrap();
        tokio::task::yield_now().await;
        assert_eq!(alive_tasks(), 1, "the consumer waits for more");

        token.cancel();
        timeout(NEVER, consumer)
            .await
            .expect("the consumer ended")
            .unwrap();
        assert_eq!(alive_tasks(), 0);
        assert!(events.is_closed(), "the consumer dropped its receiver");
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_every_sender_ends_it_too() {
        let (events, inbox) = mpsc::channel(8);
        let consumer = start_consumer(inbox, CancellationToken::new());
        drop(events);
        timeout(NEVER, consumer)
            .await
            .expect("the consumer ended")
            .unwrap();
        assert_eq!(alive_tasks(), 0);
    }
}
