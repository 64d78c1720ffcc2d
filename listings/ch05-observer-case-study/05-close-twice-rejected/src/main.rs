// Shows: in Rust, closing a channel means dropping its sender, and a value can only be
// dropped once. Closing twice, or sending after the close, is a compile error (E0382).
// Run: cargo build --manifest-path listings/ch05-observer-case-study/05-close-twice-rejected/Cargo.toml (fails to compile, on purpose)
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    let (buffer, mut entries) = mpsc::channel::<&str>(4);
    buffer.send("first").await.unwrap();
    drop(buffer); // close(buffer)
    drop(buffer); // close(buffer) again: Go panics with "close of closed channel"
    buffer.send("late").await.unwrap(); // Go panics with "send on closed channel"
    while let Some(entry) = entries.recv().await {
        println!("{entry}");
    }
}
