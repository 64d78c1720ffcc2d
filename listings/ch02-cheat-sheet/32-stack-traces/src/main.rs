// Shows: stack traces. `std::backtrace::Backtrace` captures the current thread's stack,
// as Go's `runtime.Stack` does for a goroutine. This panic hook prints one for every
// panic.
// Run: cargo run -p ch02-32-stack-traces (in --release, some frames are inlined away)
use std::backtrace::Backtrace;
use std::{panic, thread};

fn parse_port(text: &str) -> u16 {
    text.parse().unwrap_or_else(|_| panic!("bad port {text:?}"))
}

fn load_ports(lines: &[&str]) -> Vec<u16> {
    lines.iter().map(|line| parse_port(line)).collect()
}

/// The frames of `trace` that are functions of this program, innermost first.
fn our_frames(trace: &Backtrace) -> Vec<String> {
    let ours = concat!(module_path!(), "::"); // this crate's name
    let text = trace.to_string();
    text.lines()
        .filter_map(|line| line.trim().split_once(": "))
        .filter(|(_, function)| function.starts_with(ours))
        .map(|(_, function)| function.to_string())
        .collect()
}

fn main() {
    panic::set_hook(Box::new(|info| {
        let trace = Backtrace::force_capture(); // whatever RUST_BACKTRACE says
        let name = thread::current().name().unwrap_or("unnamed").to_string();
        println!(
            "thread '{name}' panicked: {}",
            info.payload_as_str().unwrap_or("?")
        );
        // The innermost frame is this hook itself; skip it.
        for function in our_frames(&trace).iter().skip(1) {
            println!("    in {function}");
        }
    }));

    let loader = thread::Builder::new()
        .name("config-loader".into()) // named threads make traces readable
        .spawn(|| load_ports(&["8080", "http"]))
        .unwrap();
    println!("join returned Err: {}", loader.join().is_err());
}
