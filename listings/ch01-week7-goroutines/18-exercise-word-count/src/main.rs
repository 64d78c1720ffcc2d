// Shows: a solution to Exercise 1. Every thread builds a private HashMap from its
// chunk of lines; main merges them. No locks, because nothing is shared mutably.
// Run: cargo run -p ch01-18-exercise-word-count (and cargo test -p ch01-18-exercise-word-count)
use std::collections::HashMap;
use std::thread;

fn count_words(lines: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in lines.iter().flat_map(|line| line.split_whitespace()) {
        let word = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if !word.is_empty() {
            *counts.entry(word).or_insert(0) += 1;
        }
    }
    counts
}

pub fn parallel_word_count(lines: &[&str], workers: usize) -> HashMap<String, usize> {
    let chunk_len = lines.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(chunk_len) // at most `workers` chunks
            .map(|chunk| s.spawn(move || count_words(chunk)))
            .collect();

        let mut total = HashMap::new();
        for handle in handles {
            for (word, n) in handle.join().unwrap() {
                *total.entry(word).or_insert(0) += n;
            }
        }
        total
    })
}

fn main() {
    let text = [
        "Do not communicate by sharing memory;",
        "instead, share memory by communicating.",
        "Sharing is caring, said nobody about memory.",
    ];
    let counts = parallel_word_count(&text, 2);
    let mut words: Vec<_> = counts.into_iter().filter(|(_, n)| *n > 1).collect();
    words.sort();
    for (word, n) in words {
        println!("{word}: {n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: [&str; 5] = ["a b c", "b c d", "C D E!", "", "e, e."];

    #[test]
    fn any_number_of_workers_gives_the_sequential_answer() {
        let expected = count_words(&TEXT);
        assert_eq!(expected["e"], 3);
        for n in 1..=8 {
            assert_eq!(parallel_word_count(&TEXT, n), expected, "{n} workers");
        }
    }

    #[test]
    fn empty_input_and_zero_workers() {
        assert!(parallel_word_count(&[], 4).is_empty());
        assert_eq!(parallel_word_count(&TEXT, 0), count_words(&TEXT));
    }
}
