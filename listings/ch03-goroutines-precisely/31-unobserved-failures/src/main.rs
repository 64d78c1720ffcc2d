// Shows: what fire-and-forget hides. The handles are dropped, so an `Err` result vanishes
// and a panic is only a message on stderr; the program itself never learns of either.
// Run: cargo run -p ch03-31-unobserved-failures (the panic message goes to stderr)
async fn save_invoice(id: u32) -> Result<(), String> {
    tokio::task::yield_now().await;
    match id {
        2 => Err(format!("invoice {id}: disk full")),
        3 => panic!("invoice {id}: corrupt record"),
        _ => Ok(()),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    for id in 1..=3 {
        tokio::spawn(save_invoice(id)); // the JoinHandle, and with it the outcome, is dropped
    }
    for _ in 0..3 {
        tokio::task::yield_now().await; // give the tasks time to finish (or fail)
    }
    println!("main: all invoices handed off; no errors reported");
}
