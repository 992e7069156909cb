//! Markdown parse: one pulldown-cmark pass per body records what later stages need and writes its HTML.

mod raw_html;
mod sanitize;

pub use raw_html::{RawHtmlPolicy, Removal, url_allowed, url_scheme};

use crate::config::RawHtml;
use crate::diagnostics::Code;
use crate::highlight;
use crate::slug::Slug;
use crate::words::{self, WordBag, WordBagBuilder};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_html, escape_html_body_text};
use raw_html::RawScan;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::Cell;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::LazyLock;

/// CommonMark plus the extensions the format promises.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Ids a page's templates write around its body (`main`, `sources`, `source-cha`…): ids made
/// from the body (headings, footnotes) step around them, and an id written in the body that
/// takes one is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReservedIds<'a> {
    /// Those the page's templates write as they are.
    pub written: Option<&'a FxHashSet<String>>,
    /// Those the page's view gives the templates (the anchors of an explainer's sources).
    pub given: &'a [String],
}

impl ReservedIds<'_> {
    pub fn contains(&self, id: &str) -> bool {
        self.written.is_some_and(|w| w.contains(id)) || self.given.iter().any(|g| g == id)
    }
}

/// How bodies are parsed.
#[derive(Debug, Clone, Copy)]
pub struct BodyOptions<'a> {
    /// Count the words search indexes (a site without search has no use for them, and counting
    /// them is about a third of the parse).
    pub for_search: bool,
    pub raw_html: &'a RawHtmlPolicy,
    pub reserved_ids: ReservedIds<'a>,
    /// The most HTML the body may make, in bytes: [`max_body_html`]. Tests lower it, to see what
    /// a body past it gives without making a gigabyte of HTML.
    pub max_html: usize,
}

/// The most HTML one body may make: 1 GiB, far more than any page a browser can show, and under
/// the 4 GiB that offsets into it can count (they are kept as `u32`), with room for what
/// sanitizing adds. Markdown makes HTML many times its size: highlighted code about fifty times
/// (a `;` of Rust is 58 bytes of HTML), so a file under the 64 MiB `load` reads can make more
/// than 4 GiB. A body past this is an error at the place where its HTML passed it, and the writer
/// stops there. (What repeats text without bound, reference links and the cells a table row
/// lacks, pulldown-cmark itself stops expanding past about the length of the body.)
pub const MAX_BODY_HTML: usize = 1 << 30;
const _: () = assert!(MAX_BODY_HTML <= u32::MAX as usize, "offsets into a body's HTML are `u32`");

/// The variable a debug build of dossier reads a lower cap from, in bytes: integration tests set
/// it to see what a body past the cap gives without making a gigabyte of HTML. Release builds do
/// not read it.
pub const TEST_MAX_BODY_HTML_VAR: &str = "DOSSIER_TEST_MAX_BODY_HTML";

/// The cap a build puts on a body's HTML: [`MAX_BODY_HTML`], or in a debug build a lower one
/// from [`TEST_MAX_BODY_HTML_VAR`] (read once).
pub fn max_body_html() -> usize {
    #[cfg(debug_assertions)]
    {
        static LOWERED: LazyLock<Option<usize>> =
            LazyLock::new(|| std::env::var(TEST_MAX_BODY_HTML_VAR).ok()?.trim().parse().ok());
        if let Some(cap) = *LOWERED {
            return cap.min(MAX_BODY_HTML);
        }
    }
    MAX_BODY_HTML
}

static DEFAULT_POLICY: LazyLock<RawHtmlPolicy> = LazyLock::new(RawHtmlPolicy::default);

impl Default for BodyOptions<'_> {
    /// Words counted, raw HTML sanitized, no ids reserved.
    fn default() -> Self {
        BodyOptions {
            for_search: true,
            raw_html: &DEFAULT_POLICY,
            reserved_ids: ReservedIds::default(),
            max_html: MAX_BODY_HTML,
        }
    }
}

/// A problem found in a body, at a byte range of its file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BodyIssue {
    pub error: bool,
    /// What it is about (the diagnostic's [`Code`]).
    pub code: Code,
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: Option<String>,
}

/// A link or image written in a body, to be resolved against the site.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LinkRef<'s> {
    /// Index of the `Start(Link)` or `Start(Image)` event.
    pub event_index: usize,
    /// Index of its `End` event.
    pub end_event_index: usize,
    /// Not in the cached form: the build cache keeps it beside, as a place in the file's text
    /// where it is one (`build_cache::parses`).
    #[serde(skip, default = "crate::build_cache::codec::empty_text")]
    pub dest: CowStr<'s>,
    /// Byte range of the destination in the file (or of the whole link when it cannot be found).
    pub offset: usize,
    pub len: usize,
    pub is_image: bool,
    /// An email autolink (`<someone@example.org>`), whose `href` pulldown-cmark writes with `mailto:`.
    pub is_email: bool,
    /// The plain text of the link, for citation checks.
    pub text: String,
    /// Removed by `sanitize` with the raw element around it: not on the page, not checked.
    pub removed: bool,
}

/// A blockquote; with an attribution when its last paragraph starts with a dash (`— Name`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuoteBlock {
    /// Indexes of its `Start(BlockQuote)` and `End(BlockQuote)` events.
    pub start: usize,
    pub end: usize,
    pub attribution: Option<Attribution>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attribution {
    /// Indexes of the attribution paragraph's `Start(Paragraph)` and `End(Paragraph)` events.
    pub start: usize,
    pub end: usize,
    /// Its plain text without the dash: "Victor Cha", "Victor Cha, CSIS".
    pub text: String,
    /// Index into `links` of the first link in it, if any (`— [Ishiba](actor:shigeru-ishiba)`).
    pub link: Option<usize>,
}

/// Consecutive `Text` events outside headings and code blocks (smart punctuation splits
/// "People’s" into three), their text put together: where names are looked for. Recorded at
/// parse, so that finding names needs no second parse.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TextRun<'s> {
    /// The events' text, one after the other (the event's own when the run is one event). Not in
    /// the cached form, as `LinkRef::dest`.
    #[serde(skip, default = "crate::build_cache::codec::empty_text")]
    pub text: CowStr<'s>,
    /// Index of the run's first event; the others follow it.
    pub first_event: usize,
    /// Inside a link or an image, where names are not linked again.
    pub in_link: bool,
    /// Inside an image: its text is the image's `alt` attribute, where nothing is marked up.
    pub in_image: bool,
    /// Inside an element of raw HTML, where nothing is marked up either.
    pub in_raw: bool,
    /// Removed by `sanitize` with the raw element around it (`<script>`): not written at all.
    pub removed: bool,
    /// Where each event's text ends in `text`, when there are several (empty for one).
    #[serde(with = "crate::build_cache::codec::u32s")]
    piece_ends: Box<[u32]>,
}

impl TextRun<'_> {
    /// How many events the run is made of.
    pub fn event_count(&self) -> usize {
        self.piece_ends.len().max(1)
    }

    /// The text of the run's `n`th event.
    pub fn piece(&self, n: usize) -> &str {
        if self.piece_ends.is_empty() {
            return &self.text;
        }
        &self.text[self.piece_start(n)..self.piece_ends[n] as usize]
    }

    /// Where the `n`th event's text starts in `text`, when the run has several.
    fn piece_start(&self, n: usize) -> usize {
        if n == 0 { 0 } else { self.piece_ends[n - 1] as usize }
    }

    /// Converts an offset in `text` to (event index, offset in that event's text). An end offset
    /// at a boundary between events stays in the earlier one.
    pub fn position(&self, offset: usize, is_end: bool) -> (usize, usize) {
        let ends = &self.piece_ends;
        if ends.is_empty() {
            return (self.first_event, offset.min(self.text.len()));
        }
        for (i, &end) in ends.iter().enumerate() {
            let (start, end) = (self.piece_start(i), end as usize);
            let inside = if is_end { offset > start && offset <= end } else { offset >= start && offset < end };
            if inside {
                return (self.first_event + i, offset - start);
            }
        }
        let last = ends.len() - 1;
        let start = self.piece_start(last);
        (self.first_event + last, (offset - start).min(ends[last] as usize - start))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// The id was written (`## Title {#id}`), not made from the text.
    pub custom: bool,
}

