//! Inputs from fuzzing (see fuzz/README.md), run through the same public API as the fuzz targets
//! `front_matter`, `markdown_links` and `site_build`, and through `dossier check`. Every case has
//! the outcome it must give: the exit code of `check`, the first line it prints and how many
//! errors it counts, besides the invariants the fuzz targets check. The inputs that made the code
//! slow are checked against a generous time limit (a hundred times what a linear algorithm needs
//! in a debug build), so these tests fail only when the quadratic behaviour is back.

mod harness;

use dossier::assemble::ResolvedLink;
use dossier::diagnostics::SourceFile;
use dossier::frontmatter;
use dossier::markdown;
use dossier::pipeline::{self, PipelineOptions};
use dossier::render::NullSink;
use dossier::render::html::body_html;
use harness::Site;
use std::time::{Duration, Instant};

/// What the `front_matter` target does: split, every reader, every diagnostic rendered.
fn front_matter(text: &str) -> Vec<String> {
    let source = SourceFile::new("content/articles/fuzz.md", text);
    let split = match frontmatter::split(&source) {
        Ok(split) => split,
        Err(d) => return vec![d.to_string()],
    };
    assert_eq!(&text[split.body_offset..], split.body, "body_offset must point at the body");
    if let Some((yaml, start)) = split.yaml {
        assert_eq!(&text[start..start + yaml.len()], yaml, "the YAML offset must point at the YAML");
    }
    let mut rendered = Vec::new();
    rendered.extend(frontmatter::read_explainer(&source, &split).1.iter().map(ToString::to_string));
    rendered.extend(frontmatter::read_actor(&source, &split).1.iter().map(ToString::to_string));
    rendered.extend(frontmatter::read_topic(&source, &split).1.iter().map(ToString::to_string));
    rendered.extend(frontmatter::read_home(&source, &split).1.iter().map(ToString::to_string));
    rendered
}

/// What the `markdown_links` target does: parse, then render without and with resolved links.
fn markdown_html(body: &str) -> String {
    let trusted = markdown::RawHtmlPolicy::new(dossier::config::RawHtml::Trusted, Vec::new());
    let parsed = markdown::parse_with(body, 0, &markdown::BodyOptions { raw_html: &trusted, ..Default::default() });
    for link in &parsed.links {
        assert!(link.offset + link.len <= body.len(), "link range past the end of the body");
        assert!(link.event_index < parsed.event_count);
    }
    // the HTML written during the parse, with nothing put in, is pulldown-cmark's own
    let expected = markdown::html_from_events(body);
    assert_eq!(body_html(&parsed, &[]), expected, "for {body:?}");
    let unchanged = vec![ResolvedLink::UNCHANGED; parsed.links.len()];
    let html = body_html(&parsed, &unchanged);
    assert_eq!(html, expected, "for {body:?}");
    html
}

/// What the `site_build` target does: writes the files, builds into `NullSink`, renders every
/// diagnostic. Returns the number of pages, or the rendered diagnostics.
fn build_site(files: &[(&str, &str)]) -> Result<usize, Vec<String>> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dirs");
        std::fs::write(path, text).expect("write file");
    }
    let options = PipelineOptions::for_site(dir.path());
    let render = |ds: Vec<dossier::diagnostics::Diagnostic>| ds.iter().map(ToString::to_string).collect::<Vec<_>>();
    let config = pipeline::load_config(&options).map_err(render)?;
    pipeline::run(&options, config, &NullSink).map(|r| r.pages).map_err(render)
}

/// What `dossier check` makes of a site: its exit code, the first line it prints about the site
/// (its first `error:` or `warning:`, or nothing), and how many errors its closing line counts.
type Outcome = (i32, String, usize);

