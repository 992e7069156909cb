//! The build cache of `dossier build` (`.dossier-cache/build.bin`, and the parse of every file in
//! `.dossier-cache/parse.bin`): a cached build's output and warnings are byte for byte a build
//! without the cache's, after any sequence of edits (a property test); a rebuild parses only the
//! files that changed, renders only the pages that changed and rewrites nothing when nothing
//! did; a damaged, truncated or foreign cache is a warning and changes nothing in the output.

mod harness;

use harness::{Run, Site, files_under};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CACHE: &str = ".dossier-cache/build.bin";
const PARSES: &str = ".dossier-cache/parse.bin";

/// The diagnostics a build printed, each with its excerpt and help, but for those about the
/// cache itself (which a build without one cannot print).
fn diagnostics(run: &Run) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in run.stderr.lines() {
        match blocks.last_mut() {
            Some(block) if line.starts_with(' ') || line.is_empty() => {
                block.push('\n');
                block.push_str(line);
            }
            _ => blocks.push(line.to_string()),
        }
    }
    // the closing line names the output folder, which differs
    blocks.retain(|b| {
        !b.contains("cache") && !b.contains("was not changed") && (b.starts_with("warning") || b.starts_with("error"))
    });
    blocks
}

/// Builds the site with its cache (into public/), and without (into `cold` beside the site);
/// both must end alike: the same exit code, and on success the same files, byte for byte.
#[track_caller]
fn cached_equals_cold(site: &Site, what: &str) -> Run {
    let cached = site.build();
    let cold_dir = site.outside().join("cold");
    let cold = site.run(&["build", "--no-cache", "--output", cold_dir.to_str().unwrap()]);
    assert_eq!(cached.code, cold.code, "after {what}\ncached:\n{}\ncold:\n{}", cached.stderr, cold.stderr);
    assert_eq!(diagnostics(&cached), diagnostics(&cold), "after {what}: the warnings differ");
    if cached.code == 0 {
        let (a, b) = (files_under(&site.public()), files_under(&cold_dir));
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b), "after {what}: the files differ");
        for (path, bytes) in &a {
            assert!(
                bytes == &b[path],
                "after {what}: {path} differs\ncached:\n{}\ncold:\n{}",
                show(bytes),
                show(&b[path])
            );
        }
    }
    cached
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(4000).collect()
}

/// The number of pages a build rendered, from its summary line (`… (2 rendered, …)`); all of
/// them when the line says nothing.
fn rendered(run: &Run) -> Option<usize> {
    let (_, rest) = run.stdout.split_once(" pages (")?;
    rest.split_once(" rendered")?.0.parse().ok()
}

/// Length, modification time and inode of every file of a folder.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, (meta.len(), meta.modified().unwrap(), meta.ino()))
        })
        .collect()
}

#[test]
fn a_rebuild_after_a_body_edit_renders_only_the_pages_that_show_the_body() {
    let site = Site::fixture("build-cache");
    let first = site.build_ok();
    assert_eq!(rendered(&first), None, "a first build renders every page: {}", first.stdout);
    assert!(site.root.join(CACHE).is_file());
    let text = std::fs::read_to_string(site.root.join("content/articles/chips.md")).unwrap();
    site.write("content/articles/chips.md", &text.replace("Three tiers", "Three tiers (revised)"));
    let run = cached_equals_cold(&site, "a body edit");
    run.assert_success();
    // the explainer's page, and the pages that show its summary are not among them: one page
    assert_eq!(rendered(&run), Some(1), "{}", run.stdout);
    assert!(site.read("articles/chips/index.html").contains("Three tiers (revised)"));
}

#[test]
fn a_title_edit_renders_the_lists_and_feeds_that_show_it() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    let text = std::fs::read_to_string(site.root.join("content/articles/chips.md")).unwrap();
    site.write("content/articles/chips.md", &text.replace("title: The chip rules", "title: The new chip rules"));
    let run = cached_equals_cold(&site, "a title edit");
    let n = rendered(&run).expect("fewer pages than all");
    assert!(n > 3, "the page, lists and feeds: {}", run.stdout);
    assert!(site.read("index.html").contains("The new chip rules"));
    assert!(site.read("atom.xml").contains("The new chip rules"));
}

