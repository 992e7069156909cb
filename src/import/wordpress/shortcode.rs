//! WordPress shortcodes in a post's HTML: `[caption]` becomes a figure, `[embed]` an embed, and
//! every other one a visible `unconverted` block holding the call, its inner content kept. Each
//! replacement is a token (`WPIMPORTTOKEN7`) in its own paragraph, swapped for its Markdown once
//! the HTML has been converted, so the HTML converter never sees or escapes it.

use super::body::{Tokens, html_text};
use crate::import::shortcodes::strip_markup as strip_tags;

/// Shortcodes WordPress itself registers: recognised even without attributes or a closing tag.
const CORE: &[&str] = &["caption", "wp_caption", "embed", "gallery", "audio", "video", "playlist"];

/// A shortcode found in a body: its name and the 1-based line in the body where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    pub line: usize,
}

/// Replaces the shortcodes of `html` by tokens (see the module's doc).
pub fn replace(html: &str, tokens: &mut Tokens, found: &mut Vec<Found>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = 0;
    let mut at = 0;
    while let Some(i) = html[at..].find('[').map(|i| at + i) {
        at = i + 1;
        // `[[name]]` is WordPress's escape of a shortcode: written as `[name]`
        if html[i..].starts_with("[[")
            && let Some(open) = opening(html, i + 1)
            && html[open.end..].starts_with(']')
        {
            out.push_str(&html[rest..i]);
            out.push_str(&html[i + 1..open.end]);
            rest = open.end + 1;
            at = rest;
            continue;
        }
        let Some(open) = opening(html, i) else { continue };
        let closing = format!("[/{}]", open.name);
        let close = if open.self_closing { None } else { html[open.end..].find(&closing).map(|j| open.end + j) };
        let known = CORE.contains(&open.name.as_str());
        if !known && !open.attrs.contains('=') && close.is_none() {
            continue;
        }
        out.push_str(&html[rest..i]);
        let line = html[..i].matches('\n').count() + 1;
        let inner = close.map(|c| &html[open.end..c]);
        let after = close.map_or(open.end, |c| c + closing.len());
        match (open.name.as_str(), inner) {
            ("caption" | "wp_caption", Some(inner)) => out.push_str(&caption(&open.attrs, inner, tokens)),
            ("embed", Some(inner)) => out.push_str(&tokens.embed(&html_text(inner))),
            _ => {
                found.push(Found { name: open.name.clone(), line });
                out.push_str(&tokens.block(unconverted(&html[i..open.end])));
                if let Some(inner) = inner {
                    out.push_str(inner);
                    out.push_str(&tokens.block(unconverted(&closing)));
                }
            }
        }
        rest = after;
        at = after;
    }
    out.push_str(&html[rest..]);
    out
}

/// The opening tag of a shortcode at `i` (`[name attrs]`), if one starts there.
struct Opening {
    name: String,
    attrs: String,
    self_closing: bool,
    /// The byte after its `]`.
    end: usize,
}

fn opening(html: &str, i: usize) -> Option<Opening> {
    let bytes = html.as_bytes();
    let start = i + 1;
    let mut j = start;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'-') {
        j += 1;
    }
    if j == start || !bytes[start].is_ascii_alphabetic() || j >= bytes.len() {
        return None;
    }
    if !matches!(bytes[j], b' ' | b'\t' | b'\n' | b']' | b'/') {
        return None;
    }
    // the `]` that ends the tag, outside quoted attribute values
    let mut quote = None;
    let mut k = j;
    while k < bytes.len() {
        match (bytes[k], quote) {
            (b'"' | b'\'', None) => quote = Some(bytes[k]),
            (q, Some(open)) if q == open => quote = None,
            (b']', None) => break,
            (b'[' | b'<', None) => return None,
            _ => {}
        }
        k += 1;
    }
    if k >= bytes.len() {
        return None;
    }
    let inside = html[j..k].trim();
    let self_closing = inside.ends_with('/');
    Some(Opening {
        name: html[start..j].to_string(),
        attrs: inside.trim_end_matches('/').trim().to_string(),
        self_closing,
        end: k + 1,
    })
}

