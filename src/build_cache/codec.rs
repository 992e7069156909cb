//! How the build cache writes the parts of a parse whose types are not its own (`serde(with)`
//! modules): dates, slugs and `extra` data. Each is written exactly (a date by its numbers, not
//! its text) and checked as it is read back: a value that cannot be is an error of the decoder,
//! which drops the cache, never a panic.

use crate::date::Date;
use crate::extra::{Map, Value};
use crate::slug::Slug;
use chrono::{DateTime, FixedOffset, NaiveDate};
use pulldown_cmark::CowStr;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The text a skipped `CowStr` field holds until the cache puts the right one in.
pub fn empty_text<'s>() -> CowStr<'s> {
    CowStr::Borrowed("")
}

/// A [`Date`] by its numbers: a day since the common era, or an instant's seconds, nanoseconds
/// and offset from UTC.
#[derive(Serialize, Deserialize)]
enum DateForm {
    Day(i32),
    Instant(i64, u32, i32),
}

impl DateForm {
    fn of(date: &Date) -> DateForm {
        use chrono::{Datelike, Offset};
        match date {
            Date::Day(d) => DateForm::Day(d.num_days_from_ce()),
            Date::Instant(t) => {
                DateForm::Instant(t.timestamp(), t.timestamp_subsec_nanos(), t.offset().fix().local_minus_utc())
            }
        }
    }

    fn date(self) -> Option<Date> {
        match self {
            DateForm::Day(days) => NaiveDate::from_num_days_from_ce_opt(days).map(Date::Day),
            DateForm::Instant(secs, nanos, offset) => {
                let offset = FixedOffset::east_opt(offset)?;
                DateTime::from_timestamp(secs, nanos).map(|t| Date::Instant(t.with_timezone(&offset)))
            }
        }
    }
}

pub mod date {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        DateForm::of(date).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        DateForm::deserialize(d)?.date().ok_or_else(|| D::Error::custom("a date out of range"))
    }
}

pub mod opt_date {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        date.as_ref().map(DateForm::of).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<DateForm>::deserialize(d)? {
            None => Ok(None),
            Some(form) => form.date().map(Some).ok_or_else(|| D::Error::custom("a date out of range")),
        }
    }
}

/// A slug by its text, which must be a slug as it is read back.
pub mod slug {
    use super::*;

    pub fn serialize<S: Serializer>(slug: &Slug, s: S) -> Result<S::Ok, S::Error> {
        slug.as_str().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Slug, D::Error> {
        let text = String::deserialize(d)?;
        Slug::parse_exact(&text).ok_or_else(|| D::Error::custom("a slug that is not one"))
    }
}

pub mod opt_slug {
    use super::*;

    pub fn serialize<S: Serializer>(slug: &Option<Slug>, s: S) -> Result<S::Ok, S::Error> {
        slug.as_ref().map(Slug::as_str).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Slug>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => Slug::parse_exact(&text).map(Some).ok_or_else(|| D::Error::custom("a slug that is not one")),
        }
    }
}

/// A list of numbers as one run of bytes (four little-endian bytes each), not one value at a
/// time: a body has one per event (where its HTML starts) and one per distinct word, and writing
/// and reading them one by one was most of the time spent on a body's entry.
pub mod u32s {
    use super::*;

