//! `serve` started from the cache (issue 25): a session takes the parses `build` (or an earlier
//! session) kept in `.dossier-cache/`, serves the very pages a cold session serves, answers for a
//! page not rendered yet once it is (never a 404), and ignores a damaged cache with a warning.

mod harness;

use dossier::serve::changes::RebuildPlan;
use dossier::serve::http::{AppState, BoundServer, Files, Live};
use dossier::serve::session::Session;
use harness::{Response, Server, Site, http};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Every file a build of the site wrote, as paths the server answers for.
fn served_paths(site: &Site) -> Vec<String> {
    site.output_files()
        .into_keys()
        .filter(|path| !path.ends_with(".gz") && !path.ends_with(".br") && !path.starts_with('.'))
        .map(|path| format!("/{path}"))
        .collect()
}

/// What `server` answers for each path, once its search index is there (the last of the first
/// build's files).
fn answers(server: &Server, paths: &[String]) -> BTreeMap<String, (u16, String)> {
    server.wait_for("/search/index/meta.json", "the first build ends", |r| r.status == 200);
    paths
        .iter()
        .map(|path| {
            let r = server.get(path);
            // each server has its own port, in the absolute addresses of its pages
            (path.clone(), (r.status, r.body.replace(&server.address, "127.0.0.1:PORT")))
        })
        .collect()
}

