//! `raw_html = "sanitize"`: a body's HTML, raw HTML included, cleaned by ammonia as a browser
//! would parse it, with the place of every event's output found again afterwards.
//!
//! The parse writes a body's HTML with pulldown-cmark's writer and notes where each event's
//! output starts; rendering later splices site-dependent parts into those places (link targets,
//! citations, quote figures, the text of runs). Raw HTML can open an element in one event and
//! close it several Markdown blocks later (`<div class="note">`, blank line, Markdown, blank
//! line, `</div>`), so it cannot be cleaned piece by piece: the whole body goes through the
//! sanitizer at once, which repairs what is unbalanced the way the HTML parsing algorithm does.
//! Before it does, a comment marker `<!--&KEY:n-->` is put where event `n`'s output starts.
//! Comments stay where they are in every parsing context, even inside tables, and the marker's
//! `&` is escaped wherever a marker would end up as text or in an attribute: in the cleaned HTML,
//! the markers give each event's new place. Everything is checked afterwards (each marker once, in
//! order, no stray key, every place rendering replaces holding exactly what it should); when a
//! check fails the body is parsed again with its raw HTML shown as text, and a warning says so.

use super::raw_html::{Close, attribute_name};
use super::raw_html::{
    ELEMENTS, GENERIC_ATTRIBUTES, IFRAME_ATTRIBUTES, REMOVED_WITH_CONTENT, RawHtmlPolicy, SIZE_ATTRIBUTES,
    STYLE_PROPERTIES, SUP_CLASSES, URL_ATTRIBUTES, URL_SCHEMES, is_size, url_allowed,
};
use super::{BodyHtml, DroppedId, LinkRef, QuoteBlock, TextRun, offset_u32};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::ops::Range;

/// The ammonia configuration: [`ELEMENTS`] and their attributes, comments kept (the markers are
/// comments; the writer's own comments are dropped afterwards), relative addresses kept as
/// written but those from the site root, which get `base_path` as Markdown links do, sizes only
/// in pixels, no `rel` added to links.
pub(super) fn builder(iframes: bool, base_path: &str) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    let mut tags: HashSet<&'static str> = ELEMENTS.iter().map(|(name, _)| *name).collect();
    let mut attributes: HashMap<&'static str, HashSet<&'static str>> = ELEMENTS
        .iter()
        .map(|(name, attributes)| (*name, attributes.iter().copied().filter(|a| !matches!(*a, "type")).collect()))
        .collect();
    attributes.get_mut("sup").expect("sup is allowed").remove("class");
    let mut removed: HashSet<&'static str> = REMOVED_WITH_CONTENT.iter().copied().collect();
    if iframes {
        tags.insert("iframe");
        attributes.insert("iframe", IFRAME_ATTRIBUTES.iter().copied().collect());
        removed.remove("iframe");
    }
    builder
        .tags(tags)
        .tag_attributes(attributes)
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .allowed_classes(HashMap::from([("sup", SUP_CLASSES.iter().copied().collect())]))
        .tag_attribute_values(HashMap::from([("input", HashMap::from([("type", HashSet::from(["checkbox"]))]))]))
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::Custom(Box::new(from_root(base_path))))
        .attribute_filter(|_element, attribute, value| {
            if SIZE_ATTRIBUTES.contains(&attribute) && !is_size(value) {
                None
            } else if URL_ATTRIBUTES.contains(&attribute) && !url_allowed(value) {
                // ammonia checks the scheme of `href` and `src`; `cite` gets the same rule
                None
            } else if URL_ATTRIBUTES.contains(&attribute) && value.trim().contains(' ') {
                // browsers read a space in an address as `%20`; valid HTML writes it so
                Some(Cow::Owned(value.trim().replace(' ', "%20")))
            } else {
                Some(Cow::Borrowed(value))
            }
        })
        .link_rel(None)
        .strip_comments(false)
        .clean_content_tags(removed);
    builder
}

/// Puts `base_path` before an address from the site root (`/img/map.png` →
/// `/dossier/img/map.png`); leaves other relative addresses as they are.
fn from_root(base_path: &str) -> impl Fn(&str) -> Option<Cow<'_, str>> + Send + Sync + 'static {
    let base = base_path.trim_end_matches('/').to_string();
    move |url: &str| match url.strip_prefix('/') {
        Some(rest) if !rest.starts_with('/') && !base.is_empty() => Some(Cow::Owned(format!("{base}/{rest}"))),
        _ => Some(Cow::Borrowed(url)),
    }
}

