//! Properties: any site made of random valid files builds, and every internal link of its output
//! resolves (files and anchors); a body's HTML, written while it is parsed and completed when it
//! is rendered, is pulldown-cmark's own.

mod harness;

use dossier::config::RawHtml;
use dossier::markdown::{BodyOptions, RawHtmlPolicy, parse_with};
use harness::{Site, broken_internal_links};
use proptest::prelude::*;
use scraper::{Html, Selector};

/// Names writers might use: accents, apostrophes, other scripts, punctuation.
fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "Taiwan",
        "North Korea",
        "Türkiye",
        "Yoon Suk Yeol",
        "O'Brien",
        "習近平",
        "C++ & Rust",
        "Ōe",
        "AI",
        "São Paulo",
        "People's Liberation Army",
        "Élysée",
        "G7",
        "Zoë",
        "Kim",
    ])
    .prop_map(str::to_string)
}

#[derive(Debug, Clone)]
struct Explainer {
    title: String,
    day: u32,
    topics: Vec<String>,
    actors: Vec<String>,
    headings: Vec<String>,
    /// (index of the explainer linked to, index of one of its headings or none)
    links: Vec<(usize, Option<usize>)>,
    folder: Option<String>,
    draft: bool,
    quote: bool,
}

fn explainer() -> impl Strategy<Value = Explainer> {
    (
        "[A-Za-z][A-Za-z0-9 ’'&:,?-]{0,40}",
        1u32..28,
        prop::collection::vec(name(), 0..3),
        prop::collection::vec(name(), 0..4),
        prop::collection::vec("[A-Za-z][A-Za-z ]{0,20}", 0..4),
        prop::collection::vec((0usize..12, prop::option::of(0usize..4)), 0..4),
        prop::option::of(prop::sample::select(vec!["analysis", "notes/2024", "Über uns"]).prop_map(str::to_string)),
        prop::bool::weighted(0.1),
        any::<bool>(),
    )
        .prop_map(|(title, day, topics, actors, headings, links, folder, draft, quote)| Explainer {
            title,
            day,
            topics,
            actors,
            headings,
            links,
            folder,
            draft,
            quote,
        })
}

fn yaml_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", "))
}

/// Writes the site; links only go to published explainers and headings that exist.
fn write_site(site: &Site, explainers: &[Explainer], paginate: usize) {
    site.write("site.toml", &format!("title = \"Random\"\nbase_url = \"https://example.org/sub/\"\npaginate = {paginate}\n\n[glossary]\nAI = \"Artificial intelligence\"\n"));
    let path_of = |i: usize| -> String {
        let dir = explainers[i].folder.clone().unwrap_or_else(|| "articles".into());
        format!("content/{dir}/e{i}.md")
    };
    for (i, e) in explainers.iter().enumerate() {
        let mut body = String::from("First paragraph mentions Kim and AI.\n\n");
        for heading in &e.headings {
            body.push_str(&format!("## {heading}\n\nText under it.\n\n"));
        }
        for &(target, heading) in &e.links {
            let target = target % explainers.len();
            if explainers[target].draft {
                continue;
            }
            let from = std::path::Path::new(&path_of(i)).parent().unwrap().to_path_buf();
            let to = std::path::Path::new(&path_of(target)).to_path_buf();
            let depth = from.components().count() - 1;
            let rel = format!("{}{}", "../".repeat(depth), to.strip_prefix("content").unwrap().display());
            let anchor = heading
                .and_then(|h| explainers[target].headings.get(h))
                .and_then(|h| heading_anchor(&explainers[target].headings, h));
            match anchor {
                Some(a) => body.push_str(&format!("See [that]({rel}#{a}).\n\n")),
                None => body.push_str(&format!("See [that]({rel}).\n\n")),
            }
        }
        if e.quote {
            body.push_str("> Words.\n>\n> — Kim\n");
        }
        site.write(
            &path_of(i),
            &format!(
                "---\ntitle: {:?}\ndate: 2024-11-{:02}\ntopics: {}\nactors: {}\ndraft: {}\n---\n\n{body}",
                if e.title.trim().is_empty() { "Untitled".to_string() } else { e.title.clone() },
                e.day,
                yaml_list(&e.topics),
                yaml_list(&e.actors),
                e.draft
            ),
        );
    }
}

