//! The use cases: what the bot does for each command and on its own
//! (closing polls on time), as plain functions over the store that return
//! what to say. No Telegram here: [`crate::telegram`] turns a [`Reply`] into
//! Bot API calls, and tests can call these directly.

pub mod ballots;
pub mod command;
pub mod dispatch;
pub mod export;
pub mod flood;
pub mod leadership;
pub mod load;
mod mistakes;
pub mod polls;
pub mod reminders;
pub mod reply;
pub mod report;
pub mod results;
pub mod schedule;
pub mod series;
pub mod share;
pub mod turnout;
pub mod visibility;

pub use export::{ExportOutcome, ExportedFile, Limit, TELEGRAM_UPLOAD_LIMIT, export_files};
pub use flood::{CoalesceKey, FloodGuard, Sender, flood_limited};
pub use polls::{
    Place, PostedPoll, close_poll, create_poll, find_poll, list_polls, mark_announced, set_language,
};
pub use reply::{Refusal, Reply, ScheduledRow};
pub use results::{CAPTION_LIMIT, MESSAGE_LIMIT, ResultsMessage, fit, results_message};
pub use share::ShareReply;

/// What kind of chat a command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ChatKind {
    /// A private chat with the bot: its one user moderates it.
    Private,
    /// A group or supergroup.
    Group,
    /// A channel: its posts come as the channel, and its polls can only be
    /// anonymous.
    Channel,
}

impl ChatKind {
    pub fn is_private(self) -> bool {
        self == Self::Private
    }

    pub fn is_channel(self) -> bool {
        self == Self::Channel
    }
}
pub use visibility::{Asker, Audience, Showing};