#[test]
fn a_rebuild_that_changes_nothing_writes_nothing() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    // the output alternates between two folders: from the second build on, both hold the site
    let second = site.build_ok();
    assert_eq!(rendered(&second), Some(0), "{}", second.stdout);
    let before = stamps(&site.public());
    let cache = stamps(&site.root.join(".dossier-cache"));
    site.build_ok();
    let fourth = site.build_ok();
    assert_eq!(rendered(&fourth), Some(0), "{}", fourth.stdout);
    assert_eq!(stamps(&site.public()), before, "every file of the output is the one the second build left");
    let now = stamps(&site.root.join(".dossier-cache"));
    assert_eq!(now[FILE_PARSES], cache[FILE_PARSES], "the parse cache is not written again");
    assert_eq!(now["build.bin"], cache["build.bin"], "nor is the build cache");
}

#[test]
fn a_rebuild_that_changes_nothing_says_what_the_build_before_said() {
    let site = Site::fixture("build-cache");
    site.write("content/articles/warned.md", WARNED);
    // an alias: its redirect page and `[publish]` files come from the cache's record
    let text = std::fs::read_to_string(site.root.join("content/articles/chips.md")).unwrap();
    site.write("content/articles/chips.md", &text.replacen("title:", "aliases: [\"/2025/old-chips/\"]\ntitle:", 1));
    let first = site.build_ok();
    assert_eq!(diagnostics(&first).len(), 3, "{}", first.stderr);
    let second = cached_equals_cold(&site, "nothing");
    assert_eq!(rendered(&second), Some(0), "{}", second.stdout);
    assert_eq!(diagnostics(&second), diagnostics(&first), "the warnings the build before recorded");
    assert!(site.exists("2025/old-chips/index.html"));
    // the summary line counts the same pages and search files
    let summary = |run: &Run| run.stdout.split(" pages").next().unwrap().to_string();
    assert_eq!(summary(&second), summary(&first));
}

const FILE_PARSES: &str = "parse.bin";

/// An explainer with a warning of each kind the parse finds: a control character, an
/// unconverted shortcode, and an attribute the sanitizer removes.
const WARNED: &str = "---\ntitle: Export licences\ndate: 2025-02-01\n---\n\nLicences are reviewed\u{7} case by \
    case.\n\n```unconverted\n{{< note >}}\n```\n\n<span onclick=\"x()\">A raw note.</span>\n";

/// The version of dossier that wrote the site's build cache, as `build.bin` records it (the
/// first field of its contents, after the header): a test cannot compute the executable's.
fn cache_version(site: &Site) -> Option<String> {
    let bytes = std::fs::read(site.root.join(CACHE)).ok()?;
    let len = *bytes.get(44)? as usize;
    assert!(len < 128, "a version of one byte's length");
    String::from_utf8(bytes.get(45..45 + len)?.to_vec()).ok()
}

/// Rewrites the parse cache with each entry holding the next file's parse, under `key` (the
/// key it had when `None`); false when there is no cache to rewrite.
fn poison_parses(site: &Site, key: Option<u64>) -> bool {
    use dossier::build_cache::parses;
    let Some(version) = cache_version(site) else { return false };
    let Ok(bytes) = std::fs::read(site.root.join(PARSES)) else { return false };
    let Ok(previous) = parses::decode_as(bytes, &version) else { return false };
    let entries = previous.entries();
    let n = entries.len();
    let poisoned: Vec<(&str, u64, Vec<u8>)> =
        (0..n).map(|i| (entries[i].0, entries[i].1, entries[(i + 1) % n].2.to_vec())).collect();
    let key = key.unwrap_or(previous.key());
    std::fs::write(site.root.join(PARSES), parses::encode_as(&version, key, &poisoned)).unwrap();
    true
}

#[test]
fn a_rebuild_takes_the_parse_of_unchanged_files_from_the_cache() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    // entries under the right key and versions are trusted: the poison shows, so the parse
    // of an unchanged file does come from the cache (one file is edited: a build of the very
    // site the cache recorded parses nothing at all)
    assert!(poison_parses(&site, None));
    let text = std::fs::read_to_string(site.root.join("content/articles/chips.md")).unwrap();
    site.write("content/articles/chips.md", &text.replace("Three tiers", "Three tiers (revised)"));
    let poisoned = site.build();
    assert!(poisoned.code != 0, "each file with another's parse: {}", poisoned.stderr);
    // the same entries under another key (another dossier, other parse options) are not used
    site.run(&["build", "--no-cache"]).assert_success();
    std::fs::remove_dir_all(site.root.join(".dossier-cache")).unwrap();
    site.build_ok();
    let key = {
        let version = cache_version(&site).unwrap();
        let bytes = std::fs::read(site.root.join(PARSES)).unwrap();
        dossier::build_cache::parses::decode_as(bytes, &version).unwrap().key()
    };
    assert!(poison_parses(&site, Some(key ^ 1)));
    cached_equals_cold(&site, "a parse cache of another key").assert_success();
    assert!(site.read("articles/chips/index.html").contains("The chip rules"));
}