    pub fn serialize<S: Serializer>(numbers: &[u32], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = numbers.iter().flat_map(|n| n.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: FromIterator<u32>>(d: D) -> Result<T, D::Error> {
        let bytes = d.deserialize_bytes(BytesVisitor)?;
        if bytes.len() % 4 != 0 {
            return Err(D::Error::custom("numbers cut short"));
        }
        Ok(numbers(&bytes, 4).map(|n| n as u32).collect())
    }
}

/// Pairs of numbers as one run of bytes (see [`u32s`]): a word bag's entries.
pub mod u32_pairs {
    use super::*;

    pub fn serialize<S: Serializer>(pairs: &[(u32, u32)], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> =
            pairs.iter().flat_map(|&(a, b)| (u64::from(a) | u64::from(b) << 32).to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(u32, u32)>, D::Error> {
        let bytes = d.deserialize_bytes(BytesVisitor)?;
        if bytes.len() % 8 != 0 {
            return Err(D::Error::custom("pairs of numbers cut short"));
        }
        Ok(numbers(&bytes, 8).map(|n| (n as u32, (n >> 32) as u32)).collect())
    }
}

/// The little-endian numbers of `width` bytes in `bytes` (the caller checks that its length is a
/// multiple of it).
fn numbers(bytes: &[u8], width: usize) -> impl Iterator<Item = u64> + '_ {
    bytes.chunks_exact(width).map(move |chunk| {
        let mut b = [0u8; 8];
        b[..width].copy_from_slice(chunk);
        u64::from_le_bytes(b)
    })
}

/// Reads a run of bytes.
struct BytesVisitor;

impl<'de> serde::de::Visitor<'de> for BytesVisitor {
    type Value = ByteRun<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a run of bytes")
    }

    fn visit_borrowed_bytes<E: serde::de::Error>(self, bytes: &'de [u8]) -> Result<Self::Value, E> {
        Ok(ByteRun::Borrowed(bytes))
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
        Ok(ByteRun::Owned(bytes.to_vec()))
    }
}

/// Bytes read, borrowed from the input when the decoder can.
enum ByteRun<'de> {
    Borrowed(&'de [u8]),
    Owned(Vec<u8>),
}

impl std::ops::Deref for ByteRun<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            ByteRun::Borrowed(b) => b,
            ByteRun::Owned(b) => b,
        }
    }
}

/// One node of `extra` data written flat, in pre-order: a list or a mapping gives how many
/// values (or key and value pairs) follow it. Flat, so that reading a hostile file nests no
/// deeper than [`MAX_DEPTH`] (a recursive decoder would overflow the stack on a deep one).
#[derive(Serialize, Deserialize)]
enum Node {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    Text(String),
    List(u32),
    Map(u32),
    Key(String),
}

/// Deeper than YAML's own reader goes (serde_yaml stops at 128).
const MAX_DEPTH: usize = 256;

fn flatten(value: &Value, out: &mut Vec<Node>) {
    match value {
        Value::Null => out.push(Node::Null),
        Value::Bool(b) => out.push(Node::Bool(*b)),
        Value::Integer(n) => out.push(Node::Integer(*n)),
        Value::Float(f) => out.push(Node::Float(*f)),
        Value::Text(t) => out.push(Node::Text(t.clone())),
        Value::List(items) => {
            out.push(Node::List(items.len() as u32));
            items.iter().for_each(|item| flatten(item, out));
        }
        Value::Map(map) => flatten_map(map, out),
    }
}

fn flatten_map(map: &Map, out: &mut Vec<Node>) {
    out.push(Node::Map(map.0.len() as u32));
    for (key, value) in &map.0 {
        out.push(Node::Key(key.clone()));
        flatten(value, out);
    }
}

/// The value that starts at `nodes[*at]`; `None` when the nodes do not make one.
fn unflatten(nodes: &[Node], at: &mut usize, depth: usize) -> Option<Value> {
    let node = nodes.get(*at)?;
    *at += 1;
    Some(match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Integer(n) => Value::Integer(*n),
        Node::Float(f) => Value::Float(*f),
        Node::Text(t) => Value::Text(t.clone()),
        Node::List(len) if depth < MAX_DEPTH => {
            // at most one value per node left: a count past them is refused before allocating
            let len = (*len as usize).min(nodes.len() - *at);
            let items = (0..len).map(|_| unflatten(nodes, at, depth + 1)).collect::<Option<Vec<_>>>()?;
            Value::List(items)
        }
        Node::Map(len) if depth < MAX_DEPTH => Value::Map(unflatten_map(*len, nodes, at, depth + 1)?),
        Node::List(_) | Node::Map(_) | Node::Key(_) => return None,
    })
}

fn unflatten_map(len: u32, nodes: &[Node], at: &mut usize, depth: usize) -> Option<Map> {
    let mut map = Vec::with_capacity((len as usize).min(nodes.len() - *at));
    for _ in 0..len {
        let Node::Key(key) = nodes.get(*at)? else { return None };
        *at += 1;
        map.push((key.clone(), unflatten(nodes, at, depth)?));
    }
    Some(Map(map))
}

