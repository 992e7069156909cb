//! A real web server: nginx, started by the test as a normal user's process on a free loopback
//! port with its own prefix and configuration, serves the `publish` fixture under its subpath
//! with the `.nginx.conf` the build wrote. Checked over HTTP: every alias answers 301 to its
//! explainer, unknown paths get the site's 404 page with 404, `.gz` copies are sent by
//! `gzip_static`, fingerprinted assets carry an immutable cache header, and every internal link
//! of every page answers 200.
//!
//! Without nginx installed the test says so and passes, unless `DOSSIER_REQUIRE_NGINX=1` (set by
//! `.ci/run`, which installs it): there a missing nginx fails.

mod harness;

use harness::{Page, Site, files_under};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const BASE: &str = "/briefs/";

fn nginx_binary() -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin"), PathBuf::from("/usr/local/nginx/sbin")]);
    candidates.map(|dir| dir.join("nginx")).find(|p| p.is_file())
}

/// nginx running in the foreground, stopped when dropped.
struct Nginx {
    child: Child,
    address: String,
    prefix: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    /// Serves `root` (which holds the output at `briefs/`) with `include` in its server block.
    fn start(binary: &Path, prefix: &Path, root: &Path, include: &Path) -> Nginx {
        for dir in ["logs", "tmp"] {
            std::fs::create_dir_all(prefix.join(dir)).unwrap();
        }
        // a free port: bound, read and released (nginx binds it a moment later)
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let types = Path::new("/etc/nginx/mime.types");
        let types = if types.is_file() {
            format!("include {};", types.display())
        } else {
            "types { text/html html; text/css css; text/javascript js; application/json json; \
             application/xml xml; application/atom+xml atom; image/svg+xml svg; }"
                .to_string()
        };
        let p = prefix.display();
        let config = format!(
            "daemon off;\nmaster_process off;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log warn;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  {types}\n  default_type application/octet-stream;\n  access_log off;\n\
             client_body_temp_path {p}/tmp/body;\n  proxy_temp_path {p}/tmp/proxy;\n  fastcgi_temp_path {p}/tmp/fastcgi;\n\
             uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n\
             server {{\n    listen 127.0.0.1:{port};\n    root {};\n    include {};\n  }}\n}}\n",
            root.display(),
            include.display()
        );
        let conf = prefix.join("nginx.conf");
        std::fs::write(&conf, config).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let nginx = Nginx { child, address: format!("127.0.0.1:{port}"), prefix: prefix.to_path_buf() };
        for _ in 0..200 {
            if std::net::TcpStream::connect(&nginx.address).is_ok() {
                return nginx;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("nginx did not start: {}", std::fs::read_to_string(prefix.join("logs/error.log")).unwrap_or_default());
    }

    /// `GET path` with `extra` header lines: status, headers (lower-case names), raw body.
    fn get(&self, path: &str, extra: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let (status, headers, body) = harness::http_with(&self.address, "GET", path, extra);
        (status, headers.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect(), body)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.prefix.join("logs/error.log")).unwrap_or_default()
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A path as sent on the request line: spaces and other bytes outside URLs percent-encoded.
fn on_the_wire(path: &str) -> String {
    const WIRE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b'"');
    percent_encoding::utf8_percent_encode(path, WIRE).to_string()
}

#[test]
fn nginx_serves_the_site_under_its_subpath_with_the_generated_configuration() {
    let Some(binary) = nginx_binary() else {
        assert!(
            std::env::var_os("DOSSIER_REQUIRE_NGINX").is_none(),
            "DOSSIER_REQUIRE_NGINX is set and nginx is not installed"
        );
        eprintln!("SKIPPED: nginx is not installed here (apt-get install nginx); CI runs this test");
        return;
    };
    let site = Site::fixture("publish");
    let www = site.outside().join("www");
    let output = www.join("briefs");
    site.run(&["build", "--output", output.to_str().unwrap()]).assert_success();
    let nginx = Nginx::start(&binary, &site.outside().join("nginx"), &www, &output.join(".nginx.conf"));

    // every alias answers 301 to its explainer, with or without its slash or index.html
    for (from, to) in [
        ("/briefs/2023/10/chip-rules/", "/briefs/articles/chip-rules-2023/"),
        ("/briefs/2024/12/chip-rules", "/briefs/articles/export-controls/"),
        ("/briefs/old briefs/chips/index.html", "/briefs/articles/export-controls/"),
    ] {
        let (status, headers, _) = nginx.get(&on_the_wire(from), "");
        let location = header(&headers, "location").unwrap_or_default();
        assert_eq!(status, 301, "{from}\n{}", nginx.log());
        assert!(location.ends_with(to), "{from} → {location}");
    }

    // unknown paths: the site's 404 page, with 404; the snippet itself is not served
    let not_found = std::fs::read(output.join("404.html")).unwrap();
    for path in ["/briefs/no/such/page/", "/briefs/.nginx.conf", "/briefs/.htaccess"] {
        let (status, _, body) = nginx.get(path, "");
        assert_eq!((status, body == not_found), (404, true), "{path}");
    }

    // the .gz copy is sent as it is
    let (status, headers, body) = nginx.get("/briefs/articles/export-controls/", "Accept-Encoding: gzip\r\n");
    assert_eq!((status, header(&headers, "content-encoding")), (200, Some("gzip")));
    assert_eq!(body, std::fs::read(output.join("articles/export-controls/index.html.gz")).unwrap());

    // fingerprinted assets are immutable; plain names are not
    let files = files_under(&output);
    let fingerprinted: Vec<&String> = files
        .keys()
        .filter(|p| {
            let parts: Vec<&str> = p.split('.').collect();
            parts.len() == 3 && parts[1].len() == 10 && parts[1].chars().all(|c| c.is_ascii_hexdigit())
        })
        .collect();
    assert_eq!(fingerprinted.len(), 3, "{fingerprinted:?}");
    for name in fingerprinted {
        let (status, headers, _) = nginx.get(&format!("{BASE}{name}"), "");
        assert_eq!(status, 200, "{name}");
        assert_eq!(header(&headers, "cache-control"), Some("public, max-age=31536000, immutable"), "{name}");
    }
    let (_, headers, _) = nginx.get("/briefs/style.css", "");
    assert_eq!(header(&headers, "cache-control"), None);

    // every internal link of every page answers 200
    let mut checked = std::collections::BTreeSet::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let page = Page::parse(&String::from_utf8_lossy(bytes));
        if page.attrs("meta[http-equiv=refresh]", "content").len() == 1 {
            continue; // an alias's page: its link is the explainer's, checked from the explainer
        }
        let mut targets = page.attrs("a[href]", "href");
        targets.extend(page.attrs("link[href]", "href"));
        targets.extend(page.attrs("[src]", "src"));
        for target in targets {
            let target = target.split('#').next().unwrap_or_default().to_string();
            if target.starts_with(BASE) && checked.insert(target.clone()) {
                let (status, _, _) = nginx.get(&on_the_wire(&target), "");
                assert_eq!(status, 200, "{target}, linked from {path}");
            }
        }
    }
    assert!(checked.len() > 15, "links were checked: {checked:?}");
}
