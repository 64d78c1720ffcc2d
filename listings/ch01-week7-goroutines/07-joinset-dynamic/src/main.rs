// Shows: a `JoinSet` does not need to know the amount of work up front.
// Visiting a node can reveal more nodes, and each becomes a new task.
// Run: cargo run -p ch01-07-joinset-dynamic
use tokio::task::JoinSet;

/// A small directory tree, standing in for work we discover as we go.
fn children(dir: &str) -> &'static [&'static str] {
    match dir {
        "/" => &["/src", "/docs"],
        "/src" => &["/src/net", "/src/db"],
        "/src/net" => &["/src/net/http"],
        _ => &[],
    }
}

async fn visit(dir: &'static str) -> (&'static str, &'static [&'static str]) {
    (dir, children(dir))
}

#[tokio::main]
async fn main() {
    let mut tasks = JoinSet::new();
    tasks.spawn(visit("/"));

    let mut visited = Vec::new();
    // `join_next` yields results in completion order and returns `None`
    // once the set is empty, the moment Go's `wg.Wait()` would return.
    while let Some(result) = tasks.join_next().await {
        let (dir, subdirs) = result.unwrap();
        visited.push(dir);
        for &sub in subdirs {
            tasks.spawn(visit(sub)); // like `wg.Add(1); go visit(sub)`
        }
    }

    visited.sort(); // completion order varies; sort before printing
    println!("visited {} directories:", visited.len());
    for dir in visited {
        println!("  {dir}");
    }
}