/// A Markdown body after one parse: what later stages need to know about it, and its HTML as far
/// as it does not depend on the rest of the site. Its events are not kept (they would take about
/// three times the memory of the text): event indexes (links, quotes, text runs, annotations)
/// count them, and [`BodyHtml`] knows where each one's output is.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ParsedBody<'s> {
    /// How many events the text makes; event indexes below count them.
    pub event_count: usize,
    /// Footnotes, in the order their labels first appear.
    pub footnotes: Vec<Footnote>,
    /// The id of each footnote definition, in order (a label defined twice has two).
    pub footnote_definitions: Vec<String>,
    pub links: Vec<LinkRef<'s>>,
    pub headings: Vec<Heading>,
    /// Ids that raw HTML defines (`id`, and `name` on `a`), in order.
    pub raw_ids: Vec<String>,
    /// The summary of an explainer without `summary:`, as plain text: its top-level paragraphs
    /// before a `<!-- more -->` line, or without one its first top-level paragraph. Decided here
    /// only ([`Summary`]).
    pub summary: Option<String>,
    pub word_count: usize,
    pub quotes: Vec<QuoteBlock>,
    /// Its words as search indexes them (text and code), counted.
    pub words: WordBag,
    /// Its text outside headings and code blocks, in order.
    pub text_runs: Vec<TextRun<'s>>,
    pub html: BodyHtml,
    /// Errors and warnings: ids that clash, what `sanitize` removed.
    pub issues: Vec<BodyIssue>,
}

/// The info string of the code blocks `dossier import` leaves where it could not convert a
/// shortcode: the block holds the call as written (see docs/content.md).
pub const UNCONVERTED_INFO: &str = "unconverted";

/// The warning for an `unconverted` code block at `range` of the body: it names the shortcode (the
/// first word of the call, past its `{{<`, `{{%`, `{{`, `{%` or `[`). A block holding a closing
/// call (`{{< /note >}}`, `{% end %}`, `[/caption]`) makes none: its opening call has one.
fn unconverted_issue(body: &str, body_offset: usize, range: Range<usize>) -> Option<BodyIssue> {
    let block = &body[range.clone()];
    let call = block.lines().nth(1).unwrap_or_default().trim_start();
    let call = call.trim_start_matches(['{', '<', '%', '[', ' ']);
    if call.starts_with('/') || call.trim_start_matches('-').trim_start().starts_with("end ") {
        return None;
    }
    let name: String =
        call.chars().take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')).take(60).collect();
    let name = if name.is_empty() { "?".to_string() } else { name };
    let first_line = block.find('\n').unwrap_or(block.len());
    Some(BodyIssue {
        error: false,
        code: Code::UnconvertedShortcode,
        offset: body_offset + range.start,
        len: first_line,
        message: format!("unconverted shortcode `{name}` left by the import: convert or remove it by hand"),
        help: Some("`dossier import` could not run this shortcode of the old site; see docs/content.md".to_string()),
    })
}

/// A footnote: its label as written, the id of its definition and its number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Footnote {
    pub label: String,
    pub id: String,
    pub number: usize,
}

impl<'s> ParsedBody<'s> {
    /// Every id the body writes: headings, footnote definitions and raw HTML.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        let headings = self.headings.iter().map(|h| h.id.as_str());
        let footnotes = self.footnote_definitions.iter().map(String::as_str);
        headings.chain(footnotes).chain(self.raw_ids.iter().map(String::as_str))
    }
}

impl ParsedBody<'_> {
    /// Checks what rendering takes for granted of a body, for one read back from the build cache
    /// (a parse always holds together): every event index within the events, the output of
    /// every event within the HTML, the pieces of every run within its text, the word bag whole.
    pub fn check_whole(&self) -> Result<(), &'static str> {
        let events = self.event_count;
        let starts = &self.html.starts;
        if starts.len() != events + 1 || starts.windows(2).any(|w| w[0] > w[1]) {
            return Err("where its events' HTML starts");
        }
        if starts.iter().any(|&s| !self.html.text.is_char_boundary(s as usize)) {
            return Err("its HTML");
        }
        let links = self.links.iter().all(|l| l.event_index <= l.end_event_index && l.end_event_index < events);
        let quotes = self.quotes.iter().all(|q| {
            q.start <= q.end
                && q.end < events
                && q.attribution
                    .as_ref()
                    .is_none_or(|a| a.start <= a.end && a.end < events && a.link.is_none_or(|l| l < self.links.len()))
        });
        if !links || !quotes {
            return Err("its links or quotes");
        }
        let runs = self.text_runs.iter().all(|r| {
            let mut start = 0;
            let pieces = r.piece_ends.iter().all(|&end| {
                let ok = end as usize >= start && r.text.get(start..end as usize).is_some();
                start = end as usize;
                ok
            });
            pieces && r.first_event.checked_add(r.event_count()).is_some_and(|end| end <= events)
        });
        if !runs {
            return Err("its runs of text");
        }
        if !self.words.is_whole() {
            return Err("its word bag");
        }
        Ok(())
    }
}

/// Parses `body`, which starts at byte `body_offset` of its file, with the default options
/// (words counted, raw HTML sanitized, no ids reserved).
pub fn parse<'s>(body: &'s str, body_offset: usize) -> ParsedBody<'s> {
    parse_with(body, body_offset, &BodyOptions::default())
}

/// Parses `body`, which starts at byte `body_offset` of its file.
///
/// One pass over the events, keeping none of them: each thing recorded (links, headings,
/// quotes, runs of text, the first paragraph) is made as its events go by, and pulldown-cmark's
/// HTML writer writes the body's HTML from the same events ([`BodyHtml`]). A body with raw HTML
/// may take more: a second pass when an id of its raw HTML is one an earlier heading or footnote
/// took (so that generated ids step around it), and under `sanitize` the sanitizer
/// ([`sanitize`]), or a pass with the raw HTML shown as text when the sanitized HTML cannot be
/// used.
pub fn parse_with<'s>(body: &'s str, body_offset: usize, options: &BodyOptions<'_>) -> ParsedBody<'s> {
    let mode = options.raw_html.mode;
    let parsed = parse_with_unique_ids(body, body_offset, options, mode);
    if mode != RawHtml::Sanitize || parsed.raw_events.is_empty() {
        return parsed.body;
    }
    let layout = sanitize::Layout {
        event_count: parsed.body.event_count,
        raw: &parsed.raw_events,
        dropped_ids: &parsed.dropped_ids,
        closes: &parsed.closes,
        plaintexts: &parsed.plaintexts,
        runs: &parsed.body.text_runs,
        links: &parsed.body.links,
        quotes: &parsed.body.quotes,
    };
    match sanitize::sanitize(&parsed.body.html, &layout, options.raw_html, body) {
        Ok(sanitized) => {
            let mut body = parsed.body;
            body.html = sanitized.html;
            for run in sanitized.removed_runs {
                body.text_runs[run].removed = true;
            }
            for quote in sanitized.plain_quotes {
                body.quotes[quote].attribution = None;
            }
            for link in sanitized.removed_links {
                body.links[link].removed = true;
            }
            body
        }
        Err(sanitize::Failure(reason)) => {
            let first_raw = parsed.first_raw_offset;
            let mut escaped = parse_with_unique_ids(body, body_offset, options, RawHtml::Escape).body;
            escaped.issues.push(BodyIssue {
                error: false,
                code: Code::RawHtmlShownAsText,
                offset: body_offset + first_raw,
                len: body[first_raw..].find('>').map_or(1, |i| i + 1),
                message: format!("raw HTML in this file is shown as text: {reason}"),
                help: Some("close every element inside the Markdown block that opens it".into()),
            });
            escaped
        }
    }
}

/// One pass over `body`, or two when ids written in it (custom heading ids, raw HTML ids) are ones
/// a heading or footnote was given first: the second makes those step around them.
fn parse_with_unique_ids<'s>(
    body: &'s str,
    body_offset: usize,
    options: &BodyOptions<'_>,
    mode: RawHtml,
) -> OnePass<'s> {
    let parsed = parse_once(body, body_offset, options, mode, &FxHashSet::default());
    let written: FxHashSet<String> = parsed
        .body
        .headings
        .iter()
        .filter(|h| h.custom)
        .map(|h| h.id.clone())
        .chain(parsed.body.raw_ids.iter().cloned())
        .collect();
    let generated = parsed.body.headings.iter().filter(|h| !h.custom).map(|h| &h.id);
    if generated.chain(parsed.body.footnotes.iter().map(|f| &f.id)).any(|id| written.contains(id)) {
        return parse_once(body, body_offset, options, mode, &written);
    }
    parsed
}

