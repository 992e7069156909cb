//! Raw HTML in bodies: the allowlist `sanitize` keeps, and a scan of each raw fragment, token
//! by token with html5ever's tokenizer, for the ids it defines, what `sanitize` removes from it
//! (as warnings with a location), and whether Markdown text sits inside a raw element.
//!
//! The allowlist below is the one source for both the sanitizer's configuration
//! ([`super::sanitize`], ammonia) and the warnings written here, so that what is reported is
//! what is removed.

use crate::config::{MarkdownConfig, RawHtml};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

/// Elements `sanitize` keeps, each with the attributes it may have besides [`GENERIC_ATTRIBUTES`].
/// (`a name` becomes `id`; `sup` keeps only the classes in [`SUP_CLASSES`]; `input` only as a
/// task list's checkbox; `td`/`th` keep only `text-align` of their `style`.)
pub const ELEMENTS: &[(&str, &[&str])] = &[
    ("a", &["href", "name"]),
    ("abbr", &[]),
    ("aside", &[]),
    ("b", &[]),
    ("bdi", &[]),
    ("bdo", &[]),
    ("blockquote", &["cite"]),
    ("br", &[]),
    ("caption", &[]),
    ("cite", &[]),
    ("code", &["class"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("dd", &[]),
    ("del", &["cite", "datetime"]),
    ("details", &["open"]),
    ("dfn", &[]),
    ("div", &["class"]),
    ("dl", &[]),
    ("dt", &[]),
    ("em", &[]),
    ("figcaption", &[]),
    ("figure", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("i", &[]),
    ("img", &["src", "alt", "width", "height"]),
    ("input", &["type", "checked", "disabled"]),
    ("ins", &["cite", "datetime"]),
    ("kbd", &[]),
    ("li", &["value"]),
    ("mark", &[]),
    ("ol", &["start", "reversed", "type"]),
    ("p", &[]),
    ("pre", &["class", "data-lang"]),
    ("q", &["cite"]),
    ("rp", &[]),
    ("rt", &[]),
    ("ruby", &[]),
    ("s", &[]),
    ("samp", &[]),
    ("small", &[]),
    ("span", &["class"]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &["class"]),
    ("table", &[]),
    ("tbody", &[]),
    ("td", &["colspan", "rowspan", "headers", "style"]),
    ("tfoot", &[]),
    ("th", &["colspan", "rowspan", "headers", "scope", "style"]),
    ("thead", &[]),
    ("time", &["datetime"]),
    ("tr", &[]),
    ("u", &[]),
    ("ul", &[]),
    ("var", &[]),
    ("wbr", &[]),
];

/// Attributes every kept element may have.
pub const GENERIC_ATTRIBUTES: &[&str] = &["id", "title", "lang", "dir"];

/// The classes a `sup` may have: the footnotes and citations dossier writes.
pub const SUP_CLASSES: &[&str] = &["footnote-reference", "footnote-definition-label", "cite"];

/// The one CSS property kept, in `td` and `th` (table column alignment).
pub const STYLE_PROPERTIES: &[&str] = &["text-align"];

/// Attributes an `<iframe>` from an embed host keeps.
pub const IFRAME_ATTRIBUTES: &[&str] =
    &["src", "width", "height", "title", "allow", "allowfullscreen", "loading", "referrerpolicy"];

/// Elements removed with everything in them (their content is code, or not meant to be shown).
pub const REMOVED_WITH_CONTENT: &[&str] = &[
    "applet",
    "embed",
    "iframe",
    "math",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "plaintext",
    "script",
    "select",
    "style",
    "svg",
    "template",
    "textarea",
    "title",
    "xmp",
];

/// The URL schemes kept in links and images, raw or written in Markdown.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Attributes that hold an address.
pub const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite"];

/// Elements whose content is text, up to their end tag (or, for `plaintext`, to the end).
const TEXT_CONTENT: &[&str] =
    &["iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp"];

/// Whether `element` has no content and no end tag.
pub fn is_void(element: &str) -> bool {
    VOID.contains(&element)
}

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track",
    "wbr",
];

/// Elements a browser opens again in the next paragraph when they are left open
/// ("reconstructing the active formatting elements").
const FORMATTING: &[&str] =
    &["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];

/// How a site treats raw HTML, with the sanitizer built once, on first use.
pub struct RawHtmlPolicy {
    pub mode: RawHtml,
    /// Lower-case host names whose iframes are kept.
    pub embed_hosts: Vec<String>,
    /// The path of `base_url` (`/dossier/`): `sanitize` puts it before addresses from the site
    /// root (`/img/map.png`), as links written in Markdown get it.
    pub base_path: String,
    sanitizer: OnceLock<ammonia::Builder<'static>>,
}

impl std::fmt::Debug for RawHtmlPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawHtmlPolicy")
            .field("mode", &self.mode)
            .field("embed_hosts", &self.embed_hosts)
            .field("base_path", &self.base_path)
            .finish()
    }
}

impl PartialEq for RawHtmlPolicy {
    fn eq(&self, other: &Self) -> bool {
        self.mode == other.mode && self.embed_hosts == other.embed_hosts && self.base_path == other.base_path
    }
}

impl Default for RawHtmlPolicy {
    fn default() -> Self {
        RawHtmlPolicy::new(RawHtml::default(), Vec::new())
    }
}

impl RawHtmlPolicy {
    /// A policy for a site published at the root of its host.
    pub fn new(mode: RawHtml, embed_hosts: Vec<String>) -> RawHtmlPolicy {
        RawHtmlPolicy { mode, embed_hosts, base_path: "/".into(), sanitizer: OnceLock::new() }
    }

    /// The policy of `[markdown]`, for a site published under `base_path`.
    pub fn from_config(config: &MarkdownConfig, base_path: &str) -> RawHtmlPolicy {
        RawHtmlPolicy {
            base_path: base_path.to_string(),
            ..RawHtmlPolicy::new(config.raw_html, config.embed_hosts.clone())
        }
    }

    /// The ammonia configuration of this policy.
    pub(super) fn sanitizer(&self) -> &ammonia::Builder<'static> {
        self.sanitizer.get_or_init(|| super::sanitize::builder(!self.embed_hosts.is_empty(), &self.base_path))
    }

    /// Whether an iframe with this `src` is kept.
    pub fn embed_allowed(&self, src: &str) -> bool {
        embed_host(src).is_some_and(|host| self.embed_hosts.contains(&host))
    }
}

