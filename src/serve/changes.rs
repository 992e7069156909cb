//! What a set of changed files means for a rebuild: a pure function from paths to a plan.

use std::collections::BTreeSet;

/// A path the watcher reported, relative to the site root, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedPath {
    pub rel: String,
    /// Whether it is a folder now (a folder created, renamed or moved in).
    pub is_dir: bool,
}

impl ChangedPath {
    pub fn file(rel: &str) -> ChangedPath {
        ChangedPath { rel: rel.to_string(), is_dir: false }
    }
}

/// What to reload before assembling again. Everything after loading (assembly, the choice of
/// pages to render) is decided by comparing the new site with the previous one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RebuildPlan {
    /// site.toml, or a catalogue of strings (`i18n/`, `themes/<name>/i18n/`): reload the
    /// configuration (which holds the catalogue) and, for site.toml, the theme's templates and
    /// static files.
    pub config: bool,
    /// Templates (the site's or the theme's): recompile them; every page may change.
    pub templates: bool,
    /// Static files (the site's or the theme's): list them again.
    pub static_files: bool,
    /// Content files to read again (relative to `content/`); gone ones are dropped.
    pub content: BTreeSet<String>,
    /// A folder under content/ changed as a whole (created, moved, removed): rescan content/.
    pub rescan_content: bool,
}

impl RebuildPlan {
    pub fn is_empty(&self) -> bool {
        *self == RebuildPlan::default()
    }

    /// A plan that reloads everything, for the first build.
    pub fn everything() -> RebuildPlan {
        RebuildPlan {
            config: true,
            templates: true,
            static_files: true,
            content: BTreeSet::new(),
            rescan_content: true,
        }
    }
}

/// Files editors and systems write next to real ones: never content.
fn is_noise(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp") || name == "4913"
}

