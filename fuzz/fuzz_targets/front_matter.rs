//! Front matter: any bytes, as the text of a content file, through `split` and every reader.
//! Every diagnostic is rendered, which also exercises `SourceFile::locate`.
#![no_main]

use dossier::diagnostics::{Diagnostic, SourceFile};
use dossier::frontmatter;
use libfuzzer_sys::fuzz_target;

/// Inputs larger than this only slow the fuzzer down; front matter is short.
const MAX_LEN: usize = 16 * 1024;

fn render(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let text = d.to_string();
        assert!(text.starts_with("error: ") || text.starts_with("warning: "));
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_LEN {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let source = SourceFile::new("content/articles/fuzz.md", &text);
    let split = match frontmatter::split(&source) {
        Ok(split) => split,
        Err(d) => {
            render(&[d]);
            return;
        }
    };
    // The documented invariants of `Split`: offsets are bytes into the whole file.
    assert_eq!(&text[split.body_offset..], split.body, "body_offset does not point at the body");
    if let Some((yaml, yaml_start)) = split.yaml {
        assert_eq!(&text[yaml_start..yaml_start + yaml.len()], yaml, "yaml_start does not point at the YAML");
        assert!(yaml_start + yaml.len() <= split.body_offset);
    }

    let (_, diags) = frontmatter::read_explainer(&source, &split);
    render(&diags);
    let (_, diags) = frontmatter::read_actor(&source, &split);
    render(&diags);
    let (_, diags) = frontmatter::read_topic(&source, &split);
    render(&diags);
    let (_, diags) = frontmatter::read_home(&source, &split);
    render(&diags);
});
