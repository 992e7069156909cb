//! Every CommonMark spec example, and the extension examples pulldown-cmark's published crate
//! ships, through dossier's body pipeline (`markdown::parse_with`, then `render::html::body_html`
//! with no link resolved), with raw HTML passed through (`raw_html = "trusted"`), compared with
//! pulldown-cmark's own HTML for the same input and the same options (`markdown::options()`: dossier always turns smart punctuation on, so the reference is
//! pulldown-cmark with dossier's options, not the `expected` string of the crate's test files;
//! how many of those also match `expected` is printed, for information).
//!
//! The examples are not copied here: they are read at test time from the `tests/suite/*.rs` files
//! of the pulldown-cmark crate cargo downloaded (found with `cargo metadata`), whose functions each
//! hold an `original` and an `expected` raw string (`r##"…"##`).
//!
//! Suites used: the CommonMark spec and the extensions dossier promises (tables, footnotes,
//! strikethrough, task lists, smart punctuation, heading attributes) and pulldown-cmark's
//! regression examples. Skipped, as they test options dossier does not enable: math, wikilinks,
//! super_sub, definition_lists, metadata_blocks, old_footnotes, blockquotes_tags. (Examples of the
//! suites used are still run with dossier's options whatever their own flags say: the reference
//! is made with the same options, so the comparison is fair.)
//!
//! Each example also goes through the default `raw_html = "sanitize"`. Its HTML must be the same
//! as `trusted`'s when the example has no raw HTML; when it has some, it must be well-formed
//! (html5ever reads it back without a parse error) and hold no script. (The spec's raw HTML
//! examples are about passing raw HTML through, which `sanitize` does not do by design.)
//!
//! Differences that are dossier's design, removed from both sides before comparing by
//! [`normalize`]:
//!
//! 1. Heading ids. dossier gives every heading an `id` (its text as a slug) so that it can be
//!    linked to; pulldown-cmark writes one only when the Markdown has `{#id}`. A heading's ` id="…"`
//!    is removed from dossier's start tag when the reference's matching heading (the same one, in
//!    order) has none; an id written in the Markdown must come out as written.
//! 2. Code blocks. dossier highlights fenced and indented code with syntect:
//!    `<pre class="code hl-code" data-lang="…"><code>` with `<span class="hl-…">` inside (or
//!    `<pre class="code"><code>` for no or an unknown language), where pulldown-cmark writes
//!    `<pre><code class="language-…">`. Code blocks are compared by their text: either opening
//!    becomes `<pre><code>` and the tags inside are removed, the text kept; nothing is decoded.
//!    (syntect's escaper writes `"` and `'` as `&quot;` and `&#39;`, pulldown-cmark's leaves them;
//!    no example here has either in a block of a language syntect knows, so none is decoded.)
//!
//! The summary's columns: `identical` (byte for byte, before normalizing), `equal` (after),
//! `differ`, and `match \`expected\`` (pulldown-cmark's HTML with dossier's options against the
//! test file's `expected`, compared as the crate's own tests compare: for information only).
//!
//! Anything else that differs is either a dossier bug or not yet justified: such examples are
//! listed in [`KNOWN_DIFFERENCES`] with why. The test fails when an example not listed there
//! differs, and when a listed one no longer does (the list cannot go stale).

use dossier::assemble::ResolvedLink;
use dossier::config::RawHtml;
use dossier::markdown::{BodyOptions, RawHtmlPolicy, parse_with};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Suites of pulldown-cmark's `tests/suite/` used here (file stems), in the order reported.
const SUITES: &[&str] = &[
    "spec",
    "table",
    "gfm_table",
    "footnotes",
    "gfm_strikethrough",
    "strikethrough",
    "gfm_tasklist",
    "smart_punct",
    "heading_attrs",
    "regression",
];

/// Examples (suite, number) that are known to differ today, each with a comment saying why. The
/// test fails if one of these comes out equal: remove it from the list when its cause is fixed.
/// (Empty: with the three differences above normalized, every example is equal.)
const KNOWN_DIFFERENCES: &[(&str, u32)] = &[];