/// The host of an `https:` (or `http:`) address, lower-case.
pub fn embed_host(src: &str) -> Option<String> {
    let url = url::Url::parse(src.trim()).ok()?;
    if !matches!(url.scheme(), "https" | "http") {
        return None;
    }
    url.host_str().map(str::to_ascii_lowercase)
}

/// The scheme of an address as a browser reads it (ASCII tabs and newlines removed, leading
/// spaces and control characters skipped), lower-case; `None` for a relative address.
pub fn url_scheme(address: &str) -> Option<String> {
    let cleaned: String =
        address.trim_start_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Whether an address may be written: a relative address or one of [`URL_SCHEMES`].
pub fn url_allowed(address: &str) -> bool {
    url_scheme(address).is_none_or(|s| URL_SCHEMES.contains(&s.as_str()))
}

fn allowed_attributes(element: &str) -> Option<&'static [&'static str]> {
    ELEMENTS.iter().find(|(name, _)| *name == element).map(|(_, attributes)| *attributes)
}

/// What sanitizing does to one start tag: whether the element stays, and why each removed
/// part goes. The warnings are made from this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// The element and all it holds (`<script>`).
    ElementAndContent(String),
    /// The element's tags; what it holds stays (`<font>`).
    Element(String),
    /// An iframe whose host is not an embed host.
    Iframe { host: Option<String> },
    /// An attribute of a kept element.
    Attribute { element: String, attribute: String },
    /// An address in a scheme that is not allowed.
    Address { element: String, attribute: String, scheme: String },
    /// A `sup` class dossier does not write.
    Class { element: String, class: String },
    /// Declarations of a `style` other than `text-align`.
    Style { element: String },
    /// A size (`width`, `height`) that is not a number of pixels (`45%`, `60px`).
    Size { element: String, attribute: String, value: String },
    /// Not a removal: an image without `alt`, which is given an empty one.
    NoAlt,
}

