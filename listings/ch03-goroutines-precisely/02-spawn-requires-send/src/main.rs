// Shows: the two bounds on `tokio::spawn`. The task must own what it uses ('static),
// and what it holds across an `.await` must be safe to move to another thread (Send).
// Run: cargo build --manifest-path listings/ch03-goroutines-precisely/02-spawn-requires-send/Cargo.toml (fails with E0373 and a Send error)
use std::rc::Rc;

// Not 'static: the task borrows `name`, which lives in this function's stack frame.
async fn borrows_a_local() {
    let name = String::from("report");
    let task = tokio::spawn(async { println!("writing {name}") });
    task.await.unwrap();
}

// Not Send: the task keeps an `Rc` across an `.await`, where it may change threads.
async fn holds_an_rc() {
    let task = tokio::spawn(async {
        let retries = Rc::new(3);
        tokio::task::yield_now().await;
        println!("retries left: {retries}");
    });
    task.await.unwrap();
}

#[tokio::main]
async fn main() {
    borrows_a_local().await;
    holds_an_rc().await;
}
