// Exercise 1: start ten tasks that each print their index, without the capture bug.
// `async move` gives each task its own copy of `i`; the test checks every index once.
// Run: cargo run -p ch03-43-exercise-print-indices
async fn start_ten() -> Vec<usize> {
    let handles: Vec<_> = (0..10)
        .map(|i| {
            tokio::spawn(async move {
                println!("task {i}");
                i
            })
        })
        .collect();
    let mut indices = Vec::new();
    for handle in handles {
        indices.push(handle.await.unwrap());
    }
    indices
}

#[tokio::main]
async fn main() {
    start_ten().await;
}

#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_index_once() {
        let mut indices = super::start_ten().await;
        indices.sort();
        assert_eq!(indices, (0..10).collect::<Vec<_>>());
    }
}