/// One pass over a body, and what sanitizing it would need.
struct OnePass<'s> {
    body: ParsedBody<'s>,
    /// Event indexes of raw HTML (outside images), in ranges of consecutive events.
    raw_events: Vec<Range<usize>>,
    /// Where the first raw HTML is, in the body.
    first_raw_offset: usize,
    /// Ids of raw HTML that `sanitize` removes: they clash with others on the page.
    dropped_ids: Vec<DroppedId>,
    /// Raw elements `sanitize` closes where their block ends.
    closes: Vec<raw_html::Close>,
    /// `<plaintext>` start tags: (event, byte in its text).
    plaintexts: Vec<(usize, usize)>,
}

/// An attribute of a raw tag, which `sanitize` removes: the tag starts at byte `in_event` of the
/// text of event `event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DroppedId {
    pub event: usize,
    pub in_event: usize,
    pub attribute: &'static str,
}

/// One pass over `body`, treating raw HTML as `mode` says; `written` are ids written in the body
/// (known from a first pass) that generated ids must step around.
fn parse_once<'s>(
    body: &'s str,
    body_offset: usize,
    options: &BodyOptions<'_>,
    mode: RawHtml,
    written: &FxHashSet<String>,
) -> OnePass<'s> {
    let mut scan = Scan::new(body, body_offset, options, mode, written);
    let written_ids = written;
    // the text of runs is left out: what remains is about a third of the Markdown
    let mut text = String::with_capacity(body.len() / 3 + 256);
    let written = Cell::new(0);
    let last_byte = Cell::new(b'\n');
    let mut starts = Vec::new();
    let last_event = Cell::new(0..0);
    let written_whole = {
        let events = HtmlEvents {
            parser: Parser::new_ext(body, self::options()).into_offset_iter(),
            scan: &mut scan,
            ready: VecDeque::new(),
            heading: None,
            code: None,
            written: &written,
            last_byte: &last_byte,
            starts: &mut starts,
            last_event: &last_event,
        };
        let writer =
            CountingWriter { out: &mut text, written: &written, last_byte: &last_byte, limit: options.max_html };
        // the only error is the writer's refusal to go past `max_html`
        pulldown_cmark::html::write_html_fmt(writer, events).is_ok()
    };
    if !written_whole {
        return too_much_html(body_offset, options, mode, written_ids, last_event.take());
    }
    text.shrink_to_fit();
    let end = offset_u32(text.len());
    starts.resize(scan.event_count + 1, end);
    scan.finish(BodyHtml { text, starts: starts.into(), hrefs_blank: false })
}

/// A body whose HTML went past `options.max_html` at the event at `at` (in the body): it is
/// parsed as empty, with an error there, so that later stages have a consistent body to work
/// with while the build fails.
fn too_much_html<'s>(
    body_offset: usize,
    options: &BodyOptions<'_>,
    mode: RawHtml,
    written: &FxHashSet<String>,
    at: Range<usize>,
) -> OnePass<'s> {
    let mut empty = parse_once("", body_offset, options, mode, written);
    empty.body.issues.push(BodyIssue {
        error: true,
        code: Code::BodyTooLarge,
        offset: body_offset + at.start,
        len: at.len(),
        message: format!(
            "this body makes more than {} of HTML by here, more than a page may hold",
            byte_size(options.max_html)
        ),
        help: Some(
            "Markdown can make HTML many times its size (highlighted code, a reference link with a long \
             address used again and again): split the file"
                .into(),
        ),
    });
    empty
}

/// `1 GiB`, `64 KiB`, `100 bytes`: a size as a message shows it (rounded down).
fn byte_size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// The HTML pulldown-cmark's writer makes of `body` with nothing of the site put in and its raw
/// HTML passed through (`trusted`): its own events, heading ids from the parse filled in,
/// footnotes numbered and given their ids, code blocks highlighted, written by `push_html`.
/// Rendering a body with no link resolved must give exactly this; the tests and the fuzz targets
/// check it against what [`BodyHtml`] and rendering make.
#[doc(hidden)]
pub fn html_from_events(body: &str) -> String {
    let trusted = RawHtmlPolicy::new(RawHtml::Trusted, Vec::new());
    let parsed = parse_with(body, 0, &BodyOptions { for_search: false, raw_html: &trusted, ..BodyOptions::default() });
    let mut headings = parsed.headings.iter();
    let mut definitions = parsed.footnote_definitions.iter();
    let footnote =
        |label: &str| parsed.footnotes.iter().find(|f| f.label == label).expect("every footnote label is recorded");
    // each event, and whether the writer starts it on a line of its own
    let mut events: Vec<(Event<'_>, bool)> = Vec::new();
    let mut code: Option<(String, String)> = None;
    let mut image_depth = 0;
    for mut event in Parser::new_ext(body, options()) {
        match (&mut code, &mut event) {
            (Some((_, text)), Event::Text(t)) => text.push_str(t),
            (Some((lang, text)), Event::End(TagEnd::CodeBlock)) => {
                events.push((Event::Html(highlight::code_block(lang, text).into()), true));
                code = None;
            }
            (Some(_), _) => {}
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            (None, Event::Start(Tag::Heading { id, .. })) => {
                *id = headings.next().map(|h| CowStr::from(h.id.clone()));
                events.push((event, false));
            }
            (None, Event::FootnoteReference(label)) => {
                let f = footnote(label);
                let event = if image_depth > 0 {
                    Event::Text(format!("[{}]", f.number).into())
                } else {
                    Event::Html(footnote_reference(f).into())
                };
                events.push((event, false));
            }
            (None, Event::Start(Tag::FootnoteDefinition(label))) => {
                let id = definitions.next().expect("every definition is recorded");
                let f = Footnote { id: id.clone(), ..footnote(label).clone() };
                events.push((Event::Html(footnote_definition(&f).into()), true));
            }
            (None, Event::Start(Tag::Image { .. })) => {
                image_depth += 1;
                events.push((event, false));
            }
            (None, Event::End(TagEnd::Image)) => {
                image_depth -= 1;
                events.push((event, false));
            }
            (None, _) => events.push((event, false)),
        }
    }
    // the writer starts a code block or a footnote definition on a line of its own: known only
    // as it writes, from the last byte it wrote
    let mut html = String::new();
    let (written, last_byte) = (Cell::new(0), Cell::new(b'\n'));
    let writer = CountingWriter { out: &mut html, written: &written, last_byte: &last_byte, limit: usize::MAX };
    let events = events.into_iter().map(|(event, own_line)| match event {
        Event::Html(h) if own_line && last_byte.get() != b'\n' => Event::Html(format!("\n{h}").into()),
        event => event,
    });
    pulldown_cmark::html::write_html_fmt(writer, events).expect("writing to a String");
    html
}

/// The HTML of a reference to footnote `f`, as pulldown-cmark's writer makes it.
fn footnote_reference(f: &Footnote) -> String {
    let mut out = String::from("<sup class=\"footnote-reference\"><a href=\"#");
    escape_html(&mut out, &f.id).expect("writing to a String");
    out.push_str(&format!("\">{}</a></sup>", f.number));
    out
}

/// The opening of footnote `f`'s definition, as pulldown-cmark's writer makes it.
fn footnote_definition(f: &Footnote) -> String {
    let mut out = String::from("<div class=\"footnote-definition\" id=\"");
    escape_html(&mut out, &f.id).expect("writing to a String");
    out.push_str(&format!("\"><sup class=\"footnote-definition-label\">{}</sup>", f.number));
    out
}

/// Offsets in a body's HTML are kept as `u32`: the writer stops at [`MAX_BODY_HTML`], and
/// sanitizing gives up on HTML past it, both well under 4 GiB.
fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).expect("a body's HTML is at most MAX_BODY_HTML")
}

/// The byte the HTML of a body holds for each text event of a run (ASCII SUB: a validator
/// would flag it if one were ever left in a page).
const RUN_STAND_IN: &str = "\u{1a}";

/// A body's HTML as pulldown-cmark's writer makes it, written during the parse (heading ids
/// filled in, code highlighted), and where each event's output starts in it. Rendering copies it,
/// putting in what depends on the rest of the site (link targets, citations, attributed quotes)
/// and the text of the runs (with mentions and glossary terms marked up), which the writer got
/// one byte for each event of: no second parse of the body, and the text is not kept twice.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct BodyHtml {
    pub text: String,
    /// `starts[i]` is where the output of event `i` starts (an event inside a code block starts
    /// where the block's HTML does); one more entry for the end.
    #[serde(with = "crate::build_cache::codec::u32s")]
    starts: Box<[u32]>,
    /// Links and images have an empty `href` or `src`, which rendering always fills in (the
    /// sanitizer saw them so: it would drop `actor:` and `source:` addresses). The tags may
    /// also follow markup the sanitizer closed before them.
    pub hrefs_blank: bool,
}