impl Removal {
    /// The code of its warning: a removal, or an image given an empty `alt`.
    pub fn code(&self) -> crate::diagnostics::Code {
        match self {
            Removal::NoAlt => crate::diagnostics::Code::ImageWithoutAlt,
            _ => crate::diagnostics::Code::RawHtmlRemoved,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Removal::ElementAndContent(e) => format!("raw HTML: removed `<{e}>` and everything in it"),
            Removal::Element(e) => format!("raw HTML: removed the `<{e}>` tags (what they hold is kept)"),
            Removal::Iframe { host: Some(h) } => format!("raw HTML: removed an `<iframe>` from `{h}`"),
            Removal::Iframe { host: None } => "raw HTML: removed an `<iframe>` without an https address".to_string(),
            Removal::Attribute { element, attribute } => {
                format!("raw HTML: removed the `{attribute}` attribute of `<{element}>`")
            }
            Removal::Address { element, attribute, scheme } => {
                format!("raw HTML: removed the `{scheme}:` address in `{attribute}` of `<{element}>`")
            }
            Removal::Class { element, class } => format!("raw HTML: removed the class `{class}` of `<{element}>`"),
            Removal::Style { element } => {
                format!("raw HTML: removed the `style` of `<{element}>`, but for `text-align`")
            }
            Removal::Size { element, attribute, value } => {
                format!("raw HTML: removed `{attribute}=\"{value}\"` of `<{element}>`")
            }
            Removal::NoAlt => "raw HTML: an `<img>` without `alt` is given an empty one".to_string(),
        }
    }

