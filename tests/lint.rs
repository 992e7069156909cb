//! The editorial lint of `dossier check` (docs/lint.md): every rule fires at its place on the
//! `lint-fires` fixture and on nothing of `lint-clean`, each can be turned off in `[lint]`,
//! `--strict` makes the findings errors, `build` does not lint, and the example site passes.

mod harness;

use harness::{BIN, Run, Site};
use std::path::Path;
use std::process::Command;

/// `dossier ARGS` in `root`, on the day `today` (`DOSSIER_NOW`).
fn run_on(root: &Path, today: &str, args: &[&str]) -> Run {
    let out =
        Command::new(BIN).args(args).current_dir(root).env("NO_COLOR", "1").env("DOSSIER_NOW", today).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Each rule's key in `[lint]`, and a piece of the message of its finding on `lint-fires`,
/// with its place.
const FINDINGS: &[(&str, &str, &str)] = &[
    ("quote_without_citation", "this quote has no citation", "channels.md:28:1"),
    ("claim_without_citation", "has a number or a date and no citation", "channels.md:26:1"),
    ("image_without_alt", "has no alt text", "channels.md:34:5"),
    ("long_summary", "the summary is 339 characters long", "channels.md:5:11"),
    ("long_takeaway", "this takeaway is 220 characters long", "channels.md:9:6"),
    ("stale_review", "last reviewed 325 days ago (2025-01-10)", "channels.md:4:11"),
    ("unused_source", "no citation uses the source `unused`", "channels.md:19:9"),
    ("source_after_explainer", "the source `later` was published on 2024-12-05", "channels.md:32:55"),
    ("unlisted_actor", "the text names Wang Yi", "channels.md:24:14"),
    ("unmentioned_actor", "`actors:` lists Antony Blinken", "channels.md:6:25"),
    ("heading_skip", "a level-3 heading right after a level-1 one", "channels.md:36:1"),
];

#[test]
fn every_rule_fires_at_its_place_as_a_warning() {
    let site = Site::fixture("lint-fires");
    let run = run_on(&site.root, "2025-12-01", &["check"]);
    run.assert_success();
    for (rule, message, place) in FINDINGS {
        let at = run.stderr.find(message).unwrap_or_else(|| panic!("{rule}: no `{message}` in\n{}", run.stderr));
        let rest = &run.stderr[at..];
        let located = rest.lines().take(3).any(|l| l.contains(&format!("content/articles/{place}")));
        assert!(located, "{rule}: not at {place}:\n{}", &rest[..rest.len().min(400)]);
    }
    insta::assert_snapshot!("lint_findings", run.stderr_stable());
}

#[test]
fn strict_makes_every_finding_an_error() {
    let site = Site::fixture("lint-fires");
    let run = run_on(&site.root, "2025-12-01", &["check", "--strict"]);
    run.assert_code(1);
    assert!(run.stderr.contains(&format!("error: {} warnings with --strict", FINDINGS.len())), "{}", run.stderr);
}

#[test]
fn no_rule_fires_on_a_site_that_follows_them() {
    let site = Site::fixture("lint-clean");
    let run = run_on(&site.root, "2025-06-01", &["check", "--strict"]);
    run.assert_success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn each_rule_can_be_turned_off_and_the_others_stay() {
    let site = Site::fixture("lint-fires");
    for (rule, message, _) in FINDINGS {
        site.write("site.toml", &format!("title = \"Lint\"\nbase_url = \"https://example.org/\"\n\n[lint]\nreview_after = \"180d\"\n{rule} = false\n"));
        let run = run_on(&site.root, "2025-12-01", &["check"]);
        run.assert_success();
        assert!(!run.stderr.contains(message), "{rule} = false still reports it:\n{}", run.stderr);
        for (other, other_message, _) in FINDINGS.iter().filter(|(r, ..)| r != rule) {
            assert!(run.stderr.contains(other_message), "{rule} = false also turned {other} off");
        }
    }
}

#[test]
fn a_review_is_due_only_after_review_after() {
    let site = Site::fixture("lint-fires");
    // 180 days after 2025-01-10 is 2025-07-09
    let fresh = run_on(&site.root, "2025-07-09", &["check"]);
    assert!(!fresh.stderr.contains("last reviewed"), "{}", fresh.stderr);
    let due = run_on(&site.root, "2025-07-10", &["check"]);
    assert!(due.stderr.contains("last reviewed 181 days ago"), "{}", due.stderr);
    // 365 days by default
    site.write("site.toml", "title = \"Lint\"\nbase_url = \"https://example.org/\"\n");
    let default = run_on(&site.root, "2025-12-01", &["check"]);
    assert!(!default.stderr.contains("last reviewed"), "{}", default.stderr);
    let year = run_on(&site.root, "2026-01-11", &["check"]);
    assert!(year.stderr.contains("last reviewed 366 days ago"), "{}", year.stderr);
}

#[test]
fn build_does_not_lint() {
    let site = Site::fixture("lint-fires");
    let run = run_on(&site.root, "2025-12-01", &["build"]);
    run.assert_success();
    for (rule, message, _) in FINDINGS.iter().filter(|(rule, ..)| *rule != "image_without_alt") {
        assert!(!run.stderr.contains(message), "build reported {rule}:\n{}", run.stderr);
    }
}

#[test]
fn lint_settings_that_are_wrong_are_errors_at_their_key() {
    let site = Site::fixture("lint-fires");
    site.write(
        "site.toml",
        "title = \"Lint\"\nbase_url = \"https://example.org/\"\n\n[lint]\nreview_after = \"a year\"\nlong_sumary = false\nheading_skip = \"no\"\n",
    );
    let run = run_on(&site.root, "2025-12-01", &["check"]);
    run.assert_code(1);
    insta::assert_snapshot!("lint_config_errors", run.stderr_stable());
}

#[test]
fn the_example_site_passes_check_strict() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = run_on(root, "2025-06-01", &["check", "--strict"]);
    run.assert_success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}
