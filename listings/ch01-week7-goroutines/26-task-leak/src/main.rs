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
    use std::time::Duration;

    // tokio counts a task as alive from the moment it is spawned, so counting right
    // after `start_poller` would prove nothing. On a paused clock, sleeping ten
    // seconds lets each poller run ten checks first; then both are still alive.
    #[tokio::test(start_paused = true)]
    async fn each_call_leaves_a_task_that_keeps_running() {
        super::start_poller();
        super::start_poller();
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(super::alive_tasks(), 2);
    }
}