#[test]
fn an_unchanged_file_from_the_cache_warns_as_it_did() {
    let site = Site::fixture("build-cache");
    site.write("content/articles/warned.md", WARNED);
    let first = site.build_ok();
    assert!(first.stderr.contains("control characters"), "{}", first.stderr);
    let text = std::fs::read_to_string(site.root.join("content/articles/chips.md")).unwrap();
    site.write("content/articles/chips.md", &text.replace("Three tiers", "Three tiers (revised)"));
    let run = cached_equals_cold(&site, "a body edit beside a file with warnings");
    assert_eq!(diagnostics(&run), diagnostics(&first), "the same warnings, from the cache");
    assert_eq!(diagnostics(&run).len(), 3, "{}", run.stderr);
}

/// The parse cache replaced by `damage` of its bytes: the build warns, with its code, its output
/// is a cold build's, and the next build uses the cache it wrote.
#[track_caller]
fn damaged_parses_are_ignored(damage: fn(Vec<u8>) -> Vec<u8>) -> String {
    let site = Site::fixture("build-cache");
    site.build_ok();
    let path = site.root.join(PARSES);
    std::fs::write(&path, damage(std::fs::read(&path).unwrap())).unwrap();
    let run = cached_equals_cold(&site, "damaging the parse cache");
    run.assert_success();
    let again = site.build_ok();
    assert!(!again.stderr.contains("cache"), "{}", again.stderr);
    assert!(poison_parses(&site, None), "a good parse cache was written again");
    numbers_as_n(&run.stderr_stable())
}

#[test]
fn a_truncated_parse_cache_is_a_warning() {
    insta::assert_snapshot!(damaged_parses_are_ignored(|bytes| bytes[..bytes.len() - 3].to_vec()));
}

#[test]
fn a_parse_cache_of_random_bytes_is_a_warning() {
    insta::assert_snapshot!(damaged_parses_are_ignored(|bytes| {
        let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        (0..bytes.len()).map(|_| rng.random::<u8>()).collect()
    }));
}

#[test]
fn a_parse_cache_from_another_version_is_a_warning() {
    insta::assert_snapshot!(damaged_parses_are_ignored(|_| {
        dossier::build_cache::parses::encode_as("dossier 0.0.1 another", 1, &[])
    }));
}

#[test]
fn no_cache_builds_cold_and_leaves_the_cache_alone() {
    let site = Site::fixture("build-cache");
    let run = site.run(&["build", "--no-cache"]);
    run.assert_success();
    assert!(!site.root.join(CACHE).exists(), "--no-cache writes no cache");
    site.build_ok();
    let cache = std::fs::read(site.root.join(CACHE)).unwrap();
    let run = site.run(&["build", "--no-cache"]);
    assert_eq!(rendered(&run), None, "{}", run.stdout);
    assert_eq!(std::fs::read(site.root.join(CACHE)).unwrap(), cache);
}

/// A cache file replaced by `damage` of its bytes: the build warns once, with its code, renders
/// every page, and its output is a cold build's.
#[track_caller]
fn damaged_cache_is_ignored(damage: fn(Vec<u8>) -> Vec<u8>) -> String {
    let site = Site::fixture("build-cache");
    site.build_ok();
    let text = std::fs::read_to_string(site.root.join("content/articles/tariffs.md")).unwrap();
    site.write("content/articles/tariffs.md", &text.replace("Geneva", "Geneva, Switzerland"));
    let path = site.root.join(CACHE);
    std::fs::write(&path, damage(std::fs::read(&path).unwrap())).unwrap();
    let run = cached_equals_cold(&site, "damaging the cache");
    run.assert_success();
    assert_eq!(rendered(&run), None, "every page rendered: {}", run.stdout);
    assert!(site.read("articles/tariffs/index.html").contains("Geneva, Switzerland"));
    // the build wrote a good cache again
    let again = site.build_ok();
    assert_eq!(rendered(&again), Some(0), "{}\n{}", again.stdout, again.stderr);
    numbers_as_n(&run.stderr_stable())
}

