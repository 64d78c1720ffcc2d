//! The harness's own size rules, checked by its tests: no module over 500 lines and no
//! function over 80, so that each module keeps one job and each function reads at once.

use std::path::Path;

const MODULE_LINES: usize = 500;
const FUNCTION_LINES: usize = 80;

/// The functions of a rustfmt-formatted file longer than `limit` lines: name and length.
/// A function runs from its `fn` line to the first `}` at the same indentation.
fn long_functions(text: &str, limit: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        let name = line
            .trim_start()
            .split_once("fn ")
            .filter(|(before, _)| {
                before
                    .split_whitespace()
                    .all(|w| w.starts_with("pub") || matches!(w, "const" | "async" | "unsafe"))
            })
            .map(|(_, after)| {
                after
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("")
            });
        match name {
            Some(name) if !name.is_empty() && !line.trim_end().ends_with(';') => {
                let end = (i + 1..lines.len())
                    .find(|&j| lines[j].len() == indent + 1 && lines[j].ends_with('}'))
                    .unwrap_or(lines.len() - 1);
                if end - i + 1 > limit {
                    long.push((name.to_string(), end - i + 1));
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    long
}

#[test]
fn no_module_over_500_lines_and_no_function_over_80() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for file in crate::mdbook::walk(&src, "rs").unwrap() {
        let text = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(&src).unwrap().display().to_string();
        let n = text.lines().count();
        if n > MODULE_LINES {
            found.push(format!("{rel}: {n} lines (at most {MODULE_LINES})"));
        }
        for (name, len) in long_functions(&text, FUNCTION_LINES) {
            found.push(format!(
                "{rel}: fn {name} is {len} lines (at most {FUNCTION_LINES})"
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_long_function_is_found_and_a_short_one_is_not() {
    let body = |n: usize| "    x();\n".repeat(n);
    let text = format!(
        "pub fn short() {{\n{}}}\n\nimpl A {{\n    pub(crate) fn long(&self) {{\n    {}    }}\n}}\n",
        body(3),
        body(90)
    );
    let long = long_functions(&text, 80);
    assert_eq!(long.len(), 1, "{long:?}");
    assert_eq!(long[0].0, "long");
    assert!(long_functions(&text, 200).is_empty());
    // A declaration without a body is not a function to measure.
    assert!(long_functions("    fn f(&self);\n", 0).is_empty());
}
