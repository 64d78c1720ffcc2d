// Shows: a task leak. Each processor waits for data on a channel; the senders are kept,
// but nothing is ever sent, so no processor ever returns. The live-task count shows it.
// Run: cargo run -p ch03-16-leak-blocked-receiver
use tokio::runtime::Handle;
use tokio::sync::mpsc;

fn start_processor(mut data: mpsc::Receiver<u32>) {
    tokio::spawn(async move {
        while let Some(item) = data.recv().await {
            println!("processing {item}");
        }
        // Reached only when every sender has been dropped.
    });
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut feeds = Vec::new(); // kept "for later", as a long-lived struct would keep them
    for _ in 0..3 {
        let (tx, rx) = mpsc::channel(16);
        start_processor(rx);
        feeds.push(tx);
    }
    tokio::task::yield_now().await; // let the processors start, and block
    println!("alive tasks: {}", alive_tasks());
    println!("feeds still open: {}", feeds.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn processors_with_open_silent_channels_never_end() {
        let (tx1, rx1) = mpsc::channel(1);
        let (tx2, rx2) = mpsc::channel(1);
        start_processor(rx1);
        start_processor(rx2);
        for _ in 0..10 {
            tokio::task::yield_now().await; // however long we wait...
        }
        assert_eq!(alive_tasks(), 2); // ...both are still blocked in `recv`
        drop((tx1, tx2));
    }
}