/// `extra` data (a mapping), as [`Node`]s.
pub mod extra {
    use super::*;

    pub fn serialize<S: Serializer>(map: &Map, s: S) -> Result<S::Ok, S::Error> {
        let mut nodes = Vec::new();
        flatten_map(map, &mut nodes);
        nodes.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        let nodes = Vec::<Node>::deserialize(d)?;
        let mut at = 1;
        let map = match nodes.first() {
            Some(Node::Map(len)) => unflatten_map(*len, &nodes, &mut at, 1),
            _ => None,
        };
        match map {
            Some(map) if at == nodes.len() => Ok(map),
            _ => Err(D::Error::custom("`extra` data that does not hold together")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "date")]
        date: Date,
        #[serde(with = "opt_date")]
        updated: Option<Date>,
        #[serde(with = "opt_slug")]
        slug: Option<Slug>,
        #[serde(with = "extra")]
        extra: Map,
    }

    fn round_trip(sample: &Sample) -> Result<Sample, postcard::Error> {
        postcard::from_bytes(&postcard::to_allocvec(sample).unwrap())
    }

    #[test]
    fn dates_slugs_and_extra_read_back_exactly() {
        let nested = Value::Map(Map(vec![("k".into(), Value::List(vec![Value::Float(0.1), Value::Null]))]));
        let sample = Sample {
            date: Date::parse("2024-11-16T09:30:00.123456789-05:00").unwrap(),
            updated: Some(Date::parse("0001-01-01").unwrap()),
            slug: Slug::from_text("US–China trade"),
            extra: Map(vec![
                ("a".into(), Value::Text("x".into())),
                ("b".into(), nested),
                ("c".into(), Value::Bool(true)),
            ]),
        };
        assert_eq!(round_trip(&sample).unwrap(), sample);
        let plain =
            Sample { date: Date::parse("2025-01-01").unwrap(), updated: None, slug: None, extra: Map::default() };
        assert_eq!(round_trip(&plain).unwrap(), plain);
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Numbers {
        #[serde(with = "u32s")]
        ends: Box<[u32]>,
        #[serde(with = "u32_pairs")]
        pairs: Vec<(u32, u32)>,
    }

    #[test]
    fn numbers_read_back_exactly_and_a_cut_run_is_refused() {
        let numbers = Numbers { ends: vec![0, 1, 300, u32::MAX].into(), pairs: vec![(1, 2), (u32::MAX, 0)] };
        let bytes = postcard::to_allocvec(&numbers).unwrap();
        assert_eq!(postcard::from_bytes::<Numbers>(&bytes).unwrap(), numbers);
        let empty = Numbers { ends: Box::new([]), pairs: Vec::new() };
        assert_eq!(postcard::from_bytes::<Numbers>(&postcard::to_allocvec(&empty).unwrap()).unwrap(), empty);
        // a run whose length is not a whole number of numbers
        let cut = postcard::to_allocvec(&(&[1u8, 2, 3][..], &[0u8; 8][..])).unwrap();
        assert!(postcard::from_bytes::<Numbers>(&cut).is_err());
        let cut = postcard::to_allocvec(&(&[0u8; 4][..], &[0u8; 12][..])).unwrap();
        assert!(postcard::from_bytes::<Numbers>(&cut).is_err());
    }

    #[test]
    fn values_that_cannot_be_are_refused() {
        // a day past chrono's range, a slug that is not one, `extra` nested too deep
        let day = postcard::to_allocvec(&DateForm::Day(i32::MAX)).unwrap();
        assert!(date::deserialize(&mut postcard::Deserializer::from_bytes(&day)).is_err());
        let slug = postcard::to_allocvec(&"Not A Slug").unwrap();
        assert!(slug::deserialize(&mut postcard::Deserializer::from_bytes(&slug)).is_err());
        let deep: Vec<Node> = std::iter::once(Node::Map(1))
            .chain(std::iter::once(Node::Key("k".into())))
            .chain((0..10_000).map(|_| Node::List(1)))
            .chain(std::iter::once(Node::Null))
            .collect();
        let deep = postcard::to_allocvec(&deep).unwrap();
        assert!(extra::deserialize(&mut postcard::Deserializer::from_bytes(&deep)).is_err());
    }
}