    pub fn help(&self) -> Option<String> {
        match self {
            Removal::Iframe { .. } => Some(
                "iframes are kept from the hosts in `[markdown] embed_hosts` of site.toml, such as \
                 `www.youtube-nocookie.com`"
                    .into(),
            ),
            Removal::Address { .. } => {
                Some("addresses may be http, https, mailto, tel or relative (see docs/content.md)".into())
            }
            Removal::Size { .. } => Some("HTML sizes are whole numbers of pixels, such as `width=\"480\"`".into()),
            Removal::NoAlt => {
                Some("describe the image in `alt`, or write `alt=\"\"` for an image that only decorates".into())
            }
            Removal::ElementAndContent(_) | Removal::Element(_) | Removal::Attribute { .. } => Some(
                "`[markdown] raw_html = \"sanitize\"` keeps the elements and attributes listed in docs/content.md"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// What `policy` removes from a start tag `<element attributes>`; empty when it is kept whole.
pub fn removals(policy: &RawHtmlPolicy, element: &str, attributes: &[(String, String)]) -> Vec<Removal> {
    let attribute = |name: &str| attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    if element == "iframe" {
        let src = attribute("src").unwrap_or_default();
        if !policy.embed_allowed(src) {
            return vec![Removal::Iframe { host: embed_host(src) }];
        }
        return attributes
            .iter()
            .filter_map(|(name, value)| {
                if !IFRAME_ATTRIBUTES.contains(&name.as_str()) {
                    Some(Removal::Attribute { element: element.into(), attribute: name.clone() })
                } else if SIZE_ATTRIBUTES.contains(&name.as_str()) && !is_size(value) {
                    Some(Removal::Size { element: element.into(), attribute: name.clone(), value: value.clone() })
                } else {
                    None
                }
            })
            .collect();
    }
    if REMOVED_WITH_CONTENT.contains(&element) {
        return vec![Removal::ElementAndContent(element.into())];
    }
    let Some(allowed) = allowed_attributes(element) else {
        return vec![Removal::Element(element.into())];
    };
    let mut out = Vec::new();
    for (name, value) in attributes {
        let removal = if !GENERIC_ATTRIBUTES.contains(&name.as_str()) && !allowed.contains(&name.as_str()) {
            Some(Removal::Attribute { element: element.into(), attribute: name.clone() })
        } else if URL_ATTRIBUTES.contains(&name.as_str()) && !url_allowed(value) {
            let scheme = url_scheme(value).unwrap_or_default();
            Some(Removal::Address { element: element.into(), attribute: name.clone(), scheme })
        } else if element == "sup" && name == "class" {
            value
                .split_ascii_whitespace()
                .find(|c| !SUP_CLASSES.contains(c))
                .map(|c| Removal::Class { element: element.into(), class: c.to_string() })
        } else if element == "input" && name == "type" && !value.eq_ignore_ascii_case("checkbox") {
            Some(Removal::Element("input".into()))
        } else if name == "style" && !style_is_alignment(value) {
            Some(Removal::Style { element: element.into() })
        } else if SIZE_ATTRIBUTES.contains(&name.as_str()) && !is_size(value) {
            Some(Removal::Size { element: element.into(), attribute: name.clone(), value: value.clone() })
        } else {
            None
        };
        out.extend(removal);
    }
    if element == "img" && attribute("alt").is_none() {
        out.push(Removal::NoAlt);
    }
    if element == "input" && attribute("type").is_none() {
        out.push(Removal::Element("input".into()));
    }
    out
}

/// Attributes that hold a size in pixels.
pub const SIZE_ATTRIBUTES: &[&str] = &["width", "height"];

/// Whether a `width` or `height` is valid HTML: a whole number of pixels.
pub fn is_size(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a `style` holds nothing but `text-align` declarations.
fn style_is_alignment(style: &str) -> bool {
    style.split(';').map(str::trim).filter(|d| !d.is_empty()).all(|declaration| {
        declaration.split_once(':').is_some_and(|(property, _)| property.trim().eq_ignore_ascii_case("text-align"))
    })
}

/// Whether an element the policy keeps may carry an `id` (every kept element may).
fn keeps_element(policy: &RawHtmlPolicy, element: &str, attributes: &[(String, String)]) -> bool {
    match policy.mode {
        RawHtml::Trusted => true,
        RawHtml::Escape => false,
        RawHtml::Sanitize => {
            if element == "iframe" {
                let src = attributes.iter().find(|(n, _)| n == "src").map_or("", |(_, v)| v.as_str());
                policy.embed_allowed(src)
            } else {
                allowed_attributes(element).is_some()
                    && !removals(policy, element, attributes).contains(&Removal::Element(element.into()))
            }
        }
    }
}

/// Something found in raw HTML, at a byte offset of the body (its file, once the parse adds the
/// body's offset), in a tag that starts at byte `in_event` of the text of event `event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub offset: usize,
    pub len: usize,
    pub event: usize,
    pub in_event: usize,
    pub what: T,
}

/// An id raw HTML defines, and the attribute it is written in (`id`, or `name` on `a`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawId {
    pub value: String,
    pub attribute: &'static str,
}

/// A raw element open where Markdown text goes on.
#[derive(Debug, Clone)]
struct OpenElement {
    name: String,
    /// A formatting element: reopened by browsers in later paragraphs until it is closed.
    formatting: bool,
    /// How many blocks were open around it (see [`RawScan::block_starts`]).
    depth: usize,
    /// The leaf or HTML block it was opened in (their count when it started).
    block: usize,
}

/// The raw HTML of one body, read as its events go by.
#[derive(Debug, Default)]
pub struct RawScan {
    /// Ids defined by raw elements that stay (`id`, and `name` on `a`), in order.
    pub ids: Vec<Found<RawId>>,
    /// What `sanitize` removes, in order.
    pub removals: Vec<Found<Removal>>,
    /// Raw elements open at this point of the body.
    open: Vec<OpenElement>,
    /// Blocks open (paragraphs, list items, quotes, table cells…).
    depth: usize,
    /// The fragment being read: consecutive raw events, with where each starts in the body.
    pending: String,
    /// Where each event's text starts in `pending`, in the body, and the event's index.
    pending_pieces: Vec<Piece>,
    /// Leaf and HTML blocks so far (paragraphs, headings, table cells, raw HTML blocks): the
    /// number of the one the raw HTML is in.
    blocks: usize,
    /// Under `sanitize`, elements left open at the end of their block are closed there.
    closes_blocks: bool,
    /// The element whose content is text (`<script>`, `<textarea>`…) open.
    text_open: Option<(String, Place)>,
    /// Elements `sanitize` closes where their block ends, in order.
    pub closes: Vec<Close>,
    /// `<plaintext>` start tags, which `sanitize` makes closable (it has no end tag).
    pub plaintexts: Vec<(usize, usize)>,
}

/// An element raw HTML leaves open at the end of the leaf or HTML block it is in, which
/// `sanitize` closes there: one whose content is text (`<textarea>`, `<script>`), which a browser
/// would let take the rest of the page, and a formatting element (`<a>`, `<b>`), which it would
/// open again in every block after (a link around the rest of the page, inside which Markdown
/// links would nest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub name: String,
    /// The event that ends the block: the end tag goes before its output.
    pub before: usize,
}

#[derive(Debug, Clone, Copy)]
struct Piece {
    in_fragment: usize,
    in_body: usize,
    event: usize,
}

impl RawScan {
    /// A scan that closes raw elements left open where their block ends (`sanitize`), or not.
    pub fn new(closes_blocks: bool) -> RawScan {
        RawScan { closes_blocks, ..RawScan::default() }
    }

    /// Whether Markdown text here is inside an element of raw HTML.
    pub fn inside_raw(&self) -> bool {
        !self.open.is_empty()
    }

    /// Takes the text of raw HTML event `event`, found at `offset` of the body.
    pub fn raw(&mut self, text: &str, offset: usize, event: usize) {
        self.pending_pieces.push(Piece { in_fragment: self.pending.len(), in_body: offset, event });
        self.pending.push_str(text);
    }

    /// A Markdown block starts; a leaf (paragraph, heading, table cell) holds raw HTML inline.
    #[inline]
    pub fn block_starts(&mut self, leaf: bool) {
        self.depth += 1;
        if leaf {
            self.blocks += 1;
        }
    }

    /// A Markdown block ends with event `index`: the raw elements opened inside it are closed by
    /// it, as a browser closes them, except formatting elements, which it reopens further on.
    #[inline]
    pub fn block_ends(&mut self, index: usize, leaf: bool) {
        // most bodies have no raw HTML: nothing is open (a branch on every block's end)
        if self.open.is_empty() && self.text_open.is_none() {
            self.depth = self.depth.saturating_sub(1);
            return;
        }
        if leaf {
            self.close_block(index);
        }
        let depth = self.depth;
        self.open.retain(|e| e.depth < depth || e.formatting);
        self.depth = self.depth.saturating_sub(1);
    }

    /// A block of raw HTML starts.
    pub fn html_block_starts(&mut self) {
        self.blocks += 1;
    }

    /// A block of raw HTML ends with event `index`.
    pub fn html_block_ends(&mut self, index: usize) {
        self.close_block(index);
    }

    /// The leaf or HTML block the raw HTML is in ends with event `index`: the element whose
    /// content is text still open, and under `sanitize` the formatting elements opened in the
    /// block, are closed before that event.
    fn close_block(&mut self, index: usize) {
        if let Some((name, _)) = self.text_open.take() {
            let name = if name == "plaintext" { "textarea".to_string() } else { name };
            self.closes.push(Close { name, before: index });
        }
        if !self.closes_blocks {
            return;
        }
        let block = self.blocks;
        while let Some(i) = self.open.iter().rposition(|e| e.formatting && e.block == block) {
            let closed = self.open.remove(i);
            self.closes.push(Close { name: closed.name, before: index });
        }
    }

    /// The end of the body (event `index` is one past the last).
    pub fn body_ends(&mut self, index: usize) {
        self.close_block(index);
    }

    /// Reads the fragment gathered since the last call (the raw events before a Markdown one).
    #[inline]
    pub fn read_pending(&mut self, policy: &RawHtmlPolicy, body: &str) {
        // called before every event that is not raw HTML: the check stays on the caller's side
        if !self.pending.is_empty() {
            self.read_fragment(policy, body);
        }
    }

    #[inline(never)]
    fn read_fragment(&mut self, policy: &RawHtmlPolicy, body: &str) {
        let text = std::mem::take(&mut self.pending);
        let pieces = std::mem::take(&mut self.pending_pieces);
        let tags = tokenize(&text);
        let mut cursor = 0;
        for tag in tags {
            // where the tag is: its `<name` in the fragment, from where the last one was found
            let at = find_tag(&text, cursor, &tag).unwrap_or(cursor.min(text.len()));
            cursor = at + 1;
            let piece = pieces[pieces.partition_point(|p| p.in_fragment <= at).saturating_sub(1)];
            let offset = piece.in_body + (at - piece.in_fragment);
            let len = text[at..].find('>').map_or(1, |i| i + 1).min(body.len().saturating_sub(offset).max(1));
            let place = Place { offset, len, event: piece.event, in_event: at - piece.in_fragment };
            // inside an element whose content is text, opened in an earlier fragment, tags are
            // text, but for its end tag
            if let Some((open, _)) = &self.text_open
                && !(tag.kind == TagKind::EndTag && tag.name == *open)
            {
                continue;
            }
            match tag.kind {
                TagKind::StartTag => {
                    if TEXT_CONTENT.contains(&tag.name.as_str()) {
                        self.text_open = Some((tag.name.clone(), place));
                        if tag.name == "plaintext" {
                            self.plaintexts.push((place.event, place.in_event));
                        }
                    }
                    self.start_tag(policy, &tag, place)
                }
                TagKind::EndTag => {
                    if self.text_open.as_ref().is_some_and(|(name, _)| *name == tag.name) {
                        self.text_open = None;
                    }
                    self.end_tag(&tag.name);
                }
            }
        }
    }

    /// An end tag closes its element and what is open inside it, as browsers do; formatting
    /// elements inside it stay open (browsers reopen them further on).
    fn end_tag(&mut self, name: &str) {
        let Some(i) = self.open.iter().rposition(|e| e.name == name) else { return };
        let closed = self.open.remove(i);
        if !closed.formatting {
            let mut inside = self.open.split_off(i);
            inside.retain(|e| e.formatting);
            self.open.extend(inside);
        }
    }

    fn start_tag(&mut self, policy: &RawHtmlPolicy, tag: &RawTag, place: Place) {
        let Place { offset, len, event, in_event } = place;
        let kept = keeps_element(policy, &tag.name, &tag.attributes);
        if policy.mode == RawHtml::Sanitize {
            for removal in removals(policy, &tag.name, &tag.attributes) {
                self.removals.push(Found { offset, len, event, in_event, what: removal });
            }
        }
        if !kept {
            return;
        }
        let attribute = |name: &'static str| {
            tag.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| RawId { value: v.clone(), attribute: name })
        };
        let id = attribute("id").or_else(|| if tag.name == "a" { attribute("name") } else { None });
        if let Some(id) = id {
            self.ids.push(Found { offset, len, event, in_event, what: id });
        }
        if !VOID.contains(&tag.name.as_str()) {
            let formatting = FORMATTING.contains(&tag.name.as_str());
            self.open.push(OpenElement { name: tag.name.clone(), formatting, depth: self.depth, block: self.blocks });
        }
    }
}

