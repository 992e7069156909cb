//! Dates for readers in a language: CLDR's long form of the Gregorian calendar through ICU4X
//! (`16 novembre 2024`, `2024年11月16日`), each distinct day formatted once.

use chrono::{Datelike, NaiveDate};
use icu_calendar::Gregorian;
use icu_datetime::input::Date as IcuDate;
use icu_datetime::{FixedCalendarDateTimeFormatter, fieldsets};
use icu_locale_core::Locale;
use rustc_hash::FxHashMap;
use std::sync::RwLock;

/// How a language writes days.
pub enum DateFormat {
    /// English (`en`): `16 November 2024`, CLDR's long form for English outside the US, written
    /// by hand as dossier always has (the fast path of single-language English sites).
    English,
    /// Any other language: ICU4X's formatter, and the days it has formatted.
    Icu {
        formatter: Box<FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMD>>,
        done: RwLock<FxHashMap<NaiveDate, String>>,
    },
}

impl DateFormat {
    pub fn new(language: &str) -> DateFormat {
        if language == "en" {
            return DateFormat::English;
        }
        let locale: Locale = language.parse().unwrap_or(Locale::UNKNOWN);
        let formatter = FixedCalendarDateTimeFormatter::try_new(locale.into(), fieldsets::YMD::long())
            .or_else(|_| FixedCalendarDateTimeFormatter::try_new(Locale::UNKNOWN.into(), fieldsets::YMD::long()));
        match formatter {
            Ok(formatter) => {
                DateFormat::Icu { formatter: Box::new(formatter), done: RwLock::new(FxHashMap::default()) }
            }
            Err(_) => DateFormat::English,
        }
    }

    /// `day` for readers. Pages show the same days many times (cards on every list): each is
    /// formatted once and then copied.
    pub fn format(&self, day: NaiveDate) -> String {
        match self {
            DateFormat::English => crate::date::Date::Day(day).human(),
            DateFormat::Icu { formatter, done } => {
                if let Some(text) = done.read().ok().and_then(|d| d.get(&day).cloned()) {
                    return text;
                }
                let text = match IcuDate::try_new_gregorian(day.year(), day.month() as u8, day.day() as u8) {
                    Ok(date) => formatter.format(&date).to_string(),
                    // outside the years ICU4X takes: the ISO form, which every reader can read
                    Err(_) => crate::date::Date::Day(day).machine(),
                };
                if let Ok(mut d) = done.write() {
                    d.insert(day, text.clone());
                }
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_each_language() {
        let day = NaiveDate::from_ymd_opt(2024, 11, 16).expect("a day");
        let cases = [
            ("en", "16 November 2024"),
            ("fr", "16 novembre 2024"),
            ("de", "16. November 2024"),
            ("es", "16 de noviembre de 2024"),
            ("ru", "16 ноября 2024\u{202f}г."),
            ("uk", "16 листопада 2024\u{202f}р."),
            ("zh", "2024年11月16日"),
            ("ja", "2024年11月16日"),
            ("ko", "2024년 11월 16일"),
        ];
        for (language, expected) in cases {
            let format = DateFormat::new(language);
            assert_eq!(format.format(day), expected, "{language}");
            assert_eq!(format.format(day), expected, "{language}, formatted again from the cache");
        }
    }
}
