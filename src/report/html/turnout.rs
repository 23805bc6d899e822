//! The methodology's rows on who could vote and who did: eligibility,
//! turnout and quorum.

use super::{Page, escape_html, t};
use crate::i18n::{self, format_count};
use crate::poll::{MemberCount, Quorum};
use crate::report::summary::quorum_text;

/// `Turnout` (the member counts, each with when it was read) and `Quorum`
/// (none, the rule while open, or whether it was met), escaped.
pub(super) fn method_rows(page: &Page) -> Vec<(&'static str, String)> {
    let (report, language) = (&page.data.report, page.language);
    let count = |key: &str, count: MemberCount| {
        t(
            language,
            key,
            &[
                ("count", count.count.into()),
                ("count_text", format_count(count.count).into()),
                (
                    "date",
                    i18n::format_date_time_in(language, count.read_at, report.zone).into(),
                ),
            ],
        )
    };
    let counts: Vec<String> = [
        report
            .turnout
            .posted
            .map(|c| count("report-method-members-posted", c)),
        report
            .turnout
            .closed
            .map(|c| count("report-method-members-closed", c)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let turnout = match counts.is_empty() {
        true => t(language, "report-method-members-unknown", &[]),
        false => counts.join(&t(language, "report-method-separator", &[])),
    };
    let voters = report.tally.voters;
    let quorum = match (report.poll.features.quorum, report.poll.is_open()) {
        (None, _) => t(language, "report-method-quorum-none", &[]),
        (Some(quorum), true) => {
            let (key, value) = match quorum {
                Quorum::Voters(n) => ("report-method-quorum-voters", n),
                Quorum::PercentOfMembers(p) => ("report-method-quorum-percent", u64::from(p)),
            };
            t(language, key, &[("value", value.into())])
        }
        (Some(_), false) => escape_html(&quorum_text(report, language, voters).unwrap_or_default()),
    };
    vec![
        ("report-method-eligibility", eligibility(page)),
        ("report-method-turnout", turnout),
        ("report-method-quorum", quorum),
    ]
}

/// `--members-only` and `--countries`, or anyone in the chat.
fn eligibility(page: &Page) -> String {
    let (features, language) = (&page.data.report.poll.features, page.language);
    let mut rules = Vec::new();
    if features.members_only {
        rules.push(t(language, "polls-members-only", &[]));
    }
    if !features.countries.is_empty() {
        let countries = features.countries.join(", ");
        rules.push(t(
            language,
            "polls-countries",
            &[("countries", countries.into())],
        ));
    }
    match rules.is_empty() {
        true => t(language, "report-method-eligibility-anyone", &[]),
        false => rules.join(&t(language, "report-method-separator", &[])),
    }
}
