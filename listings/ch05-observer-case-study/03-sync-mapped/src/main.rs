// Shows: the observer's synchronization in Rust. A JoinHandle replaces the WaitGroup, the
// Mutex owns the data it guards, and dropping the last sender closes the channel.
// Run: cargo run -p ch05-03-sync-mapped
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    // buffer := make(chan *Entry, 4). There is no `done` channel.
    let (buffer, mut entries) = mpsc::channel::<String>(4);
    // mu plus the resource it protects, in one value.
    let written = Arc::new(Mutex::new(Vec::new()));

    // wg.Add(1); go worker(): the handle is what we wait on.
    let worker = tokio::spawn({
        let written = Arc::clone(&written);
        async move {
            // recv returns None once every sender is gone and the buffer is empty.
            while let Some(entry) = entries.recv().await {
                written.lock().unwrap().push(entry); // unlocked at the end of the statement
            }
        }
    });

    for n in 1..=10 {
        buffer.send(format!("entry {n}")).await.unwrap();
    }
    drop(buffer); // close(buffer): the only sender is gone
    worker.await.unwrap(); // wg.Wait()

    let written = written.lock().unwrap();
    println!("written: {} entries", written.len());
    println!(
        "first: {}, last: {}",
        written[0],
        written[written.len() - 1]
    );
}