impl BodyHtml {
    /// Where in `text` the output of the events in `events` is.
    pub fn of_events(&self, events: Range<usize>) -> Range<usize> {
        self.starts[events.start] as usize..self.starts[events.end] as usize
    }
}

/// The HTML writer's output, with its length and last byte where the event iterator can read them.
struct CountingWriter<'a> {
    out: &'a mut String,
    written: &'a Cell<usize>,
    last_byte: &'a Cell<u8>,
    /// The most bytes it takes: past this, writing fails (and the writer stops).
    limit: usize,
}

impl std::fmt::Write for CountingWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if s.len() > self.limit - self.out.len() {
            return Err(std::fmt::Error);
        }
        self.out.push_str(s);
        self.written.set(self.out.len());
        if let Some(&last) = s.as_bytes().last() {
            self.last_byte.set(last);
        }
        Ok(())
    }
}

/// The body's events on their way to the HTML writer: each is recorded by the [`Scan`] as it is
/// parsed; headings wait for their end (their id depends on their text), and a code block
/// becomes its highlighted HTML. Before handing on an event, notes where its output starts: the
/// writer has written everything before it.
struct HtmlEvents<'s, 'a, 'o> {
    parser: pulldown_cmark::OffsetIter<'s, pulldown_cmark::DefaultBrokenLinkCallback>,
    scan: &'a mut Scan<'s, 'o>,
    /// Events to hand on, each with the index of the last event of the body it stands for.
    ready: VecDeque<(Event<'s>, usize)>,
    /// The events of the heading open.
    heading: Option<Vec<(Event<'s>, usize)>>,
    /// The code block open: its language and text.
    code: Option<(CowStr<'s>, String)>,
    written: &'a Cell<usize>,
    /// The last byte written (a newline before anything is): the writer starts a code block or a
    /// footnote definition on a new line.
    last_byte: &'a Cell<u8>,
    starts: &'a mut Vec<u32>,
    /// Where in the body the last event taken from the parser is: where an error about the HTML
    /// written so far points.
    last_event: &'a Cell<Range<usize>>,
}

impl<'s> Iterator for HtmlEvents<'s, '_, '_> {
    type Item = Event<'s>;

    fn next(&mut self) -> Option<Event<'s>> {
        loop {
            if let Some((event, last)) = self.ready.pop_front() {
                let at = offset_u32(self.written.get());
                self.starts.resize(last + 1, at);
                return Some(event);
            }
            let (event, range) = self.parser.next()?;
            self.last_event.set(range.clone());
            let index = self.scan.event_count;
            let event = match self.scan.event(&event, range) {
                // The text of runs is left to rendering, which marks names up in it: the writer
                // gets one byte in its place, ending in a newline where the text does (the
                // writer's choice of a newline before the next block depends on it).
                Output::RunText => {
                    let stand_in = match &event {
                        Event::Text(text) if text.ends_with('\n') => "\n",
                        _ => RUN_STAND_IN,
                    };
                    Event::InlineHtml(CowStr::Borrowed(stand_in))
                }
                Output::Html(html) => Event::InlineHtml(CowStr::from(html)),
                Output::BlockHtml(html) => {
                    let newline = if self.last_byte.get() == b'\n' { "" } else { "\n" };
                    Event::InlineHtml(CowStr::from(format!("{newline}{html}")))
                }
                Output::Text(text) => Event::Text(CowStr::from(text)),
                Output::AsIs => event,
            };
            if self.heading.is_some()
                || self.code.is_some()
                || matches!(event, Event::Start(Tag::Heading { .. } | Tag::CodeBlock(_)))
            {
                self.pass_on(event, index);
                continue;
            }
            // most events go straight on: nothing waits in `ready` when no heading or code block is open
            debug_assert_eq!(self.starts.len(), index, "every event before has its start");
            self.starts.push(offset_u32(self.written.get()));
            return Some(event);
        }
    }
}

impl<'s> HtmlEvents<'s, '_, '_> {
    fn pass_on(&mut self, event: Event<'s>, index: usize) {
        if let Some((lang, text)) = &mut self.code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    // the writer starts a code block on a line of its own
                    let newline = if self.last_byte.get() == b'\n' { "" } else { "\n" };
                    let html = format!("{newline}{}", highlight::code_block(lang, text));
                    self.code = None;
                    self.ready.push_back((Event::Html(CowStr::from(html)), index));
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang,
                    CodeBlockKind::Indented => CowStr::Borrowed(""),
                };
                self.code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading { .. }) => self.heading = Some(vec![(event, index)]),
            Event::End(TagEnd::Heading(_)) => {
                let mut events = self.heading.take().unwrap_or_default();
                if let (Some((Event::Start(Tag::Heading { id, .. }), _)), Some(heading)) =
                    (events.first_mut(), self.scan.ids.headings.last())
                {
                    *id = Some(CowStr::from(heading.id.clone()));
                }
                self.ready.extend(events);
                self.ready.push_back((event, index));
            }
            event => match &mut self.heading {
                Some(events) => events.push((event, index)),
                None => self.ready.push_back((event, index)),
            },
        }
    }
}

/// What the writer gets for an event the [`Scan`] recorded.
enum Output {
    /// The event itself.
    AsIs,
    /// A stand-in for text of a run, which rendering writes.
    RunText,
    /// This HTML instead (footnotes with their ids, raw HTML shown as text).
    Html(String),
    /// This HTML, on a line of its own (a footnote definition).
    BlockHtml(String),
    /// This text instead (a footnote reference inside an image's description).
    Text(String),
}

/// The line that ends an explainer's summary, as Hugo and Zola write it (also `<!--more-->`).
pub const MORE_MARKER: &str = "<!-- more -->";

/// Whether the text of an HTML block is the `<!-- more -->` line alone.
fn is_more_marker(block: &str) -> bool {
    let block = block.trim();
    block == MORE_MARKER || block == "<!--more-->"
}

/// The default summary of a body, decided as its paragraphs go by: the top-level paragraphs
/// before a `<!-- more -->` line, or the first one when there is no such line. Paragraphs are
/// gathered past the first only when the body holds the marker (found by a search of its text),
/// so that other bodies keep the cost of one paragraph.
enum Summary {
    /// No marker in the body: the first paragraph, once seen.
    First(Option<String>),
    /// The body holds the marker: (the first paragraph, the paragraphs so far joined by spaces).
    BeforeMore(Option<String>, String),
    /// The marker came: the summary.
    Ended(Option<String>),
}

impl Summary {
    fn new(body: &str) -> Summary {
        // most bodies hold no comment at all: one vectorized search of their text (`str::contains`
        // took 0.7% of a build's instructions)
        let comment = memchr::memmem::find(body.as_bytes(), b"<!--");
        if comment.is_some_and(|at| body[at..].contains(MORE_MARKER) || body[at..].contains("<!--more-->")) {
            Summary::BeforeMore(None, String::new())
        } else {
            Summary::First(None)
        }
    }

    /// Whether the text of the next top-level paragraph is needed.
    fn wants_paragraph(&self) -> bool {
        matches!(self, Summary::First(None) | Summary::BeforeMore(..))
    }

    fn paragraph(&mut self, text: String) {
        if text.is_empty() {
            return;
        }
        match self {
            Summary::First(first @ None) => *first = Some(text),
            Summary::BeforeMore(first, before) => {
                if !before.is_empty() {
                    before.push(' ');
                }
                before.push_str(&text);
                first.get_or_insert(text);
            }
            Summary::First(Some(_)) | Summary::Ended(_) => {}
        }
    }

    /// The marker: the paragraphs before it are the summary (with none, the first paragraph
    /// after it is, as without a marker).
    fn more(&mut self) {
        if let Summary::BeforeMore(_, before) = self {
            *self = if before.is_empty() { Summary::First(None) } else { Summary::Ended(Some(std::mem::take(before))) };
        }
    }

    fn finish(self) -> Option<String> {
        match self {
            Summary::First(first) | Summary::BeforeMore(first, _) | Summary::Ended(first) => first,
        }
    }
}

/// What one parse records of a body, event by event.
struct Scan<'s, 'a> {
    body: &'s str,
    body_offset: usize,
    for_search: bool,
    mode: RawHtml,
    policy: &'a RawHtmlPolicy,
    event_count: usize,
    links: Vec<LinkRef<'s>>,
    summary: Summary,
    paragraph_text: Option<String>,
    /// Inside the HTML block of a `<!-- more -->` line.
    in_more_marker: bool,
    container_depth: usize,
    open_links: Vec<usize>,
    word_count: usize,
    words: WordBagBuilder,
    ids: PageIds<'a>,
    quotes: Quotes,
    text_runs: TextRuns<'s>,
    raw: RawScan,
    raw_events: Vec<Range<usize>>,
    first_raw_offset: Option<usize>,
    issues: Vec<BodyIssue>,
}

