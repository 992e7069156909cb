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

use crate::urls::normalize_path as normalize;
use std::collections::HashMap;

/// Where each imported document is written, for resolving links between them.
#[derive(Debug, Default)]
pub struct LinkIndex {
    /// Source path relative to the content folder (`posts/lima.md`, `posts/b/index.md`) → the
    /// written file (`content/posts/lima.md`).
    by_source: HashMap<String, String>,
    /// A file's stem or a bundle's folder name → the written files of that name.
    by_name: HashMap<String, Vec<String>>,
}

impl LinkIndex {
    /// Makes the index from (source path relative to the content folder, written file) pairs.
    pub fn new(entries: impl IntoIterator<Item = (String, String)>) -> LinkIndex {
        let mut index = LinkIndex::default();
        for (source, written) in entries {
            let name = source.trim_end_matches(".md").trim_end_matches("/_index").trim_end_matches("/index");
            let name = name.rsplit('/').next().unwrap_or(name).to_string();
            index.by_name.entry(name).or_default().push(written.clone());
            index.by_source.insert(source, written);
        }
        index
    }

    /// The relative link from the written file `from` (whose source is `from_source`) to the
    /// document `target` names: a path relative to the source page or the content folder, with
    /// or without `.md`, a bundle's or section's folder, or a unique file name; an `#anchor` kept.
    pub fn resolve(&self, from: &str, from_source: &str, target: &str) -> Option<String> {
        let target = target.trim();
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let written = if path.is_empty() { Some(from.to_string()) } else { self.find(from_source, path) }?;
        let mut link = relative(from, &written);
        if let Some(a) = anchor.filter(|a| !a.is_empty()) {
            link.push('#');
            link.push_str(a);
        }
        Some(link)
    }

    fn find(&self, from_source: &str, path: &str) -> Option<String> {
        let path = path.trim_end_matches('/');
        let from_dir = from_source.rsplit_once('/').map_or("", |(d, _)| d);
        let mut bases = Vec::new();
        if let Some(absolute) = path.strip_prefix('/') {
            bases.push(normalize(absolute));
        } else {
            bases.push(normalize(&format!("{from_dir}/{path}")));
            bases.push(normalize(path));
        }
        for base in bases.into_iter().flatten() {
            for candidate in
                [base.clone(), format!("{base}.md"), format!("{base}/index.md"), format!("{base}/_index.md")]
            {
                if let Some(w) = self.by_source.get(&candidate) {
                    return Some(w.clone());
                }
            }
        }
        let name = path.rsplit('/').next()?.trim_end_matches(".md");
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        }
    }
}

/// The relative path from the file `from` to the file `to` (both `/`-separated, from one root).
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dirs.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

/// Markdown links written as addresses of the source site (`/posts/lima/`, `../lima/#why`,
/// relative to the page's address `page_url`) that name an imported page: rewritten as relative
/// `.md` links from the written file `from`, which dossier checks and keeps right if addresses
/// change. Other links are left as written. Links are found by parsing the Markdown, so text in
/// code is never touched.
pub fn site_links(body: &str, page_url: &str, from: &str, by_url: &HashMap<String, String>) -> String {
    use pulldown_cmark::{Event, Tag};
    let parser = pulldown_cmark::Parser::new_ext(body, crate::markdown::options());
    // reference definitions (`[x]: /posts/lima/`) and inline links, each with where it is written
    let mut found: Vec<(std::ops::Range<usize>, String)> =
        parser.reference_definitions().iter().map(|(_, def)| (def.span.clone(), def.dest.to_string())).collect();
    for (event, range) in parser.into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. }) = event {
            found.push((range, dest_url.to_string()));
        }
    }
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (range, dest) in found {
        let Some(link) = site_link(&dest, page_url, from, by_url) else { continue };
        if let Some(at) = body[range.clone()].rfind(dest.as_str()) {
            let start = range.start + at;
            edits.push((start..start + dest.len(), link));
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(body.len());
    let mut copied = 0;
    for (range, text) in edits {
        if range.start < copied {
            continue;
        }
        out.push_str(&body[copied..range.start]);
        out.push_str(&text);
        copied = range.end;
    }
    out.push_str(&body[copied..]);
    out
}

/// The `.md` link for one destination written as an old address, if it names an imported page.
fn site_link(dest: &str, page_url: &str, from: &str, by_url: &HashMap<String, String>) -> Option<String> {
    if dest.is_empty() || dest.starts_with('#') || dest.contains(':') || dest.ends_with(".md") || dest.contains(".md#")
    {
        return None;
    }
    let (path, anchor) = dest.split_once('#').map_or((dest, None), |(p, a)| (p, Some(a)));
    let path = path.split('?').next().unwrap_or(path);
    // relative to the page's address, else (as Hugo's `GetPage` does) to the site's root;
    // addresses compared in lower case too, as Hugo writes them
    let mut candidates = vec![path.to_string()];
    if !path.starts_with('/') {
        candidates.insert(0, format!("{}/{path}", page_url.trim_end_matches('/')));
    }
    let file = candidates.iter().find_map(|c| {
        let key = normalize(c).and_then(|p| crate::frontmatter::normalize_site_path(&p).ok())?;
        by_url.get(&key).or_else(|| by_url.get(&key.to_lowercase()))
    })?;
    let mut link = relative(from, file);
    if let Some(a) = anchor.filter(|a| !a.is_empty()) {
        link.push('#');
        link.push_str(a);
    }
    Some(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_to_relative_links_between_written_files() {
        let index = LinkIndex::new([
            ("posts/lima.md".to_string(), "content/posts/lima.md".to_string()),
            ("posts/chips/index.md".to_string(), "content/posts/chips/index.md".to_string()),
            ("about/_index.md".to_string(), "content/about/_index.md".to_string()),
        ]);
        let from = ("content/posts/chips/index.md", "posts/chips/index.md");
        assert_eq!(index.resolve(from.0, from.1, "/posts/lima.md").as_deref(), Some("../lima.md"));
        assert_eq!(index.resolve(from.0, from.1, "posts/lima#why").as_deref(), Some("../lima.md#why"));
        assert_eq!(index.resolve(from.0, from.1, "lima").as_deref(), Some("../lima.md"));
        assert_eq!(index.resolve("content/posts/lima.md", "posts/lima.md", "chips").as_deref(), Some("chips/index.md"));
        assert_eq!(index.resolve(from.0, from.1, "/about").as_deref(), Some("../../about/_index.md"));
        assert_eq!(index.resolve(from.0, from.1, "#top").as_deref(), Some("index.md#top"));
        assert_eq!(index.resolve(from.0, from.1, "nowhere"), None);
        assert_eq!(index.resolve(from.0, from.1, "../../../x"), None);
    }

    #[test]
    fn links_written_as_addresses_become_md_links_outside_code() {
        let by_url: HashMap<String, String> = [
            ("/posts/lima/".to_string(), "content/posts/lima.md".to_string()),
            ("/about/".to_string(), "content/about/_index.md".to_string()),
        ]
        .into_iter()
        .collect();
        let body = "See [Lima](/posts/lima/#why), [about](../../about) and [x](/nowhere/).\n\n`[code](/posts/lima/)`\n\n[ref]: /Posts/Lima/\n";
        let out = site_links(body, "/posts/chips/", "content/posts/chips/index.md", &by_url);
        assert_eq!(
            out,
            "See [Lima](../lima.md#why), [about](../../about/_index.md) and [x](/nowhere/).\n\n`[code](/posts/lima/)`\n\n[ref]: ../lima.md\n"
        );
    }
}
