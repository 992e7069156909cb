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
    fn non_mappings_are_errors() {
        assert!(parse_mapping("- a\n- b\n").unwrap_err().message.contains("a list"));
        assert!(parse_mapping("").unwrap().is_empty());
    }
}
