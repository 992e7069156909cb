//! The Markdown and link pipeline: any text as a body, through `markdown::parse` and `body_html`,
//! with no resolved links, with one `ResolvedLink::UNCHANGED` per link, or with every link
//! rewritten. Checks that the located link ranges point inside the file, that the event indexes
//! kept by the parse point at the right events, and that the HTML made without resolved links is
//! exactly pulldown-cmark's own (`markdown::html_from_events`).
#![no_main]

use dossier::assemble::ResolvedLink;
use dossier::markdown;
use dossier::render::html::body_html;
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Tag, TagEnd};

const MAX_LEN: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    if data.len() < 1 || data.len() > MAX_LEN {
        return;
    }
    // The first byte picks a front matter prefix length, so that non-zero body offsets are exercised.
    let prefix_len = (data[0] % 4) as usize * 4;
    let Ok(body) = std::str::from_utf8(&data[1..]) else {
        return;
    };
    let file = format!("{}{body}", "-".repeat(prefix_len));
    let body = &file[prefix_len..];

    let parsed = markdown::parse(body, prefix_len);
    // The indexes kept by the parse must point at the events pulldown-cmark makes of the text.
    let events: Vec<Event<'_>> = pulldown_cmark::Parser::new_ext(body, markdown::options()).collect();
    assert_eq!(events.len(), parsed.event_count, "the parse counted other events");
    for link in &parsed.links {
        assert!(link.offset >= prefix_len, "link offset before the body");
        assert!(link.offset + link.len <= file.len(), "link range past the end of the file");
        assert!(
            matches!(events.get(link.event_index), Some(Event::Start(Tag::Link { .. } | Tag::Image { .. }))),
            "link index does not point at a link"
        );
    }
    for quote in &parsed.quotes {
        assert!(matches!(events.get(quote.start), Some(Event::Start(Tag::BlockQuote(_)))));
        assert!(matches!(events.get(quote.end), Some(Event::End(TagEnd::BlockQuote(_)))));
    }
    // A sample only: checking every heading would make the harness itself quadratic.
    for heading in parsed.headings.iter().take(8) {
        assert!(parsed.has_anchor(&heading.id));
    }

    // The second bits of the first byte pick how links are resolved: not at all, unchanged, or
    // every one rewritten as a citation or a site link (the shapes `assemble` produces).
    let links: Vec<ResolvedLink> = match (data[0] >> 2) % 3 {
        0 => Vec::new(),
        1 => vec![ResolvedLink::UNCHANGED; parsed.links.len()],
        _ => parsed
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| ResolvedLink {
                href: Some(format!("/site/{}", l.dest)),
                target: None,
                citation: (i % 2 == 0).then(|| (i + 1, l.text.clone())),
            })
            .collect(),
    };
    let html = body_html(&parsed, &links);
    if links.iter().all(|l| l.href.is_none() && l.citation.is_none()) {
        assert_eq!(html, markdown::html_from_events(body), "the HTML differs from pulldown-cmark's");
    }
    // Text ends up escaped: a body without `<` cannot produce a `<script` tag.
    if !body.contains('<') {
        assert!(!html.contains("<script"), "unescaped script tag in {html}");
    }
});
