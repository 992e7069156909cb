//! Hostile and broken input: a clear error every time, no panic, no hang, nothing written outside
//! the output folder, and nothing of the user's lost.

mod harness;

use harness::{Server, Site, broken_internal_links, files_under};

/// A small valid site to break in different ways.
fn small_site() -> Site {
    let site = Site::empty();
    site.write("site.toml", "title = \"Hostile\"\nbase_url = \"https://example.org/\"\n");
    site.write("content/articles/ok.md", "---\ntitle: OK\ndate: 2024-01-01\n---\n\nFine.\n");
    site
}

#[track_caller]
fn fails_naming(site: &Site, location: &str) -> String {
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains(location), "expected `{location}` in:\n{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

#[test]
fn non_utf8_and_empty_files_are_errors_naming_the_file() {
    let site = small_site();
    std::fs::write(site.root.join("content/articles/latin1.md"), b"---\ntitle: Caf\xe9\ndate: 2024-01-01\n---\n")
        .unwrap();
    site.write("content/articles/empty.md", "");
    site.write("content/actors/blank.md", "");
    site.write(
        "content/articles/linker.md",
        "---\ntitle: Linker\ndate: 2024-01-01\n---\n\nSee [the café](latin1.md).\n",
    );
    let stderr = fails_naming(&site, "--> content/articles/latin1.md");
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    assert!(
        !stderr.contains("linker.md"),
        "a link to a file that could not be read is not an error of its own:\n{stderr}"
    );
    assert!(
        stderr.contains("--> content/articles/empty.md") && stderr.contains("--> content/actors/blank.md"),
        "{stderr}"
    );
}

#[test]
fn unclosed_front_matter_is_an_error() {
    let site = small_site();
    site.write("content/articles/open.md", "---\ntitle: Open\ndate: 2024-01-01\n\nNo closing line.\n");
    let stderr = fails_naming(&site, "--> content/articles/open.md:1:1");
    assert!(stderr.contains("not closed"), "{stderr}");
}

#[test]
fn crlf_and_byte_order_marks_are_accepted() {
    let site = small_site();
    site.write("content/articles/windows.md", "\u{feff}---\r\ntitle: Windows\r\ndate: 2024-01-02\r\ntopics: [Trade]\r\n---\r\n\r\n## A heading\r\n\r\nText with a [link](ok.md).\r\n");
    site.build_ok();
    let page = site.page("articles/windows/");
    assert_eq!(page.text("h1"), "Windows");
    assert_eq!(page.attrs("h2#a-heading", "id"), ["a-heading"]);
    assert_eq!(page.href_of("link"), "/articles/ok/");
}

#[test]
fn yaml_alias_bombs_are_rejected_quickly() {
    let site = small_site();
    let mut yaml = String::from("---\ntitle: Bomb\ndate: 2024-01-01\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 0..14 {
        let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
        yaml.push_str(&format!(
            "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    yaml.push_str("---\n");
    site.write("content/articles/bomb.md", &yaml);
    let started = std::time::Instant::now();
    fails_naming(&site, "--> content/articles/bomb.md");
    assert!(started.elapsed().as_secs() < 20, "an alias bomb must not take long");
}

#[test]
fn pathological_markdown_builds() {
    let site = small_site();
    let deep_quotes = format!("{}deep\n", ">".repeat(5_000));
    let deep_lists: String = (0..2_000).map(|i| format!("{}- item\n", "  ".repeat(i))).collect();
    let deep_emphasis = format!("{}x{}", "*_".repeat(5_000), "_*".repeat(5_000));
    let brackets = "[".repeat(50_000);
    let long_line = "word ".repeat(400_000);
    let huge_list: String = (0..50_000).map(|i| format!("- item {i}\n")).collect();
    let links: String = (0..5_000).map(|i| format!("[{i}](ok.md) ")).collect();
    for (name, body) in [
        ("quotes", deep_quotes),
        ("lists", deep_lists),
        ("emphasis", deep_emphasis),
        ("brackets", brackets),
        ("line", long_line),
        ("huge", huge_list),
        ("links", links),
    ] {
        site.write(
            &format!("content/articles/{name}.md"),
            &format!("---\ntitle: {name}\ndate: 2024-01-01\n---\n\n{body}\n"),
        );
    }
    let started = std::time::Instant::now();
    let run = site.build();
    run.assert_success();
    assert!(started.elapsed().as_secs() < 120, "pathological Markdown takes too long");
    assert!(site.exists("articles/quotes/index.html") && site.exists("articles/huge/index.html"));
}

#[test]
fn symlink_loops_and_dangling_links_in_content_are_skipped() {
    let site = small_site();
    std::os::unix::fs::symlink(site.root.join("content"), site.root.join("content/articles/loop")).unwrap();
    std::os::unix::fs::symlink(site.root.join("content/nowhere.md"), site.root.join("content/articles/dangling.md"))
        .unwrap();
    let run = site.build();
    run.assert_success();
    assert!(run.stderr.contains("loops back"), "{}", run.stderr);
    assert!(site.exists("articles/ok/index.html"));
}

#[test]
fn nothing_is_written_outside_the_output_folder() {
    let site = small_site();
    site.write(
        "content/articles/escape.md",
        "---\ntitle: Escape\ndate: 2024-01-01\nslug: ../../../escaped\naliases: [/../../escaped-alias/, '\\..\\evil', /ok/../../x/]\n---\n",
    );
    site.write("content/articles/back\\slash.md", "---\ntitle: Backslash\ndate: 2024-01-01\n---\n");
    let outside_before = files_under(&site.outside());
    let stderr = fails_naming(&site, "--> content/articles/escape.md:4:7");
    assert!(stderr.contains("`slug` must be lower-case"), "{stderr}");
    assert_eq!(stderr.matches("alias `").count(), 3, "{stderr}");
    assert_eq!(files_under(&site.outside()), outside_before, "nothing new anywhere");
    // without the hostile front matter the odd file name is only a name
    site.remove("content/articles/escape.md");
    site.build_ok();
    assert!(site.exists("articles/back-slash/index.html"));
    let outside: Vec<String> = files_under(&site.outside()).into_keys().filter(|p| !p.starts_with("site/")).collect();
    assert!(outside.is_empty(), "{outside:?}");
}

#[test]
fn front_matter_text_is_escaped_everywhere() {
    let site = small_site();
    let evil = "<script>alert(1)</script>";
    site.write(
        "content/articles/evil.md",
        &format!(
            "---\ntitle: \"{evil} & co\"\ndate: 2024-01-01\nsummary: \"\\\"><img src=x onerror=alert(2)>\"\ntopics: [\"{evil}\"]\nactors: [\"<b>Bold</b>\"]\ntakeaways: [\"{evil}\"]\nsources:\n  - id: s\n    title: \"{evil}\"\n    publisher: \"<i>P</i>\"\n    url: \"https://example.com/?a=1&b=\\\"2\\\"\"\ntimeline:\n  - date: 2024-01-01\n    event: \"{evil}\"\nupdates:\n  - date: 2024-01-02\n    note: \"{evil}\"\n---\n\nBody [1](source:s).\n"
        ),
    );
    site.write("content/actors/bold.md", "---\nname: \"<b>Bold</b>\"\nrole: \"<script>x</script>\"\n---\n");
    site.build_ok();
    for (path, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<script>alert"), "{path} has an unescaped script");
        assert!(!text.contains("<img src=x"), "{path} has an unescaped image");
        assert!(!text.contains("<b>Bold</b>") && !text.contains("<i>P</i>"), "{path} has unescaped markup");
        if path.ends_with(".xml") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path} is not XML: {e}"));
        }
    }
    let page = site.page("articles/evil/");
    assert_eq!(page.text("h1"), format!("{evil} & co"));
    assert_eq!(page.attrs("#source-s a", "href"), ["https://example.com/?a=1&b=\"2\""]);
    assert_eq!(page.texts("script").len(), 1, "only the JSON-LD script");
}

#[test]
fn only_web_addresses_leave_front_matter_as_links() {
    let site = small_site();
    for (i, url) in ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil.example/", "vbscript:x"]
        .iter()
        .enumerate()
    {
        site.write(
            &format!("content/articles/u{i}.md"),
            &format!(
                "---\ntitle: U{i}\ndate: 2024-01-01\nsources:\n  - id: s\n    title: T\n    url: \"{url}\"\n---\n"
            ),
        );
    }
    let stderr = fails_naming(&site, "--> content/articles/u0.md:7:");
    assert_eq!(stderr.matches("must be an http://, https:// or mailto: address").count(), 5, "{stderr}");
}

#[test]
fn unknown_fields_and_invalid_values_name_line_and_suggest() {
    let site = small_site();
    site.write("content/articles/typo.md", "---\ntitle: T\ndate: 2024-01-01\ntopcis: [Trade]\n---\n");
    site.write("content/articles/bad.md", "---\ntitle: T\ndate: 2024-02-30\ndraft: yes please\n---\n");
    site.write("content/actors/kind.md", "---\nname: K\nkind: persn\n---\n");
    let stderr = fails_naming(&site, "--> content/articles/typo.md:4:1");
    assert!(stderr.contains("did you mean `topics`?"), "{stderr}");
    assert!(
        stderr.contains("--> content/articles/bad.md:3:7") && stderr.contains("month 2 has 29 days, not 30"),
        "{stderr}"
    );
    assert!(stderr.contains("--> content/articles/bad.md:4:8"), "{stderr}");
    assert!(stderr.contains("--> content/actors/kind.md:3:7") && stderr.contains("did you mean `person`?"), "{stderr}");
}

#[test]
fn a_killed_build_leaves_the_previous_output_whole() {
    let site = small_site();
    for i in 0..400 {
        site.write(
            &format!("content/articles/a{i}.md"),
            &format!("---\ntitle: Version one {i}\ndate: 2024-01-01\n---\n\nText {i}.\n"),
        );
    }
    site.build_ok();
    let first = site.output_files();
    for i in 0..400 {
        site.write(
            &format!("content/articles/a{i}.md"),
            &format!("---\ntitle: Version two {i}\ndate: 2024-01-01\n---\n\nText {i}.\n"),
        );
    }
    // kill the second build at different moments; the output is always one whole build
    for delay_ms in [5u64, 30, 80, 150, 300] {
        let mut child = std::process::Command::new(harness::BIN)
            .arg("build")
            .current_dir(&site.root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = site.output_files();
        let whole_first = now == first;
        let whole_second =
            now.get("articles/a0/index.html").is_some_and(|p| String::from_utf8_lossy(p).contains("Version two 0"))
                && now.len() == first.len()
                && now
                    .iter()
                    .filter(|(path, _)| path.starts_with("articles/a"))
                    .all(|(_, p)| String::from_utf8_lossy(p).contains("Version two"));
        assert!(whole_first || whole_second, "after a kill at {delay_ms} ms the output is a mix of two builds");
    }
    // the next build succeeds and removes what killed builds left next to the output, but for
    // the output before last, which the build after it starts from, and the manifests of both
    site.build_ok();
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .filter(|n| {
            ![".public.dossier-previous", ".public.dossier-manifest", ".public.dossier-previous.manifest"]
                .contains(&n.as_str())
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // and a build from that reused folder is the same as a build from nothing
    let built = site.output_files();
    site.build_ok();
    assert_eq!(site.output_files(), built);
    std::fs::remove_dir_all(site.public()).unwrap();
    std::fs::remove_dir_all(site.root.join(".public.dossier-previous")).unwrap();
    site.build_ok();
    assert_eq!(site.output_files(), built);
}

#[test]
fn serve_does_not_expose_symlinks_out_of_static_and_survives_slow_clients() {
    let site = Site::fixture("basic");
    site.write("../secret.txt", "secret");
    std::os::unix::fs::symlink(site.outside().join("secret.txt"), site.root.join("static/leak.txt")).unwrap();
    let server = Server::start(&site.root, &["serve"]);
    assert_eq!(server.get("/leak.txt").status, 404);
    // a client that sends half a request and waits does not hold up others
    let mut slow = std::net::TcpStream::connect(&server.address).unwrap();
    std::io::Write::write_all(&mut slow, b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    for _ in 0..5 {
        assert_eq!(server.get("/").status, 200);
    }
    drop(slow);
    assert_eq!(server.get("/articles/summit/").status, 200);
    // and the build skips the link too, saying so
    let run = site.build();
    run.assert_success();
    assert!(run.stderr.contains("skipped static/leak.txt"), "{}", run.stderr);
    assert!(!site.exists("leak.txt"));
}

#[test]
fn every_internal_link_of_hostile_but_valid_content_resolves() {
    let site = small_site();
    site.write("content/articles/odd.md", "---\ntitle: \"Odd: ‘quotes’ & <angles>\"\ndate: 2024-01-01\ntopics: [\"C++ & Rust\", \"Ünïcödé\"]\nactors: [\"O'Brien\", \"Ōe Kenzaburō\"]\n---\n\n## Odd & more\n\n[self](#odd-more) [ok](ok.md) [topic](topic:c-rust).\n");
    site.build_ok();
    assert_eq!(broken_internal_links(&site.public(), "/"), Vec::<String>::new());
    assert!(
        site.exists("topics/c-rust/index.html")
            && site.exists("actors/obrien/index.html")
            && site.exists("actors/oe-kenzaburo/index.html")
    );
}
