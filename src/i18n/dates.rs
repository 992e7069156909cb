//! Dates for readers in a language: CLDR's long form of the Gregorian calendar through ICU4X
//! (`16 novembre 2024`, `2024年11月16日`), each distinct day formatted once.

use chrono::{Datelike, NaiveDate};
use icu_calendar::Gregorian;
use icu_datetime::input::Date as IcuDate;
use icu_datetime::{FixedCalendarDateTimeFormatter, fieldsets};
use icu_locale_core::Locale;
use rustc_hash::FxHashMap;
use std::sync::{OnceLock, RwLock};

/// The forms of a day dossier writes: the long form of pages (`16 novembre 2024`), the short
/// forms of figures (`16 nov. 2024`, `nov. 2024`, `16 nov.`), and the day and month without the
/// year that APA citations put after it (`16 novembre`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    Long,
    Short,
    ShortMonthYear,
    ShortDayMonth,
    LongDayMonth,
}

/// ICU4X's formatters of one language, one per form, made the first time a form is asked for:
/// most sites show only long dates.
pub struct IcuFormatters {
    locale: Locale,
    long: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMD>,
    short: OnceLock<Option<FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMD>>>,
    month_year: OnceLock<Option<FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YM>>>,
    day_month: OnceLock<Option<FixedCalendarDateTimeFormatter<Gregorian, fieldsets::MD>>>,
    long_day_month: OnceLock<Option<FixedCalendarDateTimeFormatter<Gregorian, fieldsets::MD>>>,
}

/// How a language writes days.
pub enum DateFormat {
    /// English (`en`): `16 November 2024`, CLDR's long form for English outside the US
    /// (`en-GB`), written by hand as dossier always has (the fast path of single-language English
    /// sites). Its short forms are `en-GB`'s but for September, `Sep` where CLDR writes `Sept`
    /// (what dossier wrote before; the tests below hold both to ICU4X).
    English,
    /// Any other language: ICU4X's formatters, and the days they have formatted.
    Icu { formatters: Box<IcuFormatters>, done: RwLock<FxHashMap<(Form, NaiveDate), String>> },
}

/// A formatter of `$locale` for the field set `$fields`, or of the root locale when ICU4X has no
/// data for it (a macro: each field set is a type of its own, with ICU4X's bounds).
macro_rules! formatter {
    ($locale:expr, $fields:expr) => {
        FixedCalendarDateTimeFormatter::try_new($locale.clone().into(), $fields)
            .or_else(|_| FixedCalendarDateTimeFormatter::try_new(Locale::UNKNOWN.into(), $fields))
            .ok()
    };
}

impl DateFormat {
    pub fn new(language: &str) -> DateFormat {
        if language == "en" {
            return DateFormat::English;
        }
        let locale: Locale = language.parse().unwrap_or(Locale::UNKNOWN);
        match formatter!(&locale, fieldsets::YMD::long()) {
            Some(long) => DateFormat::Icu {
                formatters: Box::new(IcuFormatters {
                    locale,
                    long,
                    short: OnceLock::new(),
                    month_year: OnceLock::new(),
                    day_month: OnceLock::new(),
                    long_day_month: OnceLock::new(),
                }),
                done: RwLock::new(FxHashMap::default()),
            },
            None => DateFormat::English,
        }
    }

    /// `day` for readers, in the long form. Pages show the same days many times (cards on every
    /// list): each is formatted once and then copied.
    pub fn format(&self, day: NaiveDate) -> String {
        self.form(day, Form::Long)
    }

    /// `day` in one of the [`Form`]s, each formatted once.
    pub fn form(&self, day: NaiveDate, form: Form) -> String {
        match self {
            DateFormat::English => english(day, form),
            DateFormat::Icu { formatters, done } => {
                if let Some(text) = done.read().ok().and_then(|d| d.get(&(form, day)).cloned()) {
                    return text;
                }
                let text = formatters.format(day, form);
                if let Ok(mut d) = done.write() {
                    d.insert((form, day), text.clone());
                }
                text
            }
        }
    }
}