fn check(files: &[(&str, &str)]) -> Outcome {
    let site = Site::empty();
    for (path, text) in files {
        site.write(path, text);
    }
    let run = site.run(&["check"]);
    let first = run.stderr.lines().find(|l| l.starts_with("error: ") || l.starts_with("warning: ")).unwrap_or("");
    // "error: 3 errors found; the site does not build"
    let closing = run.stderr.lines().last().unwrap_or("");
    let errors = match closing.strip_prefix("error: ").and_then(|l| l.split_once(" error")) {
        Some((n, _)) => n.replace(',', "").parse().unwrap_or(usize::MAX),
        None => 0,
    };
    (run.code, first.to_string(), errors)
}

/// The site.toml of the sites cases are checked in.
const SITE_TOML: &str = "title = \"Fuzz\"\nbase_url = \"https://example.org/\"\n";

/// Checks every case's outcome, each in a site of its own made by `site`; the cases run on two
/// threads. Every mismatch is reported, as a line to paste in place of the expected outcome.
#[track_caller]
fn assert_outcomes(cases: &[(String, (i32, &str, usize))], site: impl Fn(&str) -> Vec<(String, String)> + Sync) {
    let check_all = |cases: &[(String, (i32, &str, usize))]| -> Vec<Outcome> {
        cases
            .iter()
            .map(|(input, _)| {
                let files = site(input);
                check(&files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect::<Vec<_>>())
            })
            .collect()
    };
    let (first_half, second_half) = cases.split_at(cases.len() / 2);
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let first = scope.spawn(|| check_all(first_half));
        let second = check_all(second_half);
        first.join().expect("no panic").into_iter().chain(second).collect()
    });
    let mut wrong = Vec::new();
    for (i, ((input, (exit, first, errors)), got)) in cases.iter().zip(&outcomes).enumerate() {
        if (*exit, *first, *errors) != (got.0, got.1.as_str(), got.2) {
            let shown: String = input.chars().take(60).collect();
            wrong.push(format!("case {i} ({shown:?}): ({}, {:?}, {}),", got.0, got.1, got.2));
        }
    }
    assert!(wrong.is_empty(), "outcomes that changed:\n{}", wrong.join("\n"));
}

fn timed<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let elapsed = started.elapsed();
    assert!(elapsed < limit, "{what} took {elapsed:?} (limit {limit:?})");
    out
}

