//! `dossier import`: each fixture source (a Hugo site, a Zola site) imports into a site that
//! builds with 0 errors; MIGRATION.md is snapshotted; the destination and the map are checked
//! before anything is written; the source is never modified.

mod harness;

use harness::{BIN, Run, Site, files_under, fixture_dir};
use std::path::Path;
use std::process::Command;

fn dossier(args: &[&str]) -> Run {
    let out = Command::new(BIN).args(args).env("NO_COLOR", "1").output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Imports `tests/fixtures/<fixture>` with `extra` arguments into a new site (its folder exists
/// and is empty, as `Site::empty` makes it).
fn import(kind: &str, fixture: &str, extra: &[&str]) -> (Site, Run) {
    let site = Site::empty();
    let src = fixture_dir(fixture);
    let mut args = vec!["import", kind, src.to_str().unwrap(), site.root.to_str().unwrap()];
    args.extend(extra);
    let run = dossier(&args);
    (site, run)
}

/// MIGRATION.md with the temporary paths of the command line replaced.
fn migration(site: &Site, fixture: &str) -> String {
    let text = std::fs::read_to_string(site.root.join("MIGRATION.md")).unwrap();
    text.replace(fixture_dir(fixture).to_str().unwrap(), "SRC").replace(site.root.to_str().unwrap(), "DST")
}

fn file(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_hugo_fixture_imports_into_a_site_that_builds_clean() {
    let before = files_under(&fixture_dir("import-hugo"));
    let (site, run) = import("hugo", "import-hugo", &[]);
    run.assert_success();
    let counts = "Imported 11 explainers, 3 sections, 9 topics, 2 actors and 2 images into ";
    assert!(run.stdout.starts_with(counts), "{}", run.stdout);
    assert!(run.stdout.contains("MIGRATION.md, then run `dossier build --root "), "{}", run.stdout);
    assert_eq!(files_under(&fixture_dir("import-hugo")), before, "the source is never modified");
    insta::assert_snapshot!("hugo_migration", migration(&site, "import-hugo"));

    let build = site.build_ok();
    assert!(!build.stderr.contains("error"), "{}", build.stderr);
    // URLs kept, and the changed ones redirect
    for page in
        ["posts/lima-summit/", "posts/strait-tensions/", "posts/chip-controls/", "about/", "archive/tariffs-round-two/"]
    {
        assert!(site.exists(&format!("{page}index.html")), "{page}");
    }
    for alias in ["old/lima/", "about-us/", "2019/05/tariffs-round-two/"] {
        assert!(site.read(&format!("{alias}index.html")).contains("http-equiv=\"refresh\""), "{alias}");
    }
    // the pages of taxonomy terms redirect to the topic or actor each became
    let term = site.read("tags/trade/index.html");
    assert!(term.contains("content=\"0; url=https://example.org/briefs/topics/trade/\""), "{term}");
    assert!(site.read("authors/jane-doe/index.html").contains("url=https://example.org/briefs/actors/jane-doe/\""));
    // the bundle's image beside its page, static files at the root
    assert!(site.exists("posts/chip-controls/map.png"));
    assert!(site.exists("img/logo.png") && site.exists("files/brief.pdf"));
    // embeds kept by sanitize (their hosts in embed_hosts), scripted ones as links
    let lima = site.read("posts/lima-summit/index.html");
    assert!(lima.contains("src=\"https://www.youtube-nocookie.com/embed/abc123XYZ\""), "{lima}");
    assert!(lima.contains("src=\"https://player.vimeo.com/video/123456\""), "{lima}");
    assert!(lima.contains("href=\"https://x.com/WhiteHouse/status/1857000000000000000\""));
    assert!(lima.contains("The Asia desk followed the talks."));
    // ref and relref became checked links to the bundle
    assert!(lima.contains("href=\"/briefs/posts/chip-controls/#background\""), "{lima}");
    // an unconverted shortcode stays visible
    assert!(lima.contains("{{&lt; chart id=\"tariffs-2024\" &gt;}}"), "{lima}");
    // sections, and a link written as an old address that became a checked .md link
    assert!(site.read("posts/asia/index.html").contains("Briefs on the region, by country."));
    assert!(site.read("posts/index.html").contains("The newest briefs come first."));
    assert!(file(&site, "content/posts/asia/korea-troops.md").contains("[Lima brief](../lima-summit.md)"));
    // term pages became profiles
    assert!(site.read("topics/trade/index.html").contains("Our briefs on trade between the two countries."));
    assert!(site.read("actors/jane-doe/index.html").contains("Senior fellow"));
}

#[test]
fn imported_front_matter_is_dossiers() {
    let (site, run) = import("hugo", "import-hugo", &[]);
    run.assert_success();
    let lima = file(&site, "content/posts/lima-summit.md");
    assert!(lima.starts_with("---\ntitle: Biden and Xi meet in Lima\ndate: 2024-11-16T09:00:00-05:00\nupdated: 2024-11-18\nsummary: The last meeting"), "{lima}");
    // the tag `Xi Jinping` is an actor (the text is about him); the author is under `authors:`
    assert!(lima.contains("topics:\n- Diplomacy\n- Indo-Pacific\n- Trade\nactors:\n- Xi Jinping\nauthors:\n- Jane Doe\naliases:\n- /old/lima/\nextra:\n  featured_quote:"), "{lima}");
    let scheduled = file(&site, "content/posts/scheduled.md");
    assert!(
        scheduled.contains("date: 2025-02-01\nexpires: 2030-01-01\n"),
        "publishDate is the day it goes out:\n{scheduled}"
    );
    assert!(file(&site, "content/posts/withdrawn.md").contains("draft: true"));
    assert!(file(&site, "content/posts/undated.md").contains("date: 1970-01-01"));
    assert!(
        file(&site, "content/posts/chip-controls/index.md")
            .contains("authors:\n- Jane Doe\n- Xi Jinping\nimage: map.png\nextra:\n  series: Chip war\n")
    );
    let toml = file(&site, "site.toml");
    assert!(toml.contains("title = \"China Policy Briefs\"") && toml.contains("paginate = 20"), "{toml}");
    assert!(toml.contains("embed_hosts = [\"player.vimeo.com\", \"www.youtube-nocookie.com\"]"), "{toml}");
    assert!(
        file(&site, "content/index.md")
            .contains("description: Short briefs on US-China relations, written for busy readers.")
    );
}

#[test]
fn check_strict_flags_every_unconverted_shortcode_at_its_place() {
    let (site, run) = import("hugo", "import-hugo", &[]);
    run.assert_success();
    let check = site.run(&["check", "--strict"]);
    check.assert_code(1);
    for place in ["content/posts/lima-summit.md:41:1", "content/posts/lima-summit.md:45:1"] {
        assert!(check.stderr.contains(&format!("--> {place}\n")), "{place}\n{}", check.stderr);
    }
    assert!(check.stderr.contains("unconverted shortcode `chart` left by the import: convert or remove it by hand"));
    assert!(check.stderr.contains("unconverted shortcode `note` left by the import"));
    // one warning per call: the closing `{{% /note %}}` block is not one (the editorial lint
    // finds more in the imported posts: see docs/lint.md)
    assert_eq!(check.stderr.matches("warning: unconverted shortcode").count(), 2, "{}", check.stderr);
    site.run(&["check"]).assert_success();
}

#[test]
fn an_import_map_moves_renames_and_merges_taxonomies() {
    let map = fixture_dir("import-maps").join("hugo.toml");
    let (site, run) = import("hugo", "import-hugo", &["--map", map.to_str().unwrap()]);
    run.assert_success();
    let chips = file(&site, "content/posts/chip-controls/index.md");
    assert!(chips.contains("topics:\n- Chips\nactors:\n- Jane Q. Doe\n- Xi Jinping\n"), "{chips}");
    assert!(!file(&site, "content/posts/strait-tensions.md").contains("Indo-Pacific"), "regions = none");
    let report = file(&site, "MIGRATION.md");
    assert!(report.contains("`Export controls` of `tags` was renamed `Chips` (import.toml)"), "{report}");
    assert!(report.contains("`Semiconductors` of `tags` was renamed `Chips` (import.toml)"), "{report}");
    assert!(file(&site, "content/actors/jane-q-doe.md").contains("name: Jane Q. Doe\nrole: Senior fellow\n"));
    assert!(report.contains("term(s) of the taxonomy `regions` were not imported"), "{report}");
    site.build_ok();
}

#[test]
fn a_wrong_map_is_an_error_at_its_line_and_nothing_is_written() {
    let map = fixture_dir("import-maps").join("invalid.toml");
    let (site, run) = import("hugo", "import-hugo", &["--map", map.to_str().unwrap()]);
    run.assert_code(1);
    insta::assert_snapshot!("wrong_map", run.stderr_stable().replace(map.to_str().unwrap(), "import.toml"));
    assert!(run.stderr.contains("nothing was imported"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&site.root).unwrap().count(), 0);
}

#[test]
fn a_non_empty_destination_needs_force() {
    let site = Site::empty();
    site.write("notes.txt", "mine");
    let src = fixture_dir("import-hugo");
    let args = ["import", "hugo", src.to_str().unwrap(), site.root.to_str().unwrap()];
    let run = dossier(&args);
    run.assert_code(2);
    assert!(run.stderr.contains("is not empty: choose a new folder, or pass --force to replace it"), "{}", run.stderr);
    assert_eq!(file(&site, "notes.txt"), "mine");
    let mut forced = args.to_vec();
    forced.push("--force");
    dossier(&forced).assert_success();
    assert!(!site.root.join("notes.txt").exists());
    assert!(site.root.join("site.toml").is_file());
    // and never into the source
    let inside = src.join("out");
    let run = dossier(&["import", "hugo", src.to_str().unwrap(), inside.to_str().unwrap(), "--force"]);
    run.assert_code(2);
    assert!(!inside.exists());
}

#[test]
fn a_folder_without_configuration_is_not_a_site() {
    let site = Site::empty();
    let empty = site.outside().join("empty-src");
    std::fs::create_dir_all(&empty).unwrap();
    for kind in ["hugo", "zola"] {
        let run = dossier(&["import", kind, empty.to_str().unwrap(), site.root.to_str().unwrap()]);
        run.assert_code(1);
        assert!(run.stderr.contains("configuration") || run.stderr.contains("config.toml"), "{}", run.stderr);
        assert!(!Path::new(&site.root).join("site.toml").exists());
    }
}

#[test]
fn the_zola_fixture_imports_into_a_site_that_builds_clean() {
    let before = files_under(&fixture_dir("import-zola"));
    let (site, run) = import("zola", "import-zola", &[]);
    run.assert_success();
    assert_eq!(files_under(&fixture_dir("import-zola")), before, "the source is never modified");
    insta::assert_snapshot!("zola_migration", migration(&site, "import-zola"));
    let build = site.build_ok();
    assert!(!build.stderr.contains("error"), "{}", build.stderr);
    // a date in the file name is the date, the rest the slug; `path` and old aliases redirect
    let note = file(&site, "content/blog/inauguration.md");
    assert!(
        note.starts_with("---\ntitle: An inauguration and a drill\ndate: 2024-05-20\nupdated: 2024-05-24\n"),
        "{note}"
    );
    assert!(
        note.contains(
            "topics:\n- Security\n- East Asia\n- Taiwan\n- PLA\nauthors:\n- Lin Wei\nextra:\n  mood: tense\n"
        ),
        "{note}"
    );
    for alias in ["recall-vote/", "2025/recall/", "topics/cross-strait-trade/"] {
        assert!(site.read(&format!("{alias}index.html")).contains("http-equiv=\"refresh\""), "{alias}");
    }
    // `@/` links became checked links, with their anchors
    let page = site.read("blog/inauguration/index.html");
    assert!(page.contains("href=\"/notes/blog/drills/#map\""), "{page}");
    assert!(page.contains("href=\"/notes/blog/recall/\""), "{page}");
    assert!(page.contains("src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""), "{page}");
    assert!(page.contains("write {{ youtube(id="), "the escaped call is shown as written:\n{page}");
    assert!(site.exists("blog/drills/map.png") && site.exists("strait.png"));
    assert!(site.read("blog/taipei/index.html").contains("What the legislature and the Presidential Office did"));
    assert!(
        file(&site, "content/blog/taipei/_index.md")
            .starts_with("---\ntitle: Taipei\nsummary: Notes from the capital.\nextra:\n  sort_by: date\n---\n")
    );
    assert!(file(&site, "content/blog/taipei/legislature.md").contains("[the drills](../drills/index.md)"));
    let toml = file(&site, "site.toml");
    assert!(toml.contains("paginate = 10") && toml.contains("desk = \"Taipei\""), "{toml}");
    let check = site.run(&["check", "--strict"]);
    check.assert_code(1);
    assert_eq!(check.stderr.matches("warning: unconverted shortcode").count(), 2, "{}", check.stderr);
}

#[test]
fn zola_translations_are_written_beside_the_pages_they_translate() {
    let before = files_under(&fixture_dir("import-zola-i18n"));
    let (site, run) = import("zola", "import-zola-i18n", &[]);
    run.assert_success();
    assert!(run.stdout.starts_with("Imported 6 explainers (3 in other languages), 2 sections,"), "{}", run.stdout);
    assert_eq!(files_under(&fixture_dir("import-zola-i18n")), before, "the source is never modified");
    insta::assert_snapshot!("zola_i18n_migration", migration(&site, "import-zola-i18n"));
    let toml = file(&site, "site.toml");
    assert!(toml.contains("languages = [\"en\", \"fr\"]") && !toml.contains("language ="), "{toml}");
    let written: Vec<String> = files_under(&site.root.join("content")).into_keys().collect();
    for path in [
        "index.md",
        "index.fr.md",
        "blog/_index.md",
        "blog/_index.fr.md",
        "blog/lima.md",
        "blog/lima.fr.md",
        "blog/drills/index.md",
        "blog/drills/index.fr.md",
        "blog/drills/map.png",
        // a page only in French keeps its own place
        "blog/tribune.fr.md",
        // `de` is not one of the site's languages: part of the name, as Zola reads it
        "blog/notes-de.md",
    ] {
        assert!(written.iter().any(|w| w == path), "{path} in {written:?}");
    }
    // the translation takes the original's address; its own slug's address redirects
    let lima = file(&site, "content/blog/lima.fr.md");
    assert!(
        lima.starts_with(
            "---\ntitle: La rencontre de Lima\ndate: 2024-11-16\naliases:\n- /blog/rencontre-de-lima/\n---\n"
        ),
        "{lima}"
    );
    // a link to a translation names the page it translates: it leads to the version in the
    // linking page's language
    assert!(lima.contains("[les manœuvres](drills/index.md)"), "{lima}");
    // and the site builds in both languages
    let build = site.build_ok();
    assert!(!build.stderr.contains("error"), "{}", build.stderr);
    let page = site.read("fr/blog/lima/index.html");
    assert!(page.contains("href=\"/fr/blog/drills/\""), "the French version of the bundle:\n{page}");
    assert!(page.contains("hreflang=\"en\" href=\"https://example.org/blog/lima/\""), "{page}");
    assert!(site.read("fr/blog/rencontre-de-lima/index.html").contains("http-equiv=\"refresh\""));
    assert!(site.exists("fr/blog/tribune/index.html") && !site.exists("blog/tribune/index.html"));
    assert!(site.exists("blog/drills/map.png") && !site.exists("fr/blog/drills/map.png"), "bundle files once");
}

#[test]
fn hugo_translations_are_written_beside_the_pages_they_translate() {
    let (site, run) = import("hugo", "import-hugo-i18n", &[]);
    run.assert_success();
    assert!(run.stdout.starts_with("Imported 4 explainers (2 in other languages),"), "{}", run.stdout);
    let written: Vec<String> = files_under(&site.root.join("content")).into_keys().collect();
    // `strait.en.md` is the default language's page: written as `strait.md`, its address kept
    let expected = ["posts/strait.fr.md", "posts/strait.md", "posts/tariffs.fr.md", "posts/tariffs.md"];
    assert_eq!(written, expected);
    let report = migration(&site, "import-hugo-i18n");
    assert!(report.contains("| translations among them | 2 |"), "{report}");
    assert!(!report.contains("/posts/strait.en/"), "no address changed but the taxonomy's:\n{report}");
    assert!(file(&site, "site.toml").contains("languages = [\"en\", \"fr\"]"));
}