/// dossier's HTML for a body with raw HTML treated as `mode` says: the one place that calls its
/// Markdown pipeline.
fn dossier_html(input: &str, mode: RawHtml) -> String {
    let policy = RawHtmlPolicy::new(mode, Vec::new());
    let parsed = parse_with(input, 0, &BodyOptions { raw_html: &policy, ..BodyOptions::default() });
    let links: Vec<ResolvedLink> = (0..parsed.links.len()).map(|_| ResolvedLink::UNCHANGED).collect();
    dossier::render::html::body_html(&parsed, &links)
}

/// Whether pulldown-cmark finds raw HTML in `input`.
fn has_raw_html(input: &str) -> bool {
    pulldown_cmark::Parser::new_ext(input, dossier::markdown::options())
        .any(|e| matches!(e, pulldown_cmark::Event::Html(_) | pulldown_cmark::Event::InlineHtml(_)))
}

/// What makes sanitized HTML unfit: parse errors, a script.
fn sanitized_problems(html: &str) -> Vec<String> {
    let fragment = scraper::Html::parse_fragment(html);
    let mut problems: Vec<String> = fragment.errors.iter().map(|e| e.to_string()).collect();
    if html.to_ascii_lowercase().contains("<script") {
        problems.push("a script".into());
    }
    problems
}

/// pulldown-cmark's own HTML for `input`, with dossier's options.
fn reference_html(input: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(input, dossier::markdown::options()));
    html
}

struct Example {
    suite: &'static str,
    number: u32,
    input: String,
    expected: String,
}

/// The directory of the pulldown-cmark crate dossier depends on, from `cargo metadata`.
fn pulldown_cmark_dir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .unwrap_or_else(|e| panic!("running `{cargo} metadata`: {e}"));
    assert!(output.status.success(), "`cargo metadata` failed: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    // the pulldown-cmark dossier itself depends on (the graph could hold more than one version)
    let dossier_id = packages.iter().find(|p| p["name"] == "dossier").and_then(|p| p["id"].as_str()).expect("dossier");
    let nodes = metadata["resolve"]["nodes"].as_array().expect("resolve.nodes");
    let node = nodes.iter().find(|n| n["id"] == dossier_id).expect("dossier's node");
    let pulldown_id = node["deps"]
        .as_array()
        .expect("deps")
        .iter()
        .find(|d| d["name"] == "pulldown_cmark")
        .and_then(|d| d["pkg"].as_str())
        .expect("dossier depends on pulldown-cmark");
    let package = packages.iter().find(|p| p["id"] == pulldown_id).expect("pulldown-cmark's package");
    let manifest_path = Path::new(package["manifest_path"].as_str().expect("manifest_path"));
    manifest_path.parent().expect("the crate's directory").to_path_buf()
}