/// What sanitizing needs to know of a parsed body.
pub(super) struct Layout<'a, 's> {
    pub event_count: usize,
    /// Event indexes of raw HTML events (outside images), in ranges of consecutive ones.
    pub raw: &'a [Range<usize>],
    /// Ids of raw tags to remove (they clash with others on the page).
    pub dropped_ids: &'a [DroppedId],
    /// Raw elements left open in their block: closed where it ends.
    pub closes: &'a [Close],
    /// `<plaintext>` start tags, (event, byte in its text): made closable.
    pub plaintexts: &'a [(usize, usize)],
    pub runs: &'a [TextRun<'s>],
    pub links: &'a [LinkRef<'s>],
    pub quotes: &'a [QuoteBlock],
}

/// A body's HTML after sanitizing.
pub(super) struct Sanitized {
    pub html: BodyHtml,
    /// Runs (indexes into the body's runs) whose text was removed with the element around it.
    pub removed_runs: Vec<usize>,
    /// Quotes (indexes into the body's quotes) whose attribution can no longer become a caption:
    /// raw HTML around them changed their markup.
    pub plain_quotes: Vec<usize>,
    /// Links (indexes into the body's links) removed with the element around them.
    pub removed_links: Vec<usize>,
}

/// Why a body's sanitized HTML cannot be used: its raw HTML is shown as text instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Failure(pub &'static str);

/// Sanitizes `html` (the writer's output for `body`) under `policy`.
pub(super) fn sanitize(
    html: &BodyHtml,
    layout: &Layout<'_, '_>,
    policy: &RawHtmlPolicy,
    body: &str,
) -> Result<Sanitized, Failure> {
    let key = marker_key(body, &html.text);
    let skeleton = skeleton(html, layout, &key);
    let cleaned = policy.sanitizer().clean(&skeleton).to_string();
    let Cleaned { text, markers } = tidy(&cleaned, &key, policy)?;
    if text.len() > super::MAX_BODY_HTML {
        return Err(Failure("sanitized, it would be more HTML than a page may hold"));
    }
    let mut starts = place_events(layout.event_count, &markers, text.len())?;
    let removed_runs = place_runs(&text, &mut starts, html, layout)?;
    check_links(&text, &starts, layout)?;
    let removed_links = layout
        .links
        .iter()
        .enumerate()
        // markers are in event order (checked by `place_events`)
        .filter(|(_, l)| markers.binary_search_by_key(&l.event_index, |&(event, _)| event).is_err())
        .map(|(i, _)| i)
        .collect();
    let plain_quotes = check_quotes(&text, &starts, layout);
    check_runs(&text, &starts, html, layout, &removed_runs)?;
    let starts: Box<[u32]> = starts.into_iter().map(offset_u32).collect();
    Ok(Sanitized { html: BodyHtml { text, starts, hrefs_blank: true }, removed_runs, plain_quotes, removed_links })
}

/// A word found nowhere in the body nor in its HTML, for the markers: `dossier0`, `dossier1`…
fn marker_key(body: &str, html: &str) -> String {
    (0..)
        .map(|n| format!("dossier{n}"))
        .find(|key| !body.contains(key.as_str()) && !html.contains(key.as_str()))
        .expect("some key is free")
}

