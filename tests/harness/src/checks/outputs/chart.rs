//! A benchmark's chart against the results table it was drawn from: every value the chart
//! draws, each bar's label and the bar's length on the panel's logarithmic axis, must be
//! the figure the results table shows for that measure and that kind of unit.
//!
//! The chart is the SVG plotters writes (the listing's `--svg`): one panel per measure,
//! its caption the measure's row label (or that label and a parenthesis), the units as
//! the y axis's labels, a bar per unit with its value as a text label after it, and the x
//! axis's tick labels, from which the axis is read. A label is compared as text with the
//! results cell (both are printed by the same functions of one run); a bar's end is
//! compared with where its label's value lies on the axis, within the label's rounding
//! and one pixel (plotters draws on whole pixels).

use super::super::Problems;
use std::collections::BTreeMap;

/// One element of the SVG: `<text …>content</text>` or `<rect …/>`.
#[derive(Debug)]
struct Element {
    tag: String,
    attrs: BTreeMap<String, String>,
    text: String,
}

impl Element {
    fn num(&self, name: &str) -> f64 {
        self.attrs
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    }

    fn anchor(&self) -> &str {
        self.attrs
            .get("text-anchor")
            .map_or("start", String::as_str)
    }
}

/// The `text` and `rect` elements, in drawing order.
fn elements(svg: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let head = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        let tag: String = head.chars().take_while(|c| c.is_alphanumeric()).collect();
        if tag != "text" && tag != "rect" {
            continue;
        }
        let mut text = String::new();
        if tag == "text" && !head.ends_with('/') {
            let close = rest.find("</text>").unwrap_or(rest.len());
            text = unescape(rest[..close].trim());
            rest = &rest[close..];
        }
        out.push(Element {
            attrs: attributes(&head[tag.len()..]),
            tag,
            text,
        });
    }
    out
}

