//! Markdown parse: one pulldown-cmark pass per body into events, headings with anchors, and links to resolve.

use crate::slug::Slug;
use crate::words::{self, WordBag, WordBagBuilder};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use rustc_hash::{FxHashMap, FxHashSet};

/// CommonMark plus the extensions the format promises.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Ids that the default theme gives to sections of an explainer page; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "content",
    "takeaways",
    "sources",
    "timeline",
    "updates",
    "related",
    "backlinks",
    "topics",
    "actors",
    "footnotes",
    "top",
];

/// A link or image written in a body, to be resolved against the site.
#[derive(Debug, Clone)]
pub struct LinkRef<'s> {
    /// Index of the `Start(Link)` or `Start(Image)` event.
    pub event_index: usize,
    pub dest: CowStr<'s>,
    /// Byte range of the destination in the file (or of the whole link when it cannot be found).
    pub offset: usize,
    pub len: usize,
    pub is_image: bool,
    /// The plain text of the link, for citation checks.
    pub text: String,
}

/// A blockquote; with an attribution when its last paragraph starts with a dash (`— Name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteBlock {
    /// Indexes of its `Start(BlockQuote)` and `End(BlockQuote)` events.
    pub start: usize,
    pub end: usize,
    pub attribution: Option<Attribution>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone)]
pub struct TextRun<'s> {
    /// The events' text, one after the other (the event's own when the run is one event).
    pub text: CowStr<'s>,
    /// Index of the run's first event; the others follow it.
    pub first_event: usize,
    /// Inside a link or an image, where names are not linked again.
    pub in_link: bool,
    /// Where each event's text ends in `text`, when there are several (empty for one).
    piece_ends: Box<[u32]>,
}

impl TextRun<'_> {
    /// Converts an offset in `text` to (event index, offset in that event's text). An end offset
    /// at a boundary between events stays in the earlier one.
    pub fn position(&self, offset: usize, is_end: bool) -> (usize, usize) {
        let ends = &self.piece_ends;
        if ends.is_empty() {
            return (self.first_event, offset.min(self.text.len()));
        }
        let start_of = |i: usize| if i == 0 { 0 } else { ends[i - 1] as usize };
        for (i, &end) in ends.iter().enumerate() {
            let (start, end) = (start_of(i), end as usize);
            let inside = if is_end { offset > start && offset <= end } else { offset >= start && offset < end };
            if inside {
                return (self.first_event + i, offset - start);
            }
        }
        let last = ends.len() - 1;
        let start = start_of(last);
        (self.first_event + last, (offset - start).min(ends[last] as usize - start))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A Markdown body after one parse: what later stages need to know about it. Its events are made
/// again from the text when rendering walks them ([`ParsedBody::events`]): keeping them for every
/// page would take about three times the memory of the text itself, and parsing is cheap.
#[derive(Debug, Clone, Default)]
pub struct ParsedBody<'s> {
    /// The Markdown text.
    source: &'s str,
    /// How many events the text makes; event indexes below count them.
    pub event_count: usize,
    /// Ids of footnote definitions, which are anchors too.
    footnotes: Vec<String>,
    pub links: Vec<LinkRef<'s>>,
    pub headings: Vec<Heading>,
    /// Plain text of the first top-level paragraph, the default summary.
    pub first_paragraph: Option<String>,
    pub word_count: usize,
    pub quotes: Vec<QuoteBlock>,
    /// Its words as search indexes them (text and code), counted.
    pub words: WordBag,
    /// Its text outside headings and code blocks, in order.
    pub text_runs: Vec<TextRun<'s>>,
}

impl<'s> ParsedBody<'s> {
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id) || self.footnotes.iter().any(|f| f == id)
    }

    /// The events of the text, exactly as the first parse saw them, heading ids filled in.
    pub fn events(&self) -> Vec<Event<'s>> {
        let mut events: Vec<Event<'s>> = Vec::with_capacity(self.event_count);
        let mut headings = self.headings.iter();
        for mut event in Parser::new_ext(self.source, options()) {
            if let Event::Start(Tag::Heading { id, .. }) = &mut event
                && let Some(heading) = headings.next()
            {
                *id = Some(CowStr::from(heading.id.clone()));
            }
            events.push(event);
        }
        events
    }
}

/// Parses `body`, which starts at byte `body_offset` of its file, counting its words for search.
pub fn parse<'s>(body: &'s str, body_offset: usize) -> ParsedBody<'s> {
    parse_counting(body, body_offset, true)
}

