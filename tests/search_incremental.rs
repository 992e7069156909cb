//! `serve` updates the search index from what it kept of the previous run: after each edit, the
//! index files it serves are exactly those of a build from nothing, also when an edit moves a
//! word's count of documents across the size of a block ([`dossier::search::BLOCK`]) (which gives
//! its list blocks, a head file and a titled file, or takes them away), and files of the index
//! that are gone are removed.

mod harness;

use dossier::pipeline::{self, PipelineOptions};
use dossier::render::MemorySink;
use dossier::search::BLOCK;
use dossier::serve::changes::{self, ChangedPath};
use dossier::serve::session::{Session, Snapshot};
use harness::Site;
use std::collections::BTreeMap;

const BASE_URL: &str = "http://127.0.0.1:8000/";

/// Explainers in the site: the word "quota" is in the first [`BLOCK`] of them.
const EXPLAINERS: usize = BLOCK + 2;

fn today() -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(2024, 11, 27)
}

/// An explainer on export quotas (or on tariffs, without the word), dated so that the order of
/// explainers is fixed.
fn explainer(i: usize, quota: bool, extra: &str) -> String {
    let topic = if quota { "Chip export quota" } else { "Tariff review" };
    let day = 1 + i % 28;
    let month = 1 + (i / 28) % 12;
    format!(
        "---\ntitle: \"{topic} {i}\"\ndate: 2023-{month:02}-{day:02}\nsummary: \"Officials in Washington and \
         Beijing weighed trade measures, note {i}.\"\n---\n\nThe Commerce Department reviewed the rules on \
         semiconductors{}. Analysts in Beijing expected a reply.{extra}\n",
        if quota { " and the annual quota" } else { "" }
    )
}

fn site() -> Site {
    let site = Site::empty();
    site.write("site.toml", "title = \"Trade Watch\"\nbase_url = \"https://example.org/\"\n");
    for i in 0..EXPLAINERS {
        site.write(&format!("content/articles/e{i:03}.md"), &explainer(i, i < BLOCK, ""));
    }
    site
}

/// The index files of a build from nothing, with the base URL `serve` uses.
fn cold_index(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let options = PipelineOptions {
        root: site.root.clone(),
        base_url: Some(BASE_URL.to_string()),
        include_drafts: false,
        include_future: false,
        today: today(),
        ends_process: false,
    };
    let config = pipeline::load_config(&options).expect("the site's configuration loads");
    let sink = MemorySink::default();
    pipeline::run(&options, config, &sink).expect("the site builds");
    sink.into_files().into_iter().filter(|(path, _)| path.starts_with("search/")).collect()
}

/// A `serve` session and the files it serves.
struct Served {
    session: Session,
    snapshot: Snapshot,
}

impl Served {
    fn new(site: &Site) -> Served {
        let session = Session::new(site.root.clone(), BASE_URL.to_string(), false).with_clock(false, today());
        Served { session, snapshot: Snapshot::default() }
    }

    /// Rebuilds after `changed` (every file when empty); returns the index files served, and how
    /// many index files the update wrote or removed.
    fn rebuild(&mut self, changed: &[&str]) -> (BTreeMap<String, Vec<u8>>, usize) {
        let changes: Vec<ChangedPath> = changed.iter().map(|p| ChangedPath::file(p)).collect();
        let plan = if changed.is_empty() { changes::RebuildPlan::everything() } else { changes::plan(&changes) };
        let rebuilt = self.session.rebuild(&plan).expect("the site builds");
        self.snapshot.apply(rebuilt.update);
        let (search, _) = self.session.rebuild_search().expect("the index is built in memory");
        let updated = search.pages.len();
        self.snapshot.apply(search);
        let files = self
            .snapshot
            .pages
            .iter()
            .filter(|(path, _)| path.starts_with("search/"))
            .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
            .collect();
        (files, updated)
    }
}

/// The term shard entry of "quota": an inline list is a string, a blocked one an array.
fn quota_is_blocked(files: &BTreeMap<String, Vec<u8>>) -> bool {
    let shards = files.iter().filter(|(p, _)| p.starts_with("search/index/t/"));
    for (_, bytes) in shards {
        let shard: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        if let Some(list) = shard["t"].get("quota") {
            return list.is_array();
        }
    }
    panic!("no term shard holds \"quota\"")
}

/// How many head files the index has (one per list cut into blocks).
fn heads(files: &BTreeMap<String, Vec<u8>>) -> usize {
    files_of(files, "h/")
}