impl<'s, 'a> Scan<'s, 'a> {
    fn new(
        body: &'s str,
        body_offset: usize,
        options: &BodyOptions<'a>,
        mode: RawHtml,
        written: &'a FxHashSet<String>,
    ) -> Scan<'s, 'a> {
        Scan {
            body,
            body_offset,
            for_search: options.for_search,
            mode,
            policy: options.raw_html,
            event_count: 0,
            links: Vec::new(),
            summary: Summary::new(body),
            paragraph_text: None,
            in_more_marker: false,
            container_depth: 0,
            open_links: Vec::new(),
            word_count: 0,
            words: WordBagBuilder::default(),
            ids: PageIds::new(options.reserved_ids, written),
            quotes: Quotes::default(),
            text_runs: TextRuns::default(),
            raw: RawScan::new(mode == RawHtml::Sanitize),
            raw_events: Vec::new(),
            first_raw_offset: None,
            issues: Vec::new(),
        }
    }

    fn in_image(&self) -> bool {
        self.open_links.iter().any(|&l| self.links[l].is_image)
    }

    /// Records the next event, which the parser found at `range` of the body, and says what the
    /// writer gets for it.
    fn event(&mut self, event: &Event<'s>, range: Range<usize>) -> Output {
        let index = self.event_count;
        self.event_count += 1;
        let mut output = Output::AsIs;
        // a fragment of raw HTML is read when something else comes (the end of its block, text)
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            self.raw.read_pending(self.policy, self.body);
        }
        match event {
            Event::Start(Tag::Link { link_type, dest_url, .. })
            | Event::Start(Tag::Image { link_type, dest_url, .. }) => {
                let whole = &self.body[range.clone()];
                let (offset, len) = match whole.rfind(dest_url.as_ref()) {
                    Some(i) if !dest_url.is_empty() => (self.body_offset + range.start + i, dest_url.len()),
                    _ => (self.body_offset + range.start, range.len()),
                };
                self.links.push(LinkRef {
                    event_index: index,
                    end_event_index: index,
                    dest: dest_url.clone(),
                    offset,
                    len,
                    is_image: matches!(event, Event::Start(Tag::Image { .. })),
                    is_email: *link_type == LinkType::Email,
                    text: String::new(),
                    removed: false,
                });
                self.open_links.push(self.links.len() - 1);
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if let Some(link) = self.open_links.pop() {
                    self.links[link].end_event_index = index;
                }
            }
            Event::Start(Tag::Paragraph) => {
                if self.container_depth == 0 && self.summary.wants_paragraph() {
                    self.paragraph_text = Some(String::new());
                }
                self.quotes.paragraph_starts(index);
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = self.paragraph_text.take() {
                    self.summary.paragraph(collapse_whitespace(&text));
                }
                self.quotes.paragraph_ends(index);
            }
            Event::Start(Tag::HtmlBlock) if self.container_depth == 0 && is_more_marker(&self.body[range.clone()]) => {
                self.more_marker_starts()
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.ids.heading_starts(*level as u8, id.as_deref(), self.body_offset + range.start, range.len())
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(issue) = self.ids.heading_ends() {
                    self.issues.push(issue);
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                self.container_depth += 1;
                self.quotes.start(index);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.container_depth = self.container_depth.saturating_sub(1);
                self.quotes.end(index, &self.links);
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.container_depth += 1;
                let footnote = self.ids.footnote_definition(label);
                output = Output::BlockHtml(footnote_definition(&footnote));
            }
            Event::FootnoteReference(label) => {
                let in_image = self.in_image();
                let footnote = self.ids.footnote(label);
                output = if in_image {
                    Output::Text(format!("[{}]", footnote.number))
                } else {
                    Output::Html(footnote_reference(footnote))
                };
            }
            Event::Start(Tag::List(_) | Tag::Table(_) | Tag::HtmlBlock) => self.container_depth += 1,
            Event::End(TagEnd::List(_) | TagEnd::FootnoteDefinition | TagEnd::Table | TagEnd::HtmlBlock) => {
                self.container_depth = self.container_depth.saturating_sub(1)
            }
            Event::Text(text) | Event::Code(text) => {
                self.word_count += count_words(text);
                if self.for_search {
                    self.words.add_text(text);
                }
                if let Some(p) = self.paragraph_text.as_mut() {
                    p.push_str(text);
                }
                if let Some(&link) = self.open_links.last() {
                    self.links[link].text.push_str(text);
                }
                self.ids.text(text);
                self.quotes.text(text);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = self.paragraph_text.as_mut() {
                    p.push(' ');
                }
                self.quotes.text(" ");
            }
            _ => {}
        }
        self.unconverted_block(event, &range);
        self.raw_html(event, index, &range, &mut output);
        self.more_marker_output(event, &mut output);
        let in_image = self.in_image();
        let run_text = self.text_runs.event(
            index,
            event,
            self.ids.heading_open(),
            !self.open_links.is_empty(),
            in_image,
            self.raw.inside_raw(),
        );
        if run_text { Output::RunText } else { output }
    }

    /// A code block `dossier import` left for a shortcode it could not convert: a warning.
    fn unconverted_block(&mut self, event: &Event<'s>, range: &Range<usize>) {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event
            && info.as_ref() == UNCONVERTED_INFO
        {
            self.issues.extend(unconverted_issue(self.body, self.body_offset, range.clone()));
        }
    }

    /// The HTML block of a `<!-- more -->` line starts: it ends the summary.
    fn more_marker_starts(&mut self) {
        self.summary.more();
        self.in_more_marker = true;
        self.container_depth += 1;
    }

    /// The marker is not on the page: shown as text (`escape`), it would read `<!-- more -->`.
    fn more_marker_output(&mut self, event: &Event<'s>, output: &mut Output) {
        if self.in_more_marker {
            if self.mode == RawHtml::Escape {
                *output = Output::Html(String::new());
            }
            self.in_more_marker = !matches!(event, Event::End(TagEnd::HtmlBlock));
        }
    }

    /// Raw HTML and the blocks around it: the fragments read for ids and removals, the blocks
    /// that close raw elements opened inside them, raw HTML shown as text under `escape`.
    fn raw_html(&mut self, event: &Event<'s>, index: usize, range: &Range<usize>, output: &mut Output) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::TableCell) => self.raw.block_starts(true),
            Event::Start(
                Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::Item
                | Tag::FootnoteDefinition(_)
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow,
            ) => self.raw.block_starts(false),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell) => self.raw.block_ends(index, true),
            Event::End(
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::FootnoteDefinition
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow,
            ) => self.raw.block_ends(index, false),
            Event::Start(Tag::HtmlBlock) if self.mode != RawHtml::Escape => self.raw.html_block_starts(),
            Event::End(TagEnd::HtmlBlock) if self.mode != RawHtml::Escape => self.raw.html_block_ends(index),
            Event::Html(html) | Event::InlineHtml(html) if !self.in_image() => {
                self.first_raw_offset.get_or_insert(range.start);
                match self.raw_events.last_mut() {
                    Some(last) if last.end == index => last.end = index + 1,
                    _ => self.raw_events.push(index..index + 1),
                }
                match self.mode {
                    RawHtml::Escape => {
                        let mut escaped = String::with_capacity(html.len() + 16);
                        escape_html_body_text(&mut escaped, html).expect("writing to a String");
                        *output = Output::Html(escaped);
                    }
                    RawHtml::Sanitize | RawHtml::Trusted => self.raw.raw(html, range.start, index),
                }
            }
            Event::Start(Tag::HtmlBlock) if self.mode == RawHtml::Escape => *output = Output::Html("<p>".into()),
            Event::End(TagEnd::HtmlBlock) if self.mode == RawHtml::Escape => *output = Output::Html("</p>\n".into()),
            _ => {}
        }
    }

    fn finish(mut self, html: BodyHtml) -> OnePass<'s> {
        self.raw.read_pending(self.policy, self.body);
        self.raw.body_ends(self.event_count);
        let mut issues = self.issues;
        let (raw_issues, dropped_ids) = self.ids.check_raw_ids(&self.raw.ids, self.body_offset, self.mode);
        issues.extend(raw_issues);
        let raw_ids: Vec<String> = self
            .raw
            .ids
            .iter()
            .filter(|f| !dropped_ids.iter().any(|d| (d.event, d.in_event) == (f.event, f.in_event)))
            .map(|f| f.what.value.clone())
            .collect();
        for removal in &self.raw.removals {
            issues.push(BodyIssue {
                error: false,
                code: removal.what.code(),
                offset: self.body_offset + removal.offset,
                len: removal.len,
                message: removal.what.message(),
                help: removal.what.help(),
            });
        }
        // kept until the site is rendered: without the room left for growth (134 MB of the
        // 1.05 GB the parse results hold at 100,000 explainers, issue 25)
        self.links.shrink_to_fit();
        self.ids.headings.shrink_to_fit();
        let body = ParsedBody {
            event_count: self.event_count,
            footnotes: self.ids.footnotes,
            footnote_definitions: self.ids.definitions,
            links: self.links,
            headings: self.ids.headings,
            raw_ids,
            summary: self.summary.finish(),
            word_count: self.word_count,
            quotes: self.quotes.finish(),
            words: self.words.finish(),
            text_runs: self.text_runs.finish(),
            html,
            issues,
        };
        OnePass {
            body,
            raw_events: self.raw_events,
            first_raw_offset: self.first_raw_offset.unwrap_or(0),
            dropped_ids,
            closes: self.raw.closes,
            plaintexts: self.raw.plaintexts,
        }
    }
}

