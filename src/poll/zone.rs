//! A chat's time zone (`/timezone`): how it reads and shows times. UTC
//! unless a moderator chose another IANA zone.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// An IANA time zone; UTC by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

impl Default for Zone {
    fn default() -> Self {
        Zone(Tz::UTC)
    }
}

impl Zone {
    pub const UTC: Zone = Zone(Tz::UTC);

    /// An IANA name (`Europe/Moscow`; any case); `None` when it names no
    /// zone.
    pub fn parse(name: &str) -> Option<Zone> {
        let name = name.trim();
        if let Ok(tz) = name.parse::<Tz>() {
            return Some(Zone(tz));
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
            .map(|&tz| Zone(tz))
    }

    /// Its IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// A wall-clock time in this zone as a moment: in a repeated hour (the
    /// clocks going back) the earlier of the two; `None` in an hour that
    /// does not exist (the clocks going forward).
    pub fn moment(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
            LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
            LocalResult::None => None,
        }
    }

    /// `at` on this zone's wall clock, and the zone's abbreviation then
    /// (`MSK`, `CEST`, or an offset such as `+04` where there is none).
    pub fn wall_clock(self, at: DateTime<Utc>) -> (NaiveDateTime, String) {
        let local = at.with_timezone(&self.0);
        (local.naive_local(), local.format("%Z").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn zones_are_read_by_their_iana_names_in_any_case() {
        assert_eq!(
            Zone::parse("Europe/Moscow").unwrap().name(),
            "Europe/Moscow"
        );
        assert_eq!(
            Zone::parse("europe/moscow").unwrap().name(),
            "Europe/Moscow"
        );
        assert_eq!(Zone::parse("UTC"), Some(Zone::UTC));
        for bad in ["", "Moscow", "Europe/Atlantis", "+03:00", "MSK3"] {
            assert_eq!(Zone::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn wall_clock_times_across_a_dst_change() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 29 March 2026: at 02:00 CET the clocks go to 03:00 CEST.
        assert_eq!(
            berlin.moment(local(2026, 3, 29, 1, 30)),
            Some("2026-03-29T00:30:00Z".parse().unwrap())
        );
        assert_eq!(berlin.moment(local(2026, 3, 29, 2, 30)), None);
        assert_eq!(
            berlin.moment(local(2026, 3, 29, 3, 30)),
            Some("2026-03-29T01:30:00Z".parse().unwrap())
        );
        // 25 October 2026: 02:30 comes twice; the earlier (CEST) is taken.
        assert_eq!(
            berlin.moment(local(2026, 10, 25, 2, 30)),
            Some("2026-10-25T00:30:00Z".parse().unwrap())
        );
        let at: DateTime<Utc> = "2026-03-29T00:59:00Z".parse().unwrap();
        assert_eq!(
            berlin.wall_clock(at),
            (local(2026, 3, 29, 1, 59), "CET".into())
        );
        let at: DateTime<Utc> = "2026-03-29T01:00:00Z".parse().unwrap();
        assert_eq!(
            berlin.wall_clock(at),
            (local(2026, 3, 29, 3, 0), "CEST".into())
        );
    }
}
