//! Rules of the code base that reviews keep missing, checked on the text of `src/`: every module
//! says what it is in a `//!` line, and no function is longer than about 120 lines unless a
//! comment just above it says why (a line with `long because`). Both read rustfmt's layout: a
//! function's body ends at the first `}` at the indentation of its `fn` line.

use std::path::{Path, PathBuf};

/// How many lines a function may take, from its `fn` line to its closing brace.
const MAX_FUNCTION_LINES: usize = 120;

fn source_files() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&src)
        .into_iter()
        .map(|entry| entry.expect("src/ can be read").into_path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    assert!(files.len() > 1, "src/ has Rust files");
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path).display().to_string()
}

/// The name of the function a line starts, if it starts one that has a body.
fn function_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    loop {
        let before = rest;
        for qualifier in ["pub(crate) ", "pub(super) ", "pub ", "async ", "unsafe ", "const ", "extern \"C\" "] {
            rest = rest.strip_prefix(qualifier).unwrap_or(rest);
        }
        if rest == before {
            break;
        }
    }
    let name = rest.strip_prefix("fn ")?;
    let end = name.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    (!line.trim_end().ends_with(';')).then_some(&name[..end])
}

/// Functions longer than the limit in `text`, without a `long because` comment above them: the
/// name, the line where each starts and its length.
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(name) = function_name(line) else { continue };
        let indent = &line[..line.len() - line.trim_start().len()];
        let closing = format!("{indent}}}");
        let Some(end) = lines[at..].iter().position(|l| *l == closing) else { continue };
        let length = end + 1;
        // the comments and attributes right above the `fn` line
        let explained = lines[..at]
            .iter()
            .rev()
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("//") || l.starts_with("#[")
            })
            .any(|l| l.contains("long because"));
        if length > MAX_FUNCTION_LINES && !explained {
            found.push((name.to_string(), at + 1, length));
        }
    }
    found
}

#[test]
fn every_module_starts_with_a_line_that_says_what_it_is() {
    let missing: Vec<String> = source_files()
        .iter()
        .filter(|path| !std::fs::read_to_string(path).unwrap().starts_with("//!"))
        .map(|path| relative(path))
        .collect();
    assert!(missing.is_empty(), "modules without a `//!` line at the top: {missing:?}");
}

#[test]
fn no_function_is_longer_than_the_limit_without_saying_why() {
    let mut long = Vec::new();
    for path in source_files() {
        for (name, line, length) in long_functions(&std::fs::read_to_string(&path).unwrap()) {
            long.push(format!("{}:{line} `{name}` has {length} lines", relative(&path)));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (split them into named steps, or say above them why they are \
         `long because` …):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_rule_sees_long_functions_and_their_reasons() {
    let body = "    let x = 1;\n".repeat(MAX_FUNCTION_LINES);
    let long = format!("/// Does a thing.\npub fn long_one() {{\n{body}}}\n\nfn short() {{\n}}\n");
    assert_eq!(long_functions(&long), [("long_one".to_string(), 2, MAX_FUNCTION_LINES + 2)]);
    let explained =
        format!("/// Does a thing; long because it is one table.\n#[allow(x)]\nfn long_one() {{\n{body}}}\n");
    assert!(long_functions(&explained).is_empty());
    let fits = format!("fn fits() {{\n{}}}\n", "    let x = 1;\n".repeat(MAX_FUNCTION_LINES - 2));
    assert!(long_functions(&fits).is_empty());
    // a method, indented, and a declaration without a body
    let method = format!("impl A {{\n    pub(crate) fn m(&self) {{\n{body}    }}\n    fn d(&self);\n}}\n");
    assert_eq!(long_functions(&method).len(), 1);
}