#[test]
fn a_truncated_cache_is_a_warning() {
    let stderr = damaged_cache_is_ignored(|bytes| bytes[..bytes.len() / 2].to_vec());
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_cache_of_random_bytes_is_a_warning() {
    let stderr = damaged_cache_is_ignored(|bytes| {
        let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        (0..bytes.len()).map(|_| rng.random::<u8>()).collect()
    });
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_cache_with_a_flipped_byte_is_a_warning() {
    let stderr = damaged_cache_is_ignored(|mut bytes| {
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        bytes
    });
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_cache_of_another_format_is_a_warning() {
    let stderr = damaged_cache_is_ignored(|mut bytes| {
        bytes[8] = bytes[8].wrapping_add(1);
        bytes
    });
    insta::assert_snapshot!(stderr);
}

#[test]
fn a_cache_from_another_version_is_a_warning_and_from_another_build_nothing() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    let path = site.root.join(CACHE);
    assert!(String::from_utf8_lossy(&std::fs::read(&path).unwrap()).contains("dossier "), "it records the version");
    // another release of dossier, whose contents this one could not even read: a warning
    std::fs::write(&path, dossier::build_cache::with_header("dossier 0.0.1 another", b"other layout")).unwrap();
    let run = cached_equals_cold(&site, "a cache of another version");
    assert_eq!(rendered(&run), None, "{}", run.stdout);
    assert!(run.stderr.contains("it was written by another version of dossier"), "{}", run.stderr);
    // the same release compiled again (every build of dossier's own tests): dropped without a word
    let rebuilt = format!("dossier {} another-build", env!("CARGO_PKG_VERSION"));
    std::fs::write(&path, dossier::build_cache::with_header(&rebuilt, b"other layout")).unwrap();
    let run = cached_equals_cold(&site, "a cache of another build");
    assert_eq!(rendered(&run), None, "{}", run.stdout);
    assert!(!run.stderr.contains("build cache"), "{}", run.stderr);
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning_and_the_build_succeeds() {
    let site = Site::fixture("build-cache");
    // a file where the cache folder should be
    site.write(".dossier-cache", "not a folder");
    let run = site.build_ok();
    assert!(run.stderr.contains("cannot write the build cache"), "{}", run.stderr);
}

#[test]
fn a_page_changed_in_the_output_by_hand_is_rendered_again() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    site.build_ok();
    let page = site.public().join("articles/chips/index.html");
    std::fs::write(&page, "edited by hand").unwrap();
    cached_equals_cold(&site, "editing the output by hand").assert_success();
    assert!(site.read("articles/chips/index.html").contains("The chip rules"));
}

#[test]
fn a_page_changed_by_hand_in_both_folders_is_rendered_again_and_the_others_kept_once() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    // an edit elsewhere: the output is staged and swapped in, the first one kept beside it
    let text = std::fs::read_to_string(site.root.join("content/articles/tariffs.md")).unwrap();
    site.write("content/articles/tariffs.md", &format!("{text}\nA sentence added.\n"));
    site.build_ok();
    // the page in the output and in the output before last: neither can stand for it, so a
    // build of the same site renders it after all, and keeps every other page once
    let previous = site.root.join(".public.dossier-previous/articles/chips/index.html");
    assert!(previous.is_file(), "the output before last holds the page");
    for page in [site.public().join("articles/chips/index.html"), previous] {
        std::fs::write(&page, "edited by hand").unwrap();
    }
    let run = cached_equals_cold(&site, "editing both folders by hand");
    assert_eq!(rendered(&run), Some(1), "{}", run.stdout);
    assert!(site.read("articles/chips/index.html").contains("The chip rules"));
    // each page once in the output's manifest
    let manifest = std::fs::read_to_string(site.root.join(".public.dossier-manifest")).unwrap();
    let mut paths: Vec<&str> = manifest.lines().filter_map(|l| l.rsplit_once(' ').map(|(_, p)| p)).collect();
    let all = paths.len();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), all, "a path listed twice:\n{manifest}");
    assert!(paths.contains(&"articles/chips/index.html"));
    // what the build recorded holds: the next build renders nothing
    let next = site.build_ok();
    assert_eq!(rendered(&next), Some(0), "{}", next.stdout);
}

