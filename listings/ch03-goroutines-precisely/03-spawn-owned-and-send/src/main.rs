// Shows: how to meet the bounds of `tokio::spawn`. `async move` makes the task own its
// data ('static); `Arc`, the thread-safe `Rc`, may be held across an `.await` (Send).
// Run: cargo run -p ch03-03-spawn-owned-and-send
use std::sync::Arc;

async fn owns_its_data() {
    let name = String::from("report");
    // `move`: the task owns `name` now, and main can no longer use it.
    let task = tokio::spawn(async move { println!("writing {name}") });
    task.await.unwrap();
}

async fn holds_an_arc() {
    let task = tokio::spawn(async {
        let retries = Arc::new(3); // an atomic reference count: Send
        tokio::task::yield_now().await;
        println!("retries left: {retries}");
    });
    task.await.unwrap();
}

#[tokio::main]
async fn main() {
    owns_its_data().await;
    holds_an_arc().await;
}
