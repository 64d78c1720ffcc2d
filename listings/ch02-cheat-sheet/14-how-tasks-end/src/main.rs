// Shows: how a task ends. It returns (`Ok`), panics (`Err`, is_panic), is aborted from
// outside (`Err`, is_cancelled), or is dropped unfinished when its runtime shuts down,
// as when main exits.
// Run: cargo run -p ch02-14-how-tasks-end (the panic message goes to stderr)
use std::future::pending;
use tokio::runtime::Builder;

/// Prints when dropped, so we can see a task's future being dropped.
struct Guard(&'static str);

impl Drop for Guard {
    fn drop(&mut self) {
        println!("{}: dropped", self.0);
    }
}

fn main() {
    let runtime = Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let returns = tokio::spawn(async { 42 });
        println!("returns: {}", returns.await.unwrap());

        let panics = tokio::spawn(async { panic!("something broke") });
        println!(
            "panics: is_panic = {}",
            panics.await.unwrap_err().is_panic()
        );

        let aborted = tokio::spawn(async {
            let _guard = Guard("aborted task");
            pending::<()>().await; // would wait forever
        });
        tokio::task::yield_now().await; // let it start and create its guard
        aborted.abort(); // Go has no way to stop a goroutine from outside
        println!(
            "aborted: is_cancelled = {}",
            aborted.await.unwrap_err().is_cancelled()
        );

        tokio::spawn(async {
            let _guard = Guard("task at shutdown");
            pending::<()>().await;
        });
        tokio::task::yield_now().await;
        println!("leaving block_on with one task still waiting");
    });
    drop(runtime); // shutting down drops every unfinished task
    println!("runtime shut down");
}