/// The anchor dossier gives the first heading with this text (later duplicates get -1, -2…).
fn heading_anchor(headings: &[String], heading: &str) -> Option<String> {
    let slug = |t: &str| {
        let s: String = deunicode::deunicode(t)
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if s.is_empty() { "section".to_string() } else { s }
    };
    let wanted = slug(heading);
    // only the first heading with a slug is predictable without the rules for ids the
    // template writes (from the default theme's templates, as dossier reads them)
    let templates = dossier::load::read_templates(std::path::Path::new("/nonexistent"), "default", &mut Vec::new());
    let reserved = dossier::page_ids::TemplateIds::from_templates(&templates).explainer;
    if reserved.contains(&wanted)
        || headings.iter().position(|h| slug(h) == wanted) != headings.iter().position(|h| h == heading)
    {
        return None;
    }
    Some(wanted)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn random_valid_sites_build_and_their_links_resolve(
        explainers in prop::collection::vec(explainer(), 1..12),
        paginate in prop::sample::select(vec![0usize, 1, 3, 50]),
    ) {
        let site = Site::empty();
        write_site(&site, &explainers, paginate);
        let run = site.build();
        prop_assert_eq!(run.code, 0, "stderr:\n{}", run.stderr);
        prop_assert!(!run.stderr.contains("panicked"));
        let broken = broken_internal_links(&site.public(), "/sub/");
        prop_assert!(broken.is_empty(), "{:?}", broken);
    }
}

/// Pieces of Markdown where the HTML writer's output depends on what came before: breaks
/// before blocks, text ending lines, nesting, images, code, raw HTML, footnotes, tables.
fn markdown_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Plain text with *emphasis*, **strong**, `code` and ~~strike~~.",
        "A line\nsoftly broken",
        "A hard break  \nafter it",
        "- item\n  continued\n  - nested item",
        "1. first\n2. second\n\n   a paragraph in it",
        "- [ ] task\n- [x] done",
        "> quoted\n>\n> — Someone, somewhere",
        "> > nested\n> > quote",
        "## A heading with a [link](x.md) and `code`",
        "Setext heading\n---",
        "![an image, *described*, with [a link](y.md)](img.png \"title\")",
        "[a link](https://example.org/ \"its title\") and <someone@example.org>",
        "<div>\nraw *html* block\n</div>",
        "inline <span>html</span> &amp; &copy; entities",
        "```rust\nfn main() {}\n```",
        "    indented code",
        "| a | b |\n|:-|-:|\n| [c](z.md) | d |",
        "A note[^n] in text.\n\n[^n]: The note, *styled*.",
        "\"Quotes\" -- and --- dashes... People's",
        "***",
        "",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// A body's HTML is written during its parse, with the text of its runs left for rendering
    /// to put back: with no link resolved and raw HTML passed through (`trusted`), what rendering
    /// gives must be exactly what pulldown-cmark's writer makes of the body's events.
    #[test]
    fn body_html_is_pulldown_cmarks_own(
        pieces in prop::collection::vec(markdown_piece(), 1..10),
        separators in prop::collection::vec(prop::sample::select(vec!["\n\n", "\n", "\n\n> ", "\n  "]), 10),
    ) {
        let mut body = String::new();
        for (piece, separator) in pieces.iter().zip(&separators) {
            body.push_str(piece);
            body.push_str(separator);
        }
        let trusted = RawHtmlPolicy::new(RawHtml::Trusted, Vec::new());
        let parsed = parse_with(&body, 0, &BodyOptions { raw_html: &trusted, ..BodyOptions::default() });
        let unchanged = vec![dossier::assemble::ResolvedLink::UNCHANGED; parsed.links.len()];
        let html = dossier::render::html::body_html(&parsed, &unchanged);
        prop_assert_eq!(html, dossier::markdown::html_from_events(&body), "for {:?}", body);
    }
}

