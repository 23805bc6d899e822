//! `/report`: the full report of a poll written to a file, or the reply
//! that says why `--by` cannot cross it with another poll.

use std::io::Write;

use super::Reply;
use crate::i18n::Language;
use crate::poll::{Poll, PollNumber};
use crate::report::{self, FullReport, FullReportError, Scope};
use crate::store::Store;

/// Why `/report N --by M` cannot cross the two polls: the user's mistake,
/// answered with a reply (each variant is a locale key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByRefusal {
    /// No poll `M` in this chat.
    NotFound(PollNumber),
    /// Poll `M` is anonymous: its voters are not known.
    Anonymous(PollNumber),
    /// Poll `N` itself is anonymous.
    OwnAnonymous(PollNumber),
}

impl ByRefusal {
    /// The refusal a report error stands for, if it is the user's mistake
    /// (`poll`: the report's own poll).
    pub fn of(error: &FullReportError, poll: PollNumber) -> Option<Self> {
        match error {
            FullReportError::ProfileNotFound(n) => Some(Self::NotFound(*n)),
            FullReportError::ProfileAnonymous(n) => Some(Self::Anonymous(*n)),
            FullReportError::CannotCrossAnonymous => Some(Self::OwnAnonymous(poll)),
            _ => None,
        }
    }

    /// The locale key of its reply, which takes `$number` (e.g. `#3`).
    pub fn key(self) -> &'static str {
        match self {
            Self::NotFound(_) => "error-by-not-found",
            Self::Anonymous(_) => "error-by-anonymous",
            Self::OwnAnonymous(_) => "error-by-own-anonymous",
        }
    }

    /// The poll the reply names.
    pub fn number(self) -> PollNumber {
        match self {
            Self::NotFound(n) | Self::Anonymous(n) | Self::OwnAnonymous(n) => n,
        }
    }
}

/// What `/report` made.
#[derive(Debug)]
pub enum ReportOutcome {
    /// The page is written; the timeline and headline go with it.
    Written(FullReport),
    /// Nothing written: the reply says why.
    Refused(Reply),
}

/// Why `/report` of `poll --by by` cannot be made, if it cannot: told at
/// once, before the page is rendered.
pub fn refusal(
    store: &Store,
    poll: &Poll,
    by: Option<PollNumber>,
) -> Result<Option<Reply>, FullReportError> {
    let Some(number) = by else {
        return Ok(None);
    };
    match super::load::profile_poll(store, poll, number) {
        Ok(_) => Ok(None),
        Err(error) => match ByRefusal::of(&error, poll.id.number) {
            Some(refusal) => Ok(Some(Reply::ProfileRefused(refusal))),
            None => Err(error),
        },
    }
}

/// Writes the full report of `poll` (crossed with poll `by` of its chat) to
/// `html`, covering what `scope` allows; `chat_title`, the title Telegram
/// gave with the command, is kept for the page's header.
pub fn write_report(
    store: &Store,
    poll: &Poll,
    (by, scope): (Option<PollNumber>, Scope),
    chat_title: Option<String>,
    language: Language,
    html: impl Write,
) -> Result<ReportOutcome, FullReportError> {
    if let Some(title) = chat_title {
        store
            .write(|changes| changes.set_chat_title(poll.id.chat, &title))
            .map_err(FullReportError::read)?;
    }
    let written = super::load::full_report_data(store, poll.id, by, scope)
        .and_then(|data| report::write_full_report(&data, language, html));
    match written {
        Ok(full) => Ok(ReportOutcome::Written(full)),
        Err(error) => match ByRefusal::of(&error, poll.id.number) {
            Some(refusal) => Ok(ReportOutcome::Refused(Reply::ProfileRefused(refusal))),
            None => Err(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_a_user_can_cause_reads_in_every_language() {
        let refusals = [
            ByRefusal::NotFound(PollNumber(7)),
            ByRefusal::Anonymous(PollNumber(7)),
            ByRefusal::OwnAnonymous(PollNumber(7)),
        ];
        for refusal in refusals {
            for language in Language::ALL {
                let text = Reply::ProfileRefused(refusal).text(language);
                assert!(!text.contains("error-") && !text.contains('{'), "{text}");
                // The poll asked for by `--by` is named; the report's own
                // poll is "this poll".
                let own = matches!(refusal, ByRefusal::OwnAnonymous(_));
                assert_eq!(text.contains("#7"), !own, "{text}");
            }
        }
        let own = FullReportError::CannotCrossAnonymous;
        assert_eq!(
            ByRefusal::of(&own, PollNumber(2)),
            Some(ByRefusal::OwnAnonymous(PollNumber(2)))
        );
        let io = FullReportError::Io(std::io::Error::other("disk"));
        assert_eq!(ByRefusal::of(&io, PollNumber(2)), None);
    }
}