/// How many files of a kind (`h/`, `n/`, …) the index has.
fn files_of(files: &BTreeMap<String, Vec<u8>>, kind: &str) -> usize {
    files.keys().filter(|p| p.strip_prefix("search/index/").is_some_and(|p| p.starts_with(kind))).count()
}

#[track_caller]
fn assert_same(served: &BTreeMap<String, Vec<u8>>, built: &BTreeMap<String, Vec<u8>>) {
    let paths = |files: &BTreeMap<String, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(served), paths(built), "the index files served are those a build writes");
    for (path, bytes) in built {
        assert!(served[path] == *bytes, "{path} differs from a build from nothing");
    }
}

#[test]
fn edits_across_a_block_boundary_serve_the_index_of_a_cold_build() {
    let site = site();
    let mut served = Served::new(&site);
    let (first, _) = served.rebuild(&[]);
    assert_same(&first, &cold_index(&site));
    assert!(!quota_is_blocked(&first), "{BLOCK} documents fit in one list");

    // one more explainer holds the word: its list becomes blocks
    let rel = format!("content/articles/e{:03}.md", BLOCK);
    site.write(&rel, &explainer(BLOCK, true, ""));
    let (blocked, updated) = served.rebuild(&[&rel]);
    assert_same(&blocked, &cold_index(&site));
    assert!(quota_is_blocked(&blocked));
    assert!(heads(&blocked) >= 1, "a list cut into blocks has a head file");
    // and a titled file: the titles of the explainers on quotas hold the word
    assert!(files_of(&blocked, "n/") >= 1, "a list cut into blocks of few titles has a titled file");
    assert!(updated < blocked.len(), "only the index files that changed are sent ({updated} of {})", blocked.len());

    // a longer text changes the explainer's length in every list that holds it
    site.write(&rel, &explainer(BLOCK, true, " The quota rose again after the talks in Geneva."));
    let (longer, _) = served.rebuild(&[&rel]);
    assert_same(&longer, &cold_index(&site));

    // and back: the blocks are gone, and removed from what is served
    site.write(&rel, &explainer(BLOCK, false, ""));
    let (inline, _) = served.rebuild(&[&rel]);
    assert_same(&inline, &cold_index(&site));
    assert!(!quota_is_blocked(&inline));
    assert!(heads(&inline) < heads(&blocked), "the head of a list no longer cut is gone");
    assert!(files_of(&inline, "n/") < files_of(&blocked, "n/"), "so is its titled file");

    // an explainer removed renumbers the documents after it
    site.remove("content/articles/e003.md");
    let (removed, _) = served.rebuild(&["content/articles/e003.md"]);
    assert_same(&removed, &cold_index(&site));
}

#[test]
fn only_edited_documents_are_analysed_again() {
    let site = site();
    let mut served = Served::new(&site);
    served.rebuild(&[]);
    let cache = |served: &mut Served| {
        let cache = served.session.cache_mut().search_cache();
        (cache.analysed(), cache.kept())
    };
    let (all, kept) = cache(&mut served);
    assert!(all >= EXPLAINERS, "a first build analyses every document ({all})");
    assert_eq!(kept, all);

    // an edit: that explainer only, its old analysis dropped
    let rel = "content/articles/e007.md";
    site.write(rel, &explainer(7, true, " Negotiators met in Geneva."));
    served.rebuild(&[rel]);
    assert_eq!(cache(&mut served), (1, all));

    // the same text again: nothing to analyse
    served.rebuild(&[rel]);
    assert_eq!(cache(&mut served), (0, all));

    // the language changes every analysis
    site.write("site.toml", "title = \"Trade Watch\"\nbase_url = \"https://example.org/\"\nlanguage = \"en-GB\"\n");
    served.rebuild(&["site.toml"]);
    assert_eq!(cache(&mut served), (all, all));
}

/// Letters only (numbers are left out of the words by reversed spelling): `n` spelled in `a`–`z`.
fn letters(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return out;
        }
    }
}

/// An explainer on a round of trade talks, with two words of its own (`qz…`), topics and actors.
fn talks(i: usize, body: &str) -> String {
    let day = 1 + i % 28;
    let month = 1 + (i / 28) % 12;
    let topic = ["Trade", "Taiwan", "Export controls"][i % 3];
    format!(
        "---\ntitle: \"Trade talks, round {}\"\ndate: 2023-{month:02}-{day:02}\nsummary: \"Negotiators from \
         Washington and Beijing met for round {} of the talks.\"\ntopics: [{topic}]\nactors: [Xi Jinping]\n---\n\n\
         The delegations discussed tariffs, rare earths and the qz{} and qy{} clauses. {body}\n",
        letters(i),
        letters(i),
        letters(i),
        letters(i)
    )
}

