// Shows: what happens to a task when `main` returns first. The runtime shuts down and
// drops the task where it is paused; its destructors run, the rest of its work never does.
// Run: cargo run -p ch03-24-main-returns-early
struct Progress {
    saved: u32,
    total: u32,
}

impl Drop for Progress {
    fn drop(&mut self) {
        println!(
            "save task dropped: {} of {} records saved",
            self.saved, self.total
        );
    }
}

async fn save_records(total: u32) {
    let mut progress = Progress { saved: 0, total };
    for record in 1..=total {
        println!("saved record {record}");
        progress.saved += 1;
        tokio::task::yield_now().await; // stands in for the next write's I/O
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tokio::spawn(save_records(3)); // the handle is dropped: nobody waits
    tokio::task::yield_now().await; // main gives the task one turn, then moves on
    println!("main: returning");
}
