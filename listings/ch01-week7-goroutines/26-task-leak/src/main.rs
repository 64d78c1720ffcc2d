// Shows: a task leak. `start_poller` spawns a loop with no way to stop and returns;
// each call leaves one more task alive, as the runtime's own task count shows.
// Run: cargo run -p ch01-26-task-leak
use std::time::Duration;
use tokio::runtime::Handle;

fn start_poller() {
    tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await; // check for work, forever
        }
    });
} // returns at once; the task it spawned does not end

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("alive tasks before: {}", alive_tasks());
    for _ in 0..3 {
        start_poller();
    }
    tokio::task::yield_now().await; // let the pollers start
    println!("alive tasks after three calls: {}", alive_tasks());
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn each_call_leaks_one_task() {
        super::start_poller();
        super::start_poller();
        assert_eq!(super::alive_tasks(), 2);
    }
}
