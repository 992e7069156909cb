//! Reading a WordPress export (WXR: an RSS file with `wp:` elements) in one pass over its XML
//! events, keeping only the fields the import uses: no tree of the document is built, so a
//! 100 MB export costs its text and its items, nothing more.

use crate::diagnostics::{Code, Diagnostic};
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

/// What the export holds, in the order it holds it.
#[derive(Debug, Default)]
pub struct Export {
    pub title: Option<String>,
    pub link: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    /// `wp:base_blog_url`: the site's own address, which internal links start with.
    pub base_blog_url: Option<String>,
    pub authors: Vec<Author>,
    /// Categories and tags declared at the top, with their descriptions.
    pub terms: Vec<Term>,
    pub items: Vec<Item>,
}

#[derive(Debug, Default)]
pub struct Author {
    pub login: String,
    pub display_name: String,
    pub line: usize,
}

/// A category or a tag of the export's head (`wp:category`, `wp:tag`).
#[derive(Debug, Default)]
pub struct Term {
    /// `category` or `post_tag`, as items name the taxonomy in `<category domain="…">`.
    pub taxonomy: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub line: usize,
}

/// One `<item>`: a post, a page, an attachment, a menu entry…
#[derive(Debug, Default)]
pub struct Item {
    /// The line of `<item>` in the export.
    pub line: usize,
    /// The line of `<content:encoded>`, where the body starts.
    pub content_line: usize,
    pub title: String,
    pub link: String,
    pub guid: String,
    /// `dc:creator`: the author's login.
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub post_id: String,
    pub post_date: String,
    pub post_date_gmt: String,
    pub modified_gmt: String,
    pub post_name: String,
    pub status: String,
    pub post_type: String,
    pub post_parent: String,
    pub attachment_url: String,
    /// `<category domain="category" nicename="x">Name</category>`: (taxonomy, slug, name).
    pub terms: Vec<(String, String, String)>,
    /// `wp:postmeta` pairs (`_thumbnail_id`, …).
    pub meta: Vec<(String, String)>,
}

/// Reads the export's text. `path` names the file in diagnostics.
pub fn parse(text: &str, path: &str) -> Result<Export, Vec<Diagnostic>> {
    let mut reader = Reader::from_str(text);
    let mut lines = Lines::new(text);
    let mut state = State::default();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                let (line, column) = lines.at(offset);
                return Err(vec![not_xml(path, line, column, &e.to_string())]);
            }
        };
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match event {
            Event::Start(start) => state.start(&start, lines.at(offset).0),
            Event::Empty(start) => {
                state.start(&start, lines.at(offset).0);
                state.end();
            }
            Event::End(_) => state.end(),
            Event::Text(t) => state.text.push_str(&t.xml10_content().unwrap_or_default()),
            Event::CData(t) => state.text.push_str(&t.xml10_content().unwrap_or_default()),
            Event::GeneralRef(r) => state.text.push_str(&entity(&r)),
            Event::Eof => break,
            _ => {}
        }
    }
    if !state.rss || !state.wxr {
        let what = if state.rss { "an RSS feed without `wp:` elements" } else { "XML but not an RSS feed" };
        return Err(vec![
            Diagnostic::error(format!("not a WordPress export (WXR): this is {what}"))
                .code(Code::ImportSource)
                .in_file(path)
                .with_help("export the site from WordPress: Tools → Export → All content, then pass that .xml file"),
        ]);
    }
    Ok(state.export)
}

fn not_xml(path: &str, line: usize, column: usize, error: &str) -> Diagnostic {
    let mut d = Diagnostic::error(format!("not a WordPress export: the file is not well-formed XML ({error})"))
        .code(Code::ImportSource)
        .with_help("export the site again from WordPress (Tools → Export); a cut-off download ends like this");
    d.location = Some(crate::diagnostics::Location { path: path.to_string(), line, column });
    d
}

/// The text of an entity reference: `&amp;` → `&`, `&#8217;` → `’`; an unknown one stays as written.
fn entity(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    let name = r.decode().unwrap_or_default();
    match quick_xml::escape::resolve_xml_entity(&name) {
        Some(s) => s.to_string(),
        None => format!("&{name};"),
    }
}