/// Pieces of what writers paste: raw HTML fragments, opened and closed anywhere (or never),
/// around Markdown that names actors and glossary terms, links and cites.
fn pasted_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Xi Jinping met Kim in Lima; the AI talks went on.",
        "<div class=\"note\">",
        "</div>",
        "<span>Xi Jinping said</span> so.",
        "<span>Kim and",
        "</span>",
        "<a href=\"https://example.org/\">Xi Jinping",
        "</a>",
        "<b>bold <i>both</b> italic</i> Kim",
        "<a name=\"top\"></a>Back to [the top](#top).",
        "<div id=\"box\">Kim</div>",
        "<script>alert('Xi Jinping')</script>",
        "<img src=x onerror=alert(1)> and <a href=\"javascript:alert(1)\">Kim</a>",
        "<table><tr><td>",
        "</td></tr></table>",
        "<table>\n<tr>\n<td>\n\n**Xi Jinping** in a cell\n\n</td>\n</tr>\n</table>",
        "<details><summary>More on Kim</summary>",
        "</details>",
        "<font color=red><center>Kim</center></font>",
        "<p>An unclosed paragraph about AI",
        "<!-- a comment about Kim -->",
        "<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>",
        "<iframe src=\"https://evil.example/\">fallback</iframe>",
        "<style>p { color: red }</style>",
        "<textarea>Kim",
        "A note[^sources] on Kim.\n\n[^sources]: The note.",
        "## Sources\n\nKim again.",
        "> Quoted words.\n>\n> — Xi Jinping",
        "Cited [1](source:wire) by Kim.",
        "<press@agency.gov> and [mail](mailto:a@b.org)",
        "| a | b |\n|---|---|\n| <span>Kim | AI |",
        "- Kim <b>in a list\n- AI",
        "",
    ])
}

/// Problems that make a page not well-formed, or not what a reader's browser should get:
/// parse errors, an id twice, a link inside a link.
fn page_problems(source: &str) -> Vec<String> {
    let html = Html::parse_document(source);
    let mut problems: Vec<String> = html.errors.iter().map(|e| format!("parse error: {e}")).collect();
    let mut seen = std::collections::BTreeSet::new();
    for element in html.select(&Selector::parse("[id]").unwrap()) {
        let id = element.value().attr("id").unwrap();
        if !seen.insert(id) {
            problems.push(format!("id `{id}` twice"));
        }
    }
    let nested = Selector::parse("a a").unwrap();
    problems.extend(html.select(&nested).map(|a| format!("a link inside a link: {}", a.html())));
    problems.extend(
        html.select(&Selector::parse("script:not([type])").unwrap())
            .filter(|s| s.value().attr("src").is_none())
            .map(|s| format!("a script: {}", s.html())),
    );
    problems
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Whatever raw HTML a writer pastes, in whatever order, under `sanitize` the page is
    /// well-formed (html5ever reads it back without an error), its ids are unique, no link is
    /// inside a link, and no script runs.
    #[test]
    fn pasted_raw_html_gives_well_formed_pages(
        pieces in prop::collection::vec(pasted_piece(), 1..14),
        separators in prop::collection::vec(prop::sample::select(vec!["\n\n", "\n", " ", "\n\n> ", "\n  "]), 14),
    ) {
        let mut body = String::new();
        for (piece, separator) in pieces.iter().zip(&separators) {
            body.push_str(piece);
            body.push_str(separator);
        }
        let site = Site::empty();
        site.write("site.toml", "title = \"Pasted\"\nbase_url = \"https://example.org/\"\nautolink = \"all\"\n\n[glossary]\nAI = \"Artificial intelligence\"\n\n[markdown]\nembed_hosts = [\"www.youtube-nocookie.com\"]\n");
        site.write("content/actors/xi-jinping.md", "---\nname: Xi Jinping\n---\nA profile.\n");
        site.write("content/actors/kim.md", "---\nname: Kim\n---\nA profile.\n");
        site.write(
            "content/articles/pasted.md",
            &format!("---\ntitle: Pasted\ndate: 2024-11-16\nactors: [Xi Jinping, Kim]\nsources:\n  - id: wire\n    title: A wire story\n    url: https://example.org/wire\n---\n\n{body}"),
        );
        let run = site.build();
        prop_assert_eq!(run.code, 0, "for {:?}\nstderr:\n{}", body, run.stderr);
        let page = site.read("articles/pasted/index.html");
        let problems = page_problems(&page);
        prop_assert!(problems.is_empty(), "for {:?}: {:?}", body, problems);
    }
}