/// Decides what to reload for a batch of changed paths.
pub fn plan(changes: &[ChangedPath]) -> RebuildPlan {
    let mut plan = RebuildPlan::default();
    for change in changes {
        let parts: Vec<&str> = change.rel.split('/').filter(|p| !p.is_empty()).collect();
        let Some((&first, rest)) = parts.split_first() else { continue };
        // static folders are copied with their dotfiles: only what the build leaves out is noise there
        let in_static = first == "static" || (first == "themes" && rest.get(1) == Some(&"static"));
        if parts.iter().any(|p| if in_static { crate::load::left_out_of_static(p) } else { is_noise(p) }) {
            continue;
        }
        match first {
            "site.toml" if rest.is_empty() => {
                plan.config = true;
                plan.templates = true;
                plan.static_files = true;
            }
            // a folder may be (or hold) a page bundle, whose files are listed with the static ones
            "content" if rest.is_empty() || change.is_dir => {
                plan.rescan_content = true;
                plan.static_files = true;
            }
            "content" => {
                let rel = rest.join("/");
                if rel.ends_with(".md") {
                    // an `index.md` added or removed makes its folder a bundle or not
                    if rest.last() == Some(&crate::load::BUNDLE_INDEX) {
                        plan.static_files = true;
                    }
                    plan.content.insert(rel);
                } else if !rel.contains('.') {
                    // a name without extension may be a folder that is gone already
                    plan.rescan_content = true;
                    plan.static_files = true;
                } else {
                    // a file of a page bundle (`map.png` beside an `index.md`)
                    plan.static_files = true;
                }
            }
            // the site's translations, or a theme's catalogues: the configuration holds the
            // catalogue, and every page may show a string
            "i18n" => plan.config = true,
            "templates" => plan.templates = true,
            "static" => plan.static_files = true,
            "themes" => match rest.get(1) {
                Some(&"i18n") => plan.config = true,
                Some(&"templates") => plan.templates = true,
                Some(&"static") => plan.static_files = true,
                // a theme folder itself: all it may hold
                _ => {
                    plan.config = true;
                    plan.templates = true;
                    plan.static_files = true;
                }
            },
            _ => {}
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> RebuildPlan {
        plan(&paths.iter().map(|p| ChangedPath::file(p)).collect::<Vec<_>>())
    }

    #[test]
    fn an_explainer_edit_reloads_that_file_only() {
        let p = files(&["content/articles/biden-xi-lima.md"]);
        assert_eq!(p.content.iter().collect::<Vec<_>>(), ["articles/biden-xi-lima.md"]);
        assert!(!p.config && !p.templates && !p.static_files && !p.rescan_content);
    }

    #[test]
    fn site_toml_reloads_everything_but_content() {
        let p = files(&["site.toml"]);
        assert!(p.config && p.templates && p.static_files);
        assert!(p.content.is_empty());
    }

    #[test]
    fn templates_themes_and_static() {
        assert!(files(&["templates/explainer.html"]).templates);
        assert!(files(&["themes/default/templates/base.html"]).templates);
        let theme_static = files(&["themes/default/static/style.css"]);
        assert!(theme_static.static_files && !theme_static.templates);
        assert!(files(&["static/img/map.png"]).static_files);
        assert!(files(&["static/.well-known/security.txt"]).static_files, "dotfiles of static/ are copied");
        assert!(!files(&["static/.git/index", "static/.DS_Store", "static/.map.svg.swp"]).static_files);
    }

    #[test]
    fn translations_reload_the_configuration() {
        for path in ["i18n/fr.toml", "themes/mine/i18n/fr.toml", "i18n"] {
            let p = files(&[path]);
            assert!(p.config, "{path}");
            assert!(p.content.is_empty() && !p.rescan_content, "{path}: no content is read again");
        }
        assert!(files(&["i18n/.fr.toml.swp", "i18n/fr.toml~"]).is_empty(), "editors' files");
        let theme_folder = files(&["themes/mine"]);
        assert!(theme_folder.config && theme_folder.templates && theme_folder.static_files, "it may hold i18n/");
    }

    #[test]
    fn bundle_files_are_listed_again() {
        let image = files(&["content/articles/lima/map.png"]);
        assert!(image.static_files && image.content.is_empty() && !image.rescan_content);
        assert!(files(&["content/articles/lima/data/figures.csv"]).static_files);
        let index = files(&["content/articles/lima/index.md"]);
        assert!(index.static_files, "a new index.md makes its folder a bundle");
        assert_eq!(index.content.iter().collect::<Vec<_>>(), ["articles/lima/index.md"]);
        let moved = plan(&[ChangedPath { rel: "content/articles/lima".into(), is_dir: true }]);
        assert!(moved.rescan_content && moved.static_files);
        assert!(!files(&["content/articles/lima/.map.png.swp", "content/articles/lima/map.png~"]).static_files);
        assert!(!files(&["content/articles/x.md"]).static_files, "an explainer edit lists nothing again");
    }

    #[test]
    fn a_section_index_is_read_again_as_content() {
        let p = files(&["content/articles/asia/_index.md"]);
        assert_eq!(p.content.iter().collect::<Vec<_>>(), ["articles/asia/_index.md"]);
        assert!(!p.static_files && !p.rescan_content, "an `_index.md` makes no page bundle");
    }

    #[test]
    fn folders_and_noise() {
        let moved = plan(&[ChangedPath { rel: "content/analysis".into(), is_dir: true }]);
        assert!(moved.rescan_content);
        assert!(files(&["content/articles"]).rescan_content, "a removed folder");
        assert!(
            files(&["content/articles/.x.md.swp", "content/articles/x.md~", "public/index.html", ".git/index"])
                .is_empty()
        );
        let image = files(&["content/articles/image.png"]);
        assert!(image.static_files && image.content.is_empty(), "it may belong to a page bundle");
        let batch = files(&["content/a.md", "content/b.md", "content/a.md"]);
        assert_eq!(batch.content.len(), 2);
    }
}
