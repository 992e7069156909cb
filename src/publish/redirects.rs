//! Redirect files for hosts that send real redirects: every alias of an explainer answers 301 to
//! its page. The meta-refresh page each alias has stays, for hosts without redirects.
//!
//! - `_redirects` (Netlify, Cloudflare Pages): two lines per alias. Netlify serves a file that
//!   exists at an address before any rule for it (the alias's own page) unless the rule is
//!   forced with `301!`; Cloudflare Pages always follows rules but reads only a bare status, and
//!   skips a `301!` line as invalid. Each host uses the one line it understands.
//! - `.nginx.conf`: directives to `include` in the site's `server { }` block: exact `location`s
//!   that return 301, the site's 404 page, `gzip_static` when `.gz` copies are built, and an
//!   immutable cache header for fingerprinted assets. It is at the top of the output, a hidden
//!   file that no page links to, and the snippet answers 404 for it.
//! - `.htaccess` (Apache): `RedirectMatch 301` per alias, the 404 page, immutable assets.
//!
//! With fingerprinted assets and `"netlify"`, `_headers` marks them immutable too.

use crate::assemble::{PageKind, Site};
use crate::config::{Compression, PublishConfig, RedirectHost};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use std::fmt::Write as _;

/// An alias: the site path it is at (`2024/11/old/`) and the site path of its explainer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Redirect {
    pub from: String,
    pub to: String,
}

/// Every alias of the site, in path order.
pub fn of_site(site: &Site) -> Vec<Redirect> {
    let mut redirects: Vec<Redirect> = site
        .pages
        .iter()
        .filter_map(|page| match page.kind {
            PageKind::Alias { explainer } => {
                Some(Redirect { from: page.path.clone(), to: site.explainers[explainer].path.clone() })
            }
            _ => None,
        })
        .collect();
    redirects.sort();
    redirects
}

/// `Cache-Control` of a file whose name changes with its bytes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The nginx snippet's path in the output.
pub const NGINX_FILE: &str = ".nginx.conf";

/// What goes into the host files: the site's base URL and path, its aliases, the site paths of
/// its fingerprinted assets, and the copies it precompresses.
pub struct HostFiles<'a> {
    pub base_url: &'a str,
    /// `/` or `/sub/`.
    pub base_path: &'a str,
    pub redirects: &'a [Redirect],
    /// Site paths (`style.0123456789.css`) of the files that never change under their name.
    pub immutable: &'a [String],
}

/// The files `[publish]` adds to the output, each with its path, in path order.
pub fn host_files(publish: &PublishConfig, files: &HostFiles<'_>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for host in &publish.redirects {
        match host {
            RedirectHost::Netlify => {
                out.push(("_redirects".to_string(), netlify(files).into_bytes()));
                if !files.immutable.is_empty() {
                    out.push(("_headers".to_string(), headers(files).into_bytes()));
                }
            }
            RedirectHost::Nginx => {
                let gzip = publish.precompress.contains(&Compression::Gzip);
                let apache = publish.redirects.contains(&RedirectHost::Apache);
                out.push((NGINX_FILE.to_string(), nginx(files, gzip, apache).into_bytes()));
            }
            RedirectHost::Apache => out.push((".htaccess".to_string(), apache(files).into_bytes())),
        }
    }
    out.sort();
    out
}

/// What a path may hold unencoded in `_redirects`: a space would split the line.
const PATH: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?');

