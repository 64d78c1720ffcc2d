// Shows: the states a task goes through, observed from outside with the runtime's count
// of live tasks and `JoinHandle::is_finished`. One worker thread makes the order certain.
// Run: cargo run -p ch03-10-task-lifecycle
use tokio::runtime::Handle;
use tokio::sync::oneshot;

fn alive() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (tx, rx) = oneshot::channel::<u32>();
    let task = tokio::spawn(async move {
        println!("  task: running, now waiting for a message");
        let n = rx.await.expect("the sender was dropped");
        println!("  task: woken with {n}, returning");
        n * 2
    });
    // Spawned: queued to run, but main still holds the only worker.
    println!(
        "spawned:  alive = {}, finished = {}",
        alive(),
        task.is_finished()
    );

    tokio::task::yield_now().await; // main steps aside; the task runs until it must wait
    println!(
        "waiting:  alive = {}, finished = {}",
        alive(),
        task.is_finished()
    );

    tx.send(21).unwrap(); // the message wakes the task: it is runnable again
    let result = task.await.unwrap(); // main waits; the task runs to its end
    println!("finished: alive = {}, returned {result}", alive());
}