/// The writer's output with a marker before each event's output, the addresses of Markdown links
/// and images left empty (rendering writes them all; the sanitizer would drop `actor:` and
/// `source:` ones), and control characters in raw HTML replaced (the stand-ins of run text are one).
fn skeleton(html: &BodyHtml, layout: &Layout<'_, '_>, key: &str) -> String {
    let mut out = String::with_capacity(html.text.len() + layout.event_count * (key.len() + 16));
    let mut raw = layout.raw.iter().peekable();
    let link_starts: HashSet<usize> = layout.links.iter().map(|l| l.event_index).collect();
    // events after an image's start, up to its end: the writer writes them into its `alt`
    let mut in_image = vec![false; layout.event_count];
    for image in layout.links.iter().filter(|l| l.is_image) {
        in_image[image.event_index + 1..=image.end_event_index.min(layout.event_count.saturating_sub(1))].fill(true);
    }
    // raw elements left open in the block that ends before `event`
    let close_before = |event: usize, out: &mut String| {
        for close in layout.closes.iter().filter(|c| c.before == event) {
            let _ = write!(out, "</{}>", close.name);
        }
    };
    let mut previous_raw = false;
    for (event, &inside_image) in in_image.iter().enumerate() {
        close_before(event, &mut out);
        while raw.peek().is_some_and(|r| r.end <= event) {
            raw.next();
        }
        let is_raw = raw.peek().is_some_and(|r| r.contains(&event));
        // the events of an image's description are written into its `alt`: no marker there
        if !(inside_image || is_raw && previous_raw) {
            let _ = write!(out, "<!--&{key}:{event}-->");
        }
        previous_raw = is_raw;
        let output = &html.text[html.of_events(event..event + 1)];
        if is_raw {
            let output = without_dropped_ids(output, event, layout.dropped_ids);
            let output = closable_plaintext(&output, event, layout.plaintexts);
            out.extend(output.chars().map(|c| if c.is_control() && !c.is_ascii_whitespace() { '\u{fffd}' } else { c }));
        } else if link_starts.contains(&event) && !output.is_empty() {
            let value = ["<a href=\"", "<img src=\""].iter().find_map(|prefix| {
                let rest = output.strip_prefix(prefix)?;
                Some((prefix.len(), rest.find('"')?))
            });
            match value {
                Some((prefix, len)) => {
                    out.push_str(&output[..prefix]);
                    out.push_str(&output[prefix + len..]);
                }
                None => out.push_str(output),
            }
        } else {
            out.push_str(output);
        }
    }
    close_before(layout.event_count, &mut out);
    out
}

/// The text of raw event `event` with the attributes of `dropped` that are in it renamed to one
/// the sanitizer removes.
fn without_dropped_ids(text: &str, event: usize, dropped: &[DroppedId]) -> String {
    let mut text = text.to_string();
    let mut here: Vec<&DroppedId> = dropped.iter().filter(|d| d.event == event).collect();
    // from the last: renaming one does not move those before it
    here.sort_by_key(|d| std::cmp::Reverse(d.in_event));
    for d in here {
        if let Some(name) = text.get(d.in_event..).and_then(|tag| attribute_name(tag, d.attribute)) {
            let at = d.in_event + name.start..d.in_event + name.end;
            text.replace_range(at, "data-dossier-removed");
        }
    }
    text
}

/// A `<plaintext>` left open becomes `<textarea>`, which has an end tag (plaintext takes all that
/// follows, for ever); both are removed with their content.
fn closable_plaintext(text: &str, event: usize, plaintexts: &[(usize, usize)]) -> String {
    let mut text = text.to_string();
    for &(_, in_event) in plaintexts.iter().filter(|(e, _)| *e == event) {
        let name = in_event + 1..in_event + 1 + "plaintext".len();
        if text.get(name.clone()).is_some_and(|n| n.eq_ignore_ascii_case("plaintext")) {
            text.replace_range(name, "textarea");
        }
    }
    text
}

/// The sanitizer's output made ready: markers taken out (with where each was), the writer's own
/// comments dropped, `a name` made `id`, iframes emptied and titled, inputs that are not
/// checkboxes dropped.
struct Cleaned {
    text: String,
    /// (event, offset in `text`), in the order found.
    markers: Vec<(usize, usize)>,
}

