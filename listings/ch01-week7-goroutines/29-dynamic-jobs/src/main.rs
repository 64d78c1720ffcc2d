// Shows: work that is only known at run time. One thread per job, whatever the
// length of `jobs`; each borrows its job and main reads results in job order.
// Run: cargo run -p ch01-29-dynamic-jobs
use std::thread;

fn process_job(job: &str) -> String {
    format!("{job}: {} bytes", job.len())
}

fn main() {
    let jobs: Vec<String> = ["resize.png", "thumbnail.jpg", "a.gif"]
        .map(String::from)
        .to_vec();

    let reports: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|job| s.spawn(move || process_job(job)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    for report in &reports {
        println!("{report}");
    }
}