#[test]
fn front_matter_edge_cases_give_their_outcome() {
    let cases: Vec<(String, (i32, &str, usize))> = vec![
        (
            String::new(),
            (1, "error: no front matter: the file must start with a `---` block with `title` and `date`", 1),
        ),
        ("---".into(), (1, "error: front matter is not closed: add a line `---` after the last field", 1)),
        ("---\n".into(), (1, "error: front matter is not closed: add a line `---` after the last field", 1)),
        ("---\n---".into(), (1, "error: missing `date` in front matter", 2)),
        ("---\r\n---\r\n".into(), (1, "error: missing `date` in front matter", 2)),
        ("---\n...\n".into(), (1, "error: missing `date` in front matter", 2)),
        (
            "\u{feff}".into(),
            (1, "error: no front matter: the file must start with a `---` block with `title` and `date`", 1),
        ),
        ("\u{feff}---\n---\n".into(), (1, "error: missing `date` in front matter", 2)),
        ("\u{feff}---".into(), (1, "error: front matter is not closed: add a line `---` after the last field", 1)),
        (
            "---\ntitle: \"é\n---\n".into(),
            (1, "error: front matter is not valid YAML: found unexpected end of stream", 1),
        ),
        (
            "---\n\ttitle: x\n---\n".into(),
            (
                1,
                "error: front matter is not valid YAML: found character that cannot start any token, while scanning for the next token",
                1,
            ),
        ),
        (
            "---\n1: a\n[a]: b\n---\n".into(),
            (1, "error: front matter is not valid YAML: field names must be text, found `1`", 1),
        ),
        ("---\n\"`x`\": 1\n---\n".into(), (1, "error: missing `date` in front matter", 3)),
        (
            "---\n- a\n- b\n---\n".into(),
            (
                1,
                "error: front matter is not valid YAML: front matter must be a list of `field: value` lines, found a list",
                1,
            ),
        ),
        (
            "---\ntitle: a\ntitle: b\n---\n".into(),
            (1, "error: front matter is not valid YAML: duplicate entry with key \"title\"", 1),
        ),
        ("---\ntïtle: a\n🇹🇼: b\nsług: x\n---\n".into(), (1, "error: missing `date` in front matter", 5)),
        (
            "---\nslug: \"Ǆ\"\ntitle: x\ndate: 2024-01-01\n---\n".into(),
            (1, "error: `slug` must be lower-case letters, digits and single hyphens, not `Ǆ`", 1),
        ),
        ("---\nslug: \"\u{301}\"\n---\n".into(), (1, "error: missing `date` in front matter", 3)),
        (
            "---\ndate: 9999999999-99-99\nupdated: 2024-02-30\n---\n".into(),
            (1, "error: missing `title` in front matter", 3),
        ),
        (
            "---\naliases: [\"/../..\", \"//\", \"/a/%2e%2e/\", \"\\u0000\", \"/é/\", \"\"]\n---\n".into(),
            (1, "error: missing `date` in front matter", 7),
        ),
        (
            "---\nsources:\n  - id: é\n    title: `é`\n  - 1\n  -\n---\n".into(),
            (1, "error: front matter is not valid YAML: found character that cannot start any token", 1),
        ),
        (
            "---\ntimeline:\n  - date: x\n  - event: y\n  - {}\n---\n".into(),
            (1, "error: missing `date` in front matter", 5),
        ),
        ("---\nkind: \"`\"\nname: [a]\n---\n".into(), (1, "error: missing `date` in front matter", 4)),
        (format!("---\ntitle: {}\n---\n", "é".repeat(5000)), (1, "error: missing `date` in front matter", 1)),
        (
            format!("---\ntitle: {}\n---\n", "{a: ".repeat(5000)),
            (1, "error: front matter is not valid YAML: lists and mappings are nested more than 100 levels deep", 1),
        ),
        (
            format!("---\n{}---\n", (0..1500).map(|i| format!("k{i}: v\n")).collect::<String>()),
            (1, "error: missing `date` in front matter", 1502),
        ),
        (
            format!("---\nsources:\n{}---\n", "  - id: a\n    title: b\n".repeat(500)),
            (1, "error: missing `date` in front matter", 501),
        ),
        // YAML aliases that expand a lot: serde_yaml must refuse or finish quickly
        (
            "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n\
         d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n\
         g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ntitle: *h\n---\n"
                .into(),
            (1, "error: front matter is not valid YAML: repetition limit exceeded", 1),
        ),
    ];
    for (text, _) in &cases {
        for d in front_matter(text) {
            assert!(d.starts_with("error: ") || d.starts_with("warning: "), "{d}");
        }
    }
    // each as an explainer of a site
    assert_outcomes(&cases, |text| {
        vec![("site.toml".into(), SITE_TOML.into()), ("content/articles/fuzz.md".into(), text.into())]
    });
}

