//! Body HTML: a parsed body's HTML with what assembly decided put in: resolved links,
//! citations, mentions, glossary terms and attributed quotes.
//!
//! The parse wrote each body's HTML with pulldown-cmark's writer
//! ([`BodyHtml`](crate::markdown::BodyHtml)), code
//! highlighted and heading ids in; rendering copies it and replaces the parts that depend on the
//! rest of the site, found from the events they came from. The body is not parsed again.

use crate::assemble::{Annotation, AnnotationKind, Explainer, ResolvedLink, Site};
use crate::markdown::{ParsedBody, TextRun};
use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};
use std::ops::Range;

/// What decorates a body beyond its own HTML.
struct Decorations<'a> {
    links: &'a [ResolvedLink],
    annotations: &'a [Annotation],
    site: Option<&'a Site<'a>>,
}

/// A part of a body's HTML to replace: the bytes at `at`, by `with`.
#[derive(Debug, Clone)]
struct Edit {
    at: Range<usize>,
    with: Replacement,
}

#[derive(Debug, Clone)]
enum Replacement {
    /// The value of a link's `href` or an image's `src`: the resolved target of link `link`.
    Href { link: usize },
    /// A citation's opening, `<sup class="cite"><a …>`, in place of link `link`'s `<a …>`.
    CitationStart { link: usize },
    /// A citation's closing `</a></sup>`.
    CitationEnd,
    /// The markup of an attributed quote (`<figure>`, `<figcaption>`).
    Fixed(&'static str),
    /// After an image's `src`: its `width` and `height` when known, and unless it is the first
    /// image of the body, `loading="lazy"` and `decoding="async"`.
    ImageAttributes { link: usize, lazy: bool },
    /// Markup made for this body: a figure's caption and credit.
    Owned(String),
}

/// An explainer's body, with everything assembly found in it; and the words of each of its
/// attributed quotes (in the order of `e.quotes`) without their attribution lines, for actor
/// pages.
pub fn explainer_html(site: &Site<'_>, e: &Explainer<'_>) -> (String, Vec<String>) {
    let decorations = Decorations { links: &e.links, annotations: &e.annotations, site: Some(site) };
    let edits = edits(&e.body, &decorations);
    let mut with_figures: Vec<Edit> = Vec::with_capacity(edits.len() + 4 * e.quotes.len());
    for q in e.quotes.iter() {
        let block = &e.body.quotes[q.block];
        if let Some(a) = &block.attribution {
            let html = &e.body.html;
            for (event, markup) in [
                (block.start, "<figure class=\"quote\">\n<blockquote>\n"),
                (a.start, "</blockquote>\n<figcaption>"),
                (a.end, "</figcaption>\n"),
                (block.end, "</figure>\n"),
            ] {
                with_figures.push(Edit { at: html.of_events(event..event + 1), with: Replacement::Fixed(markup) });
            }
        }
    }
    let body = if with_figures.is_empty() {
        splice(&e.body, None, &edits, &decorations)
    } else {
        with_figures.extend(edits.iter().cloned());
        with_figures.sort_unstable_by_key(|edit| edit.at.start);
        splice(&e.body, None, &with_figures, &decorations)
    };
    (body, quotes(e, &edits, &decorations))
}

/// The words of each attributed quote of `e`, as [`explainer_html`] gives them.
pub fn quotes_html(site: &Site<'_>, e: &Explainer<'_>) -> Vec<String> {
    if e.quotes.is_empty() {
        return Vec::new();
    }
    let decorations = Decorations { links: &e.links, annotations: &e.annotations, site: Some(site) };
    quotes(e, &edits(&e.body, &decorations), &decorations)
}

fn quotes(e: &Explainer<'_>, edits: &[Edit], decorations: &Decorations<'_>) -> Vec<String> {
    e.quotes
        .iter()
        .map(|q| {
            let block = &e.body.quotes[q.block];
            let end = block.attribution.as_ref().map_or(block.end, |a| a.start);
            splice(&e.body, Some(block.start + 1..end), edits, decorations)
        })
        .collect()
}

/// A profile or the home page introduction: links resolved, no annotations.
pub fn body_html(body: &ParsedBody<'_>, links: &[ResolvedLink]) -> String {
    let decorations = Decorations { links, annotations: &[], site: None };
    splice(body, None, &edits(body, &decorations), &decorations)
}

/// The edits links make to `body`'s HTML, in order.
fn edits(body: &ParsedBody<'_>, d: &Decorations<'_>) -> Vec<Edit> {
    let html = &body.html;
    // a citation makes two edits, any other link at most one
    let mut edits = Vec::with_capacity(2 * body.links.len());
    // the first image of the body is not loaded lazily: it may be what the reader sees first
    let first_image = body.links.iter().position(|l| l.is_image && !l.removed);
    for (index, (link, resolved)) in body.links.iter().zip(d.links).enumerate() {
        let start = html.of_events(link.event_index..link.event_index + 1);
        if start.is_empty() {
            // inside an image, whose text is its `alt` attribute: no tag of its own
            continue;
        }
        if !link.is_image && (resolved.citation.is_some() || resolved.as_text) {
            let mut end = html.of_events(link.end_event_index..link.end_event_index + 1);
            let mut start = start;
            if html.hrefs_blank {
                // sanitized HTML: markup the sanitizer closed may come before the tags
                let tag_start = start.start + html.text[start.clone()].find("<a href=\"").unwrap_or(0);
                let tag_end = tag_start + html.text[tag_start..].find('>').map_or(0, |i| i + 1);
                start = tag_start..tag_end;
                let close = end.start + html.text[end.clone()].find("</a>").unwrap_or(0);
                end = close..close + "</a>".len();
            }
            if resolved.as_text {
                // a link to an explainer this build leaves out: its text, without `<a>` and `</a>`
                edits.push(Edit { at: start, with: Replacement::Fixed("") });
                edits.push(Edit { at: end, with: Replacement::Fixed("") });
                continue;
            }
            edits.push(Edit { at: start, with: Replacement::CitationStart { link: index } });
            edits.push(Edit { at: end, with: Replacement::CitationEnd });
        } else if resolved.href.is_some() || html.hrefs_blank {
            // the writer wrote `<a href="…"` or `<img src="…"`; `escape_href` leaves no `"` in the
            // value. In sanitized HTML the value is empty, and markup the sanitizer closed may
            // come before the tag.
            let prefix = if link.is_image { "<img src=\"" } else { "<a href=\"" };
            let tag = &html.text[start.clone()];
            let tag_start = if html.hrefs_blank { tag.find(prefix).unwrap_or(0) } else { 0 };
            debug_assert!(tag[tag_start..].starts_with(prefix), "{tag:?}");
            let value_start = start.start + tag_start + prefix.len();
            let value_len = html.text[value_start..].find('"').unwrap_or(0);
            edits.push(Edit { at: value_start..value_start + value_len, with: Replacement::Href { link: index } });
            if let Some(language) = resolved.language.as_deref().filter(|_| !link.is_image) {
                language_edits(html, link, language, value_start + value_len + 1, d, &mut edits);
            }
            if link.is_image && resolved.href.is_some() {
                // a local image: after the closing quote of `src`
                let after = value_start + value_len + 1;
                let lazy = first_image.is_some_and(|first| first < index);
                edits.push(Edit { at: after..after, with: Replacement::ImageAttributes { link: index, lazy } });
            }
        }
        // only images of the site: a body rendered with no link resolved is exactly
        // pulldown-cmark's HTML (the CommonMark examples and the property tests hold it to that)
        if link.is_image && resolved.href.is_some() {
            figure_edits(body, link, &mut edits);
        }
    }
    edits.sort_unstable_by_key(|edit| edit.at.start);
    edits
}

/// A link to a page in another language (the default, which has the page this language
/// lacks): `hreflang` after its `href`, whose closing quote is at `after_href`, and after the
/// link, in an explainer, the catalogue's note that the page is not translated.
fn language_edits(
    html: &crate::markdown::BodyHtml,
    link: &crate::markdown::LinkRef<'_>,
    language: &str,
    after_href: usize,
    d: &Decorations<'_>,
    edits: &mut Vec<Edit>,
) {
    edits.push(Edit { at: after_href..after_href, with: Replacement::Owned(format!(" hreflang=\"{language}\"")) });
    let Some(site) = d.site else { return };
    let end = html.of_events(link.end_event_index..link.end_event_index + 1);
    let Some(close) = html.text[end.clone()].find("</a>").map(|i| end.start + i + "</a>".len()) else { return };
    let mut note = String::from(" <span class=\"lang-note\">");
    escape_html_body_text(&mut note, &site.config.i18n.word("link_untranslated")).expect("writing to a String");
    note.push_str("</span>");
    edits.push(Edit { at: close..close, with: Replacement::Owned(note) });
}

/// An image of the site alone in its paragraph (`<p><img … /></p>`) becomes a figure: its title, taken off
/// the `<img>`, is the caption, and the text after the last ` — ` of the title is a credit line
/// (`"Kursk, August 2024 — Map: ISW"`). The title is as the writer escaped it for an attribute,
/// which is escaped enough for text.
fn figure_edits(body: &ParsedBody<'_>, link: &crate::markdown::LinkRef<'_>, edits: &mut Vec<Edit>) {
    let html = &body.html;
    let (Some(before), after) = (link.event_index.checked_sub(1), link.end_event_index + 1) else { return };
    if after >= body.event_count {
        return;
    }
    let open = html.of_events(before..link.event_index);
    let close = html.of_events(after..after + 1);
    if &html.text[open.clone()] != "<p>" || &html.text[close.clone()] != "</p>\n" {
        return;
    }
    // the end of the `<img>` tag: `" />` or `" title="…" />`
    let end = html.of_events(link.end_event_index..after);
    let title = html.text[end.clone()].strip_prefix("\" title=\"").and_then(|t| t.strip_suffix("\" />"));
    let mut closing = String::from("\n");
    if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
        edits.push(Edit { at: end, with: Replacement::Fixed("\" />") });
        let (caption, credit) = match title.rsplit_once(" — ") {
            Some((caption, credit)) if !credit.trim().is_empty() => (caption, Some(credit)),
            _ => (title, None),
        };
        closing.push_str("<figcaption>");
        closing.push_str(caption.trim());
        if let Some(credit) = credit {
            closing.push_str(" <small class=\"credit\">");
            closing.push_str(credit.trim());
            closing.push_str("</small>");
        }
        closing.push_str("</figcaption>\n");
    }
    closing.push_str("</figure>\n");
    edits.push(Edit { at: open, with: Replacement::Fixed("<figure class=\"image\">") });
    edits.push(Edit { at: close, with: Replacement::Owned(closing) });
}

