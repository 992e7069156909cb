//! Where pages live: site paths (`articles/x/`) turned into links under `base_url`'s path, or absolute URLs.

use crate::slug::Slug;
use url::Url;

// The site paths of actors and topics are made here and nowhere else: assembly, link
// resolution, the page plan, the feeds and the templates' navigation all ask for them.

/// The actor index; every actor's pages are in this folder.
pub const ACTORS: &str = "actors/";
/// The topic index; every topic's pages are in this folder.
pub const TOPICS: &str = "topics/";
/// The Atom feed of a page, inside its folder.
const FEED_FILE: &str = "atom.xml";
/// Every update and correction of the site, and its feed.
pub const CORRECTIONS: &str = "corrections/";
pub const CORRECTIONS_FEED: &str = "corrections/atom.xml";
/// The CSL-JSON citation of an explainer, in its folder: `articles/x/cite.json`.
pub fn cite_path(explainer_path: &str) -> String {
    format!("{explainer_path}cite.json")
}

/// The site path of an actor's page: `actors/xi-jinping/`.
pub fn actor_path(slug: &Slug) -> String {
    entity_path(ACTORS, slug)
}

/// The site path of a topic's page: `topics/taiwan/`.
pub fn topic_path(slug: &Slug) -> String {
    entity_path(TOPICS, slug)
}

fn entity_path(folder: &str, slug: &Slug) -> String {
    let mut path = String::with_capacity(folder.len() + slug.as_str().len() + 1);
    path.push_str(folder);
    path.push_str(slug.as_str());
    path.push('/');
    path
}

/// The site path of the feed of the page at `page_path` (the site's is `feed_path("")`):
/// `topics/taiwan/` → `topics/taiwan/atom.xml`.
pub fn feed_path(page_path: &str) -> String {
    format!("{page_path}{FEED_FILE}")
}

/// Builds links from site paths. A site path is relative to `base_url`, has no leading `/`,
/// and ends with `/` for pages (`articles/x/`) or names a file (`atom.xml`); `""` is the home page.
///
/// In a multilingual site, each language but the default has its pages in a folder of the
/// output (`fr/`): its `Urls` put that folder before every site path, and the static files,
/// written once for every language, are linked at the root ([`Urls::asset_href`]).
#[derive(Debug, Clone)]
pub struct Urls {
    base_url: Url,
    /// `/` or `/sub/path/` (with the language's folder: `/sub/path/fr/`).
    base_path: String,
    /// `base_url`'s path without the language's folder: where static files are.
    root_path: String,
}

impl Urls {
    pub fn new(base_url: &Url) -> Urls {
        let base_path = base_url.path().to_string();
        Urls { base_url: base_url.clone(), root_path: base_path.clone(), base_path }
    }

    /// The links of the pages of a language whose folder is `prefix` (`fr/`; `""` for the
    /// default language, which is [`Urls::new`]).
    pub fn for_language(base_url: &Url, prefix: &str) -> Urls {
        let mut urls = Urls::new(base_url);
        if !prefix.is_empty() {
            urls.base_url = base_url.join(prefix).unwrap_or_else(|_| base_url.clone());
            urls.base_path = urls.base_url.path().to_string();
        }
        urls
    }

    /// The link to a static file (`style.css`, an image): at the root, for every language.
    pub fn asset_href(&self, site_path: &str) -> String {
        format!("{}{site_path}", self.root_path)
    }

    /// The full address of a static file, at the root for every language.
    pub fn asset_absolute(&self, site_path: &str) -> String {
        let host = self.base_url.as_str().strip_suffix(self.base_path.as_str()).unwrap_or("");
        format!("{host}{}{site_path}", self.root_path)
    }

    /// The path of `base_url` without the language's folder: where static files are linked.
    pub fn root_path(&self) -> &str {
        &self.root_path
    }

    /// The link written into pages: `/dossier/articles/x/`. Root-relative, so the same output
    /// works behind any host name, in `preview` and in `serve`.
    pub fn href(&self, site_path: &str) -> String {
        let mut s = String::with_capacity(self.base_path.len() + site_path.len());
        s.push_str(&self.base_path);
        s.push_str(site_path);
        s
    }

    /// The full address, for feeds, sitemaps, canonical links and social cards.
    pub fn absolute(&self, site_path: &str) -> String {
        let mut s = String::with_capacity(self.base_url.as_str().len() + site_path.len());
        s.push_str(self.base_url.as_str());
        s.push_str(site_path);
        s
    }

    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }
}

/// The file a site path is written to: `articles/x/` → `articles/x/index.html`.
pub fn output_file(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

/// The site path of page `n` (1-based) of a paginated list at `first`.
pub fn paginated(first: &str, n: usize) -> String {
    if n <= 1 { first.to_string() } else { format!("{first}page/{n}/") }
}

/// Resolves `.` and `..` in a `/`-separated path (`a/./b/../c` → `a/c`, empty parts dropped);
/// `None` when `..` would climb above its root. Link resolution and `dossier import` both use it.
pub fn normalize_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_base_path() {
        let urls = Urls::new(&Url::parse("https://example.org/dossier/").unwrap());
        assert_eq!(urls.href("articles/x/"), "/dossier/articles/x/");
        assert_eq!(urls.href(""), "/dossier/");
        assert_eq!(urls.absolute("atom.xml"), "https://example.org/dossier/atom.xml");
        assert_eq!(output_file("articles/x/"), "articles/x/index.html");
        assert_eq!(output_file(""), "index.html");
        assert_eq!(output_file("404.html"), "404.html");
        assert_eq!(paginated("topics/taiwan/", 2), "topics/taiwan/page/2/");
        assert_eq!(paginated("", 1), "");
    }

    #[test]
    fn a_language_folder_is_before_pages_not_assets() {
        let urls = Urls::for_language(&Url::parse("https://example.org/dossier/").unwrap(), "fr/");
        assert_eq!(urls.href("articles/x/"), "/dossier/fr/articles/x/");
        assert_eq!(urls.absolute(""), "https://example.org/dossier/fr/");
        assert_eq!(urls.asset_href("style.css"), "/dossier/style.css");
        assert_eq!(Urls::for_language(urls.base_url(), "").href("x/"), "/dossier/fr/x/");
    }

    #[test]
    fn entity_paths() {
        let slug = Slug::from_text("Xi Jinping").unwrap();
        assert_eq!(actor_path(&slug), "actors/xi-jinping/");
        assert_eq!(topic_path(&slug), "topics/xi-jinping/");
        assert!(actor_path(&slug).starts_with(ACTORS) && topic_path(&slug).starts_with(TOPICS));
        assert_eq!(feed_path(&topic_path(&slug)), "topics/xi-jinping/atom.xml");
        assert_eq!(feed_path(""), "atom.xml");
    }
}
