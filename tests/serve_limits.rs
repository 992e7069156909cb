//! `serve` and `preview` cannot be starved (issue 19, item 9): unfinished requests time out, a
//! flood of half-open connections does not lock out a real request, and the reload stream is
//! neither timed out nor closed to make room.

mod harness;

use harness::{Server, Site};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Half-open connections in the flood: more than the server's cap (512), and than the 1,024
/// open files many systems start a process with.
const FLOOD: usize = 1000;

/// Lets this test process hold the flood's sockets (the soft limit is often 1,024).
fn allow_open_files(wanted: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let target = limit.maximum.map_or(wanted, |hard| hard.min(wanted));
    if limit.current.is_some_and(|current| current < target) {
        setrlimit(Resource::Nofile, Rlimit { current: Some(target), maximum: limit.maximum }).unwrap();
    }
}

/// Holds the server to fewer open files than the flood has sockets, as the 20,000 were
/// more than its limit: without a cap, the flood would use them all up and leave none for a
/// real request. Linux only; elsewhere the server keeps the limit it raised at start.
fn limit_open_files_of(server: &Server) {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Pid, Resource, Rlimit, getrlimit, prlimit};
        // the server inherited this process's hard limit and left it as it was
        let hard = getrlimit(Resource::Nofile).maximum;
        let soft = hard.map_or(FLOOD as u64, |hard| hard.min(FLOOD as u64));
        let pid = Pid::from_child(&server.child);
        prlimit(Some(pid), Resource::Nofile, Rlimit { current: Some(soft), maximum: hard }).unwrap();
    }
    #[cfg(not(target_os = "linux"))]
    let _ = server;
}

/// Sockets that each sent part of a request line and will never finish it.
fn half_open(address: &str, count: usize) -> Vec<TcpStream> {
    allow_open_files(8192);
    (0..count)
        .filter_map(|_| {
            // the server may already be closing the oldest ones: a failed write is fine
            let mut stream = TcpStream::connect(address).ok()?;
            let _ = stream.write_all(b"GET /articles/summit/ HT");
            Some(stream)
        })
        .collect()
}

/// `GET path`, answered completely within a second.
#[track_caller]
fn answered_within_a_second(server: &Server, path: &str) {
    let started = Instant::now();
    let response = server.get(path);
    let took = started.elapsed();
    assert_eq!(response.status, 200, "{path}\nstderr:\n{}", server.stderr());
    assert!(took < Duration::from_secs(1), "{path} took {took:?}");
}

/// The reload event stream, its head read.
fn reload_stream(server: &Server) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    write!(stream, "GET /__dossier/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    while line != "\r\n" {
        line.clear();
        reader.read_line(&mut line).unwrap();
    }
    reader
}

#[track_caller]
fn reload_arrives(reader: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    loop {
        line.clear();
        let read = reader.read_line(&mut line).expect("a reload event before the timeout");
        assert!(read > 0, "the reload stream was closed");
        if line.starts_with("event: reload") {
            return;
        }
    }
}

/// Whether the server closes `stream` within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => return !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
        }
    }
}

#[test]
fn a_thousand_half_open_connections_do_not_stop_serve_from_answering() {
    let site = Site::fixture("basic");
    let server = Server::start(&site.root, &["serve"]);
    limit_open_files_of(&server);
    let mut reloads = reload_stream(&server);
    let flood = half_open(&server.address, FLOOD);
    assert!(flood.len() > FLOOD / 2, "only {} connections opened", flood.len());
    for path in ["/", "/articles/summit/", "/style.css", "/no/such/page/"] {
        let started = Instant::now();
        let response = server.get(path);
        assert!(response.status == 200 || response.status == 404, "{path}: {}", response.status);
        assert!(started.elapsed() < Duration::from_secs(1), "{path} took {:?}", started.elapsed());
    }
    for _ in 0..20 {
        answered_within_a_second(&server, "/");
    }
    // the reload stream opened before the flood was not closed to make room
    site.write("content/articles/background.md", "---\ntitle: The background\ndate: 2024-11-10\n---\n\nChanged.\n");
    reload_arrives(&mut reloads);
    assert!(server.stderr().contains("the least recently active are closed to make room"), "{}", server.stderr());
    drop(flood);
}

#[test]
fn a_thousand_half_open_connections_do_not_stop_preview_from_answering() {
    let site = Site::fixture("basic");
    site.build_ok();
    let server = Server::start(&site.root, &["preview"]);
    limit_open_files_of(&server);
    let flood = half_open(&server.address, FLOOD);
    for _ in 0..20 {
        answered_within_a_second(&server, "/articles/summit/");
    }
    drop(flood);
}

#[test]
fn unfinished_requests_and_idle_connections_are_closed_after_ten_seconds_but_not_the_reload_stream() {
    let site = Site::fixture("basic");
    let server = Server::start(&site.root, &["serve"]);
    let mut reloads = reload_stream(&server);
    let started = Instant::now();
    let mut stalled = half_open(&server.address, 1).pop().unwrap();
    let mut silent = TcpStream::connect(&server.address).unwrap();
    // a kept-alive connection after its answer
    let mut idle = TcpStream::connect(&server.address).unwrap();
    write!(idle, "GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut answer = [0u8; 4096];
    let n = idle.read(&mut answer).unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer[..n]));

    for (what, stream) in [("unfinished", &mut stalled), ("silent", &mut silent), ("idle", &mut idle)] {
        assert!(closed_within(stream, Duration::from_secs(15)), "{what}: still open after {:?}", started.elapsed());
        let after = started.elapsed();
        assert!(after > Duration::from_secs(9) && after < Duration::from_secs(14), "{what}: closed after {after:?}");
    }
    // the reload stream lives on past the timeout
    site.write("content/articles/background.md", "---\ntitle: The background\ndate: 2024-11-10\n---\n\nChanged.\n");
    reload_arrives(&mut reloads);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn ctrl_c_stops_promptly_with_a_reload_stream_open() {
    let site = Site::fixture("basic");
    let mut server = Server::start(&site.root, &["serve"]);
    let _reloads = reload_stream(&server);
    let _flood = half_open(&server.address, 10);
    let pid = server.child.id().to_string();
    std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}
