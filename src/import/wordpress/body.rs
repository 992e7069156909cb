//! A post's HTML as dossier Markdown: shortcodes replaced, Gutenberg block comments dropped,
//! WordPress's automatic paragraphs (`wpautop`) made, the HTML converted by `mdka`, then every
//! link and image resolved: the site's own posts become `.md` links, uploads become bundle files,
//! unsafe schemes are dropped (the text stays).

use super::shortcode;
use crate::import::archive::FileCopy;
use pulldown_cmark::{Event, Options, Parser, Tag};
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// Markdown blocks waiting for their place in the converted text (see [`shortcode`]).
#[derive(Debug, Default)]
pub struct Tokens {
    blocks: Vec<String>,
    /// Hosts of the embeds made, for `[markdown] embed_hosts`.
    pub embed_hosts: Vec<&'static str>,
}

const TOKEN: &str = "WPIMPORTTOKEN";

impl Tokens {
    /// A paragraph holding a token that [`Tokens::restore`] turns into `markdown`.
    pub fn block(&mut self, markdown: String) -> String {
        self.blocks.push(markdown);
        format!("\n\n<p>{TOKEN}{}END</p>\n\n", self.blocks.len() - 1)
    }

    /// An oEmbed URL: the embed's HTML when the host is one dossier embeds, else a link.
    pub fn embed(&mut self, url: &str) -> String {
        match crate::import::embed::embed_html(url) {
            Some((html, host)) => {
                if !self.embed_hosts.contains(&host) {
                    self.embed_hosts.push(host);
                }
                self.block(html)
            }
            None => self.block(format!("<{url}>")),
        }
    }

