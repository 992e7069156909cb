//! Scheduled and expiring explainers, with the clock fixed by `DOSSIER_NOW` (never by sleeping):
//! an explainer dated after the build's day, or whose `expires` day has come, is in no output
//! (page, lists, feeds, sitemap, search, related, backlinks, actor and topic pages, timelines)
//! unless `--future` shows the scheduled ones; links to them are warnings, written as their text;
//! `build` says what it left out and when the output changes next; `serve` keeps the same clock.

mod harness;

use dossier::diagnostics::Code;
use dossier::pipeline::{self, PipelineOptions};
use dossier::render::MemorySink;
use dossier::serve::changes::RebuildPlan;
use dossier::serve::session::{Session, Snapshot};
use harness::{BIN, Run, Site};
use std::collections::BTreeMap;
use std::process::Command;

/// The build's day of every test here.
const NOW: &str = "2025-01-01";

/// Runs `dossier ARGS` in the site's folder with the clock at `now`.
fn run_at(site: &Site, now: &str, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(&site.root)
        .env("NO_COLOR", "1")
        .env("DOSSIER_NOW", now)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every text file of the output that mentions `needle`.
fn files_mentioning(site: &Site, needle: &str) -> Vec<String> {
    site.output_files()
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn scheduled_and_expired_explainers_are_in_no_output() {
    let site = Site::fixture("scheduled");
    let run = run_at(&site, NOW, &["build"]);
    run.assert_success();

    // their pages, and the pages of the actors and topics only they name
    assert!(site.exists("articles/chip-controls/index.html"));
    for gone in [
        "articles/tariff-review/index.html",
        "articles/tiktok-waiver/index.html",
        "actors/katherine-tai/index.html",
        "actors/bytedance/index.html",
        "topics/tariffs/index.html",
        "topics/data-security/index.html",
    ] {
        assert!(!site.exists(gone), "{gone} is built");
    }
    // lists, feeds, sitemap, search index, topic pages and their timelines, related, backlinks:
    // nothing names them (their slugs, titles, or words only they hold)
    for needle in ["tariff-review", "quadrennial", "tiktok-waiver", "TikTok", "Katherine Tai", "ByteDance", "ninety"] {
        assert_eq!(files_mentioning(&site, needle), Vec::<String>::new(), "`{needle}` is in the output");
    }
    assert_eq!(
        site.page("").texts(".column-main .lead-title, .column-main .card-title"),
        ["The December chip controls"]
    );
    let topic = site.page("topics/export-controls/");
    assert!(topic.source.contains("Commerce publishes the new entity list."));
    assert!(!topic.source.contains("USTR publishes"), "the scheduled explainer's timeline is on the topic page");

    // the links to them are their text alone; other links are as they were
    let page = site.page("articles/chip-controls/");
    let prose = page.text(".prose");
    assert!(prose.contains("Next comes the tariff review, and the old waiver has lapsed."), "{prose}");
    assert_eq!(page.href_of("Raimondo"), "/actors/gina-raimondo/");
    assert_eq!(page.href_of("earlier rules"), "#background");
    for text in ["the tariff review", "old waiver"] {
        assert!(page.texts("a").iter().all(|a| a != text), "`{text}` is still a link");
    }
}

#[test]
fn future_shows_scheduled_explainers_but_not_expired_ones() {
    let site = Site::fixture("scheduled");
    let run = run_at(&site, NOW, &["build", "--future"]);
    run.assert_success();

    for built in ["articles/tariff-review/index.html", "actors/katherine-tai/index.html", "topics/tariffs/index.html"] {
        assert!(site.exists(built), "{built} is not built");
    }
    assert!(!site.exists("articles/tiktok-waiver/index.html"));
    for file in ["index.html", "atom.xml", "sitemap.xml", "search/index/d/0.json", "topics/export-controls/index.html"]
    {
        assert!(site.read(file).contains("tariff-review"), "{file} does not list the scheduled explainer");
    }
    assert!(site.read("topics/export-controls/index.html").contains("USTR publishes the quadrennial review."));
    for needle in ["tiktok-waiver", "TikTok", "ByteDance"] {
        assert_eq!(files_mentioning(&site, needle), Vec::<String>::new(), "`{needle}` is in the output");
    }
    assert_eq!(
        site.page("").texts(".column-main .lead-title, .column-main .card-title"),
        ["The quadrennial tariff review", "The December chip controls"]
    );
    // the link is a link again, and the scheduled explainer has its backlink and related explainer
    let page = site.page("articles/chip-controls/");
    assert_eq!(page.href_of("the tariff review"), "/articles/tariff-review/");
    assert!(page.texts("a").iter().all(|a| a != "old waiver"));
    let scheduled = site.page("articles/tariff-review/");
    assert!(
        scheduled.source.contains("/articles/chip-controls/"),
        "no backlink or related card to the linking explainer"
    );

    // once its day has come, a plain build publishes it: the same pages as `--future` today
    let future = site.output_files();
    run_at(&site, "2025-03-01", &["build"]).assert_success();
    assert_eq!(site.output_files(), future);
    // and its own `expires` day takes it out again
    run_at(&site, "2025-09-01", &["build"]).assert_success();
    assert!(!site.exists("articles/tariff-review/index.html"));
}

#[test]
fn links_to_scheduled_and_expired_explainers_are_warnings() {
    let site = Site::fixture("scheduled");
    let run = run_at(&site, NOW, &["build"]);
    run.assert_success();
    assert!(run.stderr.contains("--> content/articles/chip-controls.md:13:32"), "{}", run.stderr);
    assert!(run.stderr.contains("--> content/articles/chip-controls.md:13:72"), "{}", run.stderr);
    insta::assert_snapshot!(run.stderr_stable());

    // a warning: `check` passes, `check --strict` does not
    run_at(&site, NOW, &["check"]).assert_success();
    run_at(&site, NOW, &["check", "--strict"]).assert_code(1);
    // with --future only the expired one is left out
    let future = run_at(&site, NOW, &["check", "--future"]);
    future.assert_success();
    assert!(!future.stderr.contains("is scheduled"), "{}", future.stderr);
    assert!(future.stderr.contains("tiktok-waiver.md"), "{}", future.stderr);
}

#[test]
fn build_says_what_it_left_out_and_when_the_output_changes_next() {
    let site = Site::fixture("scheduled");
    let line = |run: &Run| run.stdout.lines().nth(1).unwrap_or_default().to_string();
    let run = run_at(&site, NOW, &["build"]);
    assert_eq!(
        line(&run),
        "Left out 1 scheduled and 1 expired explainers; the output changes next on 2025-03-01 (UTC): build again that day"
    );
    // with --future the next change is the scheduled explainer's `expires`
    let run = run_at(&site, NOW, &["build", "--future"]);
    assert_eq!(
        line(&run),
        "Left out 0 scheduled and 1 expired explainer; the output changes next on 2025-09-01 (UTC): build again that day"
    );
    let run = run_at(&site, "2025-09-01", &["build"]);
    assert_eq!(line(&run), "Left out 0 scheduled and 2 expired explainers; no date ahead changes the output");
    // a site whose dates change nothing says nothing
    let plain = Site::fixture("drafts");
    let run = run_at(&plain, NOW, &["build"]);
    run.assert_success();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
}

#[test]
fn the_clock_takes_an_instant_as_its_utc_day_and_refuses_what_is_not_a_date() {
    let site = Site::fixture("scheduled");
    // 2025-02-28T23:00-05:00 is 2025-03-01 in UTC: the scheduled explainer's day
    run_at(&site, "2025-02-28T23:00:00-05:00", &["build"]).assert_success();
    assert!(site.exists("articles/tariff-review/index.html"));
    let run = run_at(&site, "tomorrow", &["build"]);
    run.assert_code(2);
    assert!(run.stderr.contains("DOSSIER_NOW"), "{}", run.stderr);
}

#[test]
fn expires_before_date_is_an_error_at_the_field() {
    let site = Site::fixture("invalid-expires-before-date");
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("--> content/articles/sanctions.md:4:10"), "{}", run.stderr);
    insta::assert_snapshot!(run.stderr_stable());
}

#[test]
fn serve_keeps_the_clock_of_build() {
    let site = Site::fixture("scheduled");
    let today = Some(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
    for include_future in [false, true] {
        let options = PipelineOptions {
            root: site.root.clone(),
            base_url: Some("http://127.0.0.1:8000/".to_string()),
            include_drafts: false,
            include_future,
            today,
            ends_process: false,
        };
        let config = pipeline::load_config(&options).unwrap();
        let sink = MemorySink::default();
        let built = pipeline::run(&options, config, &sink).unwrap();
        let built_files: BTreeMap<String, Vec<u8>> = sink.into_files().into_iter().collect();
        assert_eq!(
            built.warnings.iter().filter(|d| d.code == Code::LinkToUnpublished).count(),
            2 - include_future as usize
        );

        let mut session = Session::new(site.root.clone(), "http://127.0.0.1:8000/".to_string(), false)
            .with_clock(include_future, today);
        let rebuilt = session.rebuild(&RebuildPlan::everything()).unwrap();
        let mut snapshot = Snapshot::default();
        snapshot.apply(rebuilt.update);
        snapshot.apply(session.rebuild_search().unwrap().0);
        let served: BTreeMap<String, Vec<u8>> =
            snapshot.pages.iter().map(|(path, bytes)| (path.clone(), bytes.to_vec())).collect();
        assert_eq!(served.keys().collect::<Vec<_>>(), built_files.keys().collect::<Vec<_>>());
        assert!(served == built_files, "serve differs from build (--future: {include_future})");
        assert_eq!(served.contains_key("articles/tariff-review/index.html"), include_future);
    }
}
