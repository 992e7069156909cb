//! The one module that knows the YAML library: swap `serde_yaml` for a maintained fork here and nowhere else.

use serde::de::DeserializeOwned;

/// A parsed YAML value whose type is not yet known.
#[derive(Debug, Clone)]
pub struct YamlValue(serde_yaml::Value);

/// A YAML syntax error, located inside the YAML text (1-based line, 1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses a YAML document that must be a mapping with string keys, keeping the order of the keys.
/// An empty document is an empty mapping.
pub fn parse_mapping(text: &str) -> Result<Vec<(String, YamlValue)>, YamlError> {
    check_flow_nesting(text)?;
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        YamlError { message: clean_message(&e.to_string()), line, column }
    })?;
    match value {
        serde_yaml::Value::Null => Ok(Vec::new()),
        serde_yaml::Value::Mapping(map) => map
            .into_iter()
            .map(|(k, v)| match k {
                serde_yaml::Value::String(k) => Ok((k, YamlValue(v))),
                other => Err(YamlError {
                    message: format!("field names must be text, found `{}`", describe(&other)),
                    line: 1,
                    column: 1,
                }),
            })
            .collect(),
        other => Err(YamlError {
            message: format!("front matter must be a list of `field: value` lines, found {}", kind(&other)),
            line: 1,
            column: 1,
        }),
    }
}

/// How deep `[…]` and `{…}` may nest. serde_yaml refuses more than 128 levels anyway, but only
/// after its scanner has read the whole document, and that scanner walks every open level for each
/// token: 100,000 `[` took 13 s. Refusing early keeps hostile front matter linear.
const MAX_FLOW_DEPTH: usize = 100;

/// Refuses flow collections nested deeper than [`MAX_FLOW_DEPTH`], before the YAML library sees
/// them. The scan is deliberately simple and errs on the side of counting too little: quoted text,
/// comments and plain text in block context (`title: a [b`) are skipped; any other `[` or `{`
/// opens a level and any `]` or `}` closes one.
fn check_flow_nesting(text: &str) -> Result<(), YamlError> {
    // byte by byte: every character the scan looks for is ASCII, and a character outside ASCII
    // is plain text however its bytes are taken (YAML's white space is ASCII too)
    let bytes = text.as_bytes();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let is_continuation = |b: u8| b & 0xC0 == 0x80;
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut in_plain_text = false;
    let mut after_space = true;
    let mut previous = b'\n';
    let (mut line, mut column) = (1usize, 0usize);
    let mut at = 0;
    while let Some(&c) = bytes.get(at) {
        at += 1;
        if !is_continuation(c) {
            column += 1;
        }
        let followed_by_space = bytes.get(at).is_none_or(|&n| is_space(n));
        if c == b'\n' {
            (line, column) = (line + 1, 0);
            in_plain_text = false;
        }
        if let Some(q) = quote {
            if c == q && q == b'\'' && bytes.get(at) == Some(&b'\'') {
                at += 1;
                column += 1;
            } else if c == q {
                quote = None;
            } else if q == b'"' && c == b'\\' && at < bytes.len() {
                // the escaped character, whole
                at += 1;
                while bytes.get(at).is_some_and(|&b| is_continuation(b)) {
                    at += 1;
                }
                column += 1;
            }
        } else if c == b'#' && after_space {
            at += bytes[at..].iter().position(|&b| b == b'\n').unwrap_or(bytes.len() - at);
        } else if in_plain_text {
            in_plain_text = !(c == b':' && followed_by_space);
        } else {
            match c {
                // inside a flow collection a quote in the middle of a word is part of the word
                b'"' | b'\'' if depth == 0 || matches!(previous, b'\n' | b'[' | b'{' | b',' | b':' | b'?' | b'-') => {
                    quote = Some(c)
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        let message = format!("lists and mappings are nested more than {MAX_FLOW_DEPTH} levels deep");
                        return Err(YamlError { message, line, column });
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'-' | b'?' | b':' if followed_by_space => {}
                b',' => {}
                _ if is_space(c) => {}
                // plain text: in block context it runs to the end of the line or to `: `
                _ => in_plain_text = depth == 0,
            }
        }
        after_space = is_space(c);
        if !after_space || c == b'\n' {
            previous = c;
        }
    }
    Ok(())
}

/// Writes `value` as a YAML document (`key: value` lines, no leading `---`), keys in the order the
/// value serializes them. Text that YAML would read as another type (`yes`, `2024-11-16`, `1.0`) is
/// quoted, so it reads back as the same text.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| clean_message(&e.to_string()))
}

impl YamlValue {
    /// Converts into a typed value; the error names what was expected and what was found.
    pub fn deserialize<T: DeserializeOwned>(self) -> Result<T, String> {
        serde_yaml::from_value(self.0).map_err(|e| clean_message(&e.to_string()))
    }

    /// The items of a sequence, or `None` for any other kind of value.
    pub fn into_items(self) -> Option<Vec<YamlValue>> {
        match self.0 {
            serde_yaml::Value::Sequence(items) => Some(items.into_iter().map(YamlValue).collect()),
            _ => None,
        }
    }

    /// A scalar rendered as text (`1984` → "1984", `true` → "true"); `None` for lists, maps and null.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.0 {
            serde_yaml::Value::String(s) => Some(s.clone()),
            serde_yaml::Value::Number(n) => Some(n.to_string()),
            serde_yaml::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        kind(&self.0)
    }

    /// A mapping as free-form [`extra`](crate::extra) data, keys in written order; `Err` names
    /// what was found instead of a mapping (or the key that is not text, deeper down).
    pub fn into_extra(self) -> Result<crate::extra::Map, String> {
        match untagged(self.0) {
            serde_yaml::Value::Mapping(map) => extra_map(map),
            other => Err(format!("expected a mapping such as `{{series: Chip war}}`, found {}", kind(&other))),
        }
    }
}