#[test]
fn markdown_edge_cases_give_their_outcome() {
    let cases: Vec<(String, (i32, &str, usize))> = vec![
        (String::new(), (0, "", 0)),
        (
            "\0".repeat(100),
            (0, "warning: control characters (invisible, and not allowed in HTML) are written as spaces", 0),
        ),
        ("\r\n".repeat(1000), (0, "", 0)),
        (">".repeat(16_000), (0, "", 0)),
        ("[".repeat(100_000), (0, "warning: the summary is 100000 characters long, over 300", 0)),
        (
            format!("{}](x.md)", "[".repeat(8000)),
            (1, "error: link to `x.md`: there is no file content/articles/x.md", 1),
        ),
        ("- ".repeat(5000), (0, "", 0)),
        ((0..120).map(|i| format!("{}- a\n", "  ".repeat(i))).collect(), (0, "", 0)),
        ("*a".repeat(5000), (0, "warning: the summary is 5000 characters long, over 300", 0)),
        ("`".repeat(16_000), (0, "", 0)),
        ((0..1500).map(|i| format!("[^{i}]: x [^{}]\n", i + 1)).collect(), (0, "", 0)),
        ("[a](b.md#c) ".repeat(1300), (1, "error: link to `b.md`: there is no file content/articles/b.md", 1300)),
        (
            "[x](<>) [y](\\<) [z](&amp;) ![](#) [w](source:) [v](actor:#)".into(),
            (1, "error: empty link destination", 5),
        ),
        (format!("```{}\n{}```\n", "a".repeat(2000), "x\n".repeat(100)), (0, "", 0)),
        ("```rust\nfn main() { let s = \"unterminated; }\n".into(), (0, "", 0)),
        (
            format!("{}\n{}\n", "|".repeat(8000), "|-".repeat(4000)),
            (0, "warning: the summary is 16001 characters long, over 300", 0),
        ),
        ("<div>".repeat(3000), (0, "", 0)),
        ("&#x10FFFF;&#0;&#xD800;".repeat(300), (0, "warning: the summary is 900 characters long, over 300", 0)),
        (
            ("> ".repeat(50) + "x\n" + &"> ".repeat(50) + "\n" + &"> ".repeat(50) + "— y\n").repeat(20),
            (0, "warning: this quote has no citation", 0),
        ),
        (
            "# a {#main}\n# b {#}\n# c {#a .b key=val}\n# {#x}\n# x\n".into(),
            (1, "error: the heading id `main` is one the page's template gives to its own section", 1),
        ),
        (
            "> a\n>\n> — [b](actor:x)\n\n> —\n".into(),
            (1, "error: no actor `x`: no profile in content/actors/ and no explainer names it", 1),
        ),
        // where the writer's choice of a newline before a block depends on the text before it
        ("- a\n  b\n  - c\n\n1. x\\\n   y\n   > q\n".into(), (0, "", 0)),
        ("Text *em* **strong** ~~del~~ `code` <span>html</span> &amp; &copy; \\* a  \nhard\n".into(), (0, "", 0)),
        (
            "![alt *em* [link](x.md) `c` [^1] <b>](img.png \"title\")\n\n[^1]: note\n".into(),
            (1, "error: link to `x.md`: there is no file content/articles/x.md", 1),
        ),
        (
            "[t](x.md \"a title\") <https://example.org/a?b&c> <someone@example.org> [e](mailto:a@b)\n".into(),
            (1, "error: link to `x.md`: there is no file content/articles/x.md", 1),
        ),
        (
            "## A [link](x.md) and `code` {#custom}\n\n## A link and code\n\nSetext\n---\n".into(),
            (1, "error: link to `x.md`: there is no file content/articles/x.md", 1),
        ),
        (
            "| a | *b* |\n|:-|-:|\n| [c](x.md) | d\\|e |\n\n- [ ] task\n- [x] done\n".into(),
            (1, "error: link to `x.md`: there is no file content/articles/x.md", 1),
        ),
        (
            "> [!NOTE]\n> alert\n\n> > nested\n> >\n> > — Someone\n>\n> — Outer\n".into(),
            (0, "warning: this quote has no citation", 0),
        ),
        ("<div>\nblock *html*\n</div>\n\n    indented code\n\n```\nno language\n```\n".into(), (0, "", 0)),
        ("Footnote[^a] and again[^a].\n\n[^a]: The *note*\n    continued.\n".into(), (0, "", 0)),
        ("Quotes \"curly\" -- dashes --- and... 'single' People's\n".into(), (0, "", 0)),
    ];
    for (body, _) in &cases {
        markdown_html(body);
    }
    // each as the body of an explainer
    assert_outcomes(&cases, |body| {
        let explainer = format!("---\ntitle: Fuzz\ndate: 2024-11-16\n---\n\n{body}");
        vec![("site.toml".into(), SITE_TOML.into()), ("content/articles/fuzz.md".into(), explainer)]
    });
}

