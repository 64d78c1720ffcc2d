//! Tests of the crate-source lookup, on a fixture crate.

use super::lex::{impl_self_type, mask};
use super::scan::use_tree;
use super::*;

fn fixture() -> Crates {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cite/crates");
    let info = |name: &str, deps: &[&str]| CrateInfo {
        package: name.replace('_', "-"),
        version: "1.2.3".into(),
        lib: name.into(),
        root_file: dir.join(name).join("src/lib.rs"),
        deps: deps.iter().map(|d| d.to_string()).collect(),
    };
    Crates::new(vec![
        info("demo", &["demo_macros"]),
        info("demo_macros", &[]),
    ])
}

fn resolve(path: &str) -> Result<Resolved> {
    let item = super::super::Item::parse(path).unwrap();
    let super::super::Item::Crate { krate, path } = item else {
        panic!("{path} is not a crate item")
    };
    fixture().resolve(&krate, &path)
}

fn has(path: &str, phrase: &str) -> bool {
    resolve(path).unwrap().find(phrase).is_some()
}

#[test]
fn masking_keeps_code_and_offsets() {
    let src = "let s = \"{ fn x\"; // fn y {\n/* a /* nested */ { */ let c = '{'; let l: &'a str = r#\"}\"#;\nfn z() {}";
    let m = mask(src);
    assert_eq!(m.len(), src.len());
    assert_eq!(m.matches('{').count(), 1);
    assert_eq!(m.matches('}').count(), 1);
    assert!(m.contains("'a str"));
    assert!(m.contains("fn z"));
    assert!(!m.contains("fn x") && !m.contains("fn y"));
}

#[test]
fn impl_headers_name_their_self_type() {
    assert_eq!(
        impl_self_type("impl<T> JoinSet<T> "),
        ("JoinSet".into(), false)
    );
    assert_eq!(
        impl_self_type("impl<F: Fn() -> T, T> std::future::Future for Timeout<F>\nwhere F: Send "),
        ("Timeout".into(), true)
    );
    assert_eq!(
        impl_self_type("unsafe impl<T: Send> Send for Sender<T> "),
        ("Sender".into(), true)
    );
}

#[test]
fn use_trees_flatten() {
    let mut out = Vec::new();
    use_tree(
        "self::bounded::{channel, Sender as Tx, inner::{self, Permit}, glob::*}",
        &[],
        &mut out,
    );
    let names: Vec<String> = out
        .iter()
        .map(|(p, e)| format!("{}={e}", p.join("::")))
        .collect();
    assert_eq!(
        names,
        [
            "self::bounded::channel=channel",
            "self::bounded::Sender=Tx",
            "self::bounded::inner=inner",
            "self::bounded::inner::Permit=Permit",
            "self::bounded::glob::*=*",
        ]
    );
}

#[test]
fn items_methods_macros_and_modules_resolve() {
    // A method, re-exported type, docs.rs link on the public path.
    let r = resolve("demo::sync::Sender::send").unwrap();
    assert_eq!(
        r.url,
        "https://docs.rs/demo/1.2.3/demo/sync/struct.Sender.html#method.send"
    );
    assert!(
        r.find("Sends a value, waiting until there is capacity")
            .is_some()
    );
    // Its body counts too.
    assert!(r.find("self.inner.push(value)").is_some());
    // A free function re-exported at the root from a private module.
    let r = resolve("demo::spawn").unwrap();
    assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/fn.spawn.html");
    assert!(r.find("Spawns a new task on the current runtime").is_some());
    // A macro whose docs are in the wrapper macro it is defined through.
    let r = resolve("demo::select").unwrap();
    assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/macro.select.html");
    assert!(
        r.find("returning when the **first** branch completes")
            .is_some()
    );
    // Exact: Markdown emphasis is part of the source.
    assert!(
        r.find("returning when the first branch completes")
            .is_none()
    );
    // A re-export from another crate, a proc-macro attribute.
    let r = resolve("demo::main").unwrap();
    assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/attr.main.html");
    assert!(
        r.find("Marks an async function to be executed by the runtime")
            .is_some()
    );
    // A module: its inner and outer docs.
    let r = resolve("demo::sync").unwrap();
    assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/sync/index.html");
    assert!(r.find("Synchronization primitives for tasks").is_some());
    // A trait's required method.
    let r = resolve("demo::sync::Wake::wake").unwrap();
    assert_eq!(
        r.url,
        "https://docs.rs/demo/1.2.3/demo/sync/trait.Wake.html#tymethod.wake"
    );
    assert!(r.find("Wakes the task that waits").is_some());
    // An enum's variant, and the crate's root docs (after inner attributes).
    let r = resolve("demo::sync::Full::Drop").unwrap();
    assert_eq!(
        r.url,
        "https://docs.rs/demo/1.2.3/demo/sync/enum.Full.html#variant.Drop"
    );
    assert!(r.find("Drops the value (a { in a comment).").is_some());
    assert!(r.find("Waits for capacity.").is_none());
    assert!(has("demo::sync::Full::Wait", "Waits for capacity."));
    let r = resolve("demo").unwrap();
    assert_eq!(r.url, "https://docs.rs/demo/1.2.3/demo/index.html");
    assert!(r.find("A small crate shaped like tokio").is_some());
}

#[test]
fn absent_phrases_items_and_other_items_phrases_fail() {
    // The phrase is absent.
    assert!(!has("demo::sync::Sender::send", "Sends a value at once"));
    // The phrase is another method's (try_send) of the same type.
    assert!(!has(
        "demo::sync::Sender::send",
        "Attempts to send without waiting"
    ));
    // ... which the check names as near, to help the writer.
    let r = resolve("demo::sync::Sender::send").unwrap();
    assert!(r.found_nearby("Attempts to send without waiting").is_some());
    assert!(
        r.found_nearby("Broadcasts a value to every receiver")
            .is_none()
    );
    assert!(has(
        "demo::sync::Sender::try_send",
        "Attempts to send without waiting"
    ));
    // The phrase is the same-named method's of another module's Sender.
    assert!(!has(
        "demo::sync::Sender::send",
        "Broadcasts a value to every receiver"
    ));
    assert!(has(
        "demo::broadcast::Sender::send",
        "Broadcasts a value to every receiver"
    ));
    // The type's own docs are not its method's.
    assert!(!has(
        "demo::sync::Sender::send",
        "The sending half of a channel"
    ));
    assert!(has("demo::sync::Sender", "The sending half of a channel"));
    // The phrase is a private helper's, next to the item.
    assert!(!has("demo::spawn", "Only the runtime calls this"));
    // A word appended.
    assert!(!has(
        "demo::spawn",
        "Spawns a new task on the current runtime quuxly"
    ));
    // Absent items, a private function, a crate-private one, a local one.
    for absent in [
        "demo::sync::Sender::recv",
        "demo::nothing",
        "demo::sync::Receiver",
        "demo::helper",
        "demo::internal",
        "demo::local",
        "nocrate::x",
    ] {
        assert!(resolve(absent).is_err(), "{absent} resolved");
    }
}