/// The inode of a file or folder.
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn a_rebuild_that_changes_nothing_leaves_the_output_folder_in_place() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    let output = stamps(&site.public());
    let folder = inode(&site.public());
    let cache = stamps(&site.root.join(".dossier-cache"));
    let manifest = std::fs::metadata(site.root.join(".public.dossier-manifest")).unwrap().modified().unwrap();
    let second = site.build_ok();
    assert_eq!(rendered(&second), Some(0), "{}", second.stdout);
    assert_eq!(inode(&site.public()), folder, "the same folder, not a new one swapped in");
    assert_eq!(stamps(&site.public()), output, "no file of the output written");
    assert!(!site.root.join(".public.dossier-previous").exists(), "no folder staged beside it");
    assert_eq!(stamps(&site.root.join(".dossier-cache")), cache, "neither cache file written");
    let now = std::fs::metadata(site.root.join(".public.dossier-manifest")).unwrap().modified().unwrap();
    assert_eq!(now, manifest, "nor the manifest");
}

#[test]
fn a_file_put_in_the_output_is_moved_aside_by_a_rebuild_that_changes_nothing() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    std::fs::write(site.public().join("articles/chips/note.txt"), "mine").unwrap();
    let run = site.build_ok();
    assert!(run.stderr.contains("note.txt"), "{}", run.stderr);
    assert!(!site.exists("articles/chips/note.txt"));
    assert!(site.root.join(".public.dossier-previous/articles/chips/note.txt").is_file());
}

#[test]
fn a_file_touched_without_a_change_is_hashed_again_and_known_by_its_new_stamp() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    let output = stamps(&site.public());
    let path = site.root.join("content/articles/chips.md");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, std::fs::read(&path).unwrap()).unwrap();
    let cache = stamps(&site.root.join(".dossier-cache"));
    let second = cached_equals_cold(&site, "a touch");
    assert_eq!(rendered(&second), Some(0), "{}", second.stdout);
    assert_eq!(stamps(&site.public()), output, "no file of the output written");
    // the build cache holds the new stamp (the parse cache is as it was) …
    let refreshed = stamps(&site.root.join(".dossier-cache"));
    assert_ne!(refreshed["build.bin"], cache["build.bin"], "the build cache records the new stamp");
    assert_eq!(refreshed[FILE_PARSES], cache[FILE_PARSES]);
    // … so the next build does not read the file again, nor write anything
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.build_ok();
    assert_eq!(stamps(&site.root.join(".dossier-cache")), refreshed);
}

#[test]
fn a_same_length_rewrite_given_its_old_time_back_is_rebuilt() {
    let site = Site::fixture("build-cache");
    site.build_ok();
    same_length_rewrite(&site, "content/articles/chips.md", "tears");
    let run = cached_equals_cold(&site, "a same-length rewrite with its old time");
    assert_eq!(rendered(&run), Some(1), "{}", run.stdout);
    assert!(site.read("articles/chips/index.html").contains("Three tears"));
}