/// A fenced `unconverted` block holding `call` (see docs/content.md).
fn unconverted(call: &str) -> String {
    let fence = if call.contains("```") { "````" } else { "```" };
    format!("{fence}unconverted\n{call}\n{fence}")
}

/// `[caption]<a><img …></a> Text[/caption]` → `![alt](src "Text")` alone in its paragraph: a
/// figure with its caption. Without an image, the inner content is kept as it is.
fn caption(attrs: &str, inner: &str, tokens: &mut Tokens) -> String {
    let Some(img) = tag(inner, "img") else { return inner.to_string() };
    let src = attribute(img, "src").map(|s| html_text(&s)).unwrap_or_default();
    let alt = attribute(img, "alt").map(|s| html_text(&s)).unwrap_or_default();
    let text = match attribute(attrs, "caption") {
        Some(c) => html_text(&c),
        None => html_text(&strip_tags(inner)),
    };
    if src.is_empty() {
        return inner.to_string();
    }
    let alt = escape_brackets(if alt.is_empty() { &text } else { &alt });
    let title = if text.is_empty() {
        String::new()
    } else {
        format!(" \"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    };
    tokens.block(format!("![{alt}]({}{title})", super::body::destination(&src)))
}

fn escape_brackets(text: &str) -> String {
    text.replace('\\', "\\\\").replace('[', "\\[").replace(']', "\\]")
}

/// The first `<name …>` tag of `html`, without its `<` and `>`.
fn tag<'h>(html: &'h str, name: &str) -> Option<&'h str> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find(&format!("<{name}"))?;
    let end = html[start..].find('>')? + start;
    Some(&html[start + 1..end])
}

/// The value of attribute `name` in a tag's (or a shortcode's) attribute text, as written.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let bytes = tag.as_bytes();
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let before_ok = i == 0 || bytes[i - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default().to_string(),
            _ => value.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or_default().to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(html: &str) -> (String, Tokens, Vec<Found>) {
        let mut tokens = Tokens::default();
        let mut found = Vec::new();
        let out = replace(html, &mut tokens, &mut found);
        (out, tokens, found)
    }

    #[test]
    fn caption_becomes_an_image_with_its_caption() {
        let (out, tokens, found) = run(
            "[caption id=\"attachment_6\" align=\"alignright\" width=\"300\"]<a href=\"big.jpg\"><img src=\"https://ex.org/wp-content/uploads/2013/03/port.jpg\" alt=\"The port\" /></a> Ships &amp; cranes[/caption]",
        );
        assert!(found.is_empty());
        assert_eq!(
            tokens.restore(&out).trim(),
            "<p>![The port](https://ex.org/wp-content/uploads/2013/03/port.jpg \"Ships & cranes\")</p>"
        );
    }

    #[test]
    fn unknown_shortcodes_are_kept_as_visible_blocks_with_their_inner_content() {
        let (out, tokens, found) = run("a [gallery ids=\"1,2\"] b\n[note type=\"x\"]inside[/note] [sic] [[embed]]");
        assert_eq!(found, vec![Found { name: "gallery".into(), line: 1 }, Found { name: "note".into(), line: 2 }]);
        let text = tokens.restore(&out);
        assert!(text.contains("```unconverted\n[gallery ids=\"1,2\"]\n```"), "{text}");
        assert!(
            text.contains("```unconverted\n[note type=\"x\"]\n```</p>\n\ninside\n\n<p>```unconverted\n[/note]\n```"),
            "{text}"
        );
        assert!(text.contains("[sic] [embed]"), "{text}");
    }

    #[test]
    fn attributes_are_read_with_either_quote() {
        assert_eq!(attribute("img src='a.jpg' alt=\"A b\"", "alt").as_deref(), Some("A b"));
        assert_eq!(attribute("img data-src=x src=y.png", "src").as_deref(), Some("y.png"));
    }
}
