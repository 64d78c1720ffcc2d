// Shows: threads started inside `thread::scope` may borrow local variables,
// because the scope does not return until every one of them has finished.
// Run: cargo run -p ch01-02-scoped-threads
use std::thread;

fn main() {
    let scores = [72, 95, 88, 61, 79, 90];
    let (first_half, second_half) = scores.split_at(scores.len() / 2);

    let (sum_a, sum_b) = thread::scope(|s| {
        // Both threads borrow slices of `scores`: no clone, no `Arc`.
        let a = s.spawn(|| first_half.iter().sum::<u32>());
        let b = s.spawn(|| second_half.iter().sum::<u32>());
        (a.join().unwrap(), b.join().unwrap())
    }); // every thread spawned on `s` has ended here

    // `scores` is still ours: the borrows ended with the scope.
    println!("{} scores, total {}", scores.len(), sum_a + sum_b);
}