#[test]
fn site_with_edge_case_files_gives_its_outcome() {
    let files = [
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/sub/\"\nautolink = \"all\"\n\n[glossary]\n\"é\" = \"e\"\n\"Xi-\" = \"x\"\n\"a\" = \"<b>\"\n",
        ),
        (
            "content/articles/a.md",
            "---\ntitle: \"A é\"\ndate: 2024-11-16\nactors: [Xi Jinping, \"Türkiye\"]\ntopics: [taiwan]\naliases: [/old/]\nsources:\n  - id: s\n    title: S\n---\n\n# Xi Xi Xi\n\nXi é a Xi-é [Xi](actor:xi-jinping#nope) [t](topic:taiwan) [1](source:s) [2](source:s) [b](b.md#why) [c](#a-e)\n\n> Xi said.\n>\n> — Xi Jinping, CSIS\n",
        ),
        (
            "content/articles/b.md",
            "---\ntitle: B\ndate: 2024-11-17\nslug: b\n---\n\n## Why\n\n[a](a.md#xi-xi-xi) [self](b.md) [up](../a.md)\n",
        ),
        ("content/actors/xi-jinping.md", "---\nname: Xi Jinping\nkind: person\naliases: [Xi, \"\"]\n---\nXi.\n"),
        ("content/actors/türkiye.md", "---\nname: Türkiye\nkind: country\n---\n"),
        ("content/topics/taiwan.md", "---\ntitle: Taiwan\n---\n[x](actor:xi-jinping)\n"),
        ("content/index.md", "Home [a](articles/a.md)\n"),
    ];
    // through the library, every diagnostic rendered; then as `check` prints them
    let diagnostics = build_site(&files).expect_err("the site has errors");
    let first_lines: Vec<&str> = diagnostics.iter().filter_map(|d| d.lines().next()).collect();
    assert_eq!(
        first_lines,
        [
            "error: `aliases`: list items must not be empty",
            "warning: citation [2] links to `s`, which is number 1 in `sources:`",
            "error: link to `../a.md`: there is no file content/a.md",
        ]
    );
    assert_eq!(check(&files), (1, first_lines[0].to_string(), 2));
}

// Regression: `markdown::assign_heading_ids` (src/markdown.rs) used to try `-1`, `-2`, … from 1
// for every heading, so n headings with the same text cost O(n²) set look-ups and formatted
// strings. Fixed in c6e52f2 (the next suffix is remembered per text); 20,000 equal headings now
// take well under a second in a debug build.
#[test]
fn many_headings_with_the_same_text_are_linear() {
    let body = "# a\n".repeat(20_000);
    let parsed = timed(Duration::from_secs(10), "20,000 identical headings", || markdown::parse(&body, 0));
    assert_eq!(parsed.headings.len(), 20_000);
    assert_eq!(parsed.headings[19_999].id, "a-19999");
}

// Regression: front matter with deeply nested YAML flow collections (`title: [[[[…`) took time
// quadratic in the nesting depth. serde_yaml reads every event of the document before it checks its
// recursion limit (128), and the scanner of `unsafe-libyaml` walks every open flow level for each
// token (upstream yaml/libyaml#286). In release, 100,000 `[` took 12.9 s and a 1 MB file would have
// taken about 20 minutes. Fixed: `yaml::parse_mapping` refuses more than 100 levels before parsing.
#[test]
fn deeply_nested_yaml_flow_collections_fail_fast() {
    let text = format!("---\ntitle: {}\n---\n", "[".repeat(100_000));
    let source = SourceFile::new("content/articles/a.md", &text);
    let split = frontmatter::split(&source).expect("front matter is closed");
    let (meta, diagnostics) =
        timed(Duration::from_secs(10), "100,000 nested `[`", || frontmatter::read_explainer(&source, &split));
    assert!(meta.is_none());
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["front matter is not valid YAML: lists and mappings are nested more than 100 levels deep"]);
    assert_eq!(diagnostics[0].code, dossier::diagnostics::Code::Yaml);
}
