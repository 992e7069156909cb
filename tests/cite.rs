//! "Cite this explainer" (docs/citations.md): every explainer page has APA and Chicago citations
//! and a BibTeX entry, and `articles/<slug>/cite.json` holds it in CSL-JSON, checked against the
//! shape CSL-JSON's schema requires; the site's title is the publisher, `authors:` (actors of
//! kind person) the authors; every field is escaped for its format, hostile titles included. On
//! the `cite` fixture.

mod harness;

use harness::Site;
use serde_json::{Value, json};

const TITLE: &str = r#"Tariffs "50%" & {braces} \ <script>alert(1)</script> $x_1^2 #tag ~"#;
const URL: &str = "https://example.org/policy/articles/hostile/";

#[test]
fn the_cite_block_gives_apa_chicago_and_bibtex_with_every_field_escaped() {
    let site = Site::fixture("cite");
    // authors use their profiles: nothing to warn about
    let strict = site.run(&["check", "--strict"]);
    assert!(strict.code == 0 && strict.stderr.is_empty(), "{}", strict.stderr);
    site.build_ok();
    let page = site.page("articles/hostile/");
    let citations = page.texts(".cite-this .citation");
    assert_eq!(
        citations[0],
        format!(r#"Doe, J., & Smith, M. A. (2024, November 17). {TITLE}. Cite & "Quote" {{Fixture}}. {URL}"#)
    );
    assert_eq!(
        citations[1],
        format!(
            r#"Doe, Jane, and Mary Anne Smith. “{TITLE}.” Cite & "Quote" {{Fixture}}. November 17, 2024. Last modified November 20, 2024. {URL}."#
        )
    );
    // the title is APA's one italic, as text: nothing of it became markup
    assert_eq!(page.texts(".cite-this .citation i"), [TITLE]);
    assert_eq!(page.texts(".cite-this script").len(), 0);
    assert!(!page.source.contains("<script>alert(1)"));
    let bibtex = page.text(".cite-this .bibtex");
    assert_eq!(
        bibtex,
        [
            "@online{hostile-2024,",
            "author = {Doe, Jane and Smith, Mary Anne},",
            r#"title = {{Tariffs "50\%" \& \{braces\} \textbackslash{} <script>alert(1)</script> \$x\_1\textasciicircum{}2 \#tag \textasciitilde{}}},"#,
            r#"organization = {Cite \& "Quote" \{Fixture\}},"#,
            "date = {2024-11-17},",
            &format!("url = {{{URL}}},"),
            "langid = {en}",
            "}",
        ]
        .join(" ")
    );
    assert!(braces_balance(&bibtex), "{bibtex}");
    assert_eq!(page.href_of("CSL-JSON"), "/policy/articles/hostile/cite.json");
}

/// Whether the braces of a BibTeX entry balance, escaped ones (`\{`) aside.
fn braces_balance(entry: &str) -> bool {
    let mut depth = 0i32;
    let mut chars = entry.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

#[test]
fn authors_are_in_the_byline_and_an_explainer_without_them_is_cited_by_title() {
    let site = Site::fixture("cite");
    site.build_ok();
    let page = site.page("articles/hostile/");
    assert_eq!(page.href_of("Jane Doe"), "/policy/actors/jane-doe/");
    assert!(page.text(".byline").starts_with("By Jane Doe and Mary Anne Smith"), "{}", page.text(".byline"));
    let plain = site.page("articles/plain/");
    let citations = plain.texts(".cite-this .citation");
    assert_eq!(
        citations[0],
        r#"Biden and Xi meet in Lima. (2024, November 16). Cite & "Quote" {Fixture}. https://example.org/policy/articles/plain/"#
    );
    assert_eq!(
        citations[1],
        r#"“Biden and Xi meet in Lima.” Cite & "Quote" {Fixture}. November 16, 2024. https://example.org/policy/articles/plain/."#
    );
    assert!(!plain.text(".cite-this .bibtex").contains("author"));
}

#[test]
fn cite_json_is_csl_json_with_the_explainers_fields() {
    let site = Site::fixture("cite");
    site.build_ok();
    let items: Value = serde_json::from_str(&site.read("articles/hostile/cite.json")).unwrap();
    assert_eq!(csl_problems(&items), Vec::<String>::new());
    assert_eq!(
        items,
        json!([{
            "id": "articles/hostile",
            "type": "webpage",
            "title": TITLE,
            "container-title": "Cite & \"Quote\" {Fixture}",
            "publisher": "Cite & \"Quote\" {Fixture}",
            "URL": URL,
            "issued": {"date-parts": [[2024, 11, 17]]},
            "author": [{"family": "Doe", "given": "Jane"}, {"family": "Smith", "given": "Mary Anne"}],
            "language": "en",
            "abstract": "A summary with \"quotes\" & <b>markup</b>."
        }])
    );
    let plain: Value = serde_json::from_str(&site.read("articles/plain/cite.json")).unwrap();
    assert_eq!(csl_problems(&plain), Vec::<String>::new());
    assert!(plain[0].get("author").is_none());
    // not a page: not in the sitemap
    assert!(!site.read("sitemap.xml").contains("cite.json"));
}

/// The item types of CSL-JSON (csl-data.json, CSL 1.0.2).
const CSL_TYPES: &[&str] = &[
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
];
/// Name variables, date variables, and the text variables cite.json may use.
const CSL_NAMES: &[&str] = &["author", "editor", "translator", "container-author", "collection-editor"];
const CSL_DATES: &[&str] = &["issued", "accessed", "original-date", "submitted", "event-date"];
const CSL_TEXTS: &[&str] =
    &["title", "container-title", "publisher", "publisher-place", "URL", "DOI", "language", "abstract", "note"];
const CSL_NAME_PARTS: &[&str] = &["family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle"];

/// What in `items` breaks CSL-JSON's schema (csl-data.json): a list of items, each an object
/// with `id` (text or number) and `type` (one of [`CSL_TYPES`]); names lists of objects of name
/// parts (text); dates objects whose `date-parts` holds one or two lists of one to three numbers;
/// text variables text; no other keys.
fn csl_problems(items: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(items) = items.as_array() else { return vec!["not a list".into()] };
    for item in items {
        let Some(item) = item.as_object() else {
            problems.push("an item is not an object".into());
            continue;
        };
        if !item.get("id").is_some_and(|id| id.is_string() || id.is_number()) {
            problems.push("no id".into());
        }
        if !item.get("type").and_then(Value::as_str).is_some_and(|t| CSL_TYPES.contains(&t)) {
            problems.push(format!("type {:?}", item.get("type")));
        }
        for (key, value) in item {
            let ok = match key.as_str() {
                "id" | "type" => true,
                k if CSL_NAMES.contains(&k) => value.as_array().is_some_and(|names| {
                    names.iter().all(|n| {
                        n.as_object().is_some_and(|n| {
                            !n.is_empty()
                                && n.iter().all(|(p, v)| CSL_NAME_PARTS.contains(&p.as_str()) && v.is_string())
                        })
                    })
                }),
                k if CSL_DATES.contains(&k) => value.get("date-parts").and_then(Value::as_array).is_some_and(|parts| {
                    (1..=2).contains(&parts.len())
                        && parts.iter().all(|p| {
                            p.as_array().is_some_and(|p| (1..=3).contains(&p.len()) && p.iter().all(Value::is_number))
                        })
                }),
                k if CSL_TEXTS.contains(&k) => value.is_string(),
                _ => false,
            };
            if !ok {
                problems.push(format!("`{key}`: {value}"));
            }
        }
    }
    problems
}

#[test]
fn an_author_that_is_no_person_is_an_error_at_its_place() {
    let site = Site::fixture("cite");
    site.write(
        "content/articles/plain.md",
        "---\ntitle: Biden and Xi meet in Lima\ndate: 2024-11-16\nauthors: [CSIS, John Roe, jane-doe]\n---\n\nText.\n",
    );
    let stderr = site.fails_keeping_the_output(&["content/articles/plain.md:4:11", "content/articles/plain.md:4:17"]);
    insta::assert_snapshot!("cite_bad_authors", stderr);
}
