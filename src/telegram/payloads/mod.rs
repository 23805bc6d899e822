//! Bot API calls and fields newer than teloxide knows (it speaks 9.1; polls
//! gained hidden results, final votes, member-added options, shuffling and
//! descriptions later). Each is a small payload of our own, sent through
//! teloxide's own client with [`JsonRequest`], so errors, 429s and the
//! network are handled exactly as for its built-in calls. Responses are
//! read into our own small structs that name only what the bot uses:
//! unknown fields are ignored, never an error.
//!
//! One file per payload: `send_poll.rs`, `get_updates.rs`, and
//! `extras.rs` for the fields of an update that teloxide drops.
//!
//! [`JsonRequest`]: teloxide::requests::JsonRequest

mod extras;
mod get_updates;
mod send_poll;

pub use extras::{OptionChange, UpdateExtras};
pub use get_updates::{FetchedUpdate, GetUpdatesRaw};
pub use send_poll::{SendPoll, SentMessage, SentPollInfo, SentPollOption};
