// Shows: Go's `runtime.NumGoroutine()` in Rust. Tokio counts its live tasks; for OS
// threads, ask the kernel (on Linux, the `Threads:` line of /proc/self/status).
// Run: cargo run -p ch02-31-count-threads-and-tasks
use std::sync::{Arc, Barrier};
use std::thread;
use tokio::runtime::Handle;
use tokio::sync::watch;

fn os_threads() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("Threads:"));
    line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0) // not on Linux
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")] // everything on this one thread
async fn main() {
    println!(
        "at start: {} OS thread, {} tasks",
        os_threads(),
        alive_tasks()
    );

    // Three threads and five tasks, all waiting to be released.
    let barrier = Arc::new(Barrier::new(4));
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || barrier.wait())
        })
        .collect();
    let (release, waiting) = watch::channel(false);
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let mut waiting = waiting.clone();
            tokio::spawn(async move {
                let _ = waiting.wait_for(|released| *released).await;
            })
        })
        .collect();
    println!(
        "while they wait: {} OS threads, {} tasks",
        os_threads(),
        alive_tasks()
    );

    barrier.wait();
    for handle in threads {
        handle.join().unwrap();
    }
    release.send(true).unwrap();
    for task in tasks {
        task.await.unwrap();
    }
    println!("after they finish: {} tasks", alive_tasks());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn each_parked_thread_adds_one() {
        let before = os_threads();
        let barrier = Arc::new(Barrier::new(3));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || barrier.wait())
            })
            .collect();
        assert_eq!(os_threads(), before + 2);
        barrier.wait();
        for handle in threads {
            handle.join().unwrap();
        }
    }
}