/// `body`'s HTML for its events in `events` (all of them when `None`): what the writer wrote,
/// with the edits that fall inside made and the text of the runs written in, annotated.
fn splice(body: &ParsedBody<'_>, events: Option<Range<usize>>, edits: &[Edit], d: &Decorations<'_>) -> String {
    let html = &body.html;
    let events = events.unwrap_or(0..body.event_count);
    let range = html.of_events(events.clone());
    let first = edits.partition_point(|e| e.at.start < range.start);
    let edits = &edits[first..];
    let mut edits = edits[..edits.partition_point(|e| e.at.end <= range.end)].iter().peekable();
    let runs = &body.text_runs;
    let first_run = runs.partition_point(|r| r.first_event < events.start);
    let mut runs = runs[first_run..]
        .iter()
        .take_while(|r| r.first_event < events.end)
        .filter(|r| !r.in_image && !r.removed)
        .peekable();
    let mut annotation = d.annotations.partition_point(|a| a.start.0 < events.start);
    let mut out = String::with_capacity(range.len() * 4);
    let mut at = range.start;
    // the runs and the edits, in the order of the places they replace (which do not overlap)
    loop {
        let run = runs.peek().map(|r| (html.of_events(r.first_event..r.first_event + r.event_count()), *r));
        let edit_start = edits.peek().map(|e| e.at.start);
        let run_first = match (&run, edit_start) {
            (Some((place, _)), Some(edit_start)) => place.start < edit_start,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if let (true, Some((place, run))) = (run_first, run) {
            out.push_str(&html.text[at..place.start]);
            annotation = write_run(&mut out, run, annotation, d);
            at = place.end;
            runs.next();
        } else {
            let edit = edits.next().expect("peeked");
            out.push_str(&html.text[at..edit.at.start]);
            write_replacement(&mut out, body, &edit.with, d);
            at = edit.at.end;
        }
    }
    out.push_str(&html.text[at..range.end]);
    out
}

fn write_replacement(out: &mut String, body: &ParsedBody<'_>, with: &Replacement, d: &Decorations<'_>) {
    match *with {
        Replacement::Href { link } => {
            if body.links[link].is_email {
                out.push_str("mailto:");
            }
            // a link left as written (an external address) has its address written again
            // where the sanitizer saw an empty one
            let href = d.links[link].href.as_deref().unwrap_or(&body.links[link].dest);
            escape_href(&mut *out, href).expect("writing to a String");
        }
        Replacement::CitationStart { link } => {
            let resolved = &d.links[link];
            let href = resolved.href.as_deref().unwrap_or(&body.links[link].dest);
            let (number, source_title) = resolved.citation.as_ref().expect("a citation");
            out.push_str("<sup class=\"cite\"><a href=\"");
            escape_href(&mut *out, href).expect("writing to a String");
            out.push_str("\" title=\"");
            // "Source 2: Title" in the site's language
            let label = match d.site {
                Some(site) => site.config.i18n.text("source_n", Some(*number as u64), &[("title", source_title)]).ok(),
                None => None,
            };
            let label = label.unwrap_or_else(|| format!("Source {number}: {source_title}"));
            escape_html(&mut *out, &label).expect("writing to a String");
            out.push_str("\">");
        }
        Replacement::CitationEnd => out.push_str("</a></sup>"),
        Replacement::Fixed(markup) => out.push_str(markup),
        Replacement::ImageAttributes { link, lazy } => {
            if let Some((width, height)) = d.links[link].image {
                use std::fmt::Write;
                write!(out, " width=\"{width}\" height=\"{height}\"").expect("writing to a String");
                // the resized variants `[images]` makes of it (src/images/plan.rs decides which)
                if let (Some(site), Some(href)) = (d.site, d.links[link].href.as_deref()) {
                    crate::images::write_srcset(out, href, (width, height), &site.config.images);
                }
            }
            if lazy {
                out.push_str(" loading=\"lazy\" decoding=\"async\"");
            }
        }
        Replacement::Owned(ref markup) => out.push_str(markup),
    }
}

/// Writes the HTML of `run`: its text escaped as pulldown-cmark's writer escapes it, with the
/// annotations that start in it (from `d.annotations[next..]`) opened and closed where they are.
/// Returns the index of the first annotation after the run.
fn write_run(out: &mut String, run: &TextRun<'_>, mut next: usize, d: &Decorations<'_>) -> usize {
    let events = run.first_event..run.first_event + run.event_count();
    while next < d.annotations.len() && d.annotations[next].start.0 < events.start {
        next += 1;
    }
    let mut active: Vec<Annotation> = Vec::new();
    for (piece, index) in events.enumerate() {
        while next < d.annotations.len() && d.annotations[next].start.0 == index {
            active.push(d.annotations[next]);
            next += 1;
        }
        let text = run.piece(piece);
        if active.is_empty() {
            escape_html_body_text(&mut *out, text).expect("writing to a String");
        } else {
            split_text(index, text, &mut active, d, out);
        }
    }
    next
}

/// Writes the text of event `index`, opening and closing the annotations that start or end
/// inside it. Annotations that end in a later event stay in `active`.
fn split_text(index: usize, text: &str, active: &mut Vec<Annotation>, d: &Decorations<'_>, out: &mut String) {
    // (offset, closing?, nesting rank, annotation)
    let mut marks: Vec<(usize, bool, u8, Annotation)> = Vec::new();
    for a in active.iter() {
        let rank = match a.kind {
            AnnotationKind::Mention(_) => 0,
            AnnotationKind::Term(_) => 1,
        };
        if a.start.0 == index {
            marks.push((a.start.1, false, rank, *a));
        }
        if a.end.0 == index {
            marks.push((a.end.1, true, rank, *a));
        }
    }
    // at one offset: closings first (inner first), then openings (outer first)
    marks.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)).then(if x.1 { y.2.cmp(&x.2) } else { x.2.cmp(&y.2) }));
    let mut at = 0;
    for (offset, closing, _, a) in marks {
        let offset = offset.min(text.len());
        if offset > at {
            escape_html_body_text(&mut *out, &text[at..offset]).expect("writing to a String");
            at = offset;
        }
        if closing {
            out.push_str(close_tag(a.kind));
        } else {
            open_tag(out, a.kind, d);
        }
    }
    if at < text.len() {
        escape_html_body_text(&mut *out, &text[at..]).expect("writing to a String");
    }
    active.retain(|a| a.end.0 != index);
}

