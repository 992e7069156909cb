//! Links between imported documents: Hugo `ref`/`relref` targets and Zola `@/` paths become
//! relative `.md` links from one written content file to another, which dossier checks.

/// Link text with the characters that would end or break it escaped.
pub fn escape_link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