#[test]
fn a_rewrite_right_after_a_build_is_caught_whatever_the_clock() {
    // rewritten at once after each build, with the same length: within the tick of the file
    // system's clock the build read it in, its stamp may be the same, and the racy rule holds
    let site = Site::fixture("build-cache");
    for word in ["tears", "teams", "tiers", "tears"] {
        site.build_ok();
        let path = site.root.join("content/articles/chips.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text.find("Three ").unwrap() + "Three ".len();
        std::fs::write(&path, format!("{}{word}{}", &text[..at], &text[at + word.len()..])).unwrap();
        cached_equals_cold(&site, &format!("rewriting to {word} right after a build")).assert_success();
        assert!(site.read("articles/chips/index.html").contains(&format!("Three {word}")));
    }
}

#[test]
fn init_keeps_the_cache_out_of_git() {
    let site = Site::empty();
    site.run(&["init", "new-site"]).assert_success();
    let ignored = std::fs::read_to_string(site.root.join("new-site/.gitignore")).unwrap();
    assert!(ignored.lines().any(|l| l == "/.dossier-cache/"), "{ignored}");
}

// The property test: random edits of every kind of file, each followed by a cached and a cold
// build.

const TITLES: &[&str] = &["Talks in London", "A new list of entities", "Rare earths", "The port fees"];
const SENTENCES: &[&str] = &[
    "Officials from both sides met for two days.",
    "[He Lifeng](actor:he-lifeng) said the talks were candid.",
    "Vice Premier He spoke to reporters afterwards.",
    "The [tariff truce](tariffs.md#what-was-agreed) was extended.",
    "![The chart](/img/chart.svg)",
    "## Next steps",
    "<span class=\"note\" onclick=\"x()\">A raw note.</span>",
    "Minister Wang met the delegation.",
];
const ACTORS: &[&str] = &["he-lifeng", "Scott Bessent", "Wang Wentao", "Commerce Department"];
const TOPICS: &[&str] = &["Trade", "Export controls", "Rare earths"];
const SLOTS: &[&str] = &["articles/london.md", "articles/ports.md", "briefs/earths.md", "briefs/list.md"];

#[derive(Debug, Clone)]
enum Edit {
    /// A fixture explainer written again with the same bytes: new times, same text.
    Touch,
    /// A word of a fixture explainer replaced by another of the same length, and the file given
    /// its modification time back: only its status change time and its bytes tell.
    SameLength {
        word: usize,
    },
    /// Writes (adds or replaces) a generated explainer in a slot.
    Explainer {
        slot: usize,
        title: usize,
        day: u8,
        actors: Vec<usize>,
        topics: Vec<usize>,
        body: Vec<usize>,
    },
    /// Moves a slot's explainer to another slot.
    Rename {
        from: usize,
        to: usize,
    },
    Delete {
        slot: usize,
    },
    /// A sentence added to the body of a fixture explainer.
    FixtureBody {
        sentence: usize,
    },
    /// The fixture explainer's title.
    FixtureTitle {
        title: usize,
    },
    /// An actor profile (Wang Wentao), written with a role (and for one of them an alias, which
    /// a sentence names), or removed.
    Actor {
        role: Option<usize>,
    },
    /// The profile of the trade topic, its summary.
    Topic {
        summary: usize,
    },
    /// A topic profile (Rare earths), added or removed.
    NewTopic {
        present: bool,
    },
    /// The card template, overridden with a marker, or the theme's.
    Template {
        marker: Option<usize>,
    },
    /// site.toml's title and pagination.
    Config {
        title: usize,
        paginate: usize,
    },
    /// A static file's text, or none; the chart's size.
    Static {
        text: Option<usize>,
        width: u16,
    },
    /// The fixture explainer written back as the fixture has it: bytes it had before.
    Undo,
    /// What of site.toml the parse reads: `[markdown] raw_html` and `search`.
    ParseConfig {
        raw_html: usize,
        search: bool,
    },
    /// The parse cache as another dossier (or one with other parse options) leaves it: under
    /// another key, each entry holding another file's parse, which must not be used.
    OtherParseKey,
    /// No edit: a build of the very site the cache recorded.
    Nothing,
}

fn edit() -> impl Strategy<Value = Edit> {
    let explainer = (
        0..SLOTS.len(),
        0..TITLES.len(),
        1u8..28,
        prop::collection::vec(0..ACTORS.len(), 0..3),
        prop::collection::vec(0..TOPICS.len(), 0..2),
        prop::collection::vec(0..SENTENCES.len(), 1..4),
    )
        .prop_map(|(slot, title, day, actors, topics, body)| Edit::Explainer {
            slot,
            title,
            day,
            actors,
            topics,
            body,
        });
    prop_oneof![
        4 => explainer,
        1 => (0..SLOTS.len(), 0..SLOTS.len()).prop_map(|(from, to)| Edit::Rename { from, to }),
        1 => (0..SLOTS.len()).prop_map(|slot| Edit::Delete { slot }),
        2 => (0..SENTENCES.len()).prop_map(|sentence| Edit::FixtureBody { sentence }),
        1 => (0..TITLES.len()).prop_map(|title| Edit::FixtureTitle { title }),
        1 => prop::option::of(0..3usize).prop_map(|role| Edit::Actor { role }),
        1 => (0..3usize).prop_map(|summary| Edit::Topic { summary }),
        1 => any::<bool>().prop_map(|present| Edit::NewTopic { present }),
        1 => prop::option::of(0..3usize).prop_map(|marker| Edit::Template { marker }),
        1 => (0..2usize, 0..3usize).prop_map(|(title, paginate)| Edit::Config { title, paginate }),
        1 => (prop::option::of(0..2usize), 100u16..103).prop_map(|(text, width)| Edit::Static { text, width }),
        1 => Just(Edit::Undo),
        1 => (0..3usize, any::<bool>()).prop_map(|(raw_html, search)| Edit::ParseConfig { raw_html, search }),
        1 => Just(Edit::OtherParseKey),
        1 => Just(Edit::Nothing),
        1 => Just(Edit::Touch),
        1 => (0..SAME_LENGTH.len()).prop_map(|word| Edit::SameLength { word }),
    ]
}

fn slot_path(site: &Site, slot: usize) -> PathBuf {
    site.root.join("content").join(SLOTS[slot])
}

fn apply(site: &Site, edit: &Edit) {
    let replace = |rel: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(site.root.join(rel)).unwrap();
        site.write(rel, &text.replacen(from, to, 1));
    };
    match edit {
        Edit::Explainer { slot, title, day, actors, topics, body } => {
            let list = |items: Vec<&str>| items.join(", ");
            let actors = list(actors.iter().map(|&a| ACTORS[a]).collect());
            let topics = list(topics.iter().map(|&t| TOPICS[t]).collect());
            let body: Vec<&str> = body.iter().map(|&s| SENTENCES[s]).collect();
            let text = format!(
                "---\ntitle: {}\ndate: 2025-03-{day:02}\nactors: [{actors}]\ntopics: [{topics}]\n---\n\n{}\n",
                TITLES[*title],
                body.join("\n\n")
            );
            site.write(&format!("content/{}", SLOTS[*slot]), &text);
        }
        Edit::Rename { from, to } => {
            let (from, to) = (slot_path(site, *from), slot_path(site, *to));
            if from.is_file() && from != to {
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::rename(from, to).unwrap();
            }
        }
        Edit::Delete { slot } => {
            let _ = std::fs::remove_file(slot_path(site, *slot));
        }
        Edit::FixtureBody { sentence } => replace(
            "content/articles/tariffs.md",
            "\n## What was agreed",
            &format!("\n{}\n\n## What was agreed", SENTENCES[*sentence]),
        ),
        Edit::FixtureTitle { title } => {
            let text = std::fs::read_to_string(site.root.join("content/articles/chips.md")).unwrap();
            let old = text.lines().find(|l| l.starts_with("title: ")).unwrap().to_string();
            site.write("content/articles/chips.md", &text.replacen(&old, &format!("title: {}", TITLES[*title]), 1));
        }
        Edit::Actor { role } => match role {
            Some(role) => site.write(
                "content/actors/wang-wentao.md",
                &format!(
                    "---\nname: Wang Wentao\nkind: person\nrole: {}\n{}---\n\nCommerce minister.\n",
                    ["Minister", "Negotiator", "Former minister"][*role],
                    if *role == 1 { "aliases: [Minister Wang]\n" } else { "" }
                ),
            ),
            None => {
                let _ = std::fs::remove_file(site.root.join("content/actors/wang-wentao.md"));
            }
        },
        Edit::Topic { summary } => {
            let text = std::fs::read_to_string(site.root.join("content/topics/trade.md")).unwrap();
            let old = text.lines().find(|l| l.starts_with("summary: ")).unwrap().to_string();
            let new = ["Tariffs, truces and supply chains.", "Who buys what.", "Duties and deals."][*summary];
            site.write("content/topics/trade.md", &text.replacen(&old, &format!("summary: {new}"), 1));
        }
        Edit::NewTopic { present } => {
            let path = "content/topics/rare-earths.md";
            if *present {
                site.write(
                    path,
                    "---\ntitle: Rare earths\nsummary: Magnets and mines.\n---\n\nMost are refined in China.\n",
                );
            } else {
                let _ = std::fs::remove_file(site.root.join(path));
            }
        }
        Edit::Template { marker } => {
            let path = "templates/partials/card.html";
            match marker {
                Some(m) => {
                    let theme =
                        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/partials/card.html");
                    let text = std::fs::read_to_string(theme).unwrap();
                    site.write(path, &format!("<!-- card {m} -->{text}"));
                }
                None => {
                    let _ = std::fs::remove_file(site.root.join(path));
                }
            }
        }
        Edit::Config { title, paginate } => {
            let text = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
            let text: Vec<String> = text
                .lines()
                .map(|l| match l {
                    l if l.starts_with("title = ") => {
                        format!("title = \"{}\"", ["Build Cache Fixture", "Trade Desk"][*title])
                    }
                    l if l.starts_with("paginate = ") => format!("paginate = {}", [3, 2, 0][*paginate]),
                    l => l.to_string(),
                })
                .collect();
            site.write("site.toml", &(text.join("\n") + "\n"));
        }
        Edit::Static { text, width } => {
            match text {
                Some(t) => site.write("static/notes.txt", ["first notes", "second notes"][*t]),
                None => {
                    let _ = std::fs::remove_file(site.root.join("static/notes.txt"));
                }
            }
            site.write(
                "static/img/chart.svg",
                &format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"200\"></svg>\n"),
            );
        }
        Edit::Undo => {
            let text = std::fs::read_to_string(harness::fixture_dir("build-cache").join("content/articles/tariffs.md"));
            site.write("content/articles/tariffs.md", &text.unwrap());
        }
        Edit::ParseConfig { raw_html, search } => {
            let text = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
            let top = text.split("\n[markdown]").next().unwrap_or_default();
            let top: Vec<&str> = top.lines().filter(|l| !l.starts_with("search = ")).collect();
            let mode = ["sanitize", "escape", "trusted"][*raw_html];
            site.write(
                "site.toml",
                &format!("search = {search}\n{}\n[markdown]\nraw_html = \"{mode}\"\n", top.join("\n")),
            );
        }
        Edit::OtherParseKey => {
            let key = cache_version(site).and_then(|version| {
                let bytes = std::fs::read(site.root.join(PARSES)).ok()?;
                Some(dossier::build_cache::parses::decode_as(bytes, &version).ok()?.key())
            });
            if let Some(key) = key {
                poison_parses(site, Some(key ^ 1));
            }
        }
        Edit::Nothing => {}
        Edit::Touch => {
            let path = site.root.join("content/articles/chips.md");
            std::fs::write(&path, std::fs::read(&path).unwrap()).unwrap();
        }
        Edit::SameLength { word } => same_length_rewrite(site, "content/articles/chips.md", SAME_LENGTH[*word]),
    }
}

