// Shows: `go fmt.Println("Hello")` followed by the end of main. The task is only
// queued; main returns without awaiting anything, the runtime shuts down, and the task
// is dropped.
// Run: cargo run -p ch02-29-main-exits-early
#[tokio::main(flavor = "current_thread")]
async fn main() {
    tokio::spawn(async { println!("hello from a task") });
    println!("main returns");
}
