//! Reading the built book's HTML: attribute values, as the book and browser steps need them.

/// Values of `name="…"` attributes, HTML entities for `&` undone.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(pos) = rest.find(&needle) {
        let after = &rest[pos + needle.len()..];
        let Some(end) = after.find('"') else { break };
        out.push(after[..end].replace("&amp;", "&"));
        rest = &after[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found() {
        let html = r#"<a href="a.html#x">a</a> <img src="i.png"> <p id="x">"#;
        assert_eq!(attribute_values(html, "href"), vec!["a.html#x"]);
        assert_eq!(attribute_values(html, "id"), vec!["x"]);
    }
}
