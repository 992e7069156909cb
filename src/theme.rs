//! The default theme, compiled into the binary so any site builds without a `themes/` folder.

use include_dir::{Dir, include_dir};

pub const DEFAULT_THEME: &str = "default";

static DEFAULT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

fn files(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
    for file in dir.files() {
        let path = file.path().to_str().expect("theme paths are UTF-8").replace('\\', "/");
        let hidden = path.split('/').any(|p| p.starts_with('.'));
        if !hidden {
            out.push((path, file.contents()));
        }
    }
    for sub in dir.dirs() {
        files(sub, out);
    }
}

fn under(prefix: &str) -> Vec<(String, &'static [u8])> {
    let mut all = Vec::new();
    files(&DEFAULT, &mut all);
    let mut selected: Vec<_> = all
        .into_iter()
        .filter_map(|(path, bytes)| path.strip_prefix(prefix).map(|rel| (rel.to_string(), bytes)))
        .collect();
    selected.sort();
    selected
}

/// `(name, text)` of each template of the built-in default theme.
pub fn embedded_templates() -> Vec<(String, &'static str)> {
    under("templates/")
        .into_iter()
        .map(|(name, bytes)| (name, std::str::from_utf8(bytes).expect("built-in templates are UTF-8")))
        .collect()
}

/// `(output path, bytes)` of each static file of the built-in default theme.
pub fn embedded_static() -> Vec<(String, &'static [u8])> {
    under("static/")
}
