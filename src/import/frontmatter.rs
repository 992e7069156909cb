//! Front matter of imported pages: TOML between `+++` lines, YAML between `---` lines, or a JSON
//! object at the top of the file, read into free-form [`Map`]s (keys in written order), and the
//! helpers readers take their fields out with.

use crate::extra::{Map, Value};

/// A page split into its front matter and body.
#[derive(Debug)]
pub struct Page {
    pub fields: Map,
    pub body: String,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// A front matter problem: its 1-based line in the file, and what is wrong.
pub type Problem = (usize, String);

/// Splits and reads a page's front matter (none: empty fields and the whole text as body).
pub fn parse(text: &str) -> Result<Page, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = if text.contains('\r') { std::borrow::Cow::Owned(text.replace("\r\n", "\n")) } else { text.into() };
    let first = text.lines().next().unwrap_or_default().trim_end();
    let (fields, rest_at) = match first {
        "+++" | "---" => {
            let open_len = first.len() + 1;
            let close = format!("\n{first}");
            let Some(end) = text[open_len - 1..]
                .find(&format!("{close}\n"))
                .or_else(|| text[open_len - 1..].strip_suffix(close.as_str()).map(|s| s.len()))
            else {
                return Err((1, format!("front matter opened by `{first}` is not closed")));
            };
            let inner = &text[open_len.min(text.len())..(open_len - 1 + end).max(open_len.min(text.len()))];
            let fields = if first == "+++" { toml_fields(inner)? } else { yaml_fields(inner)? };
            (fields, (open_len - 1 + end + close.len() + 1).min(text.len()))
        }
        _ if text.starts_with('{') => {
            let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>();
            match stream.next() {
                Some(Ok(serde_json::Value::Object(map))) => (json_map(map), stream.byte_offset()),
                Some(Err(e)) => return Err((e.line(), format!("JSON front matter: {e}"))),
                _ => return Err((1, "JSON front matter must be an object".into())),
            }
        }
        _ => (Map::default(), 0),
    };
    let body_line = 1 + text[..rest_at].matches('\n').count();
    Ok(Page { fields, body: text[rest_at..].to_string(), body_line })
}

fn toml_fields(inner: &str) -> Result<Map, Problem> {
    let table: toml::Table = toml::from_str(inner).map_err(|e| {
        let line = e.span().map_or(0, |s| inner[..s.start.min(inner.len())].matches('\n').count());
        (line + 2, format!("TOML front matter: {}", e.message().trim()))
    })?;
    Ok(toml_table(table))
}

fn yaml_fields(inner: &str) -> Result<Map, Problem> {
    crate::yaml::parse_extra(inner).map_err(|e| (e.line + 1, format!("YAML front matter: {}", e.message)))
}

/// A TOML table as free-form data (dates as their text).
pub fn toml_table(table: toml::Table) -> Map {
    Map(table.into_iter().map(|(k, v)| (k, toml_value(v))).collect())
}

fn toml_value(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::Text(s),
        toml::Value::Integer(i) => Value::Integer(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::Text(d.to_string()),
        toml::Value::Array(items) => Value::List(items.into_iter().map(toml_value).collect()),
        toml::Value::Table(t) => Value::Map(toml_table(t)),
    }
}

/// A JSON object as free-form data.
pub fn json_map(map: serde_json::Map<String, serde_json::Value>) -> Map {
    Map(map.into_iter().map(|(k, v)| (k, json_value(v))).collect())
}

fn json_value(value: serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Text(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(json_value).collect()),
        serde_json::Value::Object(map) => Value::Map(json_map(map)),
    }
}

/// A scalar as text (`2024` → "2024"); `None` for lists, maps and nothing.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(t) => Some(t.clone()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Takes fields out of a map by name, ignoring letter case (Hugo's keys are case-insensitive:
/// `publishDate`, `publishdate`); what is left over becomes `extra`.
pub trait Take {
    fn take(&mut self, names: &[&str]) -> Option<Value>;

    fn take_text(&mut self, names: &[&str]) -> Option<String> {
        self.take(names).as_ref().and_then(scalar_text).filter(|t| !t.trim().is_empty())
    }

    fn take_bool(&mut self, names: &[&str]) -> Option<bool> {
        match self.take(names)? {
            Value::Bool(b) => Some(b),
            Value::Text(t) => Some(t.trim() == "true"),
            _ => None,
        }
    }

    /// A list of scalars, or one scalar as a list of one.
    fn take_list(&mut self, names: &[&str]) -> Vec<String> {
        match self.take(names) {
            Some(Value::List(items)) => items.iter().filter_map(scalar_text).filter(|t| !t.trim().is_empty()).collect(),
            Some(other) => scalar_text(&other).into_iter().filter(|t| !t.trim().is_empty()).collect(),
            None => Vec::new(),
        }
    }
}

impl Take for Map {
    fn take(&mut self, names: &[&str]) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| names.iter().any(|n| n.eq_ignore_ascii_case(k)))?;
        Some(self.0.remove(at).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_yaml_and_json_front_matter() {
        let page =
            parse("+++\ntitle = \"Lima\"\ndate = 2024-11-16T09:00:00Z\ntags = [\"Trade\"]\n+++\nBody.\n").unwrap();
        assert_eq!(page.fields.get("date"), Some(&Value::Text("2024-11-16T09:00:00Z".into())));
        assert_eq!((page.body.as_str(), page.body_line), ("Body.\n", 6));
        let mut page = parse("---\r\ntitle: Lima\r\nDraft: true\r\n---\r\nBody.\r\n").unwrap();
        assert_eq!(page.fields.take_bool(&["draft"]), Some(true));
        assert_eq!(page.body, "Body.\n");
        let mut page = parse("{\n  \"title\": \"Lima\",\n  \"tags\": [\"a\", 2]\n}\nBody.\n").unwrap();
        assert_eq!(page.fields.take_list(&["tags"]), ["a", "2"]);
        assert_eq!(page.body.trim(), "Body.");
        assert_eq!(parse("No front matter.\n").unwrap().body_line, 1);
    }

    #[test]
    fn problems_have_their_line() {
        assert_eq!(parse("+++\ntitle = \"a\"\ndate = \n+++\n").unwrap_err().0, 3);
        assert_eq!(parse("---\ntitle: a\nb: [\n---\n").unwrap_err().0, 4);
        assert!(parse("---\ntitle: a\n").unwrap_err().1.contains("not closed"));
        assert!(parse("{\"a\": ").is_err());
    }

    #[test]
    fn odd_delimiters_never_panic() {
        for text in [
            "+++",
            "+++\n",
            "+++\n+++",
            "---\n---",
            "---\n---\n",
            "---",
            "{",
            "{}",
            "\u{feff}---\n---\nx",
            "+++\r\n+++\r\n",
            "---\né: ü\n---",
        ] {
            let _ = parse(text);
        }
        assert_eq!(parse("---\n---\nBody").unwrap().body, "Body");
        assert!(parse("+++\n+++\n").unwrap().fields.is_empty());
    }
}