fn tidy(cleaned: &str, key: &str, policy: &RawHtmlPolicy) -> Result<Cleaned, Failure> {
    let marker_prefix = format!("<!--&{key}:");
    let mut text = String::with_capacity(cleaned.len());
    let mut markers = Vec::new();
    // the elements open, and whether each was a link inside a link, written as a `span`
    let mut open: Vec<(&str, bool)> = Vec::new();
    let mut at = 0;
    let bytes = cleaned.as_bytes();
    while at < cleaned.len() {
        let Some(lt) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) else {
            text.push_str(&cleaned[at..]);
            break;
        };
        text.push_str(&cleaned[at..lt]);
        let rest = &cleaned[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(cleaned.len(), |i| lt + i + 3);
            if let Some(number) = rest.strip_prefix(marker_prefix.as_str()) {
                let event = number.split("-->").next().and_then(|n| n.parse::<usize>().ok());
                markers.push((event.ok_or(Failure("a marker was cut"))?, text.len()));
            }
            at = end;
            continue;
        }
        // a tag: html5ever escapes `<` and `>` in attribute values, so the first `>` ends it
        let end = rest.find('>').map_or(cleaned.len(), |i| lt + i + 1);
        let tag = &cleaned[lt..end];
        at = end;
        let name = tag_name(tag);
        if tag.starts_with("</") {
            // the serialization is well-formed: an end tag closes the last element opened
            match open.pop() {
                Some((_, true)) => text.push_str("</span>"),
                _ => text.push_str(tag),
            }
            continue;
        }
        if !super::raw_html::is_void(name) {
            let nested_link = name == "a" && open.iter().any(|&(n, renamed)| n == "a" && !renamed);
            open.push((name, nested_link));
        }
        match name {
            "a" if open.last().is_some_and(|&(_, nested)| nested) => {
                // the parsing algorithm can leave a link inside a link (across a table cell):
                // the inner one is not a link
                let id = attribute(&name_to_id(tag), "id").map(|id| format!(" id=\"{id}\"")).unwrap_or_default();
                text.push_str(&format!("<span{id}>"));
            }
            "a" => text.push_str(&name_to_id(tag)),
            "img" if attribute(tag, "src").is_none() => {
                // its address was removed (a `data:` or `javascript:` one): nothing to show
            }
            "img" if attribute(tag, "alt").is_none() => {
                // an image must have an `alt`: an empty one says it only decorates
                text.push_str(&tag.replacen("<img", "<img alt=\"\"", 1));
            }
            "input" => {
                // the only input kept is a task list's checkbox
                if attribute(tag, "type").is_some_and(|t| t.eq_ignore_ascii_case("checkbox")) {
                    text.push_str(tag);
                }
            }
            "iframe" => {
                // its content is text browsers do not show: dropped, markers inside it included
                let close = cleaned[at..].find("</iframe>").map_or(cleaned.len(), |i| at + i);
                at = close;
                let src = attribute(tag, "src").unwrap_or_default();
                if policy.embed_allowed(&decode(&src)) {
                    text.push_str(&titled_iframe(tag, &src));
                } else {
                    // an iframe the sanitizer kept without its address: not worth a frame
                    at = (close + "</iframe>".len()).min(cleaned.len());
                    open.pop();
                }
            }
            _ => text.push_str(&tag.replace(" style=\"\"", "")),
        }
    }
    // every occurrence of the key left is a marker that ended up in an attribute or in text,
    // where rendering could not put what belongs there
    if text.contains(key) {
        return Err(Failure("raw HTML leaves a tag or an attribute open across Markdown"));
    }
    Ok(Cleaned { text, markers })
}

/// The lower-case name of a serialized tag (`<a href="…">` → `a`, `</p>` → `p`).
fn tag_name(tag: &str) -> &str {
    let inner = tag.trim_start_matches('<').trim_start_matches('/');
    let end = inner.find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').unwrap_or(inner.len());
    &inner[..end]
}

/// The (still escaped) value of `name` in a serialized start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}