/// A site of `n` explainers on trade talks, a topic with a profile and an actor with one.
fn talks_site(n: usize) -> Site {
    let site = Site::empty();
    site.write("site.toml", "title = \"Trade Watch\"\nbase_url = \"https://example.org/\"\n");
    site.write(
        "content/topics/trade.md",
        "---\ntitle: Trade\nsummary: Tariffs and supply chains.\naliases: [Trade and tariffs]\n---\n\nThe \
         tariff schedules of both governments.\n",
    );
    site.write(
        "content/actors/xi-jinping.md",
        "---\nname: Xi Jinping\nkind: person\nrole: President of China\ncountry: China\naliases: [Xi]\n---\n\n\
         General secretary since 2012.\n",
    );
    for i in 0..n {
        site.write(&format!("content/articles/t{i:03}.md"), &talks(i, ""));
    }
    site
}

#[test]
fn edits_of_every_kind_serve_the_index_of_a_cold_build() {
    let site = talks_site(40);
    let mut served = Served::new(&site);
    let (first, _) = served.rebuild(&[]);
    assert_same(&first, &cold_index(&site));

    let edits: &[(&str, String)] = &[
        // a word no document had, and more of a common one: the average length changes
        ("content/articles/t004.md", talks(4, "Tariffs, tariffs and the zzquota rules.")),
        // a title
        ("content/articles/t009.md", talks(9, "").replace("Trade talks, round", "Chip talks, round")),
        // the words of its own gone: keys leave the term shards and the words by reversed spelling
        ("content/articles/t004.md", talks(4, "").replace(&format!("qz{}", letters(4)), "tariff")),
        // a word spelled like another word's stem ("governmental" stems to "government")
        ("content/articles/t011.md", talks(11, "The governmental review and the government's reply.")),
        // a topic's profile, and a summary
        ("content/topics/trade.md", "---\ntitle: Trade\nsummary: Tariffs.\n---\n\nQuotas on steel.\n".to_string()),
        ("content/articles/t020.md", talks(20, "").replace("Negotiators from", "Envoys of")),
        // back as it was
        ("content/articles/t011.md", talks(11, "")),
    ];
    for (rel, text) in edits {
        site.write(rel, text);
        let (files, _) = served.rebuild(&[rel]);
        assert_same(&files, &cold_index(&site));
    }

    // two files at once, then a new explainer: the documents after it are numbered again
    site.write("content/articles/t001.md", &talks(1, "Quotas on gallium."));
    site.write("content/articles/t002.md", &talks(2, "Quotas on germanium."));
    let (files, _) = served.rebuild(&["content/articles/t001.md", "content/articles/t002.md"]);
    assert_same(&files, &cold_index(&site));
    site.write("content/articles/t100.md", &talks(100, "A new round."));
    let (files, _) = served.rebuild(&["content/articles/t100.md"]);
    assert_same(&files, &cold_index(&site));
}

#[test]
fn an_edit_encodes_only_the_files_it_touches() {
    let site = talks_site(600);
    let mut served = Served::new(&site);
    let (first, _) = served.rebuild(&[]);
    let all = served.session.cache_mut().search_cache().encoded();
    let index_files =
        |files: &BTreeMap<String, Vec<u8>>| files.keys().filter(|p| p.starts_with("search/index/")).count();
    assert_eq!(all, index_files(&first), "a first build encodes every file");

    // a body edit of one explainer: its document shard, the term shards and blocks of its
    // words, the words by reversed spelling of its new word, meta.json
    let rel = "content/articles/t300.md";
    site.write(rel, &talks(300, "Tariffs and the zzquota rules."));
    let (edited, sent) = served.rebuild(&[rel]);
    assert_same(&edited, &cold_index(&site));
    let encoded = served.session.cache_mut().search_cache().encoded();
    let total = index_files(&edited);
    assert!(encoded <= 40 && encoded * 4 < total, "{encoded} of {total} files encoded again");
    assert!(sent <= encoded, "{sent} files sent, {encoded} encoded");

    // nothing changed: nothing encoded, nothing sent
    let (_, sent) = served.rebuild(&[rel]);
    assert_eq!((served.session.cache_mut().search_cache().encoded(), sent), (0, 0));
}
