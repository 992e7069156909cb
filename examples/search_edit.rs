//! How long `serve` takes from an edit to an up-to-date search index: a session builds SITE_DIR,
//! then edits one explainer N times (`body`: a word added to its text each time; `title`: a word
//! added to its title), and prints the time of each rebuild of pages and of the search index, and
//! their medians. It writes to SITE_DIR: run it on a copy.
//!
//! usage: cargo run --release --example search_edit -- SITE_DIR content/articles/a00001.md [N] [body|title]

use dossier::serve::changes::{self, ChangedPath};
use dossier::serve::session::Session;
use std::time::Instant;

/// The allocator of the `dossier` binary, so that times are those of `serve`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().expect("usage: search_edit SITE_DIR FILE [N]"));
    let file = args.next().expect("usage: search_edit SITE_DIR FILE [N]");
    let n: usize = args.next().map_or(5, |n| n.parse().expect("N is a number"));
    let title = match args.next().as_deref() {
        None | Some("body") => false,
        Some("title") => true,
        Some(other) => panic!("an edit is `body` or `title`, not {other:?}"),
    };
    let mut session = Session::new(root.clone(), "http://127.0.0.1:1/".to_string(), false);
    let started = Instant::now();
    session.rebuild(&changes::RebuildPlan::everything()).expect("the site builds");
    let pages = started.elapsed();
    let (_, search) = session.rebuild_search().expect("the index is built");
    println!("first build: pages {pages:.2?}, search {search:.2?}");
    let path = root.join(&file);
    let original = std::fs::read_to_string(&path).expect("the file reads");
    let mut totals = Vec::new();
    let mut searches = Vec::new();
    for i in 0..n {
        let edited = if title {
            // a new word in the title: the title's postings, and the cards that show it
            original.replacen("\ntitle: \"", &format!("\ntitle: \"Zzedit{i} "), 1)
        } else {
            // a new word, and one more of a common one: the postings of both change
            format!("{original}\nEdited tariff zzedit{i} sanctions.\n")
        };
        assert!(edited != original, "the file has a `title: \"…\"` line");
        std::fs::write(&path, edited).expect("writes");
        let plan = changes::plan(&[ChangedPath::file(&file)]);
        let started = Instant::now();
        let rebuilt = session.rebuild(&plan).expect("the site builds");
        let pages = started.elapsed();
        let (update, search) = session.rebuild_search().expect("the index is built");
        println!(
            "edit {i}: pages {pages:.2?} ({} rendered), search {search:.2?} ({} index files changed), total {:.2?}",
            rebuilt.rendered,
            update.pages.len(),
            started.elapsed()
        );
        totals.push(started.elapsed());
        searches.push(search);
    }
    let median = |times: &mut Vec<std::time::Duration>| {
        times.sort_unstable();
        times.get(times.len() / 2).copied().unwrap_or_default()
    };
    println!("median: search {:.2?}, total {:.2?}", median(&mut searches), median(&mut totals));
    std::fs::write(&path, original).expect("writes");
}
