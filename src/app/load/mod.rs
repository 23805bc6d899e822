//! What the reports show, read from the store: `report/` renders data it
//! is given and never opens the store, so each report kind's loader lives
//! here. Big polls stay streamed: [`Store`] supplies their ballots and
//! comments to `report/` as [`Records`], one record at a time.

mod campaign;
mod full;

pub use campaign::campaign_report;
pub use full::{full_report_data, profile_poll};

use crate::poll::{Ballot, Comment, PollId, Tally, UserId};
use crate::report::{
    ExportError, FullReportError, PollReport, RankedComment, Records, TOP_COMMENTS, option_texts,
};
use crate::store::{self, Store, StoreError};

/// The report of poll `id`: the poll, its tally and its top comments with
/// what their authors voted for; `None` if there is no such poll. Reads no
/// ballots but those of the top comments' authors.
pub fn poll_report(store: &Store, id: PollId) -> store::Result<Option<PollReport>> {
    let Some(poll) = store.poll(id)? else {
        return Ok(None);
    };
    let tally = store
        .tally(id)?
        .unwrap_or_else(|| Tally::new(poll.option_count()));
    let mut top_comments = Vec::new();
    for comment in store.top_comments(id, TOP_COMMENTS)? {
        let author_options = match &comment.author {
            Some(author) => store
                .ballot(id, author.id)?
                .map(|b| option_texts(&poll, &b.options))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        top_comments.push(RankedComment {
            comment,
            author_options,
        });
    }
    let turnout = store.turnout(poll.id)?;
    let zone = store.chat(poll.id.chat)?.zone();
    Ok(Some(PollReport {
        poll,
        tally,
        top_comments,
        turnout,
        zone,
    }))
}

impl Records for Store {
    type Error = StoreError;

    fn ballots(&self, poll: PollId) -> impl Iterator<Item = store::Result<Ballot>> + '_ {
        Store::ballots(self, poll)
    }

    fn comments(&self, poll: PollId) -> impl Iterator<Item = store::Result<Comment>> + '_ {
        Store::comments(self, poll)
    }

    fn ballot(&self, poll: PollId, user: UserId) -> store::Result<Option<Ballot>> {
        Store::ballot(self, poll, user)
    }

    fn ballots_of(&self, poll: PollId, users: &[UserId]) -> store::Result<Vec<Option<Ballot>>> {
        Store::ballots_of(self, poll, users)
    }
}

impl From<StoreError> for ExportError {
    fn from(error: StoreError) -> Self {
        Self::read(error)
    }
}

impl From<StoreError> for FullReportError {
    fn from(error: StoreError) -> Self {
        Self::read(error)
    }
}
