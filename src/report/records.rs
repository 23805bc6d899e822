//! Where a report's big inputs come from: a poll's ballots and comments,
//! streamed by the caller (`app` reads them from the store) one record at a
//! time, so that a million votes never sit in memory at once.

use crate::poll::{Ballot, Comment, PollId, UserId};

/// The records a report streams. `report/` never opens a database: the
/// caller supplies this, and a read that fails ends the report with its
/// error.
pub trait Records {
    /// Why a read failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The poll's ballots, in user id order.
    fn ballots(&self, poll: PollId) -> impl Iterator<Item = Result<Ballot, Self::Error>> + '_;

    /// The poll's comments, in message order.
    fn comments(&self, poll: PollId) -> impl Iterator<Item = Result<Comment, Self::Error>> + '_;

    /// One voter's ballot, if they hold one.
    fn ballot(&self, poll: PollId, user: UserId) -> Result<Option<Ballot>, Self::Error>;

    /// The ballots of several voters, in their order: a store that reads
    /// them in one go (PostgreSQL) says so here.
    fn ballots_of(
        &self,
        poll: PollId,
        users: &[UserId],
    ) -> Result<Vec<Option<Ballot>>, Self::Error> {
        users.iter().map(|&user| self.ballot(poll, user)).collect()
    }
}

/// A failed read, as the report errors carry it (they cannot name the
/// caller's error type).
pub type ReadError = Box<dyn std::error::Error + Send + Sync>;