/// Words of the same length for the third word of the fixture's "Three tiers of countries".
const SAME_LENGTH: &[&str] = &["tiers", "tears", "teams"];

/// Replaces the word after "Three " in the file at `rel` by `word` (of the same length), and
/// gives the file its modification time back: its length and time are as they were.
fn same_length_rewrite(site: &Site, rel: &str, word: &str) {
    let path = site.root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("Three ").unwrap() + "Three ".len();
    let old = &text[at..at + word.len()];
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, text.replacen(&format!("Three {old}"), &format!("Three {word}"), 1)).unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified);
}

/// The number of cases `cargo test` runs; CI may ask for more (`BUILD_CACHE_CASES=N`).
fn cases() -> u32 {
    std::env::var("BUILD_CACHE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(24)
}

#[test]
fn a_cached_build_is_byte_for_byte_a_cold_build_after_any_edits() {
    let config = Config { cases: cases(), failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let result = runner.run(&prop::collection::vec(edit(), 1..6), |edits| {
        let site = Site::fixture("build-cache");
        // a file with warnings, never edited: its parse comes from the cache from the second build
        site.write("content/articles/warned.md", WARNED);
        site.build_ok();
        for (i, e) in edits.iter().enumerate() {
            apply(&site, e);
            cached_equals_cold(&site, &format!("edit {i} of {edits:?}"));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn kept_pages_keep_their_compressed_copies_and_redirects() {
    // `[publish]`: gzip and brotli copies of every page, redirect files, fingerprinted assets
    let site = Site::fixture("publish");
    site.build_ok();
    site.build_ok();
    let edited = site.root.join("content/articles/export-controls.md");
    let text = std::fs::read_to_string(&edited).unwrap();
    let paragraph = text.rfind("\n\n").unwrap();
    std::fs::write(&edited, format!("{}\n\nA sentence added.{}", &text[..paragraph], &text[paragraph..])).unwrap();
    let run = cached_equals_cold(&site, "a body edit with precompressed copies");
    assert!(rendered(&run).is_some_and(|n| n < 5), "{}", run.stdout);
    assert!(site.exists("index.html.gz") && site.exists("index.html.br"));
    // and once more, over the other folder
    std::fs::write(&edited, text).unwrap();
    cached_equals_cold(&site, "undoing the edit").assert_success();
    // nothing changed since: the output, its compressed copies, redirect and header files are
    // checked in place, and nothing is written, not even the manifest
    let output = stamps(&site.public());
    let manifest = std::fs::metadata(site.root.join(".public.dossier-manifest")).unwrap().modified().unwrap();
    let again = site.build_ok();
    assert_eq!(rendered(&again), Some(0), "{}", again.stdout);
    assert_eq!(stamps(&site.public()), output);
    let now = std::fs::metadata(site.root.join(".public.dossier-manifest")).unwrap().modified().unwrap();
    assert_eq!(now, manifest, "the output left in place");
}

/// `text` with each run of digits written `N`: the lengths in bytes a cache warning names vary
/// with the executable's identity, recorded in the cache.
fn numbers_as_n(text: &str) -> String {
    let mut stable = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' if stable.ends_with('N') => {}
            '0'..='9' => stable.push('N'),
            c => stable.push(c),
        }
    }
    stable
}
