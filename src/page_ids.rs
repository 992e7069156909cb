//! Ids on pages: those the templates in use write (reserved before bodies are parsed, so that
//! heading and footnote ids step around them), and those each rendered page holds, which
//! `#anchor` links are checked against once pages are rendered.

use crate::diagnostics::{Code, Diagnostic, SourceFile, closest};
use crate::load::{ContentFile, TemplateFile};
use crate::parse::ContentKind;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

/// The anchor of source `id` in an explainer's Sources list, which `[n](source:id)` links to.
pub fn source_anchor(id: &str) -> String {
    format!("source-{id}")
}

/// The ids the templates write as they are (`id="main"`, not `id="{{ s.anchor }}"`), for each
/// kind of page with a body, from its template and every template it extends, includes or
/// imports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateIds {
    pub explainer: FxHashSet<String>,
    pub actor: FxHashSet<String>,
    pub topic: FxHashSet<String>,
    pub home: FxHashSet<String>,
    pub section: FxHashSet<String>,
}

/// The template each kind of page with a body is rendered with.
const PAGE_TEMPLATES: [(ContentKind, &str); 5] = [
    (ContentKind::Explainer, "explainer.html"),
    (ContentKind::Actor, "actor.html"),
    (ContentKind::Topic, "topic.html"),
    (ContentKind::Home, "index.html"),
    (ContentKind::Section, "section.html"),
];

impl TemplateIds {
    pub fn from_templates(templates: &[TemplateFile]) -> TemplateIds {
        let by_name: FxHashMap<&str, &str> = templates.iter().map(|t| (t.name.as_str(), t.text.as_str())).collect();
        let mut ids = TemplateIds::default();
        for (kind, template) in PAGE_TEMPLATES {
            let set = ids.for_kind_mut(kind);
            for text in reachable(&by_name, template) {
                set.extend(written_ids(text));
            }
        }
        ids
    }

    pub fn for_kind(&self, kind: ContentKind) -> &FxHashSet<String> {
        match kind {
            ContentKind::Explainer => &self.explainer,
            ContentKind::Actor => &self.actor,
            ContentKind::Topic => &self.topic,
            ContentKind::Home => &self.home,
            ContentKind::Section => &self.section,
        }
    }

    fn for_kind_mut(&mut self, kind: ContentKind) -> &mut FxHashSet<String> {
        match kind {
            ContentKind::Explainer => &mut self.explainer,
            ContentKind::Actor => &mut self.actor,
            ContentKind::Topic => &mut self.topic,
            ContentKind::Home => &mut self.home,
            ContentKind::Section => &mut self.section,
        }
    }
}

/// The text of `name` and of every template it extends, includes or imports, once each.
fn reachable<'a>(by_name: &FxHashMap<&str, &'a str>, name: &str) -> Vec<&'a str> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    let mut texts = Vec::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(&text) = by_name.get(name.as_str()) else { continue };
        texts.push(text);
        todo.extend(referenced_templates(text));
    }
    texts
}

/// The templates a Tera template names in `extends`, `include` and `import` tags.
fn referenced_templates(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or_default().trim().trim_start_matches('-').trim_start();
        let Some(rest) = ["extends", "include", "import"].iter().find_map(|kw| tag.strip_prefix(kw)) else {
            continue;
        };
        // every quoted name: `include ["a.html", "b.html"]` names several
        for (i, piece) in rest.split(['"', '\'']).enumerate() {
            if i % 2 == 1 && !piece.is_empty() {
                names.push(piece.to_string());
            }
        }
    }
    names
}