fn open_tag(out: &mut String, kind: AnnotationKind, d: &Decorations<'_>) {
    let Some(site) = d.site else { return };
    match kind {
        AnnotationKind::Mention(actor) => {
            out.push_str("<a class=\"mention\" href=\"");
            escape_href(&mut *out, &site.urls.href(&site.actors[actor].path)).expect("writing to a String");
            out.push_str("\">");
        }
        AnnotationKind::Term(term) => {
            out.push_str("<abbr title=\"");
            escape_html(&mut *out, site.glossary[term].expansion).expect("writing to a String");
            out.push_str("\">");
        }
    }
}

fn close_tag(kind: AnnotationKind) -> &'static str {
    match kind {
        AnnotationKind::Mention(_) => "</a>",
        AnnotationKind::Term(_) => "</abbr>",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown;

    #[test]
    fn rewrites_links_in_order_and_highlights_code() {
        let text = "[a](x.md) and [b](https://example.org/) ![c](/img.png)\n\n```rust\nlet x = 1;\n```\n";
        let body = markdown::parse(text, 0);
        let links = vec![
            ResolvedLink {
                href: Some("/site/articles/x/".into()),
                target: None,
                citation: None,
                as_text: false,
                image: None,
                language: None,
            },
            ResolvedLink::UNCHANGED,
            ResolvedLink {
                href: Some("/site/img.png".into()),
                target: None,
                citation: None,
                as_text: false,
                image: None,
                language: None,
            },
        ];
        let html = body_html(&body, &links);
        assert!(html.contains(r#"<a href="/site/articles/x/">a</a>"#), "{html}");
        assert!(html.contains(r#"<a href="https://example.org/">b</a>"#));
        assert!(html.contains(r#"<img src="/site/img.png" alt="c" />"#));
        assert!(html.contains(r#"<pre class="code hl-code" data-lang="rust"><code>"#));
    }

    #[test]
    fn rewritten_targets_keep_titles_and_the_mailto_of_email_links() {
        let body = markdown::parse("[a](x.md \"A title\") <someone@example.org> ![i](i.png \"Map\")", 0);
        let to = |href: &str| ResolvedLink {
            href: Some(href.into()),
            target: None,
            citation: None,
            as_text: false,
            image: None,
            language: None,
        };
        let html = body_html(&body, &[to("/site/x/"), to("other@example.org"), to("/site/i.png")]);
        assert_eq!(
            html,
            "<p><a href=\"/site/x/\" title=\"A title\">a</a> <a href=\"mailto:other@example.org\">someone@example.org</a> <img src=\"/site/i.png\" alt=\"i\" title=\"Map\" /></p>\n"
        );
    }

    #[test]
    fn images_alone_become_figures_and_local_ones_get_size_and_lazy_loading() {
        let body = markdown::parse(
            "![Kursk](k.png \"Kursk, August 2024 \u{2014} Map: ISW\")\n\nSee ![c](c.png) here.\n\n![e](https://x.org/e.png)\n",
            0,
        );
        let local = |href: &str, image| ResolvedLink {
            href: Some(href.into()),
            target: None,
            citation: None,
            as_text: false,
            image,
            language: None,
        };
        let links = [local("/s/k.png", Some((800, 600))), local("/s/c.png", None), ResolvedLink::UNCHANGED];
        assert_eq!(
            body_html(&body, &links),
            "<figure class=\"image\"><img src=\"/s/k.png\" width=\"800\" height=\"600\" alt=\"Kursk\" />\n\
             <figcaption>Kursk, August 2024 <small class=\"credit\">Map: ISW</small></figcaption>\n</figure>\n\
             <p>See <img src=\"/s/c.png\" loading=\"lazy\" decoding=\"async\" alt=\"c\" /> here.</p>\n\
             <p><img src=\"https://x.org/e.png\" alt=\"e\" /></p>\n"
        );
    }

    /// A link inside an image's description has no tag of its own: nothing to rewrite.
    #[test]
    fn links_inside_image_descriptions_stay_text() {
        let body = markdown::parse("![see [1](source:wire)](i.png)", 0);
        let citation = ResolvedLink {
            href: Some("#s".into()),
            target: None,
            citation: Some((1, "Wire".into())),
            as_text: false,
            image: None,
            language: None,
        };
        let html = body_html(&body, &[ResolvedLink::UNCHANGED, citation]);
        assert_eq!(html, "<p><img src=\"i.png\" alt=\"see 1\" /></p>\n");
    }

    #[test]
    fn citations_are_superscript_links_with_the_source_title() {
        let body = markdown::parse("As reported [1](source:wire).", 0);
        let links = vec![ResolvedLink {
            href: Some("#source-wire".into()),
            target: None,
            citation: Some((1, "A \"wire\" story".into())),
            as_text: false,
            image: None,
            language: None,
        }];
        let html = body_html(&body, &links);
        assert_eq!(
            html,
            "<p>As reported <sup class=\"cite\"><a href=\"#source-wire\" title=\"Source 1: A &quot;wire&quot; story\">1</a></sup>.</p>\n"
        );
    }

    #[test]
    fn links_to_explainers_left_out_are_their_text() {
        let body = markdown::parse("See [the *quota* rules](quota.md \"Quota\") and [this](https://example.org/).", 0);
        let html = body_html(&body, &[ResolvedLink::AS_TEXT, ResolvedLink::UNCHANGED]);
        assert_eq!(html, "<p>See the <em>quota</em> rules and <a href=\"https://example.org/\">this</a>.</p>\n");
    }
}