    /// The text with every token replaced by its block.
    pub fn restore(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find(TOKEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + TOKEN.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let block = after[..digits].parse::<usize>().ok().and_then(|n| self.blocks.get(n));
            match (block, after[digits..].strip_prefix("END")) {
                (Some(block), Some(tail)) => {
                    out.push_str(block);
                    rest = tail;
                }
                _ => {
                    out.push_str(TOKEN);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// What links and images of a body are resolved against.
pub struct Site<'a> {
    /// The site's own addresses (`https://example.org`), without the trailing `/`.
    pub prefixes: Vec<String>,
    /// Old URL paths (`/2013/01/lima/`) and post ids of the imported documents → their index.
    pub by_path: &'a HashMap<String, usize>,
    pub by_id: &'a HashMap<String, usize>,
    /// The `wp-content/uploads` folder, when given.
    pub uploads: Option<&'a Path>,
}

/// A body converted, with what it needs and what it lacks.
#[derive(Debug, Default)]
pub struct Converted {
    /// Markdown; links to other documents are written `wpdoc:INDEX` until every document's file
    /// is known (see `wordpress::link_documents`).
    pub markdown: String,
    pub resources: Vec<FileCopy>,
    /// Upload URLs not found under `--uploads`.
    pub missing: Vec<String>,
    /// Upload URLs left pointing at the old site because no `--uploads` was given.
    pub remote: usize,
    pub shortcodes: Vec<shortcode::Found>,
    pub embed_hosts: Vec<&'static str>,
    /// The anchors of its headings (`## What changed` → `what-changed`), as dossier makes them.
    pub anchors: BTreeSet<String>,
    /// Links to an anchor of the page itself that the page does not have (a theme's `#top`):
    /// dossier would reject them, so they are text now.
    pub dropped_anchors: usize,
}

/// Converts a post's `content:encoded`.
pub fn convert(html: &str, site: &Site<'_>) -> Converted {
    let mut tokens = Tokens::default();
    let mut converted = Converted::default();
    let blocks = html.contains("<!-- wp:");
    let html = shortcode::replace(html, &mut tokens, &mut converted.shortcodes);
    let html = drop_block_comments(&html, &mut tokens);
    let html = embed_lines(&html, &mut tokens);
    // the block editor writes its paragraphs; the classic editor leaves them to `wpautop`
    let html = if blocks { html } else { autop(&html) };
    let markdown = html_to_markdown(&html);
    let markdown = level_headings(&tokens.restore(&markdown));
    converted.markdown = rewrite_links(&markdown, site, &mut converted);
    converted.embed_hosts = tokens.embed_hosts;
    converted
}

/// HTML to Markdown, by `mdka` (ids of elements are not kept: dossier makes its own anchors).
pub fn html_to_markdown(html: &str) -> String {
    let options = mdka::ConversionOptions::default().preserve_ids(false);
    let markdown = mdka::html_to_markdown_with(html, &options);
    let mut out = markdown.trim().to_string();
    out.push('\n');
    out
}

/// Decodes the HTML entities of a piece of text and collapses its white space.
pub fn html_text(text: &str) -> String {
    let decoded = quick_xml::escape::unescape_with(text, quick_xml::escape::resolve_html5_entity)
        .map_or_else(|_| text.to_string(), |s| s.into_owned());
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Markdown link destination for `url`: in `<…>` when it holds spaces or parentheses.
pub fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Drops `<!-- wp:… -->` and `<!-- /wp:… -->`; `<!--more-->` becomes dossier's `<!-- more -->`.
fn drop_block_comments(html: &str, tokens: &mut Tokens) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i..].find("-->").map(|e| i + e + 3) else {
            rest = &rest[i..];
            break;
        };
        let inside = rest[i + 4..end - 3].trim();
        if inside == "more" || inside.starts_with("more ") {
            out.push_str(&tokens.block("<!-- more -->".to_string()));
        } else if !(inside.starts_with("wp:") || inside.starts_with("/wp:")) {
            out.push_str(&rest[i..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A URL alone on its line is an oEmbed in WordPress: an embed when dossier can make one.
fn embed_lines(html: &str, tokens: &mut Tokens) -> String {
    let mut out = String::with_capacity(html.len());
    for line in html.split_inclusive('\n') {
        let url = line.trim();
        let bare = (url.starts_with("https://") || url.starts_with("http://")) && !url.contains([' ', '<', '"']);
        if bare && crate::import::embed::embed_html(&html_text(url)).is_some() {
            out.push_str(&tokens.embed(&html_text(url)));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Tags that start a block: a chunk of the classic editor's text that starts with one is left as
/// it is; any other chunk becomes a paragraph.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "audio",
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "iframe",
    "li",
    "math",
    "menu",
    "nav",
    "object",
    "ol",
    "p",
    "pre",
    "script",
    "section",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "video",
    "!--",
];

/// WordPress's `wpautop`: text separated by blank lines becomes paragraphs, a single line break
/// inside one a `<br>`; blocks that are HTML already and `<pre>` are left alone.
pub fn autop(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html.as_str();
    // `<pre>` keeps its blank lines and breaks: paragraphs are made only around it
    while let Some(start) = find_tag(rest, "pre") {
        let end = rest[start..].find("</pre>").map_or(rest.len(), |e| start + e + "</pre>".len());
        autop_text(&rest[..start], &mut out);
        out.push_str("\n\n");
        out.push_str(&rest[start..end]);
        out.push_str("\n\n");
        rest = &rest[end..];
    }
    autop_text(rest, &mut out);
    out
}

fn find_tag(html: &str, name: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&open).map(|i| from + i) {
        if lower[i + open.len()..].starts_with(['>', ' ', '\t', '\n']) {
            return Some(i);
        }
        from = i + open.len();
    }
    None
}

fn autop_text(text: &str, out: &mut String) {
    for chunk in split_at_blocks(text).split("\n\n") {
        let chunk = chunk.trim();
        if chunk.is_empty() {
            continue;
        }
        if block_tag_at(chunk, 0).is_some() {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br />\n"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
    }
}

/// The length of the block tag (`<ul …>`, `</ul>`, `<!-- … -->`) that starts `text` at `at`.
fn block_tag_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let lower = rest.get(..rest.len().min(12))?.to_ascii_lowercase();
    let name = lower.strip_prefix("</").or_else(|| lower.strip_prefix('<'))?;
    let block = BLOCK_TAGS.iter().any(|t| {
        name.strip_prefix(t).is_some_and(|after| *t == "!--" || after.starts_with(['>', ' ', '/', '\n', '\t']))
    });
    if !block {
        return None;
    }
    let end = if name.starts_with("!--") { rest.find("-->").map(|e| e + 3) } else { rest.find('>').map(|e| e + 1) };
    Some(end.unwrap_or(rest.len()))
}

/// Puts a blank line before every opening block tag and after every closing one, as `wpautop`
/// does, so that text between blocks is a paragraph of its own and blocks are never wrapped.
fn split_at_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut at = 0;
    while let Some(i) = text[at..].find('<').map(|i| at + i) {
        out.push_str(&text[at..i]);
        match block_tag_at(text, i) {
            Some(len) => {
                let closing = text[i..].starts_with("</");
                if !closing {
                    out.push_str("\n\n");
                }
                out.push_str(&text[i..i + len]);
                if closing || text[i..].starts_with("<!--") || text[i..i + len].ends_with("/>") {
                    out.push_str("\n\n");
                }
                at = i + len;
            }
            None => {
                out.push('<');
                at = i + 1;
            }
        }
    }
    out.push_str(&text[at..]);
    out
}

/// What becomes of one link or image destination.
enum Action {
    Keep,
    /// A new destination.
    To(String),
    /// An unsafe scheme: the link goes, its text stays.
    Drop,
}

/// Resolves every link and image of `markdown` (see the module's doc).
fn rewrite_links(markdown: &str, site: &Site<'_>, converted: &mut Converted) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    converted.anchors = heading_anchors(markdown, options);
    // (start, end, replacement): non-overlapping, in the order of the text
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        let (dest, image) = match &event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url.to_string(), false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url.to_string(), true),
            _ => continue,
        };
        let written = &markdown[range.clone()];
        // the destination follows the last `](` of an inline link (an image inside a link
        // comes before it); autolinks and reference links have none and are left as they are
        let Some(open) = written.rfind("](") else { continue };
        let edit = match resolve(&dest, image, site, converted) {
            Action::Keep => continue,
            Action::To(new) => {
                let start = range.start + open + 2;
                (start, start + destination_len(&markdown[start..range.end]), destination(&new))
            }
            Action::Drop => {
                let text_start = if image { 2 } else { 1 };
                (range.start, range.end, written[text_start..open].to_string())
            }
        };
        if edits.last().is_none_or(|last| edit.0 >= last.1) {
            edits.push(edit);
        }
    }
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (start, end, new) in edits {
        out.push_str(&markdown[at..start]);
        out.push_str(&new);
        at = end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// Headings that skip a level (an `<h3>` first in a post, under the page's `<h1>` title; an
/// `<h4>` under an `<h2>`) are raised to one below the heading before them: HTML checkers
/// reject skipped levels, and screen readers navigate by them.
fn level_headings(markdown: &str) -> String {
    let mut previous = 1;
    // (offset of the `#`s, how many are written, how many there should be)
    let mut edits = Vec::new();
    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter() {
        if let Event::Start(Tag::Heading { level, .. }) = event {
            let level = level as usize;
            let written = markdown[range.start..].bytes().take_while(|&b| b == b'#').count();
            let wanted = level.min(previous + 1);
            if written == level && wanted != level {
                edits.push((range.start, written, wanted));
            }
            previous = wanted;
        }
    }
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (start, written, wanted) in edits {
        out.push_str(&markdown[at..start]);
        out.push_str(&"#".repeat(wanted));
        at = start + written;
    }
    out.push_str(&markdown[at..]);
    out
}

/// The anchors dossier gives the headings of `markdown`: their text as a slug.
fn heading_anchors(markdown: &str, options: Options) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut text: Option<String> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { .. }) => text = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(text) = &mut text {
                    text.push_str(&t);
                }
            }
            Event::End(pulldown_cmark::TagEnd::Heading(_)) => {
                if let Some(slug) = text.take().and_then(|t| crate::slug::Slug::from_text(&t)) {
                    anchors.insert(slug.as_str().to_string());
                }
            }
            _ => {}
        }
    }
    anchors
}

/// The length of the destination written at the start of `text` (`<…>` or up to a space or
/// the `)` that closes the link).
fn destination_len(text: &str) -> usize {
    if text.starts_with('<') {
        return text.find('>').map_or(text.len(), |i| i + 1);
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' if depth == 0 => return i,
            ')' => depth -= 1,
            c if c.is_whitespace() => return i,
            _ => {}
        }
    }
    text.len()
}

