// Shows: a task leak. The consumer ends only when every sender is gone, and the app
// keeps one for as long as it runs, so the consumer waits forever after its work.
// Run: cargo run -p ch04-15-consumer-leak
use tokio::runtime::Handle;
use tokio::sync::mpsc;

fn start_consumer(mut events: mpsc::Receiver<u32>) {
    tokio::spawn(async move {
        // `recv` returns None only once the channel is closed and empty.
        while let Some(event) = events.recv().await {
            println!("processed event {event}");
        }
    });
}

struct App {
    events: mpsc::Sender<u32>, // lives as long as the app does
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (events, inbox) = mpsc::channel(8);
    let app = App { events };
    start_consumer(inbox);

    for event in 1..=3 {
        app.events.send(event).await.unwrap();
    }
    tokio::task::yield_now().await; // let the consumer catch up
    println!("alive tasks after the work is done: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_consumer_outlives_its_work() {
        let (events, inbox) = mpsc::channel(8);
        start_consumer(inbox);
        events.send(1).await.unwrap();
        tokio::task::yield_now().await;
        assert_eq!(
            events.capacity(),
            events.max_capacity(),
            "event 1 was taken"
        );
        assert_eq!(alive_tasks(), 1);
    }
}
