//! A record drawn for the page: for a failing model, one column (lane) per thread and one
//! row per step in the order loom ran them, the marked step highlighted, the sentence
//! above; for a passing model, one line with loom's count. Plain HTML and the theme's CSS
//! (`theme/listings.css`, `.schedule`), so it follows the light and dark themes and
//! prints.

use super::{Failing, Record};

/// The HTML under the listing.
pub fn render(record: &Record) -> String {
    match record {
        Record::Explored {
            loom, executions, ..
        } => format!(
            "<p class=\"loom-explored\">loom ran this model <strong>{executions}</strong> times, once for each schedule of its threads it had to try (it skips schedules that cannot change the outcome), and every run passed (loom {loom}).</p>\n\n"
        ),
        Record::Failing(f) => failing(f),
    }
}

fn failing(f: &Failing) -> String {
    let mut h = String::from("<figure class=\"schedule\">\n");
    h.push_str(&format!(
        "<figcaption><strong>The interleaving loom found.</strong> {}</figcaption>\n",
        inline_code(&f.summary)
    ));
    h.push_str("<div class=\"schedule-scroll\"><table>\n<thead><tr><th scope=\"col\">step</th>");
    for (lane, functions) in f.lanes.iter().zip(&f.functions) {
        h.push_str(&format!("<th scope=\"col\">{}", escape(lane)));
        if !functions.is_empty() {
            let names: Vec<String> = functions
                .split(", ")
                .map(|n| format!("<code>{}</code>", escape(n)))
                .collect();
            h.push_str(&format!(
                "<br><span class=\"schedule-fn\">in {}</span>",
                names.join(", ")
            ));
        }
        h.push_str("</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (n, row) in f.rows.iter().enumerate() {
        let class = if row.mark.is_some() {
            " class=\"schedule-marked\""
        } else {
            ""
        };
        h.push_str(&format!("<tr{class}><td>{}</td>", n + 1));
        for lane in 0..f.lanes.len() {
            if lane != row.lane {
                h.push_str("<td></td>");
                continue;
            }
            h.push_str(&format!(
                "<td><code>{}</code> {}",
                escape(&row.code),
                escape(&row.what)
            ));
            if let Some(mark) = &row.mark {
                h.push_str(&format!(
                    "<br><span class=\"schedule-mark\">✗ {}</span>",
                    escape(mark)
                ));
            }
            h.push_str("</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
    let which = if f.passed_over == 0 {
        format!(
            "the first failing run loom found: run {} of the model",
            f.execution
        )
    } else {
        format!(
            "run {} of the model, the first failing run in which every read sees the latest write; loom's earlier failing runs read older values, which `SeqCst` rules out",
            f.execution
        )
    };
    h.push_str(&format!(
        "<p class=\"schedule-ending\">Then: {}. One column per thread: <code>main</code> runs the model, the others are numbered in the order they were spawned; one row per step, in the order loom ran them. (loom {}; {}.)</p>\n",
        inline_code(f.ending.trim_end_matches('.')),
        escape(&f.loom),
        inline_code(&which)
    ));
    h.push_str("</figure>\n\n");
    h
}

/// Escaped, with `backquoted` spans as code.
fn inline_code(s: &str) -> String {
    escape(s)
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{part}</code>"),
            _ => part.to_string(),
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::tests::lost_update;

    #[test]
    fn each_step_sits_in_its_thread_s_column_and_the_marked_one_stands_out() {
        let html = render(&lost_update());
        assert!(html.contains("<th scope=\"col\">main<br><span class=\"schedule-fn\">in <code>count</code></span></th><th scope=\"col\">thread 1<br>"), "{html}");
        // Step 1 is thread 1's: the second column of three.
        assert!(
            html.contains(
                "<tr><td>1</td><td></td><td><code>counter.load(…)</code> reads 0</td><td></td></tr>"
            ),
            "{html}"
        );
        assert_eq!(html.matches("class=\"schedule-marked\"").count(), 1);
        assert!(
            html.contains("✗ overwrites thread 1&#39;s 1")
                || html.contains("✗ overwrites thread 1's 1")
        );
        assert!(html.contains("<figcaption><strong>The interleaving loom found.</strong> One increment is lost.</figcaption>"));
        assert!(html.contains("left == right"));
    }

    #[test]
    fn a_passing_model_shows_loom_s_count() {
        let html = render(&Record::Explored {
            model: "m".into(),
            loom: "0.7.3".into(),
            executions: 27,
        });
        assert!(html.contains("<strong>27</strong> times"));
    }

    #[test]
    fn backquotes_in_the_ending_are_code() {
        assert_eq!(
            inline_code("assertion `left == right` failed"),
            "assertion <code>left == right</code> failed"
        );
    }

    #[test]
    fn code_is_escaped() {
        assert_eq!(escape("Vec<&str>"), "Vec&lt;&amp;str&gt;");
    }
}
