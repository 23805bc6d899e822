//! The full report's data: the poll, the `--by` poll it is crossed with,
//! the chat's title and the campaign, then one streaming pass over the
//! ballots and comments (see [`FullReportData::count`]).

use super::{campaign_report, poll_report};
use crate::poll::{BallotKind, Poll, PollId, PollNumber, RankedResults};
use crate::report::{FullReportData, FullReportError, Scope};
use crate::store::Store;

/// The full report of poll `id`, crossed with poll number `by` of the same
/// chat if given, with its campaign's chats when `scope` covers them.
pub fn full_report_data(
    store: &Store,
    id: PollId,
    by: Option<PollNumber>,
    scope: Scope,
) -> Result<FullReportData, FullReportError> {
    let report = poll_report(store, id)?.ok_or(FullReportError::PollNotFound(id))?;
    let by = match by {
        Some(number) => Some(profile_poll(store, &report.poll, number)?),
        None => None,
    };
    let chat_title = store.chat(id.chat)?.title;
    let campaign = match scope {
        Scope::Campaign => campaign_report(store, id)?,
        Scope::OwnChat => None,
    };
    let ranked = match report.poll.features.ballot {
        BallotKind::Ranked => Some(RankedResults::count(&*store.rankings(&report.poll)?)),
        _ => None,
    };
    let data = FullReportData::count(report, chat_title, by, campaign, store)?;
    Ok(match ranked {
        Some(ranked) => data.with_ranked(ranked),
        None => data,
    })
}

/// The poll `--by` names, if it can be crossed with `poll`.
pub fn profile_poll(
    store: &Store,
    poll: &Poll,
    number: PollNumber,
) -> Result<Poll, FullReportError> {
    let id = PollId {
        chat: poll.id.chat,
        number,
    };
    let by = store
        .poll(id)?
        .ok_or(FullReportError::ProfileNotFound(number))?;
    if poll.anonymous {
        return Err(FullReportError::CannotCrossAnonymous);
    }
    if by.anonymous {
        return Err(FullReportError::ProfileAnonymous(number));
    }
    Ok(by)
}