impl IcuFormatters {
    fn format(&self, day: NaiveDate, form: Form) -> String {
        let Ok(date) = IcuDate::try_new_gregorian(day.year(), day.month() as u8, day.day() as u8) else {
            // outside the years ICU4X takes: the ISO form, which every reader can read
            return crate::date::Date::Day(day).machine();
        };
        let l = &self.locale;
        let text = match form {
            Form::Long => Some(self.long.format(&date).to_string()),
            Form::Short => self
                .short
                .get_or_init(|| formatter!(l, fieldsets::YMD::medium()))
                .as_ref()
                .map(|f| f.format(&date).to_string()),
            Form::ShortMonthYear => self
                .month_year
                .get_or_init(|| formatter!(l, fieldsets::YM::medium()))
                .as_ref()
                .map(|f| f.format(&date).to_string()),
            Form::ShortDayMonth => self
                .day_month
                .get_or_init(|| formatter!(l, fieldsets::MD::medium()))
                .as_ref()
                .map(|f| f.format(&date).to_string()),
            Form::LongDayMonth => self
                .long_day_month
                .get_or_init(|| formatter!(l, fieldsets::MD::long()))
                .as_ref()
                .map(|f| f.format(&date).to_string()),
        };
        text.unwrap_or_else(|| crate::date::Date::Day(day).machine())
    }
}

/// English by hand: `16 November 2024`, `16 Nov 2024`, `Nov 2024`, `16 Nov`, `16 November`.
fn english(day: NaiveDate, form: Form) -> String {
    let month = crate::date::MONTHS[day.month0() as usize];
    let short = month.get(..3).unwrap_or(month);
    match form {
        Form::Long => crate::date::Date::Day(day).human(),
        Form::Short => format!("{} {short} {}", day.day(), year(day)),
        Form::ShortMonthYear => format!("{short} {}", year(day)),
        Form::ShortDayMonth => format!("{} {short}", day.day()),
        Form::LongDayMonth => format!("{} {month}", day.day()),
    }
}

/// A year as [`crate::date::Date::human`] writes it: four digits for years 0 to 9999 (`0900`).
fn year(day: NaiveDate) -> String {
    if (0..=9999).contains(&day.year()) { format!("{:04}", day.year()) } else { day.format("%Y").to_string() }
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

    /// Every day of the years the tests compare: leap years, a century, the years of the
    /// example site.
    fn days() -> impl Iterator<Item = NaiveDate> {
        [1999, 2000, 2001, 2023, 2024, 2025, 2100].into_iter().flat_map(|year| {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a day");
            first.iter_days().take_while(move |d| d.year() == year)
        })
    }

    /// The English formatter by hand writes every day as ICU4X writes it for British English
    /// (`en-GB`, CLDR's "16 November 2024"; `en` alone is American, "November 16, 2024").
    #[test]
    fn english_by_hand_is_icu4x_en_gb_for_every_day() {
        let english = DateFormat::English;
        let DateFormat::Icu { formatters, .. } = DateFormat::new("en-GB") else { panic!("ICU4X knows en-GB") };
        let mut compared = 0;
        for day in days() {
            assert_eq!(english.form(day, Form::Long), formatters.format(day, Form::Long), "{day}");
            assert_eq!(english.form(day, Form::LongDayMonth), formatters.format(day, Form::LongDayMonth), "{day}");
            compared += 1;
        }
        assert_eq!(compared, 365 * 5 + 366 * 2);
    }

    /// The short forms of figures differ from CLDR's British English in one month: CLDR
    /// abbreviates September `Sept`, dossier writes `Sep` (as it did before ICU4X, and as the
    /// other months: their first three letters). Every other day is written alike.
    #[test]
    fn english_short_forms_are_icu4x_en_gb_but_for_september() {
        let english = DateFormat::English;
        let DateFormat::Icu { formatters, .. } = DateFormat::new("en-GB") else { panic!("ICU4X knows en-GB") };
        for day in days() {
            for form in [Form::Short, Form::ShortMonthYear, Form::ShortDayMonth] {
                let icu = formatters.format(day, form);
                let mine = english.form(day, form);
                if day.month() == 9 {
                    assert!(icu.contains("Sept") && !mine.contains("Sept"), "{day} {form:?}: {icu} / {mine}");
                    assert_eq!(mine, icu.replace("Sept", "Sep"), "{day} {form:?}");
                } else {
                    assert_eq!(mine, icu, "{day} {form:?}");
                }
            }
        }
    }

    #[test]
    fn short_forms_in_other_languages() {
        let day = NaiveDate::from_ymd_opt(2024, 11, 16).expect("a day");
        let fr = DateFormat::new("fr");
        assert_eq!(fr.form(day, Form::Short), "16 nov. 2024");
        assert_eq!(fr.form(day, Form::ShortMonthYear), "nov. 2024");
        assert_eq!(fr.form(day, Form::ShortDayMonth), "16 nov.");
        assert_eq!(fr.form(day, Form::LongDayMonth), "16 novembre");
        assert_eq!(fr.form(day, Form::Short), "16 nov. 2024", "again, from the cache");
        assert_eq!(DateFormat::new("zh").form(day, Form::LongDayMonth), "11月16日");
    }
}
