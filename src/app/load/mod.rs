//! What the reports show, read from the store: `report/` renders data it
//! is given and never opens the store. Big polls stay streamed: [`Store`]
//! supplies their ballots and comments to `report/` as [`Records`], one
//! record at a time.

use crate::poll::{Ballot, Comment, PollId};
use crate::report::{ExportError, Records};
use crate::store::{self, Store, StoreError};

impl Records for Store {
    type Error = StoreError;

    fn ballots(&self, poll: PollId) -> impl Iterator<Item = store::Result<Ballot>> + '_ {
        Store::ballots(self, poll)
    }

    fn comments(&self, poll: PollId) -> impl Iterator<Item = store::Result<Comment>> + '_ {
        Store::comments(self, poll)
    }

    fn ballot(&self, poll: PollId, user: i64) -> store::Result<Option<Ballot>> {
        Store::ballot(self, poll, user)
    }
}

impl From<StoreError> for ExportError {
    fn from(error: StoreError) -> Self {
        Self::read(error)
    }
}
