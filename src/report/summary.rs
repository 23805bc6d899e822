//! The summary text the bot posts with the chart.

use super::{PollReport, RankedComment};
use crate::i18n::{self, Arg, Language};
use crate::poll::{AddedOption, Audience, Poll, Quorum, QuorumVerdict, Turnout, Zone};

/// Longest comment quote, in characters.
pub(super) const QUOTE_CHARS: usize = 150;

/// The summary in two parts, so that the tally can go in a photo caption
/// when the whole does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Question, voters and state, one line per option.
    pub tally: String,
    /// The most-approved comments; `None` when there are none.
    pub comments: Option<String>,
}

impl Summary {
    pub fn new(report: &PollReport, language: Language) -> Self {
        Self {
            tally: tally_text(report, language),
            comments: comments_text(&report.top_comments, language),
        }
    }

    /// The whole summary, as `summary.txt` holds it.
    pub fn full(&self) -> String {
        match &self.comments {
            Some(comments) => format!("{}\n{}", self.tally, comments),
            None => self.tally.clone(),
        }
    }
}

/// `1,601 voters`, in the language.
pub fn voters_text(language: Language, voters: u64) -> String {
    i18n::text_with(
        language,
        "voters",
        &[
            ("count", voters.into()),
            ("count_text", i18n::format_count(voters).into()),
        ],
    )
}

fn tally_text(report: &PollReport, language: Language) -> String {
    let poll = &report.poll;
    let mut lines = vec![format!("{} {}", poll.id.number, poll.question.as_str())];
    let state = state_text(poll, language, report.zone);
    let mut status = vec![turnout_text(report, language, report.tally.voters)];
    if poll.anonymous {
        status.push(i18n::text(language, "state-anonymous"));
    }
    status.push(state);
    lines.push(status.join(" · "));
    lines.extend(quorum_text(report, language, report.tally.voters));
    for row in report.rows() {
        let mut line = i18n::text_with(
            language,
            "tally-option",
            &[
                ("option", row.text.as_str().into()),
                ("count", i18n::format_count(row.count).into()),
                ("share", row.share.to_string().into()),
            ],
        );
        if let Some(added) = &row.added {
            line.push_str(" · ");
            line.push_str(&added_text(added, language, report.zone));
        }
        lines.push(line);
    }
    if poll.multiple {
        lines.push(i18n::text(language, "shares-of-voters"));
    }
    lines.join("\n")
}

/// `added by Ann, 15 Mar 2024`: who added an option and when, as far as
/// Telegram said.
pub(crate) fn added_text(added: &AddedOption, language: Language, zone: Zone) -> String {
    let name = added.added_by.as_ref().map(|p| p.name.as_str());
    let date = added
        .added_at
        .map(|at| i18n::format_date_in(language, at, zone));
    match (name, date) {
        (Some(name), Some(date)) => i18n::text_with(
            language,
            "option-added-by-on",
            &[("name", name.into()), ("date", date.into())],
        ),
        (Some(name), None) => {
            i18n::text_with(language, "option-added-by", &[("name", name.into())])
        }
        (None, Some(date)) => {
            i18n::text_with(language, "option-added-on", &[("date", date.into())])
        }
        (None, None) => i18n::text(language, "option-added"),
    }
}

/// `open until …`, `closed 28 Mar 2024 18:00 UTC`, in the language.
/// `226 voters of 1,204 members (18.8%, counted 28 Mar 2024 18:00 UTC)`,
/// or the voters alone when the chat's member count is unknown.
pub fn turnout_text(report: &PollReport, language: Language, voters: u64) -> String {
    turnout_text_of(&report.turnout, report.zone, language, voters)
}

/// [`turnout_text`] from a chat's member counts, with dates in `zone`.
pub(crate) fn turnout_text_of(
    turnout: &Turnout,
    zone: Zone,
    language: Language,
    voters: u64,
) -> String {
    let voters_text = voters_text(language, voters);
    let Some((count, share)) = turnout.share(voters) else {
        return voters_text;
    };
    // Read when the poll closed: said so, not the time again.
    let counted = match turnout.closed == Some(count) {
        true => i18n::text(language, "turnout-counted-at-close"),
        false => i18n::text_with(
            language,
            "turnout-counted",
            &[(
                "date",
                i18n::format_date_time_in(language, count.read_at, zone).into(),
            )],
        ),
    };
    let key = match count.audience {
        Audience::Members => "turnout-members",
        Audience::Subscribers => "turnout-subscribers",
    };
    i18n::text_with(
        language,
        key,
        &[
            ("voters_text", voters_text.into()),
            ("members", count.count.into()),
            ("members_text", i18n::format_count(count.count).into()),
            ("share", share.to_string().into()),
            ("counted", counted.into()),
        ],
    )
}