/// The examples of one suite file: `fn <suite>_test_<n>()` functions, each with
/// `let original = r##"…"##;` and `let expected = r##"…"##;` (a `r##` string cannot hold `"##`,
/// so the first one after the opening ends it).
fn read_suite(dir: &Path, suite: &'static str) -> Vec<Example> {
    let path = dir.join("tests").join("suite").join(format!("{suite}.rs"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let raw_string = |from: &str, name: &str| -> (String, usize) {
        let opening = format!("let {name} = r##\"");
        let start = from.find(&opening).unwrap_or_else(|| panic!("{suite}: no `{opening}`")) + opening.len();
        let len = from[start..].find("\"##").unwrap_or_else(|| panic!("{suite}: `{name}` does not end"));
        (from[start..start + len].to_string(), start + len)
    };
    let header = format!("\nfn {suite}_test_");
    let mut examples = Vec::new();
    let mut pieces = text.split(header.as_str());
    pieces.next(); // what comes before the first example
    for piece in pieces {
        let digits = piece.find("()").unwrap_or_else(|| panic!("{suite}: a function name does not end"));
        let number: u32 =
            piece[..digits].parse().unwrap_or_else(|_| panic!("{suite}: {:?} is not a number", &piece[..digits]));
        let (input, after) = raw_string(piece, "original");
        let (expected, _) = raw_string(&piece[after..], "expected");
        examples.push(Example { suite, number, input, expected });
    }
    assert!(!examples.is_empty(), "{}: no examples found", path.display());
    for (i, example) in examples.iter().enumerate() {
        assert_eq!(example.number as usize, i + 1, "{suite}: examples are numbered from 1 without gaps");
    }
    examples
}

/// What pulldown-cmark's own tests compare (`html_standardize` in the crate's `tests/lib.rs`).
fn pulldown_standardize(s: &str) -> String {
    s.replace("<br>", "<br />")
        .replace("<br/>", "<br />")
        .replace("<hr>", "<hr />")
        .replace("<hr/>", "<hr />")
        .replace(">\n<", "><")
}

/// The start tags of headings in `html` (`<h1>` to `<h6>`, with their attributes), where they are.
fn heading_tags(html: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(found) = html[at..].find("<h") {
        let start = at + found;
        let is_heading =
            matches!(bytes.get(start + 2), Some(b'1'..=b'6')) && matches!(bytes.get(start + 3), Some(b'>' | b' '));
        match html[start..].find('>') {
            Some(end) if is_heading => {
                tags.push(start..start + end + 1);
                at = start + end + 1;
            }
            _ => at = start + 2,
        }
    }
    tags
}

/// Difference 1: removes ` id="…"` from dossier's heading start tags whose matching heading in the
/// reference has no id.
fn strip_heading_ids(dossier: &str, reference: &str) -> String {
    let reference_tags = heading_tags(reference);
    let mut out = String::with_capacity(dossier.len());
    let mut at = 0;
    for (i, tag) in heading_tags(dossier).into_iter().enumerate() {
        let reference_has_id = reference_tags.get(i).is_some_and(|r| reference[r.clone()].contains(" id=\""));
        out.push_str(&dossier[at..tag.start]);
        let written = &dossier[tag.clone()];
        match written.find(" id=\"") {
            Some(id) if !reference_has_id => {
                let value_end = written[id + 5..].find('"').map_or(written.len(), |e| id + 5 + e + 1);
                out.push_str(&written[..id]);
                out.push_str(&written[value_end..]);
            }
            _ => out.push_str(written),
        }
        at = tag.end;
    }
    out.push_str(&dossier[at..]);
    out
}

/// Difference 2: every `<pre …><code …>…</code></pre>` becomes `<pre><code>` and its text.
fn normalize_code_blocks(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(found) = html[at..].find("<pre") {
        let start = at + found;
        let block = (|| {
            let rest = &html[start..];
            if !matches!(rest.as_bytes().get(4), Some(b'>' | b' ')) {
                return None;
            }
            let pre_end = rest.find('>')? + 1;
            let after_pre = &rest[pre_end..];
            if !(after_pre.starts_with("<code>") || after_pre.starts_with("<code ")) {
                return None;
            }
            let code_end = pre_end + after_pre.find('>')? + 1;
            let close = code_end + rest[code_end..].find("</code></pre>")?;
            Some((code_end..close, close + "</code></pre>".len()))
        })();
        match block {
            Some((inner, end)) => {
                out.push_str(&html[at..start]);
                out.push_str("<pre><code>");
                let text = strip_tags(&html[start + inner.start..start + inner.end]);
                out.push_str(&text);
                out.push_str("</code></pre>");
                at = start + end;
            }
            None => {
                out.push_str(&html[at..start + 4]);
                at = start + 4;
            }
        }
    }
    out.push_str(&html[at..]);
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Both sides with the justified differences (see the top of the file) taken out.
fn normalize(dossier: &str, reference: &str) -> (String, String) {
    let dossier = strip_heading_ids(dossier, reference);
    (normalize_code_blocks(&dossier), normalize_code_blocks(reference))
}

struct Difference<'e> {
    example: &'e Example,
    reference: String,
    dossier: String,
    normalized: (String, String),
}

#[test]
fn commonmark_and_extension_examples_render_as_pulldown_cmark_does() {
    let dir = pulldown_cmark_dir();
    println!("examples from {}", dir.join("tests/suite").display());
    let suites: Vec<(&str, Vec<Example>)> = SUITES.iter().map(|&suite| (suite, read_suite(&dir, suite))).collect();

    let known: BTreeSet<(&str, u32)> = KNOWN_DIFFERENCES.iter().copied().collect();
    assert_eq!(known.len(), KNOWN_DIFFERENCES.len(), "KNOWN_DIFFERENCES lists an example twice");
    let mut differences = Vec::new();
    let mut summary = String::new();
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    let _ = writeln!(
        summary,
        "{:<18} {:>8} {:>9} {:>6} {:>7} {:>17} {:>9} {:>16}",
        "suite", "examples", "identical", "equal", "differ", "match `expected`", "raw HTML", "sanitized: same"
    );
    let mut sanitize_failures = Vec::new();
    for (suite, examples) in &suites {
        let (mut identical, mut equal, mut matches_expected, mut raw, mut sanitized_same) = (0, 0, 0, 0, 0);
        let mut differ = Vec::new();
        for example in examples {
            let reference = reference_html(&example.input);
            if pulldown_standardize(&reference) == pulldown_standardize(&example.expected) {
                matches_expected += 1;
            }
            let run = |mode| {
                panic::catch_unwind(AssertUnwindSafe(|| dossier_html(&example.input, mode))).unwrap_or_else(|e| {
                    let message =
                        e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
                    format!("<<dossier panicked: {}>>", message.unwrap_or_default())
                })
            };
            let dossier = run(RawHtml::Trusted);
            let sanitized = run(RawHtml::Sanitize);
            if has_raw_html(&example.input) {
                raw += 1;
                if sanitized == dossier {
                    sanitized_same += 1;
                }
                let problems = sanitized_problems(&sanitized);
                if !problems.is_empty() {
                    sanitize_failures.push(format!(
                        "{suite} example {}: {problems:?}\ninput:     {:?}\nsanitized: {sanitized:?}",
                        example.number, example.input
                    ));
                }
            } else if sanitized != dossier {
                sanitize_failures.push(format!(
                    "{suite} example {} has no raw HTML, yet `sanitize` changed it\ninput:     {:?}\ntrusted:   {dossier:?}\nsanitized: {sanitized:?}",
                    example.number, example.input
                ));
            } else {
                sanitized_same += 1;
            }
            if dossier == reference {
                identical += 1;
            }
            let normalized = normalize(&dossier, &reference);
            if normalized.0 == normalized.1 {
                equal += 1;
            } else {
                differ.push(example.number);
                differences.push(Difference { example, reference, dossier, normalized });
            }
        }
        counted.insert(suite, examples.len());
        let _ = writeln!(
            summary,
            "{:<18} {:>8} {:>9} {:>6} {:>7} {:>17} {:>9} {:>16}{}",
            suite,
            examples.len(),
            identical,
            equal,
            differ.len(),
            matches_expected,
            raw,
            sanitized_same,
            if differ.is_empty() { String::new() } else { format!("   differ: {differ:?}") }
        );
    }
    println!("\n{summary}");

    let differing: BTreeSet<(&str, u32)> = differences.iter().map(|d| (d.example.suite, d.example.number)).collect();
    let mut report = String::new();
    for d in &differences {
        let key = (d.example.suite, d.example.number);
        let _ = writeln!(
            report,
            "── {} example {}{}\ninput:     {:?}\nreference: {:?}\ndossier:   {:?}\nnormalized reference: {:?}\nnormalized dossier:   {:?}\n",
            d.example.suite,
            d.example.number,
            if known.contains(&key) { " (known difference)" } else { " (NOT in KNOWN_DIFFERENCES)" },
            d.example.input,
            d.reference,
            d.dossier,
            d.normalized.1,
            d.normalized.0,
        );
    }
    println!("{report}");

    assert!(sanitize_failures.is_empty(), "under `sanitize`:\n{}", sanitize_failures.join("\n\n"));
    let unexpected: Vec<_> = differing.difference(&known).collect();
    let fixed: Vec<_> = known
        .iter()
        .filter(|&&(suite, number)| {
            !differing.contains(&(suite, number)) && counted.get(suite).is_some_and(|&n| number as usize <= n)
        })
        .collect();
    let unknown: Vec<_> = known
        .iter()
        .filter(|&&(suite, number)| !counted.get(suite).is_some_and(|&n| number >= 1 && number as usize <= n))
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty() && unknown.is_empty(),
        "dossier's HTML differs from pulldown-cmark's in examples not listed in KNOWN_DIFFERENCES: {unexpected:?}\n\
         listed in KNOWN_DIFFERENCES but now equal (remove them from the list): {fixed:?}\n\
         listed in KNOWN_DIFFERENCES but no such example: {unknown:?}\n(see the report above)"
    );
}