/// The runs of text of a body outside headings and code blocks, as its events go by.
#[derive(Default)]
struct TextRuns<'s> {
    runs: Vec<TextRun<'s>>,
    /// The run the last event was part of, if that was a text event that starts or goes on one.
    open: Option<TextRun<'s>>,
    /// The text of the open run so far, when it has more than one event.
    joined: String,
    piece_ends: Vec<u32>,
    in_code: usize,
}

impl<'s> TextRuns<'s> {
    /// Takes the next event; `in_heading` and `in_link` say where it is (the parse keeps track
    /// of both for its own use).
    /// Returns whether the event is text of a run outside images (the text the HTML leaves to
    /// rendering).
    fn event(
        &mut self,
        index: usize,
        event: &Event<'s>,
        in_heading: bool,
        in_link: bool,
        in_image: bool,
        in_raw: bool,
    ) -> bool {
        if let Event::Text(text) = event {
            return match &mut self.open {
                Some(run) => {
                    if self.piece_ends.is_empty() {
                        self.joined.push_str(&run.text);
                        self.piece_ends.push(self.joined.len() as u32);
                    }
                    self.joined.push_str(text);
                    self.piece_ends.push(self.joined.len() as u32);
                    !run.in_image
                }
                None if !in_heading && self.in_code == 0 => {
                    self.open = Some(TextRun {
                        text: text.clone(),
                        first_event: index,
                        in_link,
                        in_image,
                        in_raw,
                        removed: false,
                        piece_ends: Box::default(),
                    });
                    !in_image
                }
                None => false,
            };
        }
        self.close();
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code += 1,
            Event::End(TagEnd::CodeBlock) => self.in_code = self.in_code.saturating_sub(1),
            _ => {}
        }
        false
    }

    fn close(&mut self) {
        if let Some(mut run) = self.open.take() {
            if !self.piece_ends.is_empty() {
                run.text = CowStr::from(std::mem::take(&mut self.joined));
                run.piece_ends = std::mem::take(&mut self.piece_ends).into();
            }
            self.runs.push(run);
        }
    }

    fn finish(mut self) -> Vec<TextRun<'s>> {
        self.close();
        self.runs.shrink_to_fit();
        self.runs
    }
}

/// Blockquotes and their attributions, as the events go by: a last paragraph (not the only one)
/// that starts with `—`, `–` (what smart punctuation makes of `--`) or `--`.
#[derive(Default)]
struct Quotes {
    quotes: Vec<QuoteBlock>,
    /// Start events of the blockquotes open.
    open: Vec<usize>,
    /// Inside a blockquote: the paragraph open (its start event and plain text so far), and the
    /// last one that ended (start and end events, text).
    paragraph: Option<(usize, String)>,
    last_paragraph: Option<(usize, usize, String)>,
}

impl Quotes {
    fn start(&mut self, index: usize) {
        self.open.push(index);
    }

    fn paragraph_starts(&mut self, index: usize) {
        if !self.open.is_empty() {
            self.paragraph = Some((index, String::new()));
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, paragraph)) = &mut self.paragraph {
            paragraph.push_str(text);
        }
    }

    fn paragraph_ends(&mut self, index: usize) {
        if let Some((start, text)) = self.paragraph.take() {
            self.last_paragraph = Some((start, index, text));
        }
    }

    fn end(&mut self, index: usize, links: &[LinkRef<'_>]) {
        let Some(start) = self.open.pop() else { return };
        // the attribution is the paragraph that ended just before the quote does
        let attribution = match self.last_paragraph.take() {
            Some((para_start, para_end, text)) if para_end + 1 == index && para_start != start + 1 => {
                attribution(links, para_start, para_end, &text)
            }
            _ => None,
        };
        self.quotes.push(QuoteBlock { start, end: index, attribution });
    }

    fn finish(mut self) -> Vec<QuoteBlock> {
        // an inner quote ends before the one around it
        self.quotes.sort_by_key(|q| q.start);
        self.quotes
    }
}

