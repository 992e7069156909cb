//! Body HTML: a parsed body's events, with resolved links, citations, mentions, glossary terms,
//! attributed quotes and highlighted code.

use crate::assemble::{Annotation, AnnotationKind, Explainer, ResolvedLink, Site};
use crate::highlight;
use crate::markdown::ParsedBody;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use std::ops::Range;

/// What decorates a body beyond its own events.
struct Decorations<'a> {
    links: &'a [ResolvedLink],
    annotations: &'a [Annotation],
    /// Attributed blockquotes: (start event, attribution paragraph start, attribution paragraph end, end event).
    quotes: Vec<(usize, usize, usize, usize)>,
    site: Option<&'a Site<'a>>,
}

/// An explainer's body, with everything assembly found in it; and the words of each of its
/// attributed quotes (in the order of `e.quotes`) without their attribution lines, for actor
/// pages: all from one parse of the body.
pub fn explainer_html(site: &Site<'_>, e: &Explainer<'_>) -> (String, Vec<String>) {
    let events = e.body.events();
    let figures = e
        .quotes
        .iter()
        .filter_map(|q| {
            let block = &e.body.quotes[q.block];
            block.attribution.as_ref().map(|a| (block.start, a.start, a.end, block.end))
        })
        .collect();
    let decorations = Decorations { links: &e.links, annotations: &e.annotations, quotes: figures, site: Some(site) };
    let html = render(&e.body, &events, None, &decorations);
    (html, quotes(e, &events, Decorations { quotes: Vec::new(), ..decorations }))
}

/// The words of each attributed quote of `e`, as [`explainer_html`] gives them.
pub fn quotes_html(site: &Site<'_>, e: &Explainer<'_>) -> Vec<String> {
    if e.quotes.is_empty() {
        return Vec::new();
    }
    let decorations =
        Decorations { links: &e.links, annotations: &e.annotations, quotes: Vec::new(), site: Some(site) };
    quotes(e, &e.body.events(), decorations)
}

fn quotes<'s>(e: &Explainer<'s>, events: &[Event<'s>], decorations: Decorations<'_>) -> Vec<String> {
    e.quotes
        .iter()
        .map(|q| {
            let block = &e.body.quotes[q.block];
            let end = block.attribution.as_ref().map_or(block.end, |a| a.start);
            render(&e.body, events, Some(block.start + 1..end), &decorations)
        })
        .collect()
}

/// A profile or the home page introduction: links resolved, no annotations.
pub fn body_html(body: &ParsedBody<'_>, links: &[ResolvedLink]) -> String {
    let decorations = Decorations { links, annotations: &[], quotes: Vec::new(), site: None };
    render(body, &body.events(), None, &decorations)
}

/// Renders `events`, those of `body`, in `range` (all of them when `None`).
fn render<'s>(body: &ParsedBody<'s>, events: &[Event<'s>], range: Option<Range<usize>>, d: &Decorations<'_>) -> String {
    let range = range.unwrap_or(0..events.len());
    let range_len = range.len();
    let mut out_events: Vec<Event<'_>> = Vec::with_capacity(range.len() + d.annotations.len() * 4);
    let mut link_index = body.links.partition_point(|l| l.event_index < range.start);
    let mut next_annotation = d.annotations.partition_point(|a| a.start.0 < range.start);
    let mut active: Vec<Annotation> = Vec::new();
    let mut code: Option<(String, String)> = None;
    // for each open link: whether it is a citation, closed with `</a></sup>`
    let mut open_citations: Vec<bool> = Vec::new();

    for index in range {
        let event = &events[index];
        if let Some((lang, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let html = highlight::code_block(lang, text);
                    code = None;
                    out_events.push(Event::Html(CowStr::from(html)));
                }
                _ => {}
            }
            continue;
        }
        if let Some(q) = d.quotes.iter().find(|q| [q.0, q.1, q.2, q.3].contains(&index)) {
            let html = if index == q.0 {
                "<figure class=\"quote\">\n<blockquote>\n"
            } else if index == q.1 {
                "</blockquote>\n<figcaption>"
            } else if index == q.2 {
                "</figcaption>\n"
            } else {
                "</figure>\n"
            };
            out_events.push(Event::Html(CowStr::Borrowed(html)));
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let link = d.links.get(link_index);
                link_index += 1;
                let href = link.and_then(|l| l.href.clone()).map_or_else(|| dest_url.clone(), CowStr::from);
                if let Some((number, source_title)) = link.and_then(|l| l.citation.as_ref()) {
                    open_citations.push(true);
                    let mut html = String::from("<sup class=\"cite\"><a href=\"");
                    escape_href(&mut html, &href).expect("writing to a String");
                    html.push_str("\" title=\"");
                    escape_html(&mut html, &format!("Source {number}: {source_title}")).expect("writing to a String");
                    html.push_str("\">");
                    out_events.push(Event::InlineHtml(CowStr::from(html)));
                } else {
                    open_citations.push(false);
                    out_events.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: href,
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
            }
            Event::End(TagEnd::Link) if open_citations.pop() == Some(true) => {
                out_events.push(Event::InlineHtml(CowStr::Borrowed("</a></sup>")));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let href =
                    d.links.get(link_index).and_then(|l| l.href.clone()).map_or_else(|| dest_url.clone(), CowStr::from);
                link_index += 1;
                out_events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: href,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Text(text) => {
                while next_annotation < d.annotations.len() && d.annotations[next_annotation].start.0 == index {
                    active.push(d.annotations[next_annotation]);
                    next_annotation += 1;
                }
                if active.is_empty() {
                    out_events.push(event.clone());
                } else {
                    split_text(index, text, &mut active, d, &mut out_events);
                }
            }
            other => out_events.push(other.clone()),
        }
    }
    let mut html = String::with_capacity(range_len * 48);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    html
}

