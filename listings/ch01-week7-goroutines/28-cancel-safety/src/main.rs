// Shows: `select!` drops the futures of the branches that lose. `recv()` is cancel safe;
// a future that has already taken a value out of the channel loses it when dropped.
// Run: cargo run -p ch01-28-cancel-safety
use std::future::Future; // in the 2024 prelude; named for readers on edition 2021
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::task::{self, JoinHandle};

/// Reads two numbers. Not cancel safe: dropped between its two `recv`s, it loses the first.
async fn next_pair(numbers: &mut UnboundedReceiver<u32>) -> Option<(u32, u32)> {
    let first = numbers.recv().await?;
    let second = numbers.recv().await?;
    Some((first, second))
}

/// Pairs up numbers, and answers status requests in between: with `next_pair`.
async fn pairs_in_a_future(
    mut numbers: UnboundedReceiver<u32>,
    mut status: UnboundedReceiver<()>,
) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    loop {
        tokio::select! {
            biased;
            Some(()) = status.recv() => println!("  status: {} pairs so far", pairs.len()),
            pair = next_pair(&mut numbers) => match pair {
                Some(pair) => pairs.push(pair),
                None => return pairs,
            },
        }
    }
}

/// The same, with `recv()` in the `select!` and the half-read pair kept outside it.
async fn pairs_from_recv(
    mut numbers: UnboundedReceiver<u32>,
    mut status: UnboundedReceiver<()>,
) -> Vec<(u32, u32)> {
    let mut pairs = Vec::new();
    let mut first = None; // survives every turn of the loop
    loop {
        tokio::select! {
            biased;
            Some(()) = status.recv() => println!("  status: {} pairs so far", pairs.len()),
            number = numbers.recv() => match (number, first.take()) {
                (Some(second), Some(first)) => pairs.push((first, second)),
                (Some(number), None) => first = Some(number),
                (None, _) => return pairs,
            },
        }
    }
}

/// Sends 1 to 6 to `pairer`, with a status request arriving after 3, and returns its pairs.
/// One thread, and `yield_now` lets the pairer run until it waits: the order is fixed.
async fn feed<F>(pairer: fn(UnboundedReceiver<u32>, UnboundedReceiver<()>) -> F) -> Vec<(u32, u32)>
where
    F: Future<Output = Vec<(u32, u32)>> + Send + 'static,
{
    let (numbers, numbers_rx) = unbounded_channel();
    let (status, status_rx) = unbounded_channel();
    let pairer: JoinHandle<_> = tokio::spawn(pairer(numbers_rx, status_rx));
    for n in 1..=3 {
        numbers.send(n).unwrap();
    }
    task::yield_now().await; // the pairer makes (1, 2), takes 3 and waits for a fourth
    status.send(()).unwrap();
    task::yield_now().await; // the status branch wins this time
    for n in 4..=6 {
        numbers.send(n).unwrap();
    }
    drop(numbers); // no more numbers: the pairer returns
    pairer.await.unwrap()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("next_pair in select!:");
    println!("  pairs: {:?}", feed(pairs_in_a_future).await);
    println!("recv in select!:");
    println!("  pairs: {:?}", feed(pairs_from_recv).await);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_dropped_next_pair_loses_the_number_it_held() {
        assert_eq!(feed(pairs_in_a_future).await, [(1, 2), (4, 5)]);
    }

    #[tokio::test]
    async fn recv_in_select_loses_nothing() {
        assert_eq!(feed(pairs_from_recv).await, [(1, 2), (3, 4), (5, 6)]);
    }
}