/// Where a tag is.
#[derive(Debug, Clone, Copy)]
struct Place {
    offset: usize,
    len: usize,
    event: usize,
    in_event: usize,
}

/// The range of the name of attribute `name` in the start tag at the beginning of `tag`
/// (`<div class="a" id=b>`), ASCII case ignored: a tag is read as browsers read it, attributes
/// separated by whitespace or `/`, values quoted with `"` or `'` or unquoted.
pub fn attribute_name(tag: &str, name: &str) -> Option<Range<usize>> {
    let bytes = tag.as_bytes();
    let mut at = 1;
    // the tag name
    while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'/' && bytes[at] != b'>' {
        at += 1;
    }
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        if at >= bytes.len() || bytes[at] == b'>' {
            return None;
        }
        let start = at;
        at += 1; // a name may start with `=`
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() && !matches!(bytes[at], b'/' | b'>' | b'=') {
            at += 1;
        }
        let found = start..at;
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    at += 1;
                    at += memchr::memchr(quote, &bytes[at..]).map_or(bytes.len() - at, |i| i + 1);
                }
                _ => {
                    while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>' {
                        at += 1;
                    }
                }
            }
        }
        if tag[found.clone()].eq_ignore_ascii_case(name) {
            return Some(found);
        }
    }
}