/// Emits the text of event `index` in pieces, opening and closing the annotations that start or
/// end inside it. Annotations that end in a later event stay in `active`.
fn split_text<'s>(
    index: usize,
    text: &CowStr<'s>,
    active: &mut Vec<Annotation>,
    d: &Decorations<'_>,
    out: &mut Vec<Event<'s>>,
) {
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
            out.push(Event::Text(slice(text, at, offset)));
            at = offset;
        }
        out.push(Event::InlineHtml(CowStr::from(if closing { close_tag(a.kind) } else { open_tag(a.kind, d) })));
    }
    if at < text.len() {
        out.push(Event::Text(slice(text, at, text.len())));
    }
    active.retain(|a| a.end.0 != index);
}

fn slice<'s>(text: &CowStr<'s>, from: usize, to: usize) -> CowStr<'s> {
    match text {
        CowStr::Borrowed(s) => CowStr::Borrowed(&s[from..to]),
        other => CowStr::from(other[from..to].to_string()),
    }
}

fn open_tag(kind: AnnotationKind, d: &Decorations<'_>) -> String {
    let Some(site) = d.site else { return String::new() };
    let mut html = String::new();
    match kind {
        AnnotationKind::Mention(actor) => {
            html.push_str("<a class=\"mention\" href=\"");
            escape_href(&mut html, &site.urls.href(&site.actors[actor].path)).expect("writing to a String");
            html.push_str("\">");
        }
        AnnotationKind::Term(term) => {
            html.push_str("<abbr title=\"");
            escape_html(&mut html, site.glossary[term].expansion).expect("writing to a String");
            html.push_str("\">");
        }
    }
    html
}

fn close_tag(kind: AnnotationKind) -> String {
    match kind {
        AnnotationKind::Mention(_) => "</a>".to_string(),
        AnnotationKind::Term(_) => "</abbr>".to_string(),
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
            ResolvedLink { href: Some("/site/articles/x/".into()), target: None, citation: None },
            ResolvedLink::UNCHANGED,
            ResolvedLink { href: Some("/site/img.png".into()), target: None, citation: None },
        ];
        let html = body_html(&body, &links);
        assert!(html.contains(r#"<a href="/site/articles/x/">a</a>"#), "{html}");
        assert!(html.contains(r#"<a href="https://example.org/">b</a>"#));
        assert!(html.contains(r#"<img src="/site/img.png" alt="c" />"#));
        assert!(html.contains(r#"<pre class="code hl-code" data-lang="rust"><code>"#));
    }

    #[test]
    fn citations_are_superscript_links_with_the_source_title() {
        let body = markdown::parse("As reported [1](source:wire).", 0);
        let links = vec![ResolvedLink {
            href: Some("#source-wire".into()),
            target: None,
            citation: Some((1, "A \"wire\" story".into())),
        }];
        let html = body_html(&body, &links);
        assert_eq!(
            html,
            "<p>As reported <sup class=\"cite\"><a href=\"#source-wire\" title=\"Source 1: A &quot;wire&quot; story\">1</a></sup>.</p>\n"
        );
    }
}
