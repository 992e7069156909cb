//! Output paths: `check` finds every path `build` could not write (names too long, aliases over
//! generated or reserved files, paths that differ only in letter case), static files cannot
//! replace what dossier writes (but a site's robots.txt), files dossier did not make are never
//! lost in silence, and `static/` is copied with its dotfiles.

mod harness;

use harness::{Site, files_under};

/// Runs `check` then `build` on a broken site: both fail with the same errors, found before
/// anything is written; returns what `check` printed.
#[track_caller]
fn check_and_build_fail(site: &Site, locations: &[&str]) -> String {
    let check = site.run(&["check"]);
    check.assert_code(1);
    for location in locations {
        assert!(check.stderr.contains(&format!("--> {location}")), "expected `{location}` in:\n{}", check.stderr);
    }
    let build = site.build();
    build.assert_code(1);
    assert_eq!(
        build.stderr.replace("public was not changed", "X"),
        check.stderr.replace("the site does not build", "X"),
        "build and check report the same"
    );
    assert!(!build.stderr.contains(".dossier-staging"), "no raw error on a staging path:\n{}", build.stderr);
    assert!(!site.public().exists(), "nothing was written");
    check.stderr_stable()
}

#[test]
fn names_longer_than_file_systems_allow_are_found_by_check_at_their_field() {
    let site = Site::fixture("invalid-long-names");
    // a folder name that fits on disk, but not once written as a slug (each character becomes
    // a syllable)
    let folder = "中美关系".repeat(21);
    assert!(folder.len() <= 255);
    site.write(
        &format!("content/{folder}/trade.md"),
        "---\ntitle: Trade truce\ndate: 2024-11-14\n---\n\nTariffs stay for now.\n",
    );
    let stderr = check_and_build_fail(
        &site,
        &[
            "content/articles/entity-list.md:4:7",
            "content/articles/chips.md:4:10",
            "content/articles/chips.md:7:5",
            &format!("content/{folder}/trade.md:1:1"),
        ],
    );
    assert!(stderr.contains("`slug` is 286 bytes long"), "{stderr}");
    assert!(stderr.contains("has a part of 279 bytes"), "{stderr}");
    assert!(stderr.contains("the pages of actor `the-bureau"), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 5, "four errors and the summary:\n{stderr}");
    insta::assert_snapshot!(stderr.replace(&folder, "FOLDER"));
}

