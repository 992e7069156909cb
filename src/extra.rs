//! Free-form `extra` data: the `extra:` mapping of front matter and `[extra]` of `site.toml`, kept
//! as written (keys in their written order) for templates, which see it as `extra` on each view.
//!
//! The YAML library converts its values into these in `yaml.rs`, toml in `config.rs`: the rest of
//! dossier knows neither.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::hash::{Hash, Hasher};

/// One value of `extra`.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(String),
    List(Vec<Value>),
    Map(Map),
}

/// A mapping, its keys in the order they were written (so output never depends on a hash order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map(pub Vec<(String, Value)>);

/// What a page or the site carries as `extra`: a mapping, empty when none was written.
pub type Extra = Map;

impl Map {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of `key`, if written.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Integer(n) => s.serialize_i64(*n),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Text(t) => s.serialize_str(t),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(map) => map.serialize(s),
        }
    }
}

/// For page fingerprints (`serve`): every value, floats by their bits.
impl Hash for Value {
    fn hash<H: Hasher>(&self, h: &mut H) {
        std::mem::discriminant(self).hash(h);
        match self {
            Value::Null => {}
            Value::Bool(b) => b.hash(h),
            Value::Integer(n) => n.hash(h),
            Value::Float(f) => f.to_bits().hash(h),
            Value::Text(t) => t.hash(h),
            Value::List(items) => items.hash(h),
            Value::Map(map) => map.hash(h),
        }
    }
}

impl Hash for Map {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0.hash(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_in_written_order() {
        let map = Map(vec![
            ("zeta".into(), Value::Integer(1)),
            ("alpha".into(), Value::List(vec![Value::Bool(true), Value::Null, Value::Float(1.5)])),
        ]);
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, r#"{"zeta":1,"alpha":[true,null,1.5]}"#);
        assert_eq!(map.get("zeta"), Some(&Value::Integer(1)));
    }
}
