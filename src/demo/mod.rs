//! The sample poll behind `pollbot demo`: the published poll this product is
//! modelled on (1,601 voters over two weeks), rebuilt from events through
//! the same code the bot runs.
//!
//! Its data tables are in `data.rs`, its random source in `random.rs`, and
//! the builders that turn them into events in `build.rs`; the ranked poll
//! the demo adds is in `ranked.rs`.

mod build;
mod data;
mod random;
mod ranked;

use crate::poll::{ChatId, MessageId, PollNumber};

pub use build::{build, build_campaign};
pub use ranked::{RANKED_OPTIONS, RANKED_QUESTION, build_ranked};

pub const CHAT: ChatId = ChatId(-1001234567890);
const TELEGRAM_POLL_ID: &str = "5012345678901234567";
const POLL_MESSAGE: MessageId = MessageId(100);
pub const QUESTION: &str = "In which area should the two countries deepen cooperation?";
pub const OPTIONS: [&str; 4] = ["Energy", "Trade", "Military", "Food"];
/// Final voters per option, as published.
pub const FINAL_COUNTS: [u64; 4] = [672, 472, 304, 153];

/// The demo's second poll, which the report's profile crosses the first
/// with.
pub const PROFILE_POLL: PollNumber = PollNumber(2);
pub const PROFILE_QUESTION: &str = "What is your age group?";
pub const PROFILE_OPTIONS: [&str; 4] = ["18–29", "30–44", "45–59", "60+"];
const PROFILE_TELEGRAM_POLL_ID: &str = "5012345678901234568";
const PROFILE_POLL_MESSAGE: MessageId = MessageId(101);
/// The chat's title as Telegram would report it.
pub const CHAT_TITLE: &str = "Friendship Society · 友好协会";

/// The campaign demo's second chat: the seed poll ran on two platforms and
/// reported its votes together.
pub const PARTNER_CHAT: ChatId = ChatId(-1009876543210);
pub const PARTNER_TITLE: &str = "Partner forum · 合作论坛";
const PARTNER_TELEGRAM_POLL_ID: &str = "5012345678901234569";
const PARTNER_POLL_MESSAGE: MessageId = MessageId(300);
/// Voters who voted in both chats: one in twenty-five, first in the other
/// chat (another option), then for good in their own.
pub const CAMPAIGN_VOTERS_IN_BOTH: usize = 65;