fn encoded(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

fn netlify(files: &HostFiles<'_>) -> String {
    let mut text = format!(
        "# Written by dossier for {}: each alias answers 301 with its explainer.\n\
         # `301!` is for Netlify (a forced rule: the alias's own page exists), `301` for Cloudflare\n\
         # Pages (which always follows rules and skips the `301!` line).\n",
        files.base_url
    );
    for r in files.redirects {
        let (from, to) =
            (encoded(&format!("{}{}", files.base_path, r.from)), encoded(&format!("{}{}", files.base_path, r.to)));
        let _ = writeln!(text, "{from} {to} 301!\n{from} {to} 301");
    }
    text
}

fn headers(files: &HostFiles<'_>) -> String {
    let mut text = format!("# Written by dossier for {}: fingerprinted files never change.\n", files.base_url);
    for asset in files.immutable {
        let _ = writeln!(text, "{}\n  Cache-Control: {IMMUTABLE}", encoded(&format!("{}{asset}", files.base_path)));
    }
    text
}

/// A string as nginx reads it between double quotes.
fn nginx_quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn nginx(files: &HostFiles<'_>, gzip: bool, apache: bool) -> String {
    let base = files.base_path;
    let mut text = format!(
        "# Written by dossier for {}. Include it in the site's `server {{ }}` block, whose `root` holds\n\
         # the output folder at {base} (see docs/publishing.md).\n\
         error_page 404 {base}404.html;\n",
        files.base_url
    );
    if gzip {
        text.push_str("# the .gz copies dossier wrote beside each text file\ngzip_static on;\n");
    }
    let _ = writeln!(text, "location = {base}{NGINX_FILE} {{ return 404; }}");
    if apache {
        let _ = writeln!(text, "location = {base}.htaccess {{ return 404; }}");
    }
    if !files.redirects.is_empty() {
        text.push_str("# aliases: 301 to their explainer, with or without the final slash or index.html\n");
    }
    for r in files.redirects {
        let to = nginx_quoted(&format!("{base}{}", r.to));
        let from = format!("{base}{}", r.from);
        let bare = from.trim_end_matches('/');
        for path in [from.clone(), bare.to_string(), format!("{from}index.html")] {
            let _ = writeln!(text, "location = {} {{ return 301 {to}; }}", nginx_quoted(&path));
        }
    }
    if !files.immutable.is_empty() {
        text.push_str("# fingerprinted files never change under their name\n");
    }
    for asset in files.immutable {
        let path = nginx_quoted(&format!("{base}{asset}"));
        let _ = writeln!(text, "location = {path} {{ add_header Cache-Control \"{IMMUTABLE}\"; }}");
    }
    text
}

/// A path as a regular expression of Apache (PCRE) that matches it literally.
fn regex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}\"".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn apache(files: &HostFiles<'_>) -> String {
    let base = files.base_path;
    let mut text = format!(
        "# Written by dossier for {}: the 404 page, each alias answers 301 with its explainer,\n\
         # fingerprinted files never change.\nErrorDocument 404 {base}404.html\n",
        files.base_url
    );
    if !files.redirects.is_empty() {
        text.push_str("<IfModule mod_alias.c>\n");
    }
    for r in files.redirects {
        let from = regex_literal(&format!("{base}{}", r.from.trim_end_matches('/')));
        let _ = writeln!(text, "RedirectMatch 301 \"^{from}(/|/index\\.html)?$\" \"{base}{}\"", r.to);
    }
    if !files.redirects.is_empty() {
        text.push_str("</IfModule>\n");
    }
    if !files.immutable.is_empty() {
        text.push_str("<IfModule mod_headers.c>\n");
        for asset in files.immutable {
            let _ = writeln!(
                text,
                "<Files \"{}\">\n  Header set Cache-Control \"{IMMUTABLE}\"\n</Files>",
                asset.rsplit('/').next().unwrap_or(asset)
            );
        }
        text.push_str("</IfModule>\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<Redirect>, Vec<String>) {
        let redirects = vec![Redirect { from: "2024/11/lima talks/".into(), to: "articles/biden-xi-lima/".into() }];
        (redirects, vec!["style.0123456789.css".into()])
    }

    #[test]
    fn every_host_gets_its_own_file_in_path_order() {
        let (redirects, immutable) = sample();
        let files = HostFiles {
            base_url: "https://example.org/dossier/",
            base_path: "/dossier/",
            redirects: &redirects,
            immutable: &immutable,
        };
        let publish = PublishConfig {
            redirects: vec![RedirectHost::Netlify, RedirectHost::Nginx, RedirectHost::Apache],
            precompress: vec![Compression::Gzip],
            fingerprint: true,
        };
        let out = host_files(&publish, &files);
        let names: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, [".htaccess", ".nginx.conf", "_headers", "_redirects"]);
        let text = |name: &str| String::from_utf8(out.iter().find(|(p, _)| p == name).unwrap().1.clone()).unwrap();
        assert!(text("_redirects").contains(
            "/dossier/2024/11/lima%20talks/ /dossier/articles/biden-xi-lima/ 301!\n/dossier/2024/11/lima%20talks/ /dossier/articles/biden-xi-lima/ 301\n"
        ));
        let nginx = text(".nginx.conf");
        assert!(nginx.contains(
            "location = \"/dossier/2024/11/lima talks\" { return 301 \"/dossier/articles/biden-xi-lima/\"; }"
        ));
        assert!(nginx.contains("gzip_static on;") && nginx.contains("error_page 404 /dossier/404.html;"));
        assert!(text(".htaccess").contains(
            "RedirectMatch 301 \"^/dossier/2024/11/lima talks(/|/index\\.html)?$\" \"/dossier/articles/biden-xi-lima/\""
        ));
        assert!(
            text("_headers")
                .contains("/dossier/style.0123456789.css\n  Cache-Control: public, max-age=31536000, immutable")
        );
        assert!(host_files(&PublishConfig::default(), &files).is_empty(), "no redirect files by default");
    }
}