/// Every file answered the same by both servers, and every one found.
#[track_caller]
fn assert_same(served: &BTreeMap<String, (u16, String)>, expected: &BTreeMap<String, (u16, String)>) {
    assert_eq!(served.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (path, (status, body)) in expected {
        assert_eq!(*status, 200, "{path}");
        assert!(served[path] == (*status, body.clone()), "{path} differs:\n{}\n---\n{body}", served[path].1);
    }
}

fn serve_parse_file(site: &Site) -> std::path::PathBuf {
    site.root.join(".dossier-cache/serve/parse.bin")
}

/// Waits until the first build of `server` has put its parse file in place (or said why not).
fn wait_for_first_build(server: &Server) {
    server.wait_for("/search/index/meta.json", "the first build ends", |r| r.status == 200);
    // the parse file is put in place right after the search index
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn a_serve_started_from_the_build_cache_serves_the_pages_of_a_cold_serve() {
    let site = Site::fixture("serve-warm");
    site.build_ok();
    assert!(site.root.join(".dossier-cache/parse.bin").is_file(), "the build keeps its parses");
    let paths = served_paths(&site);
    assert!(paths.len() > 15, "{paths:?}");
    let warm = Server::start(&site.root, &["serve"]);
    let warm_answers = answers(&warm, &paths);
    wait_for_first_build(&warm);
    // every file's parse came from build's parse.bin (its options are serve's: base_url's path is
    // `/` for both): nothing was parsed, so nothing was written
    assert!(!serve_parse_file(&site).exists(), "nothing parsed, nothing written");
    assert!(!warm.stderr().contains("parse cache"), "{}", warm.stderr());
    drop(warm);
    let cold = Server::start(&site.root, &["serve", "--no-cache"]);
    let cold_answers = answers(&cold, &paths);
    assert_same(&warm_answers, &cold_answers);
    assert!(!serve_parse_file(&site).exists(), "--no-cache writes no cache");
}

#[test]
fn a_session_keeps_its_own_parses_when_build_s_are_made_for_another_base_url() {
    // build's base_url has a path, serve's does not: the parse differs (raw HTML addresses), so
    // build's parse.bin is not used and serve keeps its own
    let site = Site::fixture("serve-warm");
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &config.replace("https://example.org/", "https://example.org/desk/"));
    site.build_ok();
    let paths = served_paths(&site);
    let first = Server::start(&site.root, &["serve"]);
    let first_answers = answers(&first, &paths);
    wait_for_first_build(&first);
    let written = std::fs::metadata(serve_parse_file(&site)).expect("serve keeps its own parses").modified().unwrap();
    drop(first);
    // the second session takes every parse from it: nothing is written again
    let second = Server::start(&site.root, &["serve"]);
    assert_same(&answers(&second, &paths), &first_answers);
    wait_for_first_build(&second);
    assert_eq!(std::fs::metadata(serve_parse_file(&site)).unwrap().modified().unwrap(), written);
    let leftovers: Vec<_> = std::fs::read_dir(site.root.join(".dossier-cache/serve"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_damaged_cache_is_ignored_with_a_warning() {
    let site = Site::fixture("serve-warm");
    site.build_ok();
    let cold = Server::start(&site.root, &["serve", "--no-cache"]);
    let paths = served_paths(&site);
    let cold_answers = answers(&cold, &paths);
    assert_eq!(cold.stderr(), "", "--no-cache reads no cache");
    drop(cold);
    // build's parse file cut short, serve's not a cache at all
    let build_file = site.root.join(".dossier-cache/parse.bin");
    let bytes = std::fs::read(&build_file).unwrap();
    std::fs::write(&build_file, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::create_dir_all(site.root.join(".dossier-cache/serve")).unwrap();
    std::fs::write(serve_parse_file(&site), "not a cache").unwrap();
    let warm = Server::start(&site.root, &["serve"]);
    assert_same(&answers(&warm, &paths), &cold_answers);
    wait_for_first_build(&warm);
    // the sizes in the warnings depend on how parses are encoded: not what this test is about
    let stderr: String = warm.stderr().chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
    insta::assert_snapshot!(stderr);
    // the session wrote a good cache of its own in place of the damaged one
    drop(warm);
    let again = Server::start(&site.root, &["serve"]);
    assert_same(&answers(&again, &paths), &cold_answers);
    assert!(!again.stderr().contains("parse cache"), "{}", again.stderr());
}

/// A plain GET through the harness, on a thread of its own: (whether it has answered, the answer).
fn get_later(address: &str, path: &str) -> (Arc<AtomicBool>, std::thread::JoinHandle<Response>) {
    let done = Arc::new(AtomicBool::new(false));
    let (address, path, flag) = (address.to_string(), path.to_string(), Arc::clone(&done));
    let handle = std::thread::spawn(move || {
        let response = http(&address, "GET", &path);
        flag.store(true, Ordering::SeqCst);
        response
    });
    (done, handle)
}

#[test]
fn a_page_asked_for_before_it_is_rendered_is_answered_once_it_is() {
    let site = Site::fixture("serve-warm");
    let server = BoundServer::bind("127.0.0.1".parse().unwrap(), 0).unwrap();
    let address = server.address.to_string();
    let url = format!("http://{address}/");
    let (reloads, _) = tokio::sync::broadcast::channel(16);
    let live = Live { publishing: true, ..Live::default() };
    let state = Arc::new(AppState { files: Files::Live(RwLock::new(live)), reloads });
    let serving = Arc::clone(&state);
    std::thread::spawn(move || server.serve(serving));
    // asked for before the first build starts: each request waits
    let late = "/articles/export-rules/";
    let (late_done, late_answer) = get_later(&address, late);
    let (missing_done, missing_answer) = get_later(&address, "/no/such/page/");
    let (style_done, style_answer) = get_later(&address, "/style.css");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!late_done.load(Ordering::SeqCst), "a page not rendered yet is waited for");

    let Files::Live(live) = &state.files else { unreachable!() };
    let order = Mutex::new(Vec::new());
    let publish = |path: String, bytes: Arc<Vec<u8>>| {
        if path == "articles/export-rules/index.html" {
            // still waiting when the page comes: the request did not get a 404
            assert!(!late_done.load(Ordering::SeqCst), "answered before its page was rendered");
        }
        order.lock().unwrap().push(path.clone());
        Live::publish(live, path, bytes);
    };
    let mut session = Session::new(site.root.clone(), url, false).with_disk_cache();
    let rebuilt = session.rebuild_publishing(&RebuildPlan::everything(), &publish).expect("the site builds");
    let order = order.into_inner().unwrap();
    assert_eq!(order.first().map(String::as_str), Some("index.html"), "the home page comes first: {order:?}");
    let answer = late_answer.join().unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("Export rules for chips"), "{}", answer.body);
    assert!(!missing_done.load(Ordering::SeqCst), "a missing page waits for the end of the first build");
    assert!(!style_done.load(Ordering::SeqCst), "static files come with the end of the first build");
    {
        let mut live = live.write().unwrap();
        live.snapshot.apply(rebuilt.update);
        live.built = true;
    }
    Live::published_all(live);
    assert_eq!(missing_answer.join().unwrap().status, 404, "then a missing page is missing");
    assert_eq!(style_answer.join().unwrap().status, 200);
    // the bytes are those served once everything is built
    let after = http(&address, "GET", late);
    assert_eq!((after.status, after.body), (answer.status, answer.body));
    assert!(session.save_parses().is_none());
    assert!(serve_parse_file(&site).is_file(), "a first session keeps its parses");
}

/// Every page of a session's first run, with the parses kept on disk or without them.
fn first_run(site: &Site, from_disk: bool) -> BTreeMap<String, Vec<u8>> {
    let mut session = Session::new(site.root.clone(), "http://127.0.0.1:9/".to_string(), false);
    if from_disk {
        session = session.with_disk_cache();
    }
    let rebuilt = session.rebuild(&RebuildPlan::everything()).expect("the site builds");
    assert!(session.save_parses().is_none());
    rebuilt.update.pages.into_iter().map(|(path, bytes)| (path, bytes.expect("a page").to_vec())).collect()
}

#[test]
fn a_session_after_edits_takes_only_the_parses_that_still_hold() {
    let site = Site::fixture("serve-warm");
    let before = first_run(&site, true);
    assert!(serve_parse_file(&site).is_file());
    // edited between two sessions: a body, a title, a new explainer, one removed
    let geneva = std::fs::read_to_string(site.root.join("content/articles/geneva-talks.md")).unwrap();
    site.write("content/articles/geneva-talks.md", &geneva.replace("two days", "three days"));
    let truce = std::fs::read_to_string(site.root.join("content/articles/truce-extended.md")).unwrap();
    site.write("content/articles/truce-extended.md", &truce.replace("The truce is extended", "The pause holds"));
    site.write(
        "content/articles/soybeans.md",
        "---\ntitle: Soybean purchases\ndate: 2025-10-30\nsummary: China resumed buying.\ntopics: [Tariffs]\n---\n\nOrders resumed after the Busan meeting.\n",
    );
    site.remove("content/articles/export-rules.md");
    let warm = first_run(&site, true);
    let cold = first_run(&site, false);
    assert_eq!(warm.keys().collect::<Vec<_>>(), cold.keys().collect::<Vec<_>>());
    for (path, bytes) in &cold {
        assert!(warm[path] == *bytes, "{path} differs from a session without the cache");
    }
    let home = String::from_utf8_lossy(&warm["index.html"]).into_owned();
    assert!(home.contains("The pause holds") && home.contains("Soybean purchases"), "{home}");
    assert!(!home.contains("Export rules"));
    assert_ne!(before["articles/geneva-talks/index.html"], warm["articles/geneva-talks/index.html"]);
}