/// The attribution a quote's last paragraph makes (its plain text is `text`), if it starts with a dash.
fn attribution(links: &[LinkRef<'_>], para_start: usize, para_end: usize, text: &str) -> Option<Attribution> {
    let trimmed = text.trim_start();
    let rest = ["—", "–", "--", "―"].iter().find_map(|dash| trimmed.strip_prefix(dash))?;
    let link = links.iter().position(|l| l.event_index > para_start && l.event_index < para_end);
    Some(Attribution { start: para_start, end: para_end, text: rest.trim().to_string(), link })
}

/// Words in `text`: runs of characters between ASCII whitespace (what `split_whitespace` counts
/// in text written with ordinary spaces). Eight bytes at a time: a word starts at each byte that
/// is not whitespace and follows whitespace or the start of the text.
fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    // the high bit of the last byte of the previous eight, as the high bit of the first byte:
    // set when it was whitespace (the text starts after whitespace)
    let mut after_space = 0x80u64;
    let mut at = 0;
    while at < bytes.len() {
        let eight = words::load(bytes, at);
        let [tab_to_newline, form_feed_to_return, space] =
            words::ascii_between(eight, [(b'\t', b'\n'), (0x0C, b'\r'), (b' ', b' ')]);
        let whitespace = tab_to_newline | form_feed_to_return | space;
        let present = match bytes.len() - at {
            rest if rest < 8 => words::HIGHS >> (8 * (8 - rest)),
            _ => words::HIGHS,
        };
        let starts = !whitespace & present & ((whitespace << 8) | after_space);
        // one bit a byte: their sum, gathered in the top byte by a multiplication
        count += ((starts >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
        after_space = whitespace >> 56;
        at += 8;
    }
    count
}

/// The words of `text` (split at Unicode whitespace, as `split_whitespace` does) joined by one
/// space, without collecting them first.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The ids a body gives its headings (their text as a slug, `-1`, `-2`… when taken, unless
/// written as `{#id}`) and footnotes (their label, stepped the same way), unique on the page: they
/// step around each other, the ids reserved for the page's templates, and on a second pass the
/// ids written in the body (custom heading ids and raw HTML ids) that the first pass made again.
struct PageIds<'a> {
    reserved: ReservedIds<'a>,
    /// Ids written in the body, known from a first pass, that made ids step around.
    written: &'a FxHashSet<String>,
    headings: Vec<Heading>,
    footnotes: Vec<Footnote>,
    /// Footnote label, lower-cased, → its id (labels match regardless of case).
    footnote_ids: FxHashMap<String, String>,
    /// Labels, lower-cased, whose definition was given its id.
    defined: FxHashSet<String>,
    /// The id of each definition, in order.
    definitions: Vec<String>,
    /// Ids taken by headings and footnotes so far, and where custom ones were written.
    used: FxHashMap<String, Option<usize>>,
    /// The next suffix to try for a text: many equal headings stay linear.
    next_suffix: FxHashMap<String, usize>,
    /// The heading open: its level, its written id, its text so far, where it is (file offset, length).
    open: Option<(u8, Option<String>, String, usize, usize)>,
}

impl<'a> PageIds<'a> {
    fn new(reserved: ReservedIds<'a>, written: &'a FxHashSet<String>) -> PageIds<'a> {
        PageIds {
            reserved,
            written,
            headings: Vec::new(),
            footnotes: Vec::new(),
            footnote_ids: FxHashMap::default(),
            defined: FxHashSet::default(),
            definitions: Vec::new(),
            used: FxHashMap::default(),
            next_suffix: FxHashMap::default(),
            open: None,
        }
    }

    fn heading_open(&self) -> bool {
        self.open.is_some()
    }

    fn heading_starts(&mut self, level: u8, custom: Option<&str>, offset: usize, len: usize) {
        self.open = Some((level, custom.map(str::to_string), String::new(), offset, len));
    }

    fn text(&mut self, text: &str) {
        if let Some((_, _, heading, _, _)) = &mut self.open {
            heading.push_str(text);
        }
    }

    /// Gives the heading that ends its id; a custom id that is taken is an error.
    fn heading_ends(&mut self) -> Option<BodyIssue> {
        let (level, written, text, offset, len) = self.open.take()?;
        let custom = written.is_some();
        let (id, issue) = match written {
            Some(id) => {
                let issue = self.clash(&id, offset, len, "the heading id");
                self.used.insert(id.clone(), Some(offset));
                (id, issue)
            }
            None => {
                let base = Slug::from_text(&text).map_or_else(|| "section".to_string(), |s| s.to_string());
                (self.make(&base), None)
            }
        };
        self.headings.push(Heading { level, id, text: text.trim().to_string(), custom });
        issue
    }

    /// The error for an id written in the body (`what` says how) that the page already has.
    fn clash(&self, id: &str, offset: usize, len: usize, what: &str) -> Option<BodyIssue> {
        let issue = |code: Code, message: String, help: &str| {
            Some(BodyIssue { error: true, code, offset, len, message, help: Some(help.to_string()) })
        };
        if id.is_empty() || id.contains(|c: char| c.is_ascii_whitespace()) {
            return issue(Code::NotAnId, format!("{what} `{id}` is not an id"), "an id is one word, without spaces");
        }
        if self.reserved.contains(id) {
            return issue(
                Code::IdTaken,
                format!("{what} `{id}` is one the page's template gives to its own section"),
                "choose another id: ids must be unique on a page",
            );
        }
        match self.used.get(id) {
            Some(Some(_)) => issue(
                Code::IdTaken,
                format!("{what} `{id}` is written twice on this page"),
                "ids must be unique on a page",
            ),
            _ => None,
        }
    }

    /// `base`, or `base-1`, `base-2`… : the first not taken.
    fn make(&mut self, base: &str) -> String {
        let mut candidate = base.to_string();
        let n = self.next_suffix.entry(base.to_string()).or_insert(1);
        while self.reserved.contains(&candidate)
            || self.written.contains(&candidate)
            || self.used.contains_key(&candidate)
        {
            candidate = format!("{base}-{n}");
            *n += 1;
        }
        self.used.insert(candidate.clone(), None);
        candidate
    }

    /// The footnote a definition with this label opens. A second definition of a label (which
    /// no reference reaches) is given an id of its own, so that the page has each id once.
    fn footnote_definition(&mut self, label: &str) -> Footnote {
        let mut footnote = self.footnote(label).clone();
        if !self.defined.insert(label.to_lowercase()) {
            footnote.id = self.make(&footnote.id);
        }
        self.definitions.push(footnote.id.clone());
        footnote
    }

    /// The footnote with this label, given its id and number the first time it is seen (a
    /// reference or the definition), as pulldown-cmark's writer numbers them.
    fn footnote(&mut self, label: &str) -> &Footnote {
        if let Some(i) = self.footnotes.iter().position(|f| f.label == label) {
            return &self.footnotes[i];
        }
        let key = label.to_lowercase();
        let id = match self.footnote_ids.get(&key) {
            Some(id) => id.clone(),
            None => {
                let natural: String = label.split_ascii_whitespace().collect::<Vec<_>>().join("-");
                let id = self.make(if natural.is_empty() { "footnote" } else { &natural });
                self.footnote_ids.insert(key, id.clone());
                id
            }
        };
        let number = self.footnotes.len() + 1;
        self.footnotes.push(Footnote { label: label.to_string(), id, number });
        self.footnotes.last().expect("just pushed")
    }

    /// What the raw HTML's ids make (each at `offset` of the body) when they clash: with one the
    /// template writes, with one written before (raw, or a custom heading id), or when they are
    /// not ids at all. Under `trusted` they are errors; `sanitize` removes them, with a warning.
    /// (Those a generated id took are neither: the body is parsed again with generated ids
    /// stepping around them.)
    fn check_raw_ids(
        &mut self,
        ids: &[raw_html::Found<raw_html::RawId>],
        body_offset: usize,
        mode: RawHtml,
    ) -> (Vec<BodyIssue>, Vec<DroppedId>) {
        let (mut issues, mut dropped) = (Vec::new(), Vec::new());
        for found in ids {
            let id = &found.what.value;
            let at = body_offset + found.offset;
            match self.clash(id, at, found.len, "raw HTML: the id") {
                Some(mut issue) if mode == RawHtml::Sanitize => {
                    issue.error = false;
                    issue.message.push_str(": it is removed");
                    issues.push(issue);
                    let attribute = found.what.attribute;
                    dropped.push(DroppedId { event: found.event, in_event: found.in_event, attribute });
                }
                Some(issue) => issues.push(issue),
                None => {
                    self.used.insert(id.clone(), Some(at));
                }
            }
        }
        (issues, dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unconverted_shortcodes_are_warnings_at_their_block() {
        let body = "Text.\n\n```unconverted\n{{< chart id=\"7\" >}}\n```\n\n~~~unconverted\n[gallery ids=\"1\"]\n~~~\n\n```rust\nx\n```\n\n```unconverted\n{{< /chart >}}\n```\n\n```unconverted\n{% end %}\n```\n";
        let issues = parse(body, 10).issues;
        let found: Vec<(&str, usize, bool)> = issues.iter().map(|i| (i.message.as_str(), i.offset, i.error)).collect();
        assert_eq!(
            found,
            [
                ("unconverted shortcode `chart` left by the import: convert or remove it by hand", 17, false),
                ("unconverted shortcode `gallery` left by the import: convert or remove it by hand", 58, false),
            ]
        );
        assert!(issues.iter().all(|i| i.code == Code::UnconvertedShortcode));
    }

    /// A parsed body is kept until its site is rendered: its lists hold no room to grow, which
    /// at 100,000 explainers was 134 MB of the parse results (issue 25).
    #[test]
    fn a_parsed_body_keeps_no_room_to_grow() {
        let mut body = String::new();
        for i in 0..40 {
            body.push_str(&format!("## Part {i}\n\nText with a [link](https://example.org/{i}) and *more* text.\n\n"));
        }
        let parsed = parse(&body, 0);
        assert!(parsed.text_runs.len() > 40 && parsed.links.len() == 40 && parsed.headings.len() == 40);
        assert_eq!(parsed.text_runs.capacity(), parsed.text_runs.len());
        assert_eq!(parsed.links.capacity(), parsed.links.len());
        assert_eq!(parsed.headings.capacity(), parsed.headings.len());
        assert_eq!(parsed.html.text.capacity(), parsed.html.text.len());
    }

    #[test]
    fn heading_ids_are_unique() {
        let body = "# Why Kursk matters\n\n## Why Kursk matters\n\n## Sources\n\n## Custom {#mine}\n";
        let parsed = parse(body, 0);
        let ids: Vec<_> = parsed.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["why-kursk-matters", "why-kursk-matters-1", "sources", "mine"]);
        assert!(parsed.ids().any(|id| id == "mine"));
    }

    #[test]
    fn made_ids_step_around_ids_written_later_in_the_body() {
        let body =
            "## Outcomes\n\nA note.[^a]\n\n## Other {#outcomes}\n\n<span id=\"a\">raw</span>\n\n[^a]: The note.\n";
        let parsed = parse(body, 0);
        let ids: Vec<&str> = parsed.ids().collect();
        assert_eq!(ids, ["outcomes-1", "outcomes", "a-1", "a"]);
        assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
        // footnote ids, and references to them, step around the template's
        let reserved: FxHashSet<String> = ["sources".to_string()].into_iter().collect();
        let options = BodyOptions {
            reserved_ids: ReservedIds { written: Some(&reserved), given: &[] },
            ..BodyOptions::default()
        };
        let parsed = parse_with("See[^sources].\n\n[^sources]: Two readouts.\n", 0, &options);
        assert_eq!(parsed.footnote_definitions, ["sources-1"]);
        let html = crate::render::html::body_html(&parsed, &[]);
        assert!(html.contains("href=\"#sources-1\"") && html.contains("id=\"sources-1\""), "{html}");
    }

    #[test]
    fn links_know_where_their_destination_is_written() {
        let text = "---\n---\nSee [the talks](other.md#why) and ![map](/img/map.png).\n";
        let body_offset = 8;
        let parsed = parse(&text[body_offset..], body_offset);
        assert_eq!(parsed.links.len(), 2);
        let link = &parsed.links[0];
        assert_eq!(&text[link.offset..link.offset + link.len], "other.md#why");
        assert_eq!(link.text, "the talks");
        assert!(parsed.links[1].is_image);
    }

    #[test]
    fn quotes_with_a_dash_line_are_attributed() {
        let body = "> Words.\n>\n> -- Victor Cha, CSIS\n\n> Linked.\n>\n> — [Ishiba](actor:shigeru-ishiba)\n\n> — only a dash line\n\n> Plain quote.\n";
        let parsed = parse(body, 0);
        assert_eq!(parsed.quotes.len(), 4);
        let first = parsed.quotes[0].attribution.as_ref().unwrap();
        assert_eq!(first.text, "Victor Cha, CSIS");
        assert_eq!(first.link, None);
        let second = parsed.quotes[1].attribution.as_ref().unwrap();
        assert_eq!(second.text, "Ishiba");
        assert_eq!(parsed.links[second.link.unwrap()].dest.as_ref(), "actor:shigeru-ishiba");
        assert_eq!(parsed.quotes[2].attribution, None);
        assert_eq!(parsed.quotes[3].attribution, None);
    }

    #[test]
    fn text_runs_leave_out_headings_and_code_and_know_their_events() {
        let body = "## Xi in Lima\n\nThe People's [Xi](https://x/) met.\n\n```\nXi\n```\n";
        let parsed = parse(body, 0);
        let runs: Vec<(&str, bool)> = parsed.text_runs.iter().map(|r| (r.text.as_ref(), r.in_link)).collect();
        assert_eq!(runs, [("The People’s ", false), ("Xi", true), (" met.", false)]);
        let events: Vec<Event<'_>> = Parser::new_ext(body, options()).collect();
        let run = &parsed.text_runs[0];
        // smart punctuation makes three events of "The People’s ": find each offset in them
        for (offset, is_end) in [(0, false), (10, false), (10, true), (13, true), (12, false)] {
            let (event, at) = run.position(offset, is_end);
            let Event::Text(t) = &events[event] else { panic!("not text") };
            let before: usize = (run.first_event..event)
                .map(|i| match &events[i] {
                    Event::Text(t) => t.len(),
                    _ => 0,
                })
                .sum();
            assert_eq!(before + at, offset, "offset {offset}");
            assert!(at <= t.len() && (is_end || at < t.len()), "offset {offset} in {t:?}");
        }
        assert_eq!(run.position(10, true).0, run.first_event, "an end at a boundary stays in the earlier event");
    }

    #[test]
    fn words_for_search_are_counted_only_when_asked() {
        let body = "# Talks\n\nXi met [Yoon](actor:yoon) in Lima.\n";
        let counting = |for_search| parse_with(body, 0, &BodyOptions { for_search, ..BodyOptions::default() });
        let (with, without) = (counting(true), counting(false));
        assert_eq!(with.words.iter().count(), 6);
        assert_eq!(without.words.iter().count(), 0);
        assert_eq!((with.word_count, with.links.len()), (without.word_count, without.links.len()));
    }

    #[test]
    fn counts_words() {
        assert_eq!(count_words("  one two\tthree\nfour  "), 4);
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("Türkiye’s"), 1);
    }

    /// The word count, eight bytes at a time, against counting byte by byte: every ASCII byte
    /// (whitespace and the control characters near it), letters outside ASCII, every length and
    /// every alignment.
    #[test]
    fn counts_words_as_byte_by_byte() {
        fn one_by_one(text: &str) -> usize {
            let (mut count, mut in_word) = (0, false);
            for &b in text.as_bytes() {
                let space = b.is_ascii_whitespace();
                if !space && !in_word {
                    count += 1;
                }
                in_word = !space;
            }
            count
        }
        let pieces = ["a", "b", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1f", "!", "\u{7f}", "é", "’", "文", ""];
        let mut seed = 7u64;
        for length in 0..200 {
            let mut text = String::new();
            for _ in 0..length {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            for start in 0..text.len().min(9) {
                if let Some(t) = text.get(start..) {
                    assert_eq!(count_words(t), one_by_one(t), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn whitespace_collapses_as_split_whitespace_does() {
        for text in ["", "  ", "one", " a\u{a0}\u{2003}b\n c ", "x\t\u{85}y\u{3000}", "a\u{200b}b"] {
            assert_eq!(collapse_whitespace(text), text.split_whitespace().collect::<Vec<_>>().join(" "), "{text:?}");
        }
    }

    #[test]
    fn paragraphs_before_more_are_the_summary_in_every_raw_html_mode() {
        let body = "> A quote.\n\nFirst *one*.\n\n- a list\n\nSecond\none.\n\n<!-- more -->\n\nAfter.\n\n<!--more-->\n";
        for mode in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Trusted] {
            let policy = RawHtmlPolicy::new(mode, Vec::new());
            let parsed = parse_with(body, 0, &BodyOptions { raw_html: &policy, ..BodyOptions::default() });
            assert_eq!(parsed.summary.as_deref(), Some("First one. Second one."), "{mode:?}");
            assert!(parsed.issues.is_empty(), "{mode:?}: {:?}", parsed.issues);
            assert!(!parsed.html.text.contains("more --&gt;"), "{mode:?}: {}", parsed.html.text);
        }
        // a marker inside a list or before any paragraph leaves the first paragraph as the summary
        assert_eq!(parse("- <!-- more -->\n\nOnly.\n\nNext.\n", 0).summary.as_deref(), Some("Only."));
        assert_eq!(parse("<!-- more -->\n\nOnly.\n\nNext.\n", 0).summary.as_deref(), Some("Only."));
    }

    #[test]
    fn first_top_level_paragraph_is_the_summary() {
        let body = "> A quote first.\n\n- a list\n\nThe *real* first\nparagraph.\n\nSecond.\n";
        let parsed = parse(body, 0);
        assert_eq!(parsed.summary.as_deref(), Some("The real first paragraph."));
        assert_eq!(parsed.word_count, 10);
    }

    /// The cap is tested with a small `max_html`: the same check as the 1 GiB one, without
    /// making a gigabyte of HTML.
    #[test]
    fn a_body_past_the_html_cap_is_a_located_error_not_a_panic() {
        // a table with a wide header: every short row is written as wide (about 1 KiB each; at this
        // size, pulldown-cmark writes every cell a row lacks)
        let header = format!("{}|\n{}|\n", "|a".repeat(100), "|-".repeat(100));
        let body = format!("Intro.\n\n{header}{}", "|x\n".repeat(100));
        let offset = 40;
        for mode in [RawHtml::Sanitize, RawHtml::Trusted, RawHtml::Escape] {
            let policy = RawHtmlPolicy::new(mode, Vec::new());
            let options = BodyOptions { raw_html: &policy, max_html: 20 << 10, ..BodyOptions::default() };
            let parsed = parse_with(&body, offset, &options);
            let [issue] = &parsed.issues[..] else { panic!("{mode:?}: {:?}", parsed.issues) };
            assert!(issue.error && issue.code == Code::BodyTooLarge, "{issue:?}");
            assert_eq!(issue.message, "this body makes more than 20 KiB of HTML by here, more than a page may hold");
            // in the row where the HTML passed the cap: the 23rd
            let line = body[..issue.offset - offset].matches('\n').count() + 1;
            assert_eq!(line, 4 + 23, "{mode:?}");
            // the body is kept as empty, so that later stages have nothing inconsistent to read
            assert!(parsed.links.is_empty() && parsed.html.text.is_empty() && parsed.event_count == 0);
            // under the cap, it is an ordinary body
            let fine = parse_with(&body, offset, &BodyOptions { max_html: 200 << 10, ..options });
            assert!(fine.issues.is_empty() && fine.html.text.len() > 90_000, "{mode:?}: {:?}", fine.issues);
        }
        assert_eq!(BodyOptions::default().max_html, MAX_BODY_HTML);
        assert_eq!(byte_size(MAX_BODY_HTML), "1 GiB");
    }
}
