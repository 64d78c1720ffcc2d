// Shows: mpsc carries commands to one task, oneshot carries one reply back,
// broadcast gives every subscriber every message, watch keeps only the latest value.
// Run: cargo run -p ch04-06-tokio-channels
use tokio::sync::{broadcast, mpsc, oneshot, watch};

enum Command {
    Add(u64),
    Total(oneshot::Sender<u64>), // the command carries the channel for its reply
}

// One thread, so a spawned task runs only when `main` awaits (see the `watch` part).
#[tokio::main(flavor = "current_thread")]
async fn main() {
    // mpsc + oneshot: one task owns the total; the others send it commands.
    let (commands, mut inbox) = mpsc::channel(16);
    let counter = tokio::spawn(async move {
        let mut total = 0;
        while let Some(command) = inbox.recv().await {
            match command {
                Command::Add(n) => total += n,
                Command::Total(reply) => reply.send(total).unwrap(),
            }
        }
    });
    for n in 1..=4 {
        commands.send(Command::Add(n)).await.unwrap();
    }
    let (reply, answer) = oneshot::channel();
    commands.send(Command::Total(reply)).await.unwrap();
    println!("mpsc + oneshot: the total is {}", answer.await.unwrap());
    drop(commands); // the last sender is gone: `recv` returns None and the task ends
    counter.await.unwrap();

    // broadcast: each subscriber gets its own copy of every message.
    let (news, _) = broadcast::channel(16);
    let readers: Vec<_> = (1..=2)
        .map(|id| {
            let mut inbox = news.subscribe();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                while let Ok(message) = inbox.recv().await {
                    seen.push(message);
                }
                format!("broadcast: reader {id} got {seen:?}")
            })
        })
        .collect();
    news.send("deploy started").unwrap();
    news.send("deploy finished").unwrap();
    drop(news);
    for reader in readers {
        println!("{}", reader.await.unwrap());
    }

    // watch: a receiver sees the latest value, not every value that was sent.
    let (config, mut latest) = watch::channel(0);
    let watcher = tokio::spawn(async move {
        let mut seen = Vec::new();
        while latest.changed().await.is_ok() {
            seen.push(*latest.borrow_and_update());
        }
        seen
    });
    for version in 1..=3 {
        config.send(version).unwrap(); // the watcher has not run yet
    }
    drop(config);
    println!("watch: the watcher saw {:?}", watcher.await.unwrap());
}