/// Parses `body` as [`parse`] does; `words` stays empty unless `for_search` (a site without
/// search has no use for them, and counting them is about a third of the parse).
///
/// One pass over the events, keeping none of them: each thing recorded (links, headings,
/// quotes, runs of text, the first paragraph) is made as its events go by.
pub fn parse_counting<'s>(body: &'s str, body_offset: usize, for_search: bool) -> ParsedBody<'s> {
    let mut event_count = 0;
    let mut links = Vec::new();
    let mut first_paragraph: Option<String> = None;
    let mut paragraph_text: Option<String> = None;
    let mut container_depth = 0usize;
    let mut open_links: Vec<usize> = Vec::new();
    let mut word_count = 0;
    let mut words = WordBagBuilder::default();
    let mut headings = HeadingIds::default();
    let mut quotes = Quotes::default();
    let mut text_runs = TextRuns::default();
    let mut footnotes = Vec::new();

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let index = event_count;
        event_count += 1;
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                let whole = &body[range.clone()];
                let (offset, len) = match whole.rfind(dest_url.as_ref()) {
                    Some(i) if !dest_url.is_empty() => (body_offset + range.start + i, dest_url.len()),
                    _ => (body_offset + range.start, range.len()),
                };
                links.push(LinkRef {
                    event_index: index,
                    dest: dest_url.clone(),
                    offset,
                    len,
                    is_image: matches!(event, Event::Start(Tag::Image { .. })),
                    text: String::new(),
                });
                open_links.push(links.len() - 1);
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                open_links.pop();
            }
            Event::Start(Tag::Paragraph) => {
                if container_depth == 0 && first_paragraph.is_none() {
                    paragraph_text = Some(String::new());
                }
                quotes.paragraph_starts(index);
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = paragraph_text.take() {
                    let text = collapse_whitespace(&text);
                    if !text.is_empty() {
                        first_paragraph = Some(text);
                    }
                }
                quotes.paragraph_ends(index);
            }
            Event::Start(Tag::Heading { level, id, .. }) => headings.start(*level as u8, id.as_deref()),
            Event::End(TagEnd::Heading(_)) => headings.end(),
            Event::Start(Tag::BlockQuote(_)) => {
                container_depth += 1;
                quotes.start(index);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                container_depth = container_depth.saturating_sub(1);
                quotes.end(index, &links);
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                container_depth += 1;
                // the id pulldown-cmark's HTML writer gives a footnote definition
                footnotes.push(name.to_string());
            }
            Event::Start(Tag::List(_) | Tag::Table(_) | Tag::HtmlBlock) => container_depth += 1,
            Event::End(TagEnd::List(_) | TagEnd::FootnoteDefinition | TagEnd::Table | TagEnd::HtmlBlock) => {
                container_depth = container_depth.saturating_sub(1)
            }
            Event::Text(text) | Event::Code(text) => {
                word_count += count_words(text);
                if for_search {
                    words.add_text(text);
                }
                if let Some(p) = paragraph_text.as_mut() {
                    p.push_str(text);
                }
                if let Some(&link) = open_links.last() {
                    links[link].text.push_str(text);
                }
                headings.text(text);
                quotes.text(text);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = paragraph_text.as_mut() {
                    p.push(' ');
                }
                quotes.text(" ");
            }
            _ => {}
        }
        text_runs.event(index, event, headings.is_open(), !open_links.is_empty());
    }
    ParsedBody {
        source: body,
        event_count,
        footnotes,
        links,
        headings: headings.headings,
        first_paragraph,
        word_count,
        quotes: quotes.finish(),
        words: words.finish(),
        text_runs: text_runs.finish(),
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
    fn event(&mut self, index: usize, event: Event<'s>, in_heading: bool, in_link: bool) {
        if let Event::Text(text) = event {
            match &mut self.open {
                Some(run) => {
                    if self.piece_ends.is_empty() {
                        self.joined.push_str(&run.text);
                        self.piece_ends.push(self.joined.len() as u32);
                    }
                    self.joined.push_str(&text);
                    self.piece_ends.push(self.joined.len() as u32);
                }
                None if !in_heading && self.in_code == 0 => {
                    self.open = Some(TextRun { text, first_event: index, in_link, piece_ends: Box::default() });
                }
                None => {}
            }
            return;
        }
        self.close();
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code += 1,
            Event::End(TagEnd::CodeBlock) => self.in_code = self.in_code.saturating_sub(1),
            _ => {}
        }
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

/// Gives every heading an id (its text as a slug, `-1`, `-2`… when taken) unless written as
/// `{#id}`, as the headings' events go by.
#[derive(Default)]
struct HeadingIds {
    headings: Vec<Heading>,
    /// ids taken by earlier headings; the reserved ones are taken too
    used: FxHashSet<String>,
    /// the next suffix to try for a text: many equal headings stay linear
    next_suffix: FxHashMap<String, usize>,
    /// The heading open: its level, its written id, its text so far.
    open: Option<(u8, Option<String>, String)>,
}

impl HeadingIds {
    fn is_open(&self) -> bool {
        self.open.is_some()
    }

    fn start(&mut self, level: u8, explicit: Option<&str>) {
        self.open = Some((level, explicit.map(str::to_string), String::new()));
    }

    fn text(&mut self, text: &str) {
        if let Some((_, _, heading)) = &mut self.open {
            heading.push_str(text);
        }
    }

    fn end(&mut self) {
        let Some((level, explicit, text)) = self.open.take() else { return };
        let id = match explicit {
            Some(id) => {
                self.used.insert(id.clone());
                id
            }
            None => {
                let base = Slug::from_text(&text).unwrap_or_else(|| Slug::from_text("section").expect("valid"));
                let mut candidate = base.clone();
                let n = self.next_suffix.entry(base.to_string()).or_insert(1);
                while RESERVED_IDS.contains(&candidate.as_str()) || self.used.contains(candidate.as_str()) {
                    candidate = base.with_suffix(*n);
                    *n += 1;
                }
                self.used.insert(candidate.to_string());
                candidate.to_string()
            }
        };
        self.headings.push(Heading { level, id, text: text.trim().to_string() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_are_unique_and_avoid_reserved_ones() {
        let body = "# Why Kursk matters\n\n## Why Kursk matters\n\n## Sources\n\n## Custom {#mine}\n";
        let parsed = parse(body, 0);
        let ids: Vec<_> = parsed.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["why-kursk-matters", "why-kursk-matters-1", "sources-1", "mine"]);
        assert!(parsed.has_anchor("mine"));
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
        let events = parsed.events();
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
        let (with, without) = (parse_counting(body, 0, true), parse_counting(body, 0, false));
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
    fn first_top_level_paragraph_is_the_summary() {
        let body = "> A quote first.\n\n- a list\n\nThe *real* first\nparagraph.\n\nSecond.\n";
        let parsed = parse(body, 0);
        assert_eq!(parsed.first_paragraph.as_deref(), Some("The real first paragraph."));
        assert_eq!(parsed.word_count, 10);
    }
}
