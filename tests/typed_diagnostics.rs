//! Typed diagnostics: every problem a site can have carries a code ([`Code`]) that code matches on
//! and listings group by, never its message; and a body too large for a page is an error at its
//! place, not a panic.

mod harness;

use dossier::diagnostics::{Code, Diagnostic};
use dossier::diagnostics::{Limits, SourceFile, render_bounded};
use dossier::frontmatter;
use dossier::markdown;
use dossier::pipeline::{self, PipelineOptions};
use dossier::render::NullSink;
use harness::{Site, fixture_dir};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Every diagnostic `check` would print for the site at `root`, through the library.
fn diagnostics_of(root: &Path) -> Vec<Diagnostic> {
    let options = PipelineOptions::for_site(root);
    let config = match pipeline::load_config(&options) {
        Ok(config) => config,
        Err(errors) => return errors,
    };
    match pipeline::run(&options, config, &NullSink) {
        Ok(rendered) => rendered.warnings,
        Err(diagnostics) => diagnostics,
    }
}

/// The codes of `diagnostics`, each once.
fn codes(diagnostics: &[Diagnostic]) -> BTreeSet<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn every_problem_of_every_fixture_has_a_code() {
    use Code::*;
    // what each invalid fixture is about, as code sees it
    let expected: &[(&str, &[Code])] = &[
        ("invalid-bad-date", &[FieldValue]),
        ("invalid-base-url-credentials", &[ConfigValue]),
        ("invalid-broken-link", &[BrokenLink]),
        ("invalid-bundle-missing-file", &[BrokenLink]),
        ("invalid-collisions", &[NameClash]),
        ("invalid-duplicate-url", &[PathClash]),
        ("invalid-expires-before-date", &[FieldValue]),
        ("invalid-extra", &[FieldValue]),
        ("invalid-ids", &[IdTaken]),
        ("invalid-image-undecodable", &[Image]),
        ("invalid-i18n-missing-string", &[Template]),
        ("invalid-i18n-theme", &[TranslationKey, TranslationMissing, TranslationValue]),
        ("invalid-i18n-unknown-key", &[TranslationKey, TranslationValue]),
        ("invalid-i18n-unsupported-language", &[TranslationMissing]),
        ("invalid-letter-case", &[PathClash]),
        ("invalid-link-scheme", &[LinkScheme]),
        ("invalid-load-and-parse", &[NotUtf8, Yaml]),
        ("invalid-long-names", &[AliasPath, PathTooLong]),
        ("invalid-many", &[FieldValue, MissingField, Yaml, UnknownEntity, BrokenLink]),
        ("invalid-missing-anchor", &[Anchor]),
        ("invalid-missing-title", &[MissingField]),
        ("invalid-multilingual-folder", &[PathClash]),
        ("invalid-multilingual-languages", &[ConfigValue, TranslationMissing]),
        ("invalid-multilingual-slug", &[TranslationPath]),
        ("invalid-no-content", &[NoContent]),
        ("invalid-reserved-aliases", &[PathReserved, PathClash]),
        ("invalid-section-collision", &[SectionPlace, PathClash]),
        ("invalid-section-missing-title", &[MissingField, UnknownField]),
        ("invalid-site-toml", &[ConfigKey, ConfigValue]),
        ("invalid-social-image", &[BrokenLink, FieldValue, SocialImageFormat]),
        ("invalid-static-generated", &[PathClash, PathReserved]),
        ("invalid-template", &[Template]),
        ("invalid-template-anchor", &[Anchor]),
        ("invalid-template-render", &[Template]),
        ("invalid-unknown-actor", &[UnknownEntity, BrokenLink]),
        ("invalid-unknown-field", &[UnknownField]),
        ("invalid-unknown-source", &[BrokenLink]),
        ("invalid-unknown-theme", &[Theme]),
        ("invalid-yaml", &[Yaml]),
    ];
    let mut fixtures: Vec<_> = std::fs::read_dir(fixture_dir("")).unwrap().flatten().map(|e| e.path()).collect();
    fixtures.sort();
    let (mut seen, mut wrong) = (0, Vec::new());
    for fixture in fixtures {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let diagnostics = diagnostics_of(&fixture);
        for d in diagnostics.iter().filter(|d| d.code == Other) {
            wrong.push(format!("{name}: a diagnostic without a code:\n{d}"));
        }
        let found = codes(&diagnostics);
        match expected.iter().find(|(fixture, _)| *fixture == name) {
            Some((_, wanted)) => {
                seen += 1;
                if found != wanted.iter().copied().collect() {
                    wrong.push(format!("{name}: {found:?}"));
                }
            }
            None if name.starts_with("invalid-") => wrong.push(format!("{name} is not listed: {found:?}")),
            None => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(seen, expected.len(), "every fixture listed exists");
}

#[test]
fn raw_html_removals_have_their_code() {
    let diagnostics = diagnostics_of(&fixture_dir("raw-html"));
    assert!(!diagnostics.is_empty() && diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:#?}");
    assert!(codes(&diagnostics).contains(&Code::RawHtmlRemoved), "{diagnostics:#?}");
    assert!(diagnostics.iter().all(|d| d.code != Code::Other));
}

#[test]
fn a_required_field_with_a_wrong_value_is_not_also_missing() {
    let codes_of = |text: &str, read: fn(&SourceFile<'_>, &frontmatter::Split<'_>) -> Vec<Diagnostic>| {
        let source = SourceFile::new("content/x.md", text);
        let split = frontmatter::split(&source).unwrap();
        read(&source, &split).iter().map(|d| (d.code, d.message.clone())).collect::<Vec<_>>()
    };
    let explainer: fn(&SourceFile<'_>, &frontmatter::Split<'_>) -> Vec<Diagnostic> =
        |s, split| frontmatter::read_explainer(s, split).1;
    let actor: fn(&SourceFile<'_>, &frontmatter::Split<'_>) -> Vec<Diagnostic> =
        |s, split| frontmatter::read_actor(s, split).1;
    let topic: fn(&SourceFile<'_>, &frontmatter::Split<'_>) -> Vec<Diagnostic> =
        |s, split| frontmatter::read_topic(s, split).1;
    // a wrong value is reported at the field, once: the field is there
    assert_eq!(
        codes_of("---\ntitle: \"\"\ndate: 2024-02-30\n---\n", explainer),
        [
            (Code::FieldValue, "`title`: is empty".to_string()),
            (
                Code::FieldValue,
                "`date`: invalid date `2024-02-30`: month 2 has 29 days, not 30; expected YYYY-MM-DD".to_string()
            )
        ]
    );
    assert_eq!(codes_of("---\nname: [Xi, Jinping]\n---\n", actor)[0].0, Code::FieldValue);
    assert_eq!(codes_of("---\ntitle: {a: 1}\n---\n", topic).len(), 1);
    // a message that starts with the field's name is no longer taken for a report about it
    assert_eq!(
        codes_of("---\nsummary: x\n---\n", explainer),
        [
            (Code::MissingField, "missing `title` in front matter".to_string()),
            (Code::MissingField, "missing `date` in front matter".to_string())
        ]
    );
    assert_eq!(codes_of("---\n---\n", actor), [(Code::MissingField, "missing `name` in front matter".to_string())]);
}

#[test]
fn a_listing_counts_diagnostics_by_code_whatever_their_messages() {
    // 24 links that lead nowhere, written three ways, and two links in a scheme not allowed
    let mut body = String::new();
    for i in 0..8 {
        body.push_str(&format!(
            "[talks {i}](talks-{i}.md), [readout {i}](/readouts/{i}/) and [profile {i}](actor:envoy-{i}).\n\n"
        ));
    }
    body.push_str("[a script](javascript:alert(1)) and [a file](file:///etc/passwd).\n");
    let site = Site::empty();
    site.write("site.toml", "title = \"Codes\"\nbase_url = \"https://example.org/\"\n");
    site.write("content/articles/links.md", &format!("---\ntitle: Broken links\ndate: 2024-11-16\n---\n\n{body}"));
    let run = site.run(&["check"]);
    run.assert_code(1);
    // one kind, [`Code::BrokenLink`]: twenty shown, then counted
    assert_eq!(run.stderr.matches("--> content/articles/links.md:").count(), 22, "{}", run.stderr);
    assert!(run.stderr.contains("note: and 4 more errors like this in content/articles/links.md\n"), "{}", run.stderr);
    // the other kind is shown whole
    assert_eq!(run.stderr.matches("links are not allowed").count(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("error: 26 errors found"), "{}", run.stderr);
}

#[test]
fn a_render_error_on_every_page_is_reported_once_with_its_count() {
    let site = Site::fixture("invalid-template-render");
    let run = site.run(&["check"]);
    run.assert_code(1);
    // the explainer template's error on its three pages, once; the topic template's, on its one
    assert_eq!(run.stderr.matches("error: template error").count(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("(on 3 pages)\n --> templates/explainer.html:5:"), "{}", run.stderr);
    insta::assert_snapshot!(run.stderr_stable());
    // the same, through the library: two diagnostics of one code
    let diagnostics = diagnostics_of(&fixture_dir("invalid-template-render"));
    assert_eq!(diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::Template, Code::Template]);
}

#[test]
fn the_same_message_of_two_codes_is_two_kinds() {
    let source = SourceFile::new("content/articles/x.md", "line\n");
    let diagnostics: Vec<Diagnostic> = (0..30)
        .map(|i| {
            let code = if i % 2 == 0 { Code::BrokenLink } else { Code::Anchor };
            Diagnostic::error("no such page").code(code).at(&source, 0, 1)
        })
        .collect();
    let text = render_bounded(&diagnostics, Limits::TERMINAL);
    assert_eq!(text.matches("error: no such page").count(), 30, "fifteen of each kind, under twenty");
}

/// A body whose HTML passes the cap on a body's HTML (`markdown::MAX_BODY_HTML`, 1 GiB, under
/// the 4 GiB that offsets into it can count) is an error at the place where it passes it, with
/// file, line and column, and `check` fails instead of panicking. A reference link with a long
/// URL, used again and again, writes the URL each time. A debug build reads a lower cap from
/// `DOSSIER_TEST_MAX_BODY_HTML`, so the test makes 64 KiB of HTML, not a gigabyte: the check is
/// the same.
#[test]
#[cfg_attr(not(debug_assertions), ignore = "only a debug build lowers the cap")]
fn a_body_past_the_html_cap_is_an_error_at_its_place() {
    let site = Site::empty();
    site.write("site.toml", "title = \"Readouts\"\nbase_url = \"https://example.org/\"\n");
    let url =
        format!("https://www.state.gov/briefings/readout-of-the-lima-meeting?{}", "session=apec-2024&".repeat(110));
    let uses = "The [readout][lima] says so, and so does [the readout][lima] again.\n".repeat(60);
    let text = format!(
        "---\ntitle: What the Lima readout says\ndate: 2024-11-16\n---\n\nThe State Department published a readout.\n\n\
         {uses}\n[lima]: {url}\n"
    );
    site.write("content/articles/lima-readout.md", &text);
    let run = |cap: &str| {
        let out = Command::new(harness::BIN)
            .arg("check")
            .current_dir(&site.root)
            .env("NO_COLOR", "1")
            .env(markdown::TEST_MAX_BODY_HTML_VAR, cap)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, stderr) = run("65536");
    assert_eq!(code, Some(1), "{stderr}");
    insta::assert_snapshot!(stderr.lines().filter(|l| !l.starts_with("timings:")).collect::<Vec<_>>().join("\n"));
    // under the cap, the same body is an ordinary one
    let (code, stderr) = run("1048576");
    assert_eq!(code, Some(0), "{stderr}");
}
