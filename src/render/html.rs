//! Body HTML: a parsed body's events, with links rewritten to their resolved hrefs and code highlighted.

use crate::assemble::ResolvedLink;
use crate::highlight;
use crate::markdown::ParsedBody;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

/// Renders `body` to HTML. `links` are the body's resolved links, one per `body.links`.
pub fn body_html(body: &ParsedBody<'_>, links: &[ResolvedLink]) -> String {
    let mut out = String::with_capacity(body.events.len() * 48);
    let mut link_index = 0;
    let mut code: Option<(String, String)> = None;
    // for each open link: whether it is a citation, closed with `</a></sup>`
    let mut open_citations: Vec<bool> = Vec::new();
    let events = body.events.iter().filter_map(|event| {
        if let Some((lang, text)) = code.as_mut() {
            return match event {
                Event::Text(t) => {
                    text.push_str(t);
                    None
                }
                Event::End(TagEnd::CodeBlock) => {
                    let html = highlight::code_block(lang, text);
                    code = None;
                    Some(Event::Html(CowStr::from(html)))
                }
                _ => None,
            };
        }
        Some(match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                return None;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let link = links.get(link_index);
                let href = resolved(links, &mut link_index, dest_url);
                if let Some((number, source_title)) = link.and_then(|l| l.citation.as_ref()) {
                    open_citations.push(true);
                    let mut html = String::from("<sup class=\"cite\"><a href=\"");
                    escape_href(&mut html, &href).expect("writing to a String");
                    html.push_str("\" title=\"");
                    escape_html(&mut html, &format!("Source {number}: {source_title}"))
                        .expect("writing to a String");
                    html.push_str("\">");
                    return Some(Event::InlineHtml(CowStr::from(html)));
                }
                open_citations.push(false);
                Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: href,
                    title: title.clone(),
                    id: id.clone(),
                })
            }
            Event::End(TagEnd::Link) if open_citations.pop() == Some(true) => {
                Event::InlineHtml(CowStr::Borrowed("</a></sup>"))
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let href = resolved(links, &mut link_index, dest_url);
                Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: href,
                    title: title.clone(),
                    id: id.clone(),
                })
            }
            other => other.clone(),
        })
    });
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn resolved<'a>(links: &[ResolvedLink], index: &mut usize, written: &CowStr<'a>) -> CowStr<'a> {
    let link = links.get(*index);
    *index += 1;
    match link.and_then(|l| l.href.as_deref()) {
        Some(href) => CowStr::from(href.to_string()),
        None => written.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown;

    #[test]
    fn rewrites_links_in_order_and_highlights_code() {
        let text =
            "[a](x.md) and [b](https://example.org/) ![c](/img.png)\n\n```rust\nlet x = 1;\n```\n";
        let body = markdown::parse(text, 0);
        let links = vec![
            ResolvedLink {
                href: Some("/site/articles/x/".into()),
                target: None,
                citation: None,
            },
            ResolvedLink::UNCHANGED,
            ResolvedLink {
                href: Some("/site/img.png".into()),
                target: None,
                citation: None,
            },
        ];
        let html = body_html(&body, &links);
        assert!(
            html.contains(r#"<a href="/site/articles/x/">a</a>"#),
            "{html}"
        );
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