/// Parses a YAML document that must be a mapping into free-form [`extra`](crate::extra) data,
/// keys in written order (the front matter of imported sites); an empty document is empty.
pub fn parse_extra(text: &str) -> Result<crate::extra::Map, YamlError> {
    let mut out = Vec::new();
    for (key, value) in parse_mapping(text)? {
        let value = extra_value(value.0).map_err(|message| YamlError { message, line: 1, column: 1 })?;
        out.push((key, value));
    }
    Ok(crate::extra::Map(out))
}

/// A value without its YAML tag (`!tag value` is `value`).
fn untagged(value: serde_yaml::Value) -> serde_yaml::Value {
    match value {
        serde_yaml::Value::Tagged(tagged) => untagged(tagged.value),
        other => other,
    }
}

fn extra_map(map: serde_yaml::Mapping) -> Result<crate::extra::Map, String> {
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        // a key written as a number or boolean (`2024: …`) is its text, as templates look it up
        let key = match untagged(k) {
            serde_yaml::Value::String(s) => s,
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::Bool(b) => b.to_string(),
            other => return Err(format!("names in `extra` must be text, found {}", kind(&other))),
        };
        out.push((key, extra_value(v)?));
    }
    Ok(crate::extra::Map(out))
}

fn extra_value(value: serde_yaml::Value) -> Result<crate::extra::Value, String> {
    use crate::extra::Value;
    Ok(match untagged(value) {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_yaml::Value::String(s) => Value::Text(s),
        serde_yaml::Value::Sequence(items) => {
            Value::List(items.into_iter().map(extra_value).collect::<Result<_, _>>()?)
        }
        serde_yaml::Value::Mapping(map) => Value::Map(extra_map(map)?),
        serde_yaml::Value::Tagged(tagged) => extra_value(tagged.value)?,
    })
}

fn kind(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "a boolean",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "text",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

fn describe(value: &serde_yaml::Value) -> String {
    serde_yaml::to_string(value).map(|s| s.trim().to_string()).unwrap_or_else(|_| kind(value).to_string())
}

/// serde_yaml appends " at line L column C" to messages; we report locations ourselves.
fn clean_message(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_reports_syntax_locations() {
        let map = parse_mapping("title: A\ndate: 2024-11-16\n").unwrap();
        assert_eq!(map.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["title", "date"]);
        let err = parse_mapping("title: A\nactors: [Xi\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn dates_stay_text() {
        let map = parse_mapping("date: 2024-11-16").unwrap();
        assert_eq!(map[0].1.scalar_text().as_deref(), Some("2024-11-16"));
    }

    #[test]
    fn rejects_alias_bombs_quickly() {
        let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
            doc.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let started = std::time::Instant::now();
        assert!(parse_mapping(&doc).is_err());
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn refuses_deep_flow_nesting_before_parsing() {
        let deep = format!("title: {}", "[".repeat(100_000));
        let err = parse_mapping(&deep).unwrap_err();
        assert_eq!((err.line, err.column), (1, 8 + MAX_FLOW_DEPTH), "{err:?}");
        assert!(err.message.contains("nested more than"), "{err:?}");
        // columns count characters, not bytes
        let err = parse_mapping(&format!("\"é\\日\": {}", "[".repeat(200))).unwrap_err();
        assert_eq!((err.line, err.column), (1, 8 + MAX_FLOW_DEPTH), "{err:?}");
        // the brackets the scan must not count: in quotes, comments and plain text
        let shallow =
            format!("a: \"{q}\"\nb: '{q}'' {q}'\nc: x {q}\n# {q}\nd: [[1], {{e: [2]}}]\n", q = "[".repeat(200));
        let map = parse_mapping(&shallow).unwrap();
        assert_eq!(map.len(), 4);
        assert!(parse_mapping(&format!("a: {}{}", "[".repeat(90), "]".repeat(90))).is_ok());
        // a quote inside a word in a flow collection opens nothing, so it cannot hide brackets
        assert!(parse_mapping(&format!("a: [x'{}", "[".repeat(1000))).unwrap_err().message.contains("nested"));
    }

    #[test]
    fn extra_keeps_written_order_and_refuses_non_mappings() {
        let map = parse_mapping("extra:\n  zeta: 1\n  alpha: [a, 2.5]\n  2024: !t yes\n").unwrap();
        let extra = map.into_iter().next().unwrap().1.into_extra().unwrap();
        let keys: Vec<&str> = extra.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["zeta", "alpha", "2024"]);
        let map = parse_mapping("extra: [a, b]\n").unwrap();
        let err = map.into_iter().next().unwrap().1.into_extra().unwrap_err();
        assert!(err.contains("found a list"), "{err}");
    }

    #[test]
    fn written_yaml_reads_back_as_the_same_text() {
        let map = crate::extra::Map(vec![
            ("title".into(), crate::extra::Value::Text("yes: no # not a comment".into())),
            ("date".into(), crate::extra::Value::Text("2024-11-16".into())),
            ("n".into(), crate::extra::Value::Text("1.0".into())),
        ]);
        let text = to_string(&map).unwrap();
        let back = parse_mapping(&text).unwrap();
        let texts: Vec<String> = back.iter().map(|(_, v)| v.scalar_text().unwrap()).collect();
        assert_eq!(texts, ["yes: no # not a comment", "2024-11-16", "1.0"]);
    }

    #[test]
    fn non_mappings_are_errors() {
        assert!(parse_mapping("- a\n- b\n").unwrap_err().message.contains("a list"));
        assert!(parse_mapping("").unwrap().is_empty());
    }
}