fn resolve(dest: &str, image: bool, site: &Site<'_>, converted: &mut Converted) -> Action {
    let lower = dest.trim_start().to_ascii_lowercase();
    // an `<a>` without `href` (a block editor button) is no link: its text stays
    if lower.is_empty() || ["javascript:", "vbscript:", "data:", "file:"].iter().any(|s| lower.starts_with(s)) {
        return Action::Drop;
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        if converted.anchors.contains(fragment) {
            return Action::Keep;
        }
        converted.dropped_anchors += 1;
        return Action::Drop;
    }
    if let Some(rel) = upload_path(dest) {
        return upload(dest, &rel, site, converted);
    }
    if image {
        return Action::Keep;
    }
    let Some(local) = own_path(dest, site) else { return Action::Keep };
    let (before_fragment, fragment) = local.split_once('#').map_or((local.as_str(), ""), |(a, f)| (a, f));
    let (path, query) = before_fragment.split_once('?').unwrap_or((before_fragment, ""));
    let by_id = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("p=").or_else(|| kv.strip_prefix("page_id=")))
        .and_then(|id| site.by_id.get(id));
    let target = by_id.or_else(|| site.by_path.get(&normal_path(path)));
    match target {
        Some(index) if fragment.is_empty() => Action::To(format!("wpdoc:{index}")),
        Some(index) => Action::To(format!("wpdoc:{index}#{fragment}")),
        // a root-relative link to a page that was not imported: to the old site, by its address
        None if dest.starts_with('/') => match site.prefixes.first() {
            Some(prefix) => Action::To(format!("{prefix}{dest}")),
            None => Action::Keep,
        },
        None => Action::Keep,
    }
}

