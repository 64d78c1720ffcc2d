// Shows: an `Arc` may go to another thread only if what it points to is `Sync`: every
// clone hands out `&T`. A `RefCell` is not, so `tokio::spawn` refuses the task.
// Run: cargo build --manifest-path listings/ch03-goroutines-precisely/04-refcell-not-sync/Cargo.toml (fails: the future is not Send)
use std::cell::RefCell;
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let hits = Arc::new(RefCell::new(0));
    let task = tokio::spawn({
        let hits = Arc::clone(&hits);
        async move { *hits.borrow_mut() += 1 } // two threads could borrow at once
    });
    task.await.unwrap();
    println!("hits: {hits:?}");
}