/// An attribute value as html5ever escapes it, decoded.
fn decode(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// `<a name="x">` becomes `<a id="x">` (`name` is obsolete on `a`); with an `id` already, the
/// `name` goes.
fn name_to_id(tag: &str) -> String {
    match attribute(tag, "name") {
        None => tag.to_string(),
        Some(value) => {
            let without = tag.replacen(&format!(" name=\"{value}\""), "", 1);
            if attribute(tag, "id").is_some() {
                without
            } else {
                without.replacen("<a", &format!("<a id=\"{value}\""), 1)
            }
        }
    }
}

/// An embed's start tag with a `title` (frames need an accessible name) and lazy loading.
fn titled_iframe(tag: &str, src: &str) -> String {
    let mut out = tag.trim_end_matches('>').to_string();
    if attribute(tag, "title").is_none() {
        let host = super::raw_html::embed_host(&decode(src)).unwrap_or_default();
        let _ = write!(out, " title=\"Embedded content from {host}\"");
    }
    if attribute(tag, "loading").is_none() {
        out.push_str(" loading=\"lazy\"");
    }
    out.push('>');
    out
}

/// Where each event's output starts in the sanitized text, from the markers: an event without a
/// marker of its own (the second and later events of a run of raw HTML) starts where the one
/// before it does, one whose marker was removed with the element around it where the next marker
/// found is (its output is empty).
fn place_events(event_count: usize, markers: &[(usize, usize)], end: usize) -> Result<Vec<usize>, Failure> {
    if markers.windows(2).any(|w| w[0].0 >= w[1].0 || w[0].1 > w[1].1) {
        // the parsing algorithm moved content (text inside a table, out of its cells)
        return Err(Failure("raw HTML moves Markdown content to another place"));
    }
    if markers.last().is_some_and(|&(event, _)| event >= event_count) {
        return Err(Failure("a marker names no event"));
    }
    let mut starts: Vec<Option<usize>> = vec![None; event_count + 1];
    starts[event_count] = Some(end);
    for &(event, at) in markers {
        starts[event] = Some(at);
    }
    // events without a marker: raw continuations (the marker before is theirs too) stay unset
    // here and take the next known place; see `skeleton` for which events carry one
    let mut next = end;
    let mut filled = vec![0; event_count + 1];
    for event in (0..=event_count).rev() {
        if let Some(at) = starts[event] {
            next = at;
        }
        filled[event] = next;
    }
    Ok(filled)
}

/// Puts the start of every run event on its stand-in, and the start of the event after a run's
/// last one right after it (markup the parsing algorithm added around the text goes to the
/// neighbouring events). Returns the runs whose text was removed.
fn place_runs(
    text: &str,
    starts: &mut [usize],
    html: &BodyHtml,
    layout: &Layout<'_, '_>,
) -> Result<Vec<usize>, Failure> {
    let mut removed = Vec::new();
    for (index, run) in layout.runs.iter().enumerate() {
        if run.in_image {
            continue;
        }
        let events = run.first_event..run.first_event + run.event_count();
        let mut present = 0;
        for event in events.clone() {
            let stand_in = &html.text[html.of_events(event..event + 1)];
            let range = starts[event]..starts[event + 1];
            if range.is_empty() {
                continue;
            }
            let at = text_in(&text[range.clone()]).ok_or(Failure("a text was split by markup"))?;
            if !text[range.start + at..].starts_with(stand_in) {
                return Err(Failure("a text is not where it was"));
            }
            present += 1;
            starts[event] = range.start + at;
            if event + 1 == events.end {
                starts[event + 1] = range.start + at + stand_in.len();
            }
        }
        match present {
            0 => removed.push(index),
            n if n == events.len() => {}
            _ => return Err(Failure("part of a text was removed")),
        }
    }
    Ok(removed)
}

/// Where the one character of text in `markup` is, if it holds only tags besides it.
fn text_in(markup: &str) -> Option<usize> {
    let mut at = 0;
    let mut found = None;
    while at < markup.len() {
        if markup[at..].starts_with('<') {
            at += markup[at..].find('>')? + 1;
        } else {
            if found.is_some() {
                return None;
            }
            found = Some(at);
            at += markup[at..].chars().next()?.len_utf8();
        }
    }
    found
}

/// Checks that every link's event still holds its `<a href="` or `<img src="`, and that a
/// citation's `</a>` closes its `<a …>`.
fn check_links(text: &str, starts: &[usize], layout: &Layout<'_, '_>) -> Result<(), Failure> {
    for link in layout.links {
        let event = link.event_index;
        let range = starts[event]..starts[event + 1];
        if range.is_empty() {
            // removed with what held it, or inside an image's description
            continue;
        }
        let prefix = if link.is_image { "<img src=\"" } else { "<a href=\"" };
        if !text[range.clone()].contains(prefix) {
            return Err(Failure("a link lost its address"));
        }
        if !link.is_image && link.dest.starts_with("source:") {
            // a citation's `<a …>` and `</a>` become `<sup …><a …>` and `</a></sup>`: what is
            // between them must be balanced, as it is when the `</a>` closes this `<a>`
            let tag_start = range.start + text[range.clone()].find(prefix).expect("found above");
            let tag_end = tag_start + text[tag_start..].find('>').ok_or(Failure("a cut tag"))? + 1;
            let end = link.end_event_index;
            let close = text[starts[end]..starts[end + 1]].find("</a>").map(|i| starts[end] + i);
            if !close.is_some_and(|close| close >= tag_end && balanced(&text[tag_end..close])) {
                return Err(Failure("markup across a citation"));
            }
        }
    }
    Ok(())
}

/// The quotes whose attribution markup is not the plain `<blockquote>` … `<p>` … `</p>` …
/// `</blockquote>` the figure replaces.
/// (The figure replaces those four tags: the quote's words before the attribution, and the
/// attribution's words, must each close every element they open.)
fn check_quotes(text: &str, starts: &[usize], layout: &Layout<'_, '_>) -> Vec<usize> {
    let is = |event: usize, tag: &str| text[starts[event]..starts[event + 1]].trim() == tag;
    let balanced_between = |from: usize, to: usize| balanced(&text[starts[from + 1]..starts[to]]);
    layout
        .quotes
        .iter()
        .enumerate()
        .filter(|(_, q)| {
            q.attribution.as_ref().is_some_and(|a| {
                let tags = is(q.start, "<blockquote>")
                    && is(a.start, "<p>")
                    && is(a.end, "</p>")
                    && is(q.end, "</blockquote>");
                !(tags && balanced_between(q.start, a.start) && balanced_between(a.start, a.end) && a.end + 1 == q.end)
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether serialized HTML closes every element it opens, and no other.
fn balanced(html: &str) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut at = 0;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        let Some(end) = html[lt..].find('>').map(|i| lt + i + 1) else { return false };
        let tag = &html[lt..end];
        at = end;
        if tag.starts_with("<!--") {
            continue;
        }
        let name = tag_name(tag);
        if tag.starts_with("</") {
            if open.pop() != Some(name) {
                return false;
            }
        } else if !super::raw_html::is_void(name) {
            open.push(name);
        }
    }
    open.is_empty()
}

/// Every run's place holds its stand-ins and nothing else.
fn check_runs(
    text: &str,
    starts: &[usize],
    html: &BodyHtml,
    layout: &Layout<'_, '_>,
    removed: &[usize],
) -> Result<(), Failure> {
    for (index, run) in layout.runs.iter().enumerate() {
        if run.in_image || removed.contains(&index) {
            continue;
        }
        let events = run.first_event..run.first_event + run.event_count();
        let expected = &html.text[html.of_events(events.clone())];
        if text.get(starts[events.start]..starts[events.end]) != Some(expected) {
            return Err(Failure("markup inside a text"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{BodyOptions, parse_with};
    use super::*;
    use crate::config::RawHtml;

    fn sanitized(body: &str) -> String {
        let mut policy = RawHtmlPolicy::new(RawHtml::Sanitize, vec!["www.youtube-nocookie.com".into()]);
        policy.base_path = "/site/".into();
        let parsed = parse_with(body, 0, &BodyOptions { raw_html: &policy, ..BodyOptions::default() });
        crate::render::html::body_html(&parsed, &vec![crate::assemble::ResolvedLink::UNCHANGED; parsed.links.len()])
    }

    #[test]
    fn unsafe_markup_goes_and_safe_markup_stays() {
        assert_eq!(
            sanitized("Hi <b onclick=\"x()\">there</b><script>alert(1)</script>.\n"),
            "<p>Hi <b>there</b>.</p>\n"
        );
        assert_eq!(
            sanitized("<div class=\"note\">\n\nSee [this](https://example.org/).\n\n</div>\n"),
            "<div class=\"note\">\n<p>See <a href=\"https://example.org/\">this</a>.</p>\n</div>\n"
        );
        assert_eq!(sanitized("<a href=\"javascript:alert(1)\" name=\"top\">x</a>\n"), "<p><a id=\"top\">x</a></p>\n");
        assert_eq!(
            sanitized("<iframe src=\"https://www.youtube-nocookie.com/embed/a\" frameborder=\"0\">old</iframe>\n"),
            "<iframe src=\"https://www.youtube-nocookie.com/embed/a\" title=\"Embedded content from www.youtube-nocookie.com\" loading=\"lazy\"></iframe>\n"
        );
    }

    #[test]
    fn text_elements_left_open_take_no_more_than_their_fragment() {
        assert_eq!(sanitized("A <textarea>note\n\nKept.\n"), "<p>A </p>\n<p>Kept.</p>\n");
        assert_eq!(sanitized("<div><textarea>note\n\nKept.\n"), "<div><p>Kept.</p>\n</div>");
        assert_eq!(sanitized("<plaintext>x\n\nKept <b>too</b>.\n"), "<p></p>\n<p>Kept <b>too</b>.</p>\n");
    }

    #[test]
    fn unbalanced_markup_is_closed() {
        assert_eq!(sanitized("a <span>b\n\nc\n"), "<p>a <span>b</span></p>\n<p>c</p>\n");
        assert_eq!(
            sanitized("<details><summary>More</summary>\n\n*hidden*\n"),
            "<details><summary>More</summary>\n<p><em>hidden</em></p>\n</details>"
        );
    }

    #[test]
    fn markdown_moved_by_the_parser_falls_back() {
        let policy = RawHtmlPolicy::default();
        let body = "<table>\n\nloose text\n\n</table>\n";
        let parsed = parse_with(body, 0, &BodyOptions { raw_html: &policy, ..BodyOptions::default() });
        assert!(parsed.issues.iter().any(|i| i.message.contains("shown as text")), "{:?}", parsed.issues);
        let html = crate::render::html::body_html(&parsed, &[]);
        assert!(html.contains("&lt;table&gt;"), "{html}");
    }
}
