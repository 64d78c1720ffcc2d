// Shows: tasks are scheduled cooperatively. On a single-threaded runtime a task
// runs until it reaches an `.await` that is not ready; only then can another run.
// Run: cargo run -p ch01-04-cooperative-scheduling
use tokio::task;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // No `.await` inside the loop: once started, this task runs all three steps.
    let greedy = task::spawn(async {
        for step in 0..3 {
            println!("greedy: step {step}");
        }
    });

    // `yield_now().await` hands the thread back to the scheduler after each step.
    let polite = |name: &'static str| async move {
        for step in 0..3 {
            println!("{name}: step {step}");
            task::yield_now().await;
        }
    };
    let a = task::spawn(polite("a"));
    let b = task::spawn(polite("b"));

    // Nothing above has run yet: `main` holds the only thread until it awaits.
    println!("main: spawned three tasks");
    for handle in [greedy, a, b] {
        handle.await.unwrap();
    }
}