/// `name="value"` pairs.
fn attributes(head: &str) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    let mut rest = head;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim().to_string();
        let value_and_more = &rest[eq + 2..];
        let close = value_and_more.find('"').unwrap_or(value_and_more.len());
        attrs.insert(name, unescape(&value_and_more[..close]));
        rest = &value_and_more[(close + 1).min(value_and_more.len())..];
    }
    attrs
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// One panel: its caption and its elements.
struct Panel<'a> {
    title: &'a str,
    /// The y axis's labels: (y, unit), top first.
    units: Vec<(f64, &'a str)>,
    /// The x axis's tick labels: (x, label).
    ticks: Vec<(f64, &'a str)>,
    /// The bars: (centre y, x where the bar ends).
    bars: Vec<(f64, f64)>,
    /// The labels after the bars: (y, label).
    values: Vec<(f64, &'a str)>,
}

/// The panels: each starts at a caption (the texts in the largest font) and holds what
/// is drawn until the next one.
fn panels(all: &[Element]) -> Vec<Panel<'_>> {
    let size = |e: &Element| e.num("font-size");
    let caption = all
        .iter()
        .filter(|e| e.tag == "text")
        .map(size)
        .fold(f64::NAN, f64::max);
    let mut panels: Vec<Panel> = Vec::new();
    for e in all {
        if e.tag == "text" && size(e) == caption {
            panels.push(Panel {
                title: &e.text,
                units: vec![],
                ticks: vec![],
                bars: vec![],
                values: vec![],
            });
            continue;
        }
        let Some(p) = panels.last_mut() else {
            continue; // the background, before the first caption
        };
        match (e.tag.as_str(), e.anchor()) {
            ("rect", _) => p.bars.push((
                e.num("y") + e.num("height") / 2.0,
                e.num("x") + e.num("width"),
            )),
            (_, "end") if !e.text.is_empty() => p.units.push((e.num("y"), &e.text)),
            (_, "middle") if !e.text.is_empty() => p.ticks.push((e.num("x"), &e.text)),
            (_, "start") if !e.text.is_empty() => p.values.push((e.num("y"), &e.text)),
            _ => {}
        }
    }
    for p in &mut panels {
        p.units.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    panels
}

/// A figure as the listing prints it ("46.6 µs", "9.6 KiB", "337 ns"): its value in ns or
/// bytes and half its last digit (how far the value may be from what is printed).
fn quantity(label: &str) -> Option<(f64, f64)> {
    let (number, unit) = label.trim().split_once(' ')?;
    let scale = match unit {
        "ns" | "B" => 1.0,
        "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
    let half = 0.5 * 10f64.powi(-(decimals as i32));
    Some((value * scale, half * scale))
}

/// Whether `figure` occurs in `cell` as a whole figure (not the end of a longer number).
fn has_figure(cell: &str, figure: &str) -> bool {
    cell.match_indices(figure).any(|(at, _)| {
        let before = cell[..at].chars().next_back();
        let after = cell[at + figure.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
            && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The cells of a Markdown table's rows, header first (the rule left out).
fn table(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('|'))
        .filter(|l| !l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// What is wrong with the chart `svg` (named `chart`) against the results table
/// `results` (named `results_name`): each problem names the chart.
pub fn compare(svg: &str, chart: &str, results: &str, results_name: &str) -> Problems {
    let all = elements(svg);
    let panels = panels(&all);
    let rows = table(results);
    let Some((header, body)) = rows.split_first() else {
        return vec![format!("{results_name}: holds no Markdown table")];
    };
    if panels.is_empty() {
        return vec![format!("{chart}: no panel (no caption) found in the SVG")];
    }
    let mut problems = Vec::new();
    for panel in &panels {
        let row = body.iter().find(|r| {
            let label = r.first().map_or("", String::as_str);
            !label.is_empty()
                && (panel.title == label || panel.title.starts_with(&format!("{label} (")))
        });
        let Some(row) = row else {
            problems.push(format!(
                "{chart}: the panel {:?} is no row of {results_name}",
                panel.title
            ));
            continue;
        };
        problems.extend(
            compare_panel(panel, header, row)
                .into_iter()
                .map(|p| format!("{chart}: panel {:?}: {p} ({results_name})", panel.title)),
        );
    }
    problems
}

/// One panel against its row: each unit's column, label and bar.
fn compare_panel(panel: &Panel, header: &[String], row: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let axis = match Axis::from_ticks(&panel.ticks) {
        Ok(a) => a,
        Err(e) => return vec![e],
    };
    if panel.units.is_empty() {
        problems.push("no unit labels on its y axis".to_string());
    }
    for &(y, unit) in &panel.units {
        let unit_words = words(unit);
        let columns: Vec<usize> = (1..header.len())
            .filter(|&i| {
                let cell = words(&header[i]);
                unit_words.iter().all(|w| cell.contains(w))
            })
            .collect();
        let [column] = columns[..] else {
            problems.push(format!(
                "the unit {unit:?} names {} columns of the table's header, not one",
                columns.len()
            ));
            continue;
        };
        let cell = row.get(column).map_or("", String::as_str);
        let near = |of: f64| (of - y).abs() < 6.0;
        let label = panel.values.iter().find(|(vy, _)| near(*vy)).map(|v| v.1);
        let bar = panel.bars.iter().find(|(by, _)| near(*by)).map(|b| b.1);
        let Some(label) = label else {
            problems.push(format!("{unit}: no value label beside its bar"));
            continue;
        };
        if !has_figure(cell, label) {
            problems.push(format!(
                "{unit}: the chart shows {label:?} but the results cell is {cell:?}"
            ));
            continue;
        }
        match (bar, quantity(label)) {
            (None, _) if label == "not measured" => {}
            (None, _) => problems.push(format!("{unit}: no bar for {label:?}")),
            (Some(_), None) => problems.push(format!("{unit}: {label:?} is not a figure")),
            (Some(end), Some((value, half))) => {
                let (low, high) = (axis.x(value - half) - 1.0, axis.x(value + half) + 1.0);
                if !(low..=high).contains(&end) {
                    problems.push(format!(
                        "{unit}: its bar ends at x = {end} but {label} lies at x = {:.1} on \
                         the axis (read from its ticks {}): the bar does not draw the figure",
                        axis.x(value),
                        axis.describe()
                    ));
                }
            }
        }
    }
    problems
}

/// A logarithmic x axis, read from two of its tick labels (the first and the last).
struct Axis {
    ticks: [(f64, f64, String); 2],
}

impl Axis {
    fn from_ticks(ticks: &[(f64, &str)]) -> Result<Axis, String> {
        let read: Vec<(f64, f64, String)> = ticks
            .iter()
            .filter_map(|(x, t)| Some((*x, quantity(t)?.0, t.to_string())))
            .filter(|(x, v, _)| x.is_finite() && *v > 0.0)
            .collect();
        match (read.first(), read.last()) {
            (Some(a), Some(b)) if b.0 > a.0 && b.1 > a.1 => Ok(Axis {
                ticks: [a.clone(), b.clone()],
            }),
            _ => Err(format!(
                "its x axis has no two tick labels to read the scale from ({ticks:?})"
            )),
        }
    }

    /// Where `value` lies on the axis.
    fn x(&self, value: f64) -> f64 {
        let [(x0, v0, _), (x1, v1, _)] = &self.ticks;
        x0 + (value.ln() - v0.ln()) * (x1 - x0) / (v1.ln() - v0.ln())
    }

    fn describe(&self) -> String {
        let [(x0, _, t0), (x1, _, t1)] = &self.ticks;
        format!("{t0} at x = {x0}, {t1} at x = {x1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The chart and results of one real run of listing 1-20, as committed.
    const SVG: &str = include_str!("../../../fixtures/chart/threads-vs-tasks.svg");
    const RESULTS: &str = include_str!("../../../fixtures/chart/results.md");

    fn problems(svg: &str, results: &str) -> Problems {
        compare(svg, "c.svg", results, "results.md")
    }

    #[test]
    fn the_real_chart_draws_its_results() {
        assert_eq!(problems(SVG, RESULTS), Problems::new());
        let all = elements(SVG);
        let p = panels(&all);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].units.len(), 4);
        assert_eq!(p[0].units[0].1, "std thread");
        assert_eq!(p[2].values[0].1, "45.0 µs");
    }

    #[test]
    fn figures() {
        assert_eq!(quantity("46.6 µs"), Some((46_600.0, 50.0)));
        assert_eq!(quantity("9.6 KiB"), Some((9.6 * 1024.0, 0.05 * 1024.0)));
        assert_eq!(quantity("337 ns"), Some((337.0, 0.5)));
        assert_eq!(quantity("not measured"), None);
        assert!(has_figure(
            "2 MiB stack reserved, 9.6 KiB of it resident",
            "9.6 KiB"
        ));
        assert!(has_figure("256 B heap", "256 B"));
        assert!(!has_figure("256 B heap", "56 B"));
        assert!(!has_figure("1.56 B", "56 B"));
        assert!(!has_figure("45 Bytes", "45 B"));
    }

    /// Each edit must fail, naming the chart.
    #[test]
    fn a_chart_that_does_not_draw_its_results_fails() {
        let fails = |svg: &str, results: &str, expected: &str| {
            let p = problems(svg, results);
            assert_eq!(p.len(), 1, "{expected}: {p:?}");
            assert!(p[0].starts_with("c.svg: "), "{p:?}");
            assert!(p[0].contains(expected), "{p:?}");
        };
        // A bar drawn to another value (its label unchanged): 450 px → 420 px.
        let bar = r##"<rect x="158" y="60" width="450" "##;
        assert!(SVG.contains(bar));
        fails(
            &SVG.replacen(bar, r##"<rect x="158" y="60" width="420" "##, 1),
            RESULTS,
            "std thread: its bar ends at x = 578 but 46.6 µs lies at x = 607.",
        );
        // Two pixels off is already too far for a three-digit label.
        fails(
            &SVG.replacen(bar, r##"<rect x="158" y="60" width="452" "##, 1),
            RESULTS,
            "the bar does not draw the figure",
        );
        // A label the results do not have.
        fails(
            &SVG.replacen(" 337 ns\n", " 338 ns\n", 1),
            RESULTS,
            "tokio, multi_thread: the chart shows \"338 ns\" but the results cell is \"337 ns\"",
        );
        // The results changed after the chart was drawn.
        fails(
            SVG,
            &RESULTS.replacen("| 568 ns (`mpsc`", "| 578 ns (`mpsc`", 1),
            "the chart shows \"568 ns\"",
        );
        // A panel whose measure is no row of the table.
        fails(
            &SVG.replacen("message round trip (ping-pong)", "message round trip", 1),
            RESULTS,
            "the panel \"message round trip\" is no row of results.md",
        );
        // Columns swapped in the table's header.
        let swapped = RESULTS.replacen(
            "| tokio task, multi_thread (2 workers) | tokio task, current_thread |",
            "| tokio task, current_thread | tokio task, multi_thread (2 workers) |",
            1,
        );
        assert!(!problems(SVG, &swapped).is_empty());
        assert!(problems(SVG, "no table").len() == 1);
    }
}