/// The path of a link to the site itself (`https://example.org/2013/lima/?x#y` → `/2013/lima/?x#y`).
fn own_path(dest: &str, site: &Site<'_>) -> Option<String> {
    if dest.starts_with('/') && !dest.starts_with("//") {
        return Some(dest.to_string());
    }
    site.prefixes.iter().find_map(|prefix| {
        let rest = dest.strip_prefix(prefix.as_str())?;
        match rest.chars().next() {
            None => Some("/".to_string()),
            Some('/') => Some(rest.to_string()),
            Some('?' | '#') => Some(format!("/{rest}")),
            _ => None,
        }
    })
}

/// `/2013/lima` and `/2013/lima/` alike: with a slash at both ends, percent-decoded.
pub fn normal_path(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let trimmed = decoded.trim_matches('/');
    if trimmed.is_empty() { "/".to_string() } else { format!("/{trimmed}/") }
}

/// The path under `wp-content/uploads` of an upload's URL (`…/wp-content/uploads/2013/03/x.jpg`
/// → `2013/03/x.jpg`; WordPress.com's `x.files.wordpress.com/2013/03/x.jpg` too).
fn upload_path(url: &str) -> Option<String> {
    let without = url.split(['?', '#']).next().unwrap_or(url);
    let rel = match without.find("/wp-content/uploads/") {
        Some(i) => &without[i + "/wp-content/uploads/".len()..],
        None => {
            let rest = without.strip_prefix("https://").or_else(|| without.strip_prefix("http://"))?;
            let (host, path) = rest.split_once('/')?;
            if !host.ends_with(".files.wordpress.com") {
                return None;
            }
            path
        }
    };
    let rel = percent_encoding::percent_decode_str(rel).decode_utf8_lossy().into_owned();
    // never a path out of the uploads folder
    let safe = Path::new(&rel).components().all(|c| matches!(c, Component::Normal(_)));
    (safe && !rel.is_empty()).then_some(rel)
}

/// An upload named outside the body (the featured image): its name beside the post once copied.
pub fn attach(url: &str, site: &Site<'_>, converted: &mut Converted) -> Option<String> {
    let rel = upload_path(url)?;
    match upload(url, &rel, site, converted) {
        Action::To(name) => Some(name),
        _ => None,
    }
}

/// An upload used by the body: copied beside the post when it is under `--uploads`.
fn upload(url: &str, rel: &str, site: &Site<'_>, converted: &mut Converted) -> Action {
    let Some(dir) = site.uploads else {
        converted.remote += 1;
        return Action::Keep;
    };
    let Some(from) = existing_upload(dir, rel) else {
        if !converted.missing.iter().any(|m| m == url) {
            converted.missing.push(url.to_string());
        }
        return Action::Keep;
    };
    if let Some(copy) = converted.resources.iter().find(|r| r.from == from) {
        return Action::To(copy.to.clone());
    }
    let name = from.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // two uploads of one name (months apart) in one post: the second keeps its folders in its name
    let to = if converted.resources.iter().any(|r| r.to == name) { rel.replace('/', "-") } else { name };
    converted.resources.push(FileCopy { from, to: to.clone() });
    Action::To(to)
}

/// The file of an upload: `rel` itself, or the original of a resized variant (`x-300x200.jpg`
/// → `x.jpg`) when only the original is there (WordPress makes the variants from it).
fn existing_upload(dir: &Path, rel: &str) -> Option<PathBuf> {
    let path = dir.join(rel);
    if path.is_file() {
        return Some(path);
    }
    let (stem, ext) = rel.rsplit_once('.')?;
    let (base, size) = stem.rsplit_once('-')?;
    let (w, h) = size.split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(w) && digits(h)) {
        return None;
    }
    let original = dir.join(format!("{base}.{ext}"));
    original.is_file().then_some(original)
}

#[cfg(test)]
mod tests;