#[test]
fn aliases_over_generated_or_reserved_paths_are_found_by_check_at_their_line() {
    let site = Site::fixture("invalid-reserved-aliases");
    let stderr = check_and_build_fail(
        &site,
        &[
            "content/articles/tariffs.md:5:5",
            "content/articles/tariffs.md:6:5",
            "content/articles/tariffs.md:7:5",
            "content/articles/tariffs.md:8:5",
            "content/articles/tariffs.md:9:5",
        ],
    );
    assert!(stderr.contains("where the sitemap writes the file /sitemap.xml"), "{stderr}");
    assert!(stderr.contains("themes/default/static/style.css (built in) writes the file /style.css"), "{stderr}");
    assert!(stderr.contains("/search/index/ is kept for the search index"), "{stderr}");
    assert!(stderr.contains("/__dossier/ is kept for `dossier serve`"), "{stderr}");
    assert!(!stderr.contains("2025/02/tariffs"), "a plain alias is fine:\n{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn static_files_at_generated_paths_are_errors_naming_them_but_robots_txt_is_the_sites() {
    let site = Site::fixture("invalid-static-generated");
    let stderr = check_and_build_fail(&site, &[]);
    for named in ["static/search/index/meta.json", "static/sitemap.xml", "static/__dossier/events"] {
        assert!(stderr.contains(&format!("error: {named} ")), "{named} in:\n{stderr}");
    }
    assert!(!stderr.contains("static/robots.txt and"), "{stderr}");
    insta::assert_snapshot!(stderr);

    // without them, the site's robots.txt is used, with a note (not a warning: --strict passes)
    for file in ["static/search/index/meta.json", "static/sitemap.xml", "static/__dossier/events"] {
        site.remove(file);
    }
    let run = site.run(&["check", "--strict"]);
    run.assert_success();
    assert!(run.stderr.contains("note: robots.txt is the site's own, static/robots.txt"), "{}", run.stderr);
    let run = site.build_ok();
    assert!(run.stderr.contains("note: robots.txt is the site's own, static/robots.txt: dossier writes none"));
    assert_eq!(site.read("robots.txt"), "User-agent: *\nDisallow: /drafts/\n");
    assert!(!site.read("search/index/meta.json").contains("stale"), "the search index is dossier's");
}

#[test]
fn paths_that_differ_only_in_letter_case_are_errors_naming_both() {
    let site = Site::fixture("invalid-letter-case");
    // written here, not in the fixture: a repository holding both would not check out on macOS
    site.write("static/img/Map.svg", "<svg/>");
    site.write("static/img/map.svg", "<svg/>");
    let stderr = check_and_build_fail(&site, &["content/articles/summit.md:4:11", "content/articles/summit.md:4:28"]);
    assert!(
        stderr.contains("static/img/Map.svg and static/img/map.svg write /img/Map.svg and /img/map.svg"),
        "static and static:\n{stderr}"
    );
    assert!(
        stderr.contains("static/Atom.xml and the site feed write /Atom.xml and /atom.xml"),
        "static and page:\n{stderr}"
    );
    assert!(
        stderr.contains("write into the folders /Articles/ and /articles/")
            && stderr.contains("content/articles/lima.md"),
        "alias and page:\n{stderr}"
    );
    assert!(
        stderr.contains("alias `/2024/Summit/` of content/articles/summit.md:4:28 and alias `/2024/summit/` of content/articles/lima.md:4:11"),
        "alias and alias:\n{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 5, "one error per clash, and the summary:\n{stderr}");
    insta::assert_snapshot!(stderr);
}

#[test]
fn an_output_folder_dossier_did_not_make_is_refused_unless_forced() {
    let site = Site::fixture("basic");
    site.write("public/CNAME", "explainers.example.org");
    site.write("public/mydata/polls.csv", "date,share\n");
    site.write("public/mydata/notes.txt", "keep");
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages");
    let before = site.output_files();
    let run = site.build();
    run.assert_code(1);
    assert!(
        run.stderr.contains("error: public holds 3 files that dossier did not make: CNAME, mydata/ (2 files)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(site.output_files(), before, "nothing changed");
    let beside: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(beside.is_empty(), "nothing left next to it: {beside:?}");
    let help = site.run(&["build", "--help"]);
    assert!(help.stdout.contains("--force"), "{}", help.stdout);

    let run = site.run(&["build", "--force"]);
    run.assert_success();
    assert!(run.stderr.contains("warning: public/CNAME was not made by dossier"), "{}", run.stderr);
    assert!(run.stderr.contains("warning: public/mydata/ holds 2 files that dossier did not make"), "{}", run.stderr);
    assert_eq!(site.read(".git/HEAD"), "ref: refs/heads/gh-pages", "hidden entries are carried over");
    assert!(site.root.join(".public.dossier-previous/CNAME").is_file(), "moved aside, not deleted yet");
    // from now on the folder is dossier's
    let run = site.build_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn a_file_dossier_did_not_make_is_named_before_it_is_moved_aside_and_kept_from_static() {
    let site = Site::fixture("basic");
    site.build_ok();
    site.build_ok();
    std::thread::sleep(std::time::Duration::from_millis(30));
    site.write("public/CNAME", "explainers.example.org");
    site.write("public/articles/summit/notes.txt", "an editor's note");
    let run = site.build_ok();
    assert!(
        run.stderr.contains(
            "warning: public/CNAME was not made by dossier: this build moves it aside to .public.dossier-previous/, and the next build deletes it"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: to keep a file in the site, put it in static/ (static/CNAME)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("warning: public/articles/summit/notes.txt was not made by dossier"), "{}", run.stderr);
    assert!(!site.exists("CNAME"));
    assert!(site.root.join(".public.dossier-previous/CNAME").is_file());
    let run = site.build_ok();
    assert!(!run.stderr.contains("warning"), "reported once:\n{}", run.stderr);
    assert!(!site.root.join(".public.dossier-previous/CNAME").exists(), "the next build deletes it");
    // kept in static/, it is in every build and never reported
    site.write("static/CNAME", "explainers.example.org");
    site.build_ok();
    let run = site.build_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(site.read("CNAME"), "explainers.example.org");
}

#[test]
fn static_is_copied_with_its_dotfiles_but_version_control_and_editor_files() {
    let site = Site::fixture("basic");
    for (file, text) in [
        ("static/.well-known/security.txt", "Contact: mailto:security@example.org\n"),
        ("static/.nojekyll", ""),
        ("static/.htaccess", "ErrorDocument 404 /404.html\n"),
        ("static/.git/config", "[core]\n"),
        ("static/.DS_Store", "finder"),
        ("static/img/.map.svg.swp", "vim"),
        ("static/img/.map.svg.swo", "vim"),
        ("static/img/map.svg~", "emacs"),
        ("static/img/.#map.svg", "emacs"),
    ] {
        site.write(file, text);
    }
    let run = site.build_ok();
    // and the fingerprinted copies of the theme's two stylesheets and search script
    assert!(run.stdout.contains("copied 10 static files"), "{}", run.stdout);
    let copied: Vec<String> =
        files_under(&site.public()).into_keys().filter(|p| p.starts_with('.') || p.starts_with("img/")).collect();
    assert_eq!(copied, [".htaccess", ".nojekyll", ".well-known/security.txt", "img/map.svg"]);
    assert_eq!(site.read(".well-known/security.txt"), "Contact: mailto:security@example.org\n");
}