/// The `<name` of `tag` in `text`, from byte `from`, ASCII case ignored.
fn find_tag(text: &str, from: usize, tag: &RawTag) -> Option<usize> {
    let opener = match tag.kind {
        TagKind::StartTag => format!("<{}", tag.name),
        TagKind::EndTag => format!("</{}", tag.name),
    };
    let bytes = text.as_bytes();
    (from..bytes.len().saturating_sub(opener.len() - 1))
        .find(|&i| bytes[i..i + opener.len()].eq_ignore_ascii_case(opener.as_bytes()))
}

/// A tag as the tokenizer read it: lower-case name, attributes in order.
#[derive(Debug, Clone)]
struct RawTag {
    kind: TagKind,
    name: String,
    attributes: Vec<(String, String)>,
}

/// The tags of an HTML fragment, in order, read as a browser reads them (the content of
/// `<script>`, `<style>`, `<textarea>` and the like is text).
fn tokenize(text: &str) -> Vec<RawTag> {
    struct Sink(RefCell<Vec<RawTag>>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let Token::TagToken(tag) = token else { return TokenSinkResult::Continue };
            let name = tag.name.to_string();
            let raw = match (tag.kind, name.as_str()) {
                (TagKind::StartTag, "script") => Some(TokenSinkResult::RawData(RawKind::ScriptData)),
                (TagKind::StartTag, "title" | "textarea") => Some(TokenSinkResult::RawData(RawKind::Rcdata)),
                (TagKind::StartTag, "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript") => {
                    Some(TokenSinkResult::RawData(RawKind::Rawtext))
                }
                (TagKind::StartTag, "plaintext") => Some(TokenSinkResult::Plaintext),
                _ => None,
            };
            let attributes = tag.attrs.iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
            self.0.borrow_mut().push(RawTag { kind: tag.kind, name, attributes });
            raw.unwrap_or(TokenSinkResult::Continue)
        }
    }
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(text));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(policy: &RawHtmlPolicy, fragments: &[&str]) -> RawScan {
        let mut scan = RawScan::default();
        let mut offset = 0;
        let body: String = fragments.concat();
        for (event, f) in fragments.iter().enumerate() {
            scan.raw(f, offset, event);
            offset += f.len();
        }
        scan.read_pending(policy, &body);
        scan
    }

    #[test]
    fn removals_name_what_goes_and_where() {
        let policy = RawHtmlPolicy::default();
        let html = "<p style=\"color:red\">a</p>\n<img alt=\"\"src=x onerror=alert(1)><script>var a = '<b>';</script><font color=red>";
        let s = scan(&policy, &[html]);
        let found: Vec<(usize, String)> = s.removals.iter().map(|r| (r.offset, r.what.message())).collect();
        assert_eq!(
            found,
            [
                (0, "raw HTML: removed the `style` attribute of `<p>`".to_string()),
                (27, "raw HTML: removed the `onerror` attribute of `<img>`".to_string()),
                (61, "raw HTML: removed `<script>` and everything in it".to_string()),
                (92, "raw HTML: removed the `<font>` tags (what they hold is kept)".to_string()),
            ]
        );
        assert_eq!((&html[61..68], &html[92..97]), ("<script", "<font"));
        // the `<b>` inside the script is text, not a tag
        assert!(!s.inside_raw() || s.open.iter().all(|e| e.name != "b"));
    }

    #[test]
    fn addresses_and_iframes() {
        let policy = RawHtmlPolicy::new(RawHtml::Sanitize, vec!["www.youtube-nocookie.com".into()]);
        let s = scan(
            &policy,
            &[
                "<a href=\"java\tscript:alert(1)\">x</a>",
                "<iframe src=\"https://www.youtube-nocookie.com/embed/a\" frameborder=0></iframe>",
                "<iframe src=\"https://evil.example/\"></iframe>",
            ],
        );
        let found: Vec<Removal> = s.removals.into_iter().map(|r| r.what).collect();
        assert_eq!(
            found,
            [
                Removal::Address { element: "a".into(), attribute: "href".into(), scheme: "javascript".into() },
                Removal::Attribute { element: "iframe".into(), attribute: "frameborder".into() },
                Removal::Iframe { host: Some("evil.example".into()) },
            ]
        );
    }

    #[test]
    fn ids_come_from_kept_elements_only() {
        let policy = RawHtmlPolicy::default();
        let s = scan(&policy, &["<a name=\"top\"></a><div id=\"box\"><font id=\"gone\">x</font></div>"]);
        let ids: Vec<(&str, &str)> = s.ids.iter().map(|f| (f.what.value.as_str(), f.what.attribute)).collect();
        assert_eq!(ids, [("top", "name"), ("box", "id")]);
        let trusted = RawHtmlPolicy::new(RawHtml::Trusted, vec![]);
        let s = scan(&trusted, &["<font id=\"kept\">x</font>"]);
        assert_eq!(s.ids[0].what.value, "kept");
        assert!(s.removals.is_empty());
    }

    #[test]
    fn open_elements_follow_the_blocks() {
        let policy = RawHtmlPolicy::default();
        let mut s = RawScan::default();
        s.block_starts(true); // a paragraph
        s.raw("<span>", 0, 0);
        s.read_pending(&policy, "<span>");
        assert!(s.inside_raw());
        s.block_ends(1, true); // the paragraph closes the span
        assert!(!s.inside_raw());
        s.block_starts(true);
        s.raw("<b>", 0, 0);
        s.read_pending(&policy, "<b>");
        s.block_ends(3, true); // a browser opens the `b` again in the next paragraph
        assert!(s.inside_raw());
        s.raw("</b>", 0, 0);
        s.read_pending(&policy, "</b>");
        assert!(!s.inside_raw());
        // a `div` closed around an open link: the browser reopens the link after it
        s.raw("<div><a href=x></div>", 0, 0);
        s.read_pending(&policy, "<div><a href=x></div>");
        assert!(s.inside_raw());
        // `sanitize` closes a formatting element where its block ends
        let mut s = RawScan::new(true);
        s.block_starts(true);
        s.raw("<b><i>", 0, 0);
        s.read_pending(&policy, "<b><i>");
        s.block_ends(2, true);
        assert!(!s.inside_raw());
        let closes: Vec<(&str, usize)> = s.closes.iter().map(|c| (c.name.as_str(), c.before)).collect();
        assert_eq!(closes, [("i", 2), ("b", 2)]);
    }

    #[test]
    fn attribute_names_are_found_as_browsers_read_tags() {
        let tag = "<div title='id=x' data-id=\"y\" ID=z>";
        assert_eq!(attribute_name(tag, "id").map(|r| &tag[r]), Some("ID"));
        assert_eq!(attribute_name("<a name=top href=\"#\">", "href"), Some(12..16));
        assert_eq!(attribute_name("<a/name=x>", "name"), Some(3..7));
        assert_eq!(attribute_name("<span>", "id"), None);
    }

    #[test]
    fn schemes_are_read_as_browsers_read_them() {
        assert_eq!(url_scheme(" JavaScript:x").as_deref(), Some("javascript"));
        assert_eq!(url_scheme("jav\nascript:x").as_deref(), Some("javascript"));
        assert_eq!(url_scheme("/a:b"), None);
        assert_eq!(url_scheme("a/b:c"), None);
        assert!(url_allowed("mailto:a@b") && url_allowed("#x") && url_allowed("../a.md") && !url_allowed("data:x"));
    }
}
