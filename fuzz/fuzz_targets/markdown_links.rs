//! The Markdown and link pipeline: any text as a body, through `markdown::parse` and `body_html`,
//! with no resolved links, with one `ResolvedLink::UNCHANGED` per link, or with every link
//! rewritten. Checks that the located link ranges point inside the file, that the event indexes
//! kept by the parse point at the right events, that the HTML made without resolved links is
//! exactly pulldown-cmark's own (`markdown::html_from_events`) when raw HTML is trusted, and that
//! no script or event handler survives when it is sanitized.
#![no_main]

use dossier::assemble::ResolvedLink;
use dossier::config::RawHtml;
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

    // The third bit of the first byte picks how raw HTML is treated: passed through (where the
    // HTML must be pulldown-cmark's own) or sanitized (where no script may survive).
    let trusted = data[0] & 0x40 != 0;
    let policy = markdown::RawHtmlPolicy::new(
        if trusted { RawHtml::Trusted } else { RawHtml::Sanitize },
        vec!["www.youtube-nocookie.com".into()],
    );
    let parsed = markdown::parse_with(body, prefix_len, &markdown::BodyOptions { raw_html: &policy, ..Default::default() });
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
        assert!(parsed.ids().any(|id| id == heading.id));
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
                // links to left-out explainers (written as text) and images of the site with a size
                as_text: i % 4 == 3,
                image: (i % 3 == 1).then_some((640, 480)),
                language: None,
            })
            .collect(),
    };
    let html = body_html(&parsed, &links);
    if trusted && links.iter().all(|l| l.href.is_none() && l.citation.is_none()) {
        assert_eq!(html, markdown::html_from_events(body), "the HTML differs from pulldown-cmark's");
    }
    // Text ends up escaped, raw HTML sanitized: no `<script` tag, no event handler, no stand-in.
    if !trusted || !body.contains('<') {
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "script tag in {html}");
        assert!(!has_event_handler(&lower), "event handler in {html}");
    }
    // (control characters written in the text itself are passed on here; `load` blanks them)
    assert!(html.matches('\u{1a}').count() <= body.matches('\u{1a}').count(), "a stand-in left in {html}");
});

/// Whether a tag of `html` has an `on…=` attribute. Text holds no `<` or `>` (it is escaped), so
/// what is between a `<` and the next `>` is a tag; quoted values are skipped.
fn has_event_handler(html: &str) -> bool {
    html.split('<').skip(1).filter_map(|rest| rest.split('>').next()).any(|tag| {
        let mut names = Vec::new();
        let mut name = String::new();
        let mut quote = None;
        for c in tag.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, c) if c.is_ascii_whitespace() || c == '/' || c == '=' => {
                    names.push(std::mem::take(&mut name));
                }
                (None, c) => name.push(c),
            }
        }
        names.push(name);
        names.iter().skip(1).any(|n| n.starts_with("on") && n.len() > 2)
    })
}
