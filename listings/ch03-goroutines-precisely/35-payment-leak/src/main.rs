// Shows: the real-world leak, simulated. A task per payment awaits an external API with
// no timeout; when the API never answers, the task never ends, and live tasks pile up.
// Run: cargo run -p ch03-35-payment-leak
use tokio::runtime::Handle;
use tokio::sync::mpsc;

struct Payment {
    id: u32,
}

/// The external API: it answers at once, except that one call in ten hangs forever.
async fn charge(payment: &Payment) -> u32 {
    if payment.id % 10 == 0 {
        std::future::pending::<()>().await; // a connection that never answers
    }
    payment.id // the receipt
}

fn process_payment(payment: Payment, ledger: mpsc::UnboundedSender<u32>) {
    tokio::spawn(async move {
        let receipt = charge(&payment).await; // may wait forever
        ledger.send(receipt).unwrap(); // save the result
    });
}

fn alive_tasks() -> usize {
    Handle::current().metrics().num_alive_tasks()
}

/// Where saved receipts end up: the "database".
struct Ledger {
    tx: mpsc::UnboundedSender<u32>,
    rx: mpsc::UnboundedReceiver<u32>,
}

/// Processes a batch of payments, waits until the ledger holds a receipt for each one the
/// API answered, and returns the number of live tasks.
async fn run_batch(ids: std::ops::Range<u32>, ledger: &mut Ledger) -> usize {
    let answered = ids.clone().filter(|id| *id % 10 != 0).count();
    for id in ids {
        process_payment(Payment { id }, ledger.tx.clone());
    }
    for _ in 0..answered {
        ledger.rx.recv().await.unwrap();
    }
    alive_tasks()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut ledger = Ledger { tx, rx };
    for batch in 0..3 {
        let alive = run_batch(batch * 100 + 1..(batch + 1) * 100 + 1, &mut ledger).await;
        println!("after {} payments: {alive} tasks alive", (batch + 1) * 100);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn live_tasks_grow_with_requests() {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut ledger = Ledger { tx, rx };
        let mut counts = Vec::new();
        for batch in 0..5 {
            run_batch(batch * 50..(batch + 1) * 50, &mut ledger).await;
            // A day later on the paused clock, the hung tasks are all still there.
            tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
            counts.push(alive_tasks());
        }
        assert_eq!(counts, [5, 10, 15, 20, 25]);
    }
}
