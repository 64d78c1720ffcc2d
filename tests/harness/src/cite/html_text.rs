//! HTML to the text a reader sees, for matching quoted phrases against rustdoc's pages:
//! tags dropped (a block's end becomes a space, inline tags nothing), entities decoded.

/// HTML to text: tags dropped (block ends become spaces), entities decoded.
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    // The part of the id attribute's tag we start in.
    if let Some(close) = rest.find('>')
        && !rest[..close].contains('<')
    {
        rest = &rest[close + 1..];
    }
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '\n'])
            .next()
            .unwrap_or("");
        if !matches!(
            name,
            "a" | "code"
                | "em"
                | "strong"
                | "span"
                | "b"
                | "i"
                | "wbr"
                | "sup"
                | "sub"
                | "del"
                | "kbd"
        ) {
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode(rest));
    out
}

fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = after;
            continue;
        };
        let entity = &after[..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_tags() {
        assert_eq!(
            crate::cite::normalize(&text_of(
                "<p>A <code>Mutex&lt;T&gt;</code> is &quot;poisoned&quot;&#x2014;it&#39;s <a href=\"x\">here</a></p><p>Next</p>"
            )),
            "A Mutex<T> is \"poisoned\"\u{2014}it's here Next"
        );
    }

    #[test]
    fn an_unknown_or_unterminated_entity_stays_as_written() {
        assert_eq!(text_of("a &bogus; b &amp c"), "a &bogus; b &amp c");
        assert_ne!(text_of("&lt;"), "&lt;");
    }
}
