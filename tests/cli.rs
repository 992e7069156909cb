//! The commands around `build`: `init`, `new`, `check`, exit codes and output folder rules.

mod harness;

use harness::Site;

#[test]
fn init_then_new_then_build() {
    let site = Site::empty();
    let parent = site.outside();
    let run = std::process::Command::new(harness::BIN).args(["init", "fresh"]).current_dir(&parent).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let root = parent.join("fresh");
    for path in ["site.toml", "content/index.md", "content/articles/first-explainer.md", ".gitignore"] {
        assert!(root.join(path).is_file(), "init did not create {path}");
    }
    assert!(root.join("content/actors").is_dir() && root.join("static").is_dir());

    let dossier = |args: &[&str]| {
        let out = std::process::Command::new(harness::BIN).args(args).current_dir(&root).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = dossier(&["new", "article", "Biden and Xi meet in Lima"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("content/articles/biden-and-xi-meet-in-lima.md"), "{stdout}");
    assert_eq!(dossier(&["new", "actor", "Yoon Suk Yeol"]).0, 0);
    assert_eq!(dossier(&["new", "topic", "Türkiye"]).0, 0);
    assert!(root.join("content/actors/yoon-suk-yeol.md").is_file());
    assert!(root.join("content/topics/turkiye.md").is_file());
    // never overwrites
    let (code, _, stderr) = dossier(&["new", "topic", "Türkiye"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("already exists"), "{stderr}");

    // the new site builds; new explainers are drafts until published
    let (code, stdout, stderr) = dossier(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("Built "));
    assert!(!root.join("public/articles/biden-and-xi-meet-in-lima/index.html").exists());
    let (code, _, stderr) = dossier(&["build", "--drafts"]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(root.join("public/articles/biden-and-xi-meet-in-lima/index.html")).unwrap();
    assert!(page.contains("<h1>Biden and Xi meet in Lima</h1>"));

    // init refuses a folder that is not empty
    let again = std::process::Command::new(harness::BIN).args(["init", "fresh"]).current_dir(&parent).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn new_titles_with_quotes_stay_valid_yaml() {
    let site = Site::fixture("basic");
    site.run(&["new", "article", "Why \"deterrence\": a primer"]).assert_success();
    site.run(&["build", "--drafts"]).assert_success();
    assert_eq!(site.page("articles/why-deterrence-a-primer/").text("h1"), "Why \"deterrence\": a primer");
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::fixture("basic");
    site.run(&["build", "--no-such-flag"]).assert_code(2);
    site.run(&["frobnicate"]).assert_code(2);
    site.run(&["new", "essay", "X"]).assert_code(2);
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("basic");
    let run = site.run(&["check"]);
    run.assert_success();
    assert!(run.stdout.starts_with("Checked "), "{}", run.stdout);
    assert!(!site.public().exists());
    let names: Vec<_> = std::fs::read_dir(&site.root).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(names.len(), 3, "only site.toml, content/ and static/: {names:?}");
}

#[test]
fn check_strict_fails_on_warnings() {
    let site = Site::fixture("basic");
    site.write("content/actors/nobody.md", "---\nname: Nobody\n---\n");
    let run = site.run(&["check"]);
    run.assert_success();
    assert!(run.stderr.contains("warning: no explainer names or links to actor `nobody`"), "{}", run.stderr);
    assert!(run.stderr.contains("--> content/actors/nobody.md"));
    site.run(&["check", "--strict"]).assert_code(1);
}

#[test]
fn output_flag_writes_elsewhere() {
    let site = Site::fixture("basic");
    let out = site.outside().join("elsewhere");
    site.run(&["build", "--output", out.to_str().unwrap()]).assert_success();
    assert!(out.join("articles/summit/index.html").is_file());
    assert!(!site.public().exists());
}

#[test]
fn dangerous_output_folders_are_refused_before_anything_is_deleted() {
    let site = Site::fixture("basic");
    for output in [".", "content", "content/articles", "..", "/"] {
        let run = site.run(&["build", "--output", output]);
        run.assert_code(1);
        assert!(run.stderr.contains("refusing to use"), "{output}: {}", run.stderr);
    }
    assert!(site.root.join("content/articles/summit.md").is_file());
}

#[test]
fn root_flag_and_missing_site() {
    let site = Site::fixture("basic");
    let elsewhere = Site::empty();
    let run = elsewhere.run(&["build", "--root", site.root.to_str().unwrap()]);
    run.assert_success();
    assert!(site.public().join("index.html").is_file());
    let run = elsewhere.run(&["build"]);
    run.assert_code(1);
    assert!(run.stderr.contains("no site.toml"), "{}", run.stderr);
}

#[test]
fn site_toml_errors_name_the_key() {
    let site = Site::fixture("basic");
    site.write("site.toml", "title = \"T\"\nbase_url = \"example.org\"\npaginate = \"ten\"\n");
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("--> site.toml:3:12"), "{}", run.stderr);
    site.write("site.toml", "title = \"T\"\nbase_url = \"example.org\"\n");
    let run = site.build();
    assert!(run.stderr.contains("--> site.toml:2:12") && run.stderr.contains("base_url"), "{}", run.stderr);
}