/// The ids a template's text writes as they are: `id="x"` or `id='x'` after a space, without
/// Tera expressions in them.
fn written_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for (at, _) in text.match_indices("id=") {
        if !text[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let rest = &text[at + 3..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        let Some(end) = rest[1..].find(quote) else { continue };
        let value = &rest[1..1 + end];
        if !value.is_empty() && !value.contains("{{") && !value.contains("{%") {
            ids.push(value.to_string());
        }
    }
    ids
}

/// The ids of a rendered page, as written in its start tags (`id="…"`, entities decoded), in
/// order; with `names`, also `name="…"` on `a`, which browsers scroll to as well (only raw HTML
/// passed through by `trusted` writes one: `sanitize` makes it `id`, and looking for them on
/// every page would double the cost of this scan, a few percent of a build). Text holds no `<`
/// or `>` (they are escaped), so an attribute is in a tag when the nearest of the two before it
/// is a `<`.
pub fn ids_in_html(html: &[u8], names: bool) -> Vec<String> {
    let mut ids = Vec::new();
    let name_hits = names.then(|| memchr::memmem::find_iter(html, b"name=\"").map(|at| (at, true)));
    for (at, is_name) in
        memchr::memmem::find_iter(html, b"id=\"").map(|at| (at, false)).chain(name_hits.into_iter().flatten())
    {
        if at == 0 || !html[at - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(lt) = memchr::memrchr2(b'<', b'>', &html[..at]).filter(|&i| html[i] == b'<') else { continue };
        if is_name && !(html.get(lt + 1) == Some(&b'a') && html.get(lt + 2).is_some_and(u8::is_ascii_whitespace)) {
            continue;
        }
        let value_start = at + if is_name { 6 } else { 4 };
        let Some(len) = memchr::memchr(b'"', &html[value_start..]) else { continue };
        let value = String::from_utf8_lossy(&html[value_start..value_start + len]);
        ids.push((at, decode_entities(&value)));
    }
    if names {
        ids.sort_by_key(|(at, _)| *at);
    }
    ids.into_iter().map(|(_, id)| id).collect()
}

/// An attribute value as templates and the sanitizer escape it, decoded.
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The ids of every rendered HTML page, by output path.
pub type RenderedIds = FxHashMap<String, Vec<String>>;

/// A `#fragment` of a link, to check against the page it leads to once that page is rendered.
#[derive(Debug, Clone)]
pub struct AnchorCheck<'s> {
    /// The file the link is written in, and where.
    pub file: &'s ContentFile,
    pub offset: usize,
    pub len: usize,
    /// The output file of the page it leads to (`articles/x/index.html`).
    pub page: String,
    pub fragment: String,
    /// The content file of the page, when it is another one, to name in the error.
    pub target_file: Option<String>,
}

/// The errors of `checks` against the pages as rendered: a fragment that no element of its page
/// has as id.
pub fn check_anchors(checks: &[AnchorCheck<'_>], rendered: &RenderedIds) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // the checks of one file come together: its line starts are found once, not once per error
    let mut source: Option<SourceFile<'_>> = None;
    for check in checks {
        let Some(ids) = rendered.get(&check.page) else { continue };
        let decoded = percent_encoding::percent_decode_str(&check.fragment).decode_utf8_lossy();
        // `#top` leads to the top of any page (the HTML standard's "indicated part" rules)
        if decoded.eq_ignore_ascii_case("top") || ids.iter().any(|id| *id == check.fragment || *id == decoded) {
            continue;
        }
        if source.as_ref().is_none_or(|s| !std::ptr::eq(s.text, check.file.text.as_str())) {
            source = Some(SourceFile::new(&check.file.path, &check.file.text));
        }
        let source = source.as_ref().expect("just set");
        let page = format!("/{}", check.page.strip_suffix("index.html").unwrap_or(&check.page));
        let in_file = check.target_file.as_ref().map(|f| format!(" (content/{f})")).unwrap_or_default();
        let mut d = Diagnostic::error(format!("no element with the id `#{}` on {page}{in_file}", check.fragment))
            .code(Code::Anchor)
            .at(source, check.offset, check.len);
        let suggestion = closest(&check.fragment, ids.iter().map(String::as_str)).map(|s| format!("#{s}"));
        d = match suggestion {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!(
                "the page's ids are: {}",
                ids.iter().take(12).map(|i| format!("`#{i}`")).collect::<Vec<_>>().join(", ")
            )),
        };
        diagnostics.push(d);
    }
    diagnostics
}

/// The errors for ids written twice on a rendered page: a template and a body that both write
/// one (a template override's own ids), or a template that writes one twice.
pub fn duplicate_ids(page: &str, ids: &[String], source: Option<&str>) -> Vec<Diagnostic> {
    let mut seen = FxHashSet::default();
    let mut reported = BTreeSet::new();
    for id in ids {
        if !seen.insert(id.as_str()) {
            reported.insert(id.as_str());
        }
    }
    let page = format!("/{}", page.strip_suffix("index.html").unwrap_or(page));
    reported
        .into_iter()
        .map(|id| {
            let from = source.map(|s| format!(" ({s})")).unwrap_or_default();
            Diagnostic::error(format!("the id `{id}` is on the page {page} twice{from}")).code(Code::IdTaken).with_help(
                "an id must be unique on a page: rename the heading or the id in the body, or the one in the template",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str, text: &str) -> TemplateFile {
        TemplateFile { name: name.into(), origin: format!("templates/{name}"), text: text.into() }
    }

    #[test]
    fn ids_come_from_the_templates_a_page_uses() {
        let templates = [
            template("base.html", "<main id=\"main\">{% block content %}{% endblock %}</main>"),
            template(
                "explainer.html",
                "{% extends \"base.html\" %}<section id='sources'>{% include \"partials/x.html\" %}<li id=\"{{ s.anchor }}\">",
            ),
            template("partials/x.html", "<div data-id=\"no\" id=\"inner\">"),
            template("actor.html", "{% extends \"base.html\" %}<section id=\"quotes\">"),
        ];
        let ids = TemplateIds::from_templates(&templates);
        let sorted = |set: &FxHashSet<String>| set.iter().cloned().collect::<BTreeSet<_>>();
        assert_eq!(sorted(&ids.explainer), BTreeSet::from(["main".into(), "sources".into(), "inner".into()]));
        assert_eq!(sorted(&ids.actor), BTreeSet::from(["main".into(), "quotes".into()]));
        assert!(ids.topic.is_empty(), "no topic template here");
    }

    #[test]
    fn rendered_ids_are_those_of_tags() {
        let html = b"<h2 id=\"a&amp;b\">x</h2><p>write id=\"not-one\" in text</p><pre>&lt;div id=\"no\"&gt;</pre><div\n id=\"c\"><a name=\"d\"></a><input name=\"e\">";
        assert_eq!(ids_in_html(html, true), ["a&b", "c", "d"]);
        assert_eq!(ids_in_html(html, false), ["a&b", "c"]);
    }

    #[test]
    fn duplicates_are_reported_once() {
        let ids: Vec<String> = ["a", "b", "a", "a"].iter().map(|s| s.to_string()).collect();
        let d = duplicate_ids("articles/x/index.html", &ids, Some("content/articles/x.md"));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "the id `a` is on the page /articles/x/ twice (content/articles/x.md)");
    }
}
