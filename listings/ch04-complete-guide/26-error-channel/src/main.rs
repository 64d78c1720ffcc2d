// Shows: collecting results and errors from tasks through one channel of `Result`s.
// The channel closes when the last sender is dropped, so the loop needs no WaitGroup.
// Run: cargo run -p ch04-26-error-channel
use std::fmt;
use std::time::Duration;
use tokio::sync::mpsc;

#[derive(Debug)]
struct JobError {
    job: u32,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error processing job {}", self.job)
    }
}

impl std::error::Error for JobError {}

async fn process(job: u32) -> Result<u32, JobError> {
    if job % 3 == 0 {
        return Err(JobError { job }); // some jobs fail
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(job * job)
}

#[tokio::main]
async fn main() {
    let (results, mut inbox) = mpsc::channel(10);
    for job in 0..10 {
        let results = results.clone();
        tokio::spawn(async move {
            results.send(process(job).await).await.unwrap();
        }); // this task's sender is dropped when it ends
    }
    drop(results); // and this is the last one: once the tasks are done, `recv` sees the end

    while let Some(result) = inbox.recv().await {
        match result {
            Ok(value) => println!("Result: {value}"),
            Err(e) => println!("Error: {e}"),
        }
    }
}
