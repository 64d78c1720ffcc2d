// Shows: waiting for a few distinct tasks. Each `spawn` returns its own handle, so
// there is no counter to set up: `join!` awaits all three and returns their results.
// Run: cargo run -p ch04-10-distinct-tasks
use std::time::Duration;
use tokio::time::sleep;

async fn fetch_data() -> Vec<u32> {
    sleep(Duration::from_millis(30)).await; // the network
    vec![3, 1, 2]
}

async fn process_images() -> usize {
    sleep(Duration::from_millis(20)).await; // the CPU, or a thread pool
    12
}

async fn update_database() -> u64 {
    sleep(Duration::from_millis(10)).await; // the database
    4
}

#[tokio::main]
async fn main() {
    let (data, images, rows) = tokio::join!(
        tokio::spawn(fetch_data()),
        tokio::spawn(process_images()),
        tokio::spawn(update_database()),
    );
    println!("Data fetched: {:?}", data.unwrap());
    println!("Images processed: {}", images.unwrap());
    println!("Database updated: {} rows", rows.unwrap());
    println!("All tasks completed");
}
