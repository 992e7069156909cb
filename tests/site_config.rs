//! Missing parts of a site and mistakes in `site.toml`: a missing `content/`, a command run
//! outside any site, an unknown theme, every `site.toml` error of a run with its key's place, and
//! credentials in `base_url`. Each fails with exit 1 (2 for `new`), leaves the previous output as
//! it was, and `check` reports what `build` does.

mod harness;

use harness::Site;

/// The `error: …` lines of a run, without the closing count.
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("error: ") && !l.contains(" found; ")).collect()
}

// issue 19, case 6: a site without `content/` is an error, and the previous output stays
#[test]
fn a_missing_content_folder_is_an_error() {
    let site = Site::fixture("invalid-no-content");
    let stderr = site.fails_keeping_the_output(&[]);
    assert_eq!(error_lines(&stderr), ["error: the site has no content/ folder: there is nothing to build"]);
    insta::assert_snapshot!(stderr);
}

// issue 19, case 6: outside a site, each command says there is no site.toml in that folder and
// names `--root` and `dossier init`, pointing at no file that does not exist
#[test]
fn outside_a_site_commands_name_the_folder_root_and_init() {
    let elsewhere = Site::empty();
    let shown = |stderr: &str| {
        let canonical = elsewhere.root.canonicalize().unwrap();
        stderr.replace(canonical.to_str().unwrap(), "[folder]").replace(elsewhere.root.to_str().unwrap(), "[folder]")
    };
    let commands: [(&[&str], i32); 4] = [
        (&["build"], 1),
        (&["check"], 1),
        (&["serve", "--port", "0"], 1),
        (&["new", "article", "Chip export rules"], 2),
    ];
    for (args, code) in commands {
        let run = elsewhere.run(args);
        run.assert_code(code);
        let stderr = shown(&run.stderr);
        assert!(stderr.contains("error: there is no site.toml in [folder]:"), "{args:?}: {stderr}");
        assert!(stderr.contains("`--root DIR`") && stderr.contains("`dossier init DIR`"), "{args:?}: {stderr}");
        assert!(!stderr.contains("-->"), "{args:?} points at a file that does not exist: {stderr}");
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert!(!elsewhere.root.join("content").exists(), "`new` created nothing");
    insta::assert_snapshot!(shown(&elsewhere.build().stderr));

    // `preview` without a folder named says the same, and how to name one
    let run = elsewhere.run(&["preview", "--port", "0"]);
    run.assert_code(1);
    let stderr = shown(&run.stderr);
    assert!(
        stderr.contains("there is no site.toml in [folder]") && stderr.contains("`dossier preview DIR`"),
        "{stderr}"
    );

    // `--root` naming a folder that does not exist
    let missing = elsewhere.outside().join("no-such-site");
    let run = elsewhere.run(&["build", "--root", missing.to_str().unwrap()]);
    run.assert_code(1);
    assert!(run.stderr.contains(&format!("error: there is no folder {}", missing.display())), "{}", run.stderr);
    assert!(!run.stderr.contains("-->"), "{}", run.stderr);
}

// issue 19, case 6: `theme = "…"` naming no theme is one error, at the `theme` key, listing the
// themes found (the folders under themes/ and the built-in default)
#[test]
fn an_unknown_theme_is_one_error_at_the_theme_key() {
    let site = Site::fixture("invalid-unknown-theme");
    let stderr = site.fails_keeping_the_output(&["site.toml:4:9"]);
    assert_eq!(error_lines(&stderr), ["error: theme `breifing` not found: there is no folder themes/breifing/"]);
    assert!(stderr.contains("did you mean `briefing`?"), "{stderr}");
    assert!(stderr.contains("`briefing` and `default` (built in)"), "{stderr}");
    assert!(!stderr.contains("template"), "no template errors follow: {stderr}");
    insta::assert_snapshot!(stderr);

    // the theme found builds (over the stand-in previous output, which no build made: `--force`)
    site.write(
        "site.toml",
        &std::fs::read_to_string(site.root.join("site.toml")).unwrap().replace("breifing", "default"),
    );
    site.run(&["build", "--force"]).assert_success();
}

// issue 19, case 7: every mistake of site.toml in one run, each at its key's line and column,
// with did-you-mean for unknown keys (also inside `[markdown]`) and types named as a writer reads
// them
#[test]
fn every_site_toml_error_is_reported_in_one_run() {
    let site = Site::fixture("invalid-site-toml");
    let stderr = site.fails_keeping_the_output(&[
        "site.toml:2:1",   // base_ulr
        "site.toml:4:12",  // paginate = "twenty"
        "site.toml:5:10",  // search = "yes"
        "site.toml:6:12",  // autolink = "every"
        "site.toml:7:12",  // language = 1
        "site.toml:10:1",  // raw_htm in [markdown]
        "site.toml:11:44", // 443 in embed_hosts
        "site.toml:12:1",  // output_dir after [markdown]
        "site.toml:16:1",  // U.S, a dotted key
    ]);
    assert_eq!(error_lines(&stderr).len(), 9, "{stderr}");
    for expected in [
        "unknown key `base_ulr` in site.toml",
        "did you mean `base_url`?",
        "`paginate` must be a whole number, not text",
        "`search` must be true or false, not text",
        "`autolink` must be one of \"first\", \"all\" or \"off\", not \"every\"",
        "`language` must be text, not a whole number",
        "unknown key `raw_htm` in `[markdown]`",
        "did you mean `raw_html`?",
        "`embed_hosts` in `[markdown]` must be a list of text, and this item is a whole number",
        "`output_dir` belongs at the top of site.toml",
        "the expansion of glossary term `U` must be text, not a section",
    ] {
        assert!(stderr.contains(expected), "expected `{expected}` in:\n{stderr}");
    }
    // the misspelt key is reported once, not also as a missing `base_url`; no serde words
    assert!(!stderr.contains("has no `base_url`"), "{stderr}");
    for word in ["usize", "expected", "invalid type", "string"] {
        assert!(!stderr.contains(word), "`{word}` in:\n{stderr}");
    }
    insta::assert_snapshot!(stderr);
}

// issue 19, case 7: lines that are not TOML are reported together with the other mistakes
#[test]
fn syntax_errors_do_not_hide_the_other_mistakes() {
    let site = Site::fixture_with(
        "basic",
        &[("site.toml", "title = \"Basic Fixture\nbase_url = https://example.org/\npaginat = 20\nsearch = \"no\"\n")],
    );
    let stderr =
        site.fails_keeping_the_output(&["site.toml:1:23", "site.toml:2:12", "site.toml:3:1", "site.toml:4:10"]);
    assert_eq!(error_lines(&stderr).len(), 4, "{stderr}");
    assert!(stderr.contains("did you mean `paginate`?"), "{stderr}");
}

// issue 19, case 8: credentials in `base_url` are an error, never published nor printed
#[test]
fn credentials_in_base_url_are_an_error_and_never_shown() {
    let site = Site::fixture("invalid-base-url-credentials");
    let stderr = site.fails_keeping_the_output(&["site.toml:2:12"]);
    assert_eq!(error_lines(&stderr).len(), 1, "{stderr}");
    assert!(stderr.contains("must not hold a user name or password"), "{stderr}");
    for secret in ["hunter2", "s3cret", "deploy"] {
        assert!(!stderr.contains(secret), "`{secret}` printed:\n{stderr}");
    }
    insta::assert_snapshot!(stderr);

    // the same through `--base-url`, and a user name alone
    for url in ["https://deploy:hunter2@example.org/", "https://deploy@example.org/"] {
        let run = site.run(&["build", "--base-url", url]);
        run.assert_code(1);
        assert!(run.stderr.contains("--base-url: `base_url` must not hold a user name or password"), "{}", run.stderr);
        assert!(!run.stderr.contains("hunter2") && !run.stderr.contains("deploy"), "{}", run.stderr);
    }
    assert!(!site.public().join("sitemap.xml").exists(), "nothing was published");

    // a URL that does not parse is not echoed with its password either
    site.write("site.toml", "title = \"Chips\"\nbase_url = \"https://deploy:hunter2@example.org:99999/\"\n");
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("--> site.toml:2:12") && !run.stderr.contains("hunter2"), "{}", run.stderr);
}
