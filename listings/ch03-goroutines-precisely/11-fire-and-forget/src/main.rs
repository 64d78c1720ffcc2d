// Shows: fire-and-forget logging, and its caveat. Nobody waits for the log tasks, so a
// line queued just before `main` returns is never written.
// Run: cargo run -p ch03-11-fire-and-forget
fn log_async(message: String) {
    tokio::spawn(async move {
        println!("log: {message}");
    }); // the JoinHandle is dropped: nobody will wait for this task
}

async fn handle_request() -> u32 {
    tokio::task::yield_now().await; // stands in for real I/O, such as a database query
    42
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    log_async("request received".to_string());
    let answer = handle_request().await; // main awaits here, and the log task gets its turn
    println!("main: answered {answer}");

    log_async("request finished".to_string());
} // main returns without another `.await`: that log task is dropped before it runs
