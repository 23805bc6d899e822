//! Message keys -> text, from `locales/<lang>/*.ftl` (Fluent).
//!
//! Every word a user reads comes from there; code passes arguments, never
//! sentences. Counts are passed twice: as a number (for plural rules) and
//! formatted with thousands separators (for display).

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};

use crate::poll::Zone;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Isolation marks around arguments would end up in chat messages,
        // CSV files and charts as invisible characters.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the bot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    Chinese,
    Russian,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::English, Language::Chinese, Language::Russian];

    /// Reads a language code such as `en`, `zh`, `zh-CN` or `ru`.
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::English),
            "zh" => Some(Self::Chinese),
            "ru" => Some(Self::Russian),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::Chinese => "zh",
            Self::Russian => "ru",
        }
    }

    fn identifier(self) -> LanguageIdentifier {
        self.code()
            .parse()
            .expect("language codes are valid identifiers")
    }
}

/// An argument for a message.
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<u32> for Arg {
    fn from(value: u32) -> Self {
        Arg::Number(f64::from(value))
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        Arg::Number(value as f64)
    }
}

/// The message `key` in `language`, without arguments.
pub fn text(language: Language, key: &str) -> String {
    text_with(language, key, &[])
}

/// The message `key` in `language` with its arguments.
pub fn text_with(language: Language, key: &str, args: &[(&'static str, Arg)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, arg)| {
            let value = match arg {
                Arg::Text(text) => FluentValue::from(text.as_str()),
                Arg::Number(number) => FluentValue::from(*number),
            };
            (Cow::Borrowed(*name), value)
        })
        .collect();
    LOCALES.lookup_with_args(&language.identifier(), key, &args)
}

/// `1601` -> `1,601` (the grouping all our languages read).
pub fn format_count(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A day as the language writes it: `20 Mar 2024`, `2024年3月20日`.
pub fn format_date(language: Language, at: DateTime<Utc>) -> String {
    let month = text(language, &format!("month-{}", at.month()));
    text_with(
        language,
        "date",
        &[
            ("day", at.day().into()),
            ("month", month.into()),
            ("month_number", at.month().into()),
            ("year", (at.year() as u32).into()),
        ],
    )
}

/// A moment as the language writes it, in UTC: `20 Mar 2024 23:59 UTC`.
pub fn format_date_time(language: Language, at: DateTime<Utc>) -> String {
    format_date_time_in(language, at, Zone::UTC)
}

/// A moment on `zone`'s wall clock, with the zone's abbreviation:
/// `20 Mar 2024 23:59 UTC`, `21 Mar 2024 02:59 MSK`.
pub fn format_date_time_in(language: Language, at: DateTime<Utc>, zone: Zone) -> String {
    let (local, abbreviation) = zone.wall_clock(at);
    let day = format_date(language, local.and_utc());
    format!("{day} {} {abbreviation}", local.format("%H:%M"))
}

/// The day of a moment on `zone`'s wall clock.
pub fn format_date_in(language: Language, at: DateTime<Utc>, zone: Zone) -> String {
    format_date(language, zone.wall_clock(at).0.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1601), "1,601");
        assert_eq!(format_count(1_000_000), "1,000,000");
    }

    #[test]
    fn dates_in_each_language() {
        let at: DateTime<Utc> = "2024-03-20T23:59:59Z".parse().unwrap();
        assert_eq!(
            format_date_time(Language::English, at),
            "20 Mar 2024 23:59 UTC"
        );
        assert_eq!(
            format_date_time(Language::Chinese, at),
            "2024年3月20日 23:59 UTC"
        );
        assert_eq!(
            format_date_time(Language::Russian, at),
            "20 мар. 2024 23:59 UTC"
        );
    }

    #[test]
    fn plurals_follow_each_language() {
        let voters = |lang, n: u64| {
            text_with(
                lang,
                "voters",
                &[("count", n.into()), ("count_text", format_count(n).into())],
            )
        };
        assert_eq!(voters(Language::English, 1), "1 voter");
        assert_eq!(voters(Language::English, 1601), "1,601 voters");
        assert_eq!(voters(Language::Chinese, 1601), "1,601 位投票者");
        assert_eq!(voters(Language::Russian, 21), "21 участник");
        assert_eq!(voters(Language::Russian, 22), "22 участника");
        assert_eq!(voters(Language::Russian, 25), "25 участников");
    }

    #[test]
    fn every_language_has_every_key() {
        let keys = |lang: &str| -> Vec<String> {
            let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
            let mut keys = Vec::new();
            for entry in std::fs::read_dir(dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for line in text.lines() {
                    if let Some((key, _)) = line.split_once(" =")
                        && !key.starts_with([' ', '#', '[', '*'])
                        && !key.is_empty()
                    {
                        keys.push(key.to_owned());
                    }
                }
            }
            keys.sort();
            keys
        };
        let english = keys("en");
        assert!(english.len() > 40);
        assert_eq!(keys("zh"), english);
        assert_eq!(keys("ru"), english);
    }
}
