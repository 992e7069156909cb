//! `Date`: a front matter date, either a calendar day (`2024-11-16`) or an RFC 3339 instant.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};
use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Date {
    Day(NaiveDate),
    Instant(DateTime<FixedOffset>),
}

impl Date {
    /// Parses `YYYY-MM-DD` or RFC 3339 (`2024-11-16T09:30:00-05:00`).
    pub fn parse(text: &str) -> Result<Date, String> {
        let text = text.trim();
        if text.len() == 10 {
            return NaiveDate::parse_from_str(text, "%Y-%m-%d").map(Date::Day).map_err(|_| impossible_day(text));
        }
        DateTime::parse_from_rfc3339(text)
            .map(Date::Instant)
            .map_err(|e| format!("invalid date `{text}`: {e}; expected YYYY-MM-DD or an RFC 3339 date-time"))
    }

    /// The calendar day (for instants, in their own time zone).
    pub fn day(&self) -> NaiveDate {
        match self {
            Date::Day(d) => *d,
            Date::Instant(t) => t.date_naive(),
        }
    }

    /// The instant, taking a bare day as midnight UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        match self {
            Date::Day(d) => d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc(),
            Date::Instant(t) => t.with_timezone(&Utc),
        }
    }

    /// What `<time datetime>` and JSON-LD take: the day, or the full RFC 3339 instant.
    pub fn machine(&self) -> String {
        match self {
            Date::Day(d) => four_digit_day(*d).unwrap_or_else(|| d.format("%Y-%m-%d").to_string()),
            Date::Instant(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        }
    }

    /// RFC 3339 in UTC, as Atom feeds and sitemaps want.
    pub fn rfc3339(&self) -> String {
        let day = match self {
            Date::Day(d) => four_digit_day(*d),
            Date::Instant(_) => None,
        };
        day.map_or_else(
            || self.instant().to_rfc3339_opts(SecondsFormat::Secs, true),
            |mut day| {
                day.push_str("T00:00:00Z");
                day
            },
        )
    }

    /// For readers: `16 November 2024`.
    pub fn human(&self) -> String {
        let day = self.day();
        if FOUR_DIGIT_YEARS.contains(&day.year()) {
            format!("{} {} {:04}", day.day(), MONTHS[day.month0() as usize], day.year())
        } else {
            day.format("%-d %B %Y").to_string()
        }
    }

    /// Equal instants sort as their written forms would: by local date and time, then a bare day
    /// before an instant.
    fn tie_break(&self, other: &Date) -> Ordering {
        let local = |date: &Date| match date {
            Date::Day(d) => (d.and_hms_opt(0, 0, 0).expect("midnight exists"), false),
            Date::Instant(t) => (t.naive_local(), true),
        };
        local(self).cmp(&local(other))
    }
}

/// The years dates are formatted by hand for; chrono formats the others (`+10000`).
const FOUR_DIGIT_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it, for the [`FOUR_DIGIT_YEARS`]; digit by digit,
/// since pages, cards, feeds and JSON-LD write dates by the tens of thousands.
fn four_digit_day(day: NaiveDate) -> Option<String> {
    if !FOUR_DIGIT_YEARS.contains(&day.year()) {
        return None;
    }
    let year = day.year().unsigned_abs();
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let mut text = String::with_capacity(20);
    text.extend([digit(year / 1000), digit(year / 100), digit(year / 10), digit(year), '-']);
    text.extend([digit(day.month() / 10), digit(day.month()), '-', digit(day.day() / 10), digit(day.day())]);
    Some(text)
}

/// Month names, as chrono's `%B` writes them. Formatting by hand is several times faster than
/// through a format string, and sites show dates on every card.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Says what is wrong with a `YYYY-MM-DD` that does not parse.
fn impossible_day(text: &str) -> String {
    let parts: Vec<Option<u32>> = text.split('-').map(|p| p.parse().ok()).collect();
    match parts.as_slice() {
        [Some(_), Some(m), _] if !(1..=12).contains(m) => {
            format!("invalid date `{text}`: there is no month {m}; expected YYYY-MM-DD")
        }
        [Some(y), Some(m), Some(d)] => {
            let days = (28..=31).rev().find(|&d| NaiveDate::from_ymd_opt(*y as i32, *m, d).is_some()).unwrap_or(31);
            format!("invalid date `{text}`: month {m} has {days} days, not {d}; expected YYYY-MM-DD")
        }
        _ => format!("invalid date `{text}`: expected YYYY-MM-DD"),
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant().cmp(&other.instant()).then_with(|| self.tie_break(other))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.machine())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_days_and_instants() {
        let day = Date::parse("2024-11-16").unwrap();
        assert_eq!(day.human(), "16 November 2024");
        assert_eq!(day.rfc3339(), "2024-11-16T00:00:00Z");
        let t = Date::parse("2024-11-16T09:30:00-05:00").unwrap();
        assert_eq!(t.rfc3339(), "2024-11-16T14:30:00Z");
        assert!(t > day);
    }

    #[test]
    fn formats_by_hand_as_chrono_does() {
        for text in ["2024-01-05", "0999-12-31", "2000-02-29", "9999-07-04", "0000-01-01", "0010-10-10"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(date.machine(), date.day().format("%Y-%m-%d").to_string());
            assert_eq!(date.human(), date.day().format("%-d %B %Y").to_string());
            assert_eq!(date.rfc3339(), date.instant().to_rfc3339_opts(SecondsFormat::Secs, true));
        }
    }

    #[test]
    fn equal_instants_sort_as_their_written_forms() {
        let forms = ["2024-11-16", "2024-11-16T00:00:00Z", "2024-11-15T19:00:00-05:00", "2024-11-16T09:00:00+09:00"];
        let mut dates: Vec<Date> = forms.iter().map(|f| Date::parse(f).unwrap()).collect();
        dates.sort();
        let mut by_text = dates.clone();
        by_text.sort_by_key(|d| d.machine());
        assert_eq!(dates, by_text);
        assert_eq!(dates[1], Date::parse("2024-11-16").unwrap(), "a day before an instant written the same day");
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(
            Date::parse("2024-13-45").unwrap_err(),
            "invalid date `2024-13-45`: there is no month 13; expected YYYY-MM-DD"
        );
        assert!(Date::parse("2023-02-29").unwrap_err().contains("month 2 has 28 days, not 29"));
        assert!(Date::parse("yesterday").is_err());
        assert!(Date::parse("2024-02-30").is_err());
    }
}