/// Byte offsets to 1-based lines and columns, counted forward as the reader goes (events come
/// in order, so each newline is counted once).
struct Lines<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines { text, offset: 0, line: 1, line_start: 0 }
    }

    fn at(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            // an error position can lie before the last event's end: count again from the start
            *self = Lines::new(self.text);
        }
        let bytes = &self.text.as_bytes()[self.offset..offset];
        for i in memchr::memchr_iter(b'\n', bytes) {
            self.line += 1;
            self.line_start = self.offset + i + 1;
        }
        self.offset = offset;
        let start = self.line_start.min(offset);
        let column = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (self.line, column)
    }
}

#[derive(Default)]
struct State {
    export: Export,
    /// The open elements, by qualified name.
    stack: Vec<String>,
    text: String,
    rss: bool,
    wxr: bool,
    item: Option<Item>,
    author: Option<Author>,
    term: Option<Term>,
    meta: Option<(String, String)>,
    /// The attributes of an item's open `<category>`: (domain, nicename).
    category: Option<(String, String)>,
}

impl State {
    fn start(&mut self, start: &BytesStart<'_>, line: usize) {
        let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
        self.text.clear();
        if self.stack.is_empty() && name == "rss" {
            self.rss = true;
        }
        if name.starts_with("wp:") {
            self.wxr = true;
        }
        let in_channel = self.stack.len() == 2 && self.stack[1] == "channel";
        match name.as_str() {
            "item" if in_channel => self.item = Some(Item { line, ..Item::default() }),
            "wp:author" if in_channel => self.author = Some(Author { line, ..Author::default() }),
            "wp:category" | "wp:tag" if in_channel => {
                let taxonomy = if name == "wp:tag" { "post_tag" } else { "category" };
                self.term = Some(Term { taxonomy: taxonomy.to_string(), line, ..Term::default() });
            }
            "wp:postmeta" if self.item.is_some() => self.meta = Some(Default::default()),
            "content:encoded" => {
                if let Some(item) = &mut self.item {
                    item.content_line = line;
                }
            }
            "category" if self.item.is_some() => {
                let attr = |key: &str| {
                    start
                        .try_get_attribute(key)
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned())
                        })
                        .unwrap_or_default()
                };
                self.category = Some((attr("domain"), attr("nicename")));
            }
            _ => {}
        }
        self.stack.push(name);
    }

    fn end(&mut self) {
        let Some(name) = self.stack.pop() else { return };
        let text = std::mem::take(&mut self.text);
        let parent = self.stack.last().map_or("", String::as_str);
        match parent {
            "channel" if self.stack.len() == 2 => self.channel_field(&name, text),
            "item" => self.item_field(&name, text),
            "wp:author" => {
                if let Some(a) = &mut self.author {
                    match name.as_str() {
                        "wp:author_login" => a.login = text.trim().to_string(),
                        "wp:author_display_name" => a.display_name = text.trim().to_string(),
                        _ => {}
                    }
                }
            }
            "wp:category" | "wp:tag" => {
                if let Some(t) = &mut self.term {
                    match name.as_str() {
                        "wp:category_nicename" | "wp:tag_slug" => t.slug = text.trim().to_string(),
                        "wp:cat_name" | "wp:tag_name" => t.name = text.trim().to_string(),
                        "wp:category_description" | "wp:tag_description" => t.description = text.trim().to_string(),
                        _ => {}
                    }
                }
            }
            "wp:postmeta" => {
                if let Some(m) = &mut self.meta {
                    match name.as_str() {
                        "wp:meta_key" => m.0 = text.trim().to_string(),
                        "wp:meta_value" => m.1 = text.trim().to_string(),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn channel_field(&mut self, name: &str, text: String) {
        let e = &mut self.export;
        let value = Some(text.trim().to_string()).filter(|s| !s.is_empty());
        match name {
            "title" => e.title = value,
            "link" => e.link = value,
            "description" => e.description = value,
            "language" => e.language = value,
            "wp:base_blog_url" => e.base_blog_url = value,
            "item" => e.items.extend(self.item.take()),
            "wp:author" => e.authors.extend(self.author.take()),
            "wp:category" | "wp:tag" => e.terms.extend(self.term.take()),
            _ => {}
        }
    }

    fn item_field(&mut self, name: &str, text: String) {
        if name == "wp:postmeta" {
            if let (Some(item), Some(meta)) = (&mut self.item, self.meta.take()) {
                item.meta.push(meta);
            }
            return;
        }
        let Some(item) = &mut self.item else { return };
        let trimmed = || text.trim().to_string();
        match name {
            "title" => item.title = trimmed(),
            "link" => item.link = trimmed(),
            "guid" => item.guid = trimmed(),
            "dc:creator" => item.creator = trimmed(),
            "content:encoded" => item.content = text,
            "excerpt:encoded" => item.excerpt = text,
            "wp:post_id" => item.post_id = trimmed(),
            "wp:post_date" => item.post_date = trimmed(),
            "wp:post_date_gmt" => item.post_date_gmt = trimmed(),
            "wp:post_modified_gmt" => item.modified_gmt = trimmed(),
            "wp:post_name" => item.post_name = trimmed(),
            "wp:status" => item.status = trimmed(),
            "wp:post_type" => item.post_type = trimmed(),
            "wp:post_parent" => item.post_parent = trimmed(),
            "wp:attachment_url" => item.attachment_url = trimmed(),
            "category" => {
                if let Some((domain, nicename)) = self.category.take() {
                    item.terms.push((domain, nicename, trimmed()));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>Desk &amp; Notes</title>
<wp:base_blog_url>https://example.org</wp:base_blog_url>
<wp:author><wp:author_login>ana</wp:author_login><wp:author_display_name><![CDATA[Ana Ruiz]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>trade</wp:category_nicename><wp:cat_name><![CDATA[Trade]]></wp:cat_name><wp:category_description>Tariffs.</wp:category_description></wp:category>
<item>
<title>It&#8217;s <![CDATA[a <b>title</b>]]></title>
<content:encoded><![CDATA[<p>Body &amp; more</p>]]></content:encoded>
<category domain="post_tag" nicename="wto"><![CDATA[WTO]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>
</item>
</channel>
</rss>"#;

    #[test]
    fn reads_channel_authors_terms_and_items_with_entities_and_cdata() {
        let e = parse(SMALL, "export.xml").unwrap();
        assert_eq!(e.title.as_deref(), Some("Desk & Notes"));
        assert_eq!(e.authors[0].display_name, "Ana Ruiz");
        assert_eq!((e.terms[0].slug.as_str(), e.terms[0].description.as_str()), ("trade", "Tariffs."));
        let item = &e.items[0];
        assert_eq!(item.line, 8);
        assert_eq!(item.title, "It’s a <b>title</b>");
        // CDATA is taken as it is: the entity inside is the HTML's, decoded later
        assert_eq!(item.content, "<p>Body &amp; more</p>");
        assert_eq!(item.terms, vec![("post_tag".into(), "wto".into(), "WTO".into())]);
        assert_eq!(item.meta, vec![("_thumbnail_id".into(), "9".into())]);
    }

    #[test]
    fn broken_xml_is_an_error_at_its_line_and_column() {
        let errors = parse("<rss>\n<channel>\n  <title>x</titl>\n", "site.xml").unwrap_err();
        assert_eq!(errors[0].code, Code::ImportSource);
        let at = errors[0].location.as_ref().unwrap();
        assert_eq!((at.path.as_str(), at.line), ("site.xml", 3));
    }

    #[test]
    fn xml_that_is_not_an_export_is_named_so() {
        for (text, what) in
            [("<html><p>x</p></html>", "not an RSS"), ("<rss><channel></channel></rss>", "without `wp:`")]
        {
            let errors = parse(text, "x.xml").unwrap_err();
            assert_eq!(errors[0].code, Code::ImportSource);
            assert!(errors[0].message.contains(what), "{}", errors[0].message);
        }
    }
}
