// Shows: the shape of the Go guide's fix still leaks. The charge runs in an inner task
// and the outer one stops waiting after a timeout, but nothing stops the inner task.
// Run: cargo run -p ch03-36-payment-inner-task-leak
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

struct Payment {
    id: u32,
}

async fn charge(payment: &Payment) -> u32 {
    if payment.id % 10 == 0 {
        std::future::pending::<()>().await; // one call in ten never answers
    }
    payment.id
}

fn process_payment(payment: Payment, limit: Duration) -> JoinHandle<bool> {
    tokio::spawn(async move {
        let (tx, rx) = oneshot::channel();
        tokio::spawn(async move {
            let _ = tx.send(charge(&payment).await); // this task has no timeout
        });
        tokio::time::timeout(limit, rx).await.is_ok() // false: timed out
    })
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let limit = Duration::from_millis(50);
    for batch in 0..3 {
        let handles: Vec<_> = (batch * 100 + 1..(batch + 1) * 100 + 1)
            .map(|id| process_payment(Payment { id }, limit))
            .collect();
        let mut timed_out = 0;
        for handle in handles {
            if !handle.await.unwrap() {
                timed_out += 1;
            }
        }
        println!(
            "after {} payments: {timed_out} timed out, {} tasks alive",
            (batch + 1) * 100,
            alive_tasks()
        );
    }
}