/// Whether a closed poll with `--quorum` met it (`None` while it is open,
/// or without a quorum): `Quorum not met: 226 voters, 362 needed (30% of
/// members).`
pub fn quorum_text(report: &PollReport, language: Language, voters: u64) -> Option<String> {
    let quorum = report.poll.features.quorum?;
    if report.poll.is_open() {
        return None;
    }
    let members = report.turnout.closed.map(|c| c.count);
    let (key, needed) = match quorum.judge(voters, members) {
        QuorumVerdict::Met { needed, .. } => ("quorum-met", needed),
        QuorumVerdict::Missed { needed, .. } => ("quorum-missed", needed),
        QuorumVerdict::Unknown => ("quorum-unknown", 0),
    };
    let percent = match quorum {
        Quorum::PercentOfMembers(percent) => u64::from(percent),
        Quorum::Voters(_) => 0,
    };
    Some(i18n::text_with(
        language,
        key,
        &[
            ("voters_text", voters_text(language, voters).into()),
            ("needed", needed.into()),
            ("needed_text", i18n::format_count(needed).into()),
            ("percent", percent.into()),
        ],
    ))
}

pub(super) fn state_text(poll: &Poll, language: Language, zone: Zone) -> String {
    match (poll.is_open(), poll.deadline, poll.closed_at) {
        (true, Some(deadline), _) => i18n::text_with(
            language,
            "state-open-until",
            &[(
                "date",
                i18n::format_date_time_in(language, deadline, zone).into(),
            )],
        ),
        (true, None, _) => i18n::text(language, "state-open"),
        (false, _, Some(at)) => i18n::text_with(
            language,
            "state-closed-at",
            &[("date", i18n::format_date_time_in(language, at, zone).into())],
        ),
        (false, _, None) => i18n::text(language, "state-closed"),
    }
}

pub(super) fn comments_text(top: &[RankedComment], language: Language) -> Option<String> {
    if top.is_empty() {
        return None;
    }
    let mut lines = vec![i18n::text(language, "top-comments")];
    for (rank, ranked) in top.iter().enumerate() {
        let args = comment_args(rank, ranked, language);
        let key = if ranked.author_options.is_empty() {
            "top-comment"
        } else {
            "top-comment-with-option"
        };
        lines.push(i18n::text_with(language, key, &args));
    }
    Some(lines.join("\n"))
}

/// The arguments of a top comment's line (`rank`, from 0): its rank,
/// approvals, author and quoted text, and the author's options when known.
pub(super) fn comment_args(
    rank: usize,
    ranked: &RankedComment,
    language: Language,
) -> Vec<(&'static str, Arg)> {
    let comment = &ranked.comment;
    let author = comment
        .author
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_else(|| i18n::text(language, "anonymous-author"));
    let mut args: Vec<(&'static str, Arg)> = vec![
        ("rank", (rank + 1).into()),
        (
            "approvals",
            i18n::format_count(u64::from(comment.approvals())).into(),
        ),
        ("author", author.into()),
        ("text", quote(&comment.text, QUOTE_CHARS).into()),
    ];
    if !ranked.author_options.is_empty() {
        args.push(("option", ranked.author_options.join(", ").into()));
    }
    args
}

/// Text on one line, at most `limit` characters: cut by characters (never
/// bytes), with an ellipsis.
pub fn quote(text: &str, limit: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= limit {
        return one_line;
    }
    let cut: String = one_line.chars().take(limit.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_by_characters_on_one_line() {
        assert_eq!(quote("a\nb  c", QUOTE_CHARS), "a b c");
        let chinese = "合作".repeat(100);
        let q = quote(&chinese, QUOTE_CHARS);
        assert_eq!(q.chars().count(), QUOTE_CHARS);
        assert!(q.ends_with('…'));
        assert!(q.starts_with("合作合作"));
        let exact = "x".repeat(QUOTE_CHARS);
        assert_eq!(quote(&exact, QUOTE_CHARS), exact);
    }
}
