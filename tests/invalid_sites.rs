//! Invalid fixture sites: each fails with exit 1, names the file and line, reports every error of
//! the run, and leaves the previous output as it was.

mod harness;

use harness::Site;

/// Builds a broken fixture over an existing output folder: see [`Site::fails_keeping_the_output`].
#[track_caller]
fn assert_fails(fixture: &str, locations: &[&str]) -> String {
    Site::fixture(fixture).fails_keeping_the_output(locations)
}

#[test]
fn broken_md_link() {
    let stderr = assert_fails("invalid-broken-link", &["content/articles/a.md:7:21"]);
    assert!(stderr.contains("did you mean `other.md`?"));
    insta::assert_snapshot!(stderr);
}

#[test]
fn missing_anchor() {
    let stderr = assert_fails("invalid-missing-anchor", &["content/articles/a.md:6:11"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_actor_with_a_near_miss() {
    let stderr = assert_fails("invalid-unknown-actor", &["content/articles/a.md:4:21", "content/articles/a.md:7:15"]);
    assert_eq!(stderr.matches("did you mean `xi-jinping`?").count(), 2);
    insta::assert_snapshot!(stderr);
}

#[test]
fn malformed_yaml() {
    let stderr = assert_fails("invalid-yaml", &["content/articles/a.md:5:7"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn missing_title() {
    let stderr = assert_fails("invalid-missing-title", &["content/articles/a.md:1:1"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn bad_date() {
    let stderr = assert_fails("invalid-bad-date", &["content/articles/a.md:3:7"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_source_id() {
    let stderr = assert_fails("invalid-unknown-source", &["content/articles/a.md:9:37"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_front_matter_field() {
    let stderr = assert_fails("invalid-unknown-field", &["content/articles/a.md:4:1"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn two_files_at_one_url() {
    let stderr = assert_fails("invalid-duplicate-url", &[]);
    assert!(stderr.contains("content/articles/a.md and content/articles/same.md"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let stderr = assert_fails("invalid-template", &["templates/explainer.html:5:4"]);
    insta::assert_snapshot!(stderr);
}

#[test]
fn every_error_of_a_run_is_reported_together() {
    let stderr = assert_fails(
        "invalid-many",
        &[
            "content/articles/a.md:7:21",
            "content/articles/actor.md:4:21",
            "content/articles/actor.md:7:15",
            "content/articles/date.md:3:7",
            "content/articles/untitled.md:1:1",
            "content/articles/yaml.md:5:7",
        ],
    );
    assert!(stderr.ends_with("error: 6 errors found; public was not changed"), "{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn unsafe_link_schemes() {
    let stderr = assert_fails(
        "invalid-link-scheme",
        &[
            "content/articles/a.md:8:12",
            "content/articles/a.md:8:43",
            "content/articles/a.md:9:13",
            "content/articles/a.md:11:2",
        ],
    );
    insta::assert_snapshot!(stderr);
}

#[test]
fn written_ids_that_clash() {
    let stderr = assert_fails("invalid-ids", &["content/articles/a.md:6:1", "content/articles/a.md:14:1"]);
    insta::assert_snapshot!(stderr);
}

/// The override writes no `#sources` and no `#source-readout`: links to them are errors, found
/// in the pages as rendered.
#[test]
fn anchors_of_a_template_override() {
    let stderr =
        assert_fails("invalid-template-anchor", &["content/articles/a.md:10:25", "content/articles/a.md:10:66"]);
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error: no element")).count(), 2);
    insta::assert_snapshot!(stderr);
}
