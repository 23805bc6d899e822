//! The key layout: the only place that knows how keys are built.
//!
//! Everything lives in one sled tree so that a batch of changes is applied
//! atomically (`Tree::apply_batch`). A key is a one-byte kind followed by
//! fixed-width big-endian integers, so a prefix scan returns a poll's entries
//! in order. Signed integers have their sign bit flipped so that they sort
//! numerically.
//!
//! | kind | key                                         | value            |
//! |------|---------------------------------------------|------------------|
//! | `c`  | chat                                        | `ChatRecord`     |
//! | `p`  | chat, poll number                           | `Poll`           |
//! | `t`  | chat, poll number                           | `Tally`          |
//! | `b`  | chat, poll number, user                     | `Ballot`         |
//! | `i`  | Telegram poll id (UTF-8)                    | chat, number     |
//! | `m`  | chat, message                               | `MessageRole`    |
//! | `o`  | chat, poll number, comment chat, message    | `Comment`        |
//! | `r`  | chat, poll number, inverted approvals, comment chat, message | empty (ranking) |
//! | `a`  | comment chat, message, user                 | empty (approval) |
//! | `v`  | Telegram poll id, 0, user                   | early vote (with its time) |
//! | `w`  | Telegram poll id, 0, chat, message          | early poll copy: origin chat, time |
//! | `x`  | Telegram poll id                            | early counts (with their time) |
//! | `R`  | Telegram poll id, 0, chat, message          | early reply (with its time and approvals) |
//! | `P`  | chat, message                               | Telegram poll id an early reply waits for |
//! | `h`  | chat, poll number, user                     | `VoterHistory`   |
//! | `j`  | chat, poll number, user                     | approvals given  |
//! | `q`  | update id                                   | queued command   |
//! | `k`  | update id                                   | `Journal` of a command's answer |
//! | `d`  | update id                                   | answered at (Unix s, i64) |
//! | `e`  | deadline (Unix s), chat, poll number        | empty (open poll with a deadline) |
//! | `e`  | — (the key `e` alone)                       | empty: the `e`/`n` indexes are built |
//! | `n`  | chat, poll number                           | empty (closed, results not posted) |
//! | `u`  | —                                           | last update id, time, bot id |
//! | `f`  | update id                                   | an update set aside (raw JSON) |
//! | `U`  | update id                                   | recorded at (Unix s, i64): a webhook update, so a redelivery is known |
//! | `z`  | —                                           | layout version   |
//! | `s`  | share code (8 ASCII characters)             | `ShareRecord`    |
//! | `g`  | origin chat, poll number                    | `Campaign` (its code and copies) |
//! | `y`  | copy's chat, poll number                    | origin chat, number |
//! | `l`  | origin chat, poll number                    | `CombinedRecord` (the campaign's tally, kept up to date) |
//! | `M`  | old chat                                    | new chat id: a move noted, not yet carried out |
//! | `B`  | chat, poll number                           | a ranked poll's distinct rankings and their ballots |
//! | `K`  | chat, poll number                           | a secret ballot's key (deleted when it closes) |
//!
//! Layout versions: 1 had `o` and `r` keys without the comment's chat
//! (a comment in another chat with the same message id overwrote one);
//! [`Store::open`](super::Store::open) moves such keys to version 2 once.

use crate::poll::{ChatId, MessageId, PollId, PollNumber, UserId};

pub const CHAT: u8 = b'c';
pub const POLL: u8 = b'p';
pub const TALLY: u8 = b't';
pub const BALLOT: u8 = b'b';
pub const TELEGRAM_POLL: u8 = b'i';
pub const MESSAGE: u8 = b'm';
pub const COMMENT: u8 = b'o';
pub const RANKING: u8 = b'r';
pub const APPROVAL: u8 = b'a';
pub const EARLY_VOTE: u8 = b'v';
pub const EARLY_POLL_MESSAGE: u8 = b'w';
pub const EARLY_COUNTS: u8 = b'x';
pub const EARLY_REPLY: u8 = b'R';
pub const EARLY_REPLY_POLL: u8 = b'P';
pub const VOTER_HISTORY: u8 = b'h';
pub const APPROVER: u8 = b'j';
pub const QUEUED_COMMAND: u8 = b'q';
pub const LAST_UPDATE: u8 = b'u';
pub const JOURNAL: u8 = b'k';
pub const ANSWERED: u8 = b'd';
pub const DEADLINE: u8 = b'e';
pub const TO_ANNOUNCE: u8 = b'n';
pub const SET_ASIDE: u8 = b'f';
pub const LAYOUT: u8 = b'z';
pub const SHARE_CODE: u8 = b's';
pub const CAMPAIGN: u8 = b'g';
pub const COPY_OF: u8 = b'y';
pub const COMBINED: u8 = b'l';
pub const CHAT_MOVE: u8 = b'M';
pub const RANKINGS: u8 = b'B';
pub const BALLOT_SECRET: u8 = b'K';
pub const TURNOUT: u8 = b'T';
pub const REMINDER: u8 = b'A';
pub const SCHEDULED: u8 = b'S';
pub const SCHEDULED_JOURNAL: u8 = b'J';
pub const RECORDED_UPDATE: u8 = b'U';

/// The layout this code writes.
pub const LAYOUT_VERSION: u32 = 2;

fn signed(value: i64) -> [u8; 8] {
    ((value as u64) ^ (1 << 63)).to_be_bytes()
}

fn unsigned_from(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&bytes[..8]);
    u64::from_be_bytes(buf)
}

fn signed_from(bytes: &[u8]) -> i64 {
    (unsigned_from(bytes) ^ (1 << 63)) as i64
}

fn message_bytes(message_id: MessageId) -> [u8; 4] {
    ((message_id.0 as u32) ^ (1 << 31)).to_be_bytes()
}

fn message_from(bytes: &[u8]) -> MessageId {
    let mut buf = [0u8; 4];
    buf.copy_from_slice(&bytes[..4]);
    MessageId((u32::from_be_bytes(buf) ^ (1 << 31)) as i32)
}

fn chat_from(bytes: &[u8]) -> ChatId {
    ChatId(signed_from(bytes))
}

struct Key(Vec<u8>);

impl Key {
    fn new(kind: u8) -> Self {
        let mut bytes = Vec::with_capacity(32);
        bytes.push(kind);
        Self(bytes)
    }
    fn i64(mut self, value: i64) -> Self {
        self.0.extend_from_slice(&signed(value));
        self
    }
    fn u32(mut self, value: u32) -> Self {
        self.0.extend_from_slice(&value.to_be_bytes());
        self
    }
    fn chat(self, chat: ChatId) -> Self {
        self.i64(chat.0)
    }
    fn user(self, user: UserId) -> Self {
        self.i64(user.0)
    }
    fn message(mut self, message_id: MessageId) -> Self {
        self.0.extend_from_slice(&message_bytes(message_id));
        self
    }
    fn poll(self, poll: PollId) -> Self {
        self.chat(poll.chat).u32(poll.number.0)
    }
}

pub fn chat(chat: ChatId) -> Vec<u8> {
    Key::new(CHAT).chat(chat).0
}

pub fn poll(poll: PollId) -> Vec<u8> {
    Key::new(POLL).poll(poll).0
}

/// All polls of a chat, in number order.
pub fn polls_of_chat(chat: ChatId) -> Vec<u8> {
    Key::new(POLL).chat(chat).0
}

pub fn all_polls() -> Vec<u8> {
    vec![POLL]
}

pub fn tally(poll: PollId) -> Vec<u8> {
    Key::new(TALLY).poll(poll).0
}

pub fn ballot(poll: PollId, user: UserId) -> Vec<u8> {
    Key::new(BALLOT).poll(poll).user(user).0
}

/// A ranked poll's rankings: one key per distinct ranking (this prefix,
/// then the ranking's option indexes), holding how many ballots hold it.
pub fn rankings(poll: PollId) -> Vec<u8> {
    Key::new(RANKINGS).poll(poll).0
}

/// The key of one distinct `ranking` of a ranked poll.
pub fn one_ranking(poll: PollId, ranking: &[u8]) -> Vec<u8> {
    let mut key = rankings(poll);
    key.extend_from_slice(ranking);
    key
}

/// A poll's member counts (see `poll::Turnout`).
pub fn turnout(poll: PollId) -> Vec<u8> {
    Key::new(TURNOUT).poll(poll).0
}

pub fn ballot_secret(poll: PollId) -> Vec<u8> {
    Key::new(BALLOT_SECRET).poll(poll).0
}

pub fn ballots_of_poll(poll: PollId) -> Vec<u8> {
    Key::new(BALLOT).poll(poll).0
}

/// What a poll remembers of a voter beyond their ballot.
pub fn voter_history(poll: PollId, user: UserId) -> Vec<u8> {
    Key::new(VOTER_HISTORY).poll(poll).user(user).0
}

/// How many of a poll's comments a user approves (to count distinct
/// approvers).
pub fn approver(poll: PollId, user: UserId) -> Vec<u8> {
    Key::new(APPROVER).poll(poll).user(user).0
}

pub fn telegram_poll(telegram_id: &str) -> Vec<u8> {
    let mut key = Key::new(TELEGRAM_POLL);
    key.0.extend_from_slice(telegram_id.as_bytes());
    key.0
}

/// A vote for a poll not stored yet (it arrived while the bot was still
/// storing the poll it had just posted).
pub fn early_vote(telegram_id: &str, user: UserId) -> Vec<u8> {
    let mut key = early_votes(telegram_id);
    key.extend_from_slice(&signed(user.0));
    key
}

pub fn early_votes(telegram_id: &str) -> Vec<u8> {
    let mut key = Key::new(EARLY_VOTE);
    key.0.extend_from_slice(telegram_id.as_bytes());
    key.0.push(0);
    key.0
}

/// A copy of a poll (a forward into a discussion group) seen before the
/// poll was stored.
pub fn early_poll_message(telegram_id: &str, chat: ChatId, message_id: MessageId) -> Vec<u8> {
    let mut key = early_poll_messages(telegram_id);
    key.extend_from_slice(&signed(chat.0));
    key.extend_from_slice(&message_bytes(message_id));
    key
}

pub fn early_poll_messages(telegram_id: &str) -> Vec<u8> {
    let mut key = Key::new(EARLY_POLL_MESSAGE);
    key.0.extend_from_slice(telegram_id.as_bytes());
    key.0.push(0);
    key.0
}

/// The chat and message at the end of an early poll message key.
pub fn chat_and_message_of_early_poll_message(key: &[u8]) -> (ChatId, MessageId) {
    chat_and_message_at_end(key)
}

fn chat_and_message_at_end(key: &[u8]) -> (ChatId, MessageId) {
    let end = key.len();
    (
        chat_from(&key[end - 12..end - 4]),
        message_from(&key[end - 4..]),
    )
}

/// A reply to a poll not stored yet (or to such a reply).
pub fn early_reply(telegram_id: &str, chat: ChatId, message_id: MessageId) -> Vec<u8> {
    let mut key = early_replies(telegram_id);
    key.extend_from_slice(&signed(chat.0));
    key.extend_from_slice(&message_bytes(message_id));
    key
}

pub fn early_replies(telegram_id: &str) -> Vec<u8> {
    let mut key = Key::new(EARLY_REPLY);
    key.0.extend_from_slice(telegram_id.as_bytes());
    key.0.push(0);
    key.0
}

/// The chat and message at the end of an early reply key.
pub fn chat_and_message_of_early_reply(key: &[u8]) -> (ChatId, MessageId) {
    chat_and_message_at_end(key)
}

/// Which poll (by Telegram id) the early reply `message_id` of `chat`
/// waits for: how an approval of it finds it.
pub fn early_reply_poll(chat: ChatId, message_id: MessageId) -> Vec<u8> {
    Key::new(EARLY_REPLY_POLL).chat(chat).message(message_id).0
}

/// The counts Telegram reported for a poll not stored yet.
pub fn early_counts(telegram_id: &str) -> Vec<u8> {
    let mut key = Key::new(EARLY_COUNTS);
    key.0.extend_from_slice(telegram_id.as_bytes());
    key.0
}

pub fn message(chat: ChatId, message_id: MessageId) -> Vec<u8> {
    Key::new(MESSAGE).chat(chat).message(message_id).0
}

/// A comment: its poll, then the chat it was posted in and its message
/// there (a poll's copy in a discussion group takes comments too, and
/// message ids are only unique within a chat).
pub fn comment(poll: PollId, chat: ChatId, message_id: MessageId) -> Vec<u8> {
    Key::new(COMMENT)
        .poll(poll)
        .chat(chat)
        .message(message_id)
        .0
}

pub fn comments_of_poll(poll: PollId) -> Vec<u8> {
    Key::new(COMMENT).poll(poll).0
}

/// A comment's place in its poll's ranking: most approvals first, then
/// by chat and message.
pub fn ranking(poll: PollId, approvals: u32, chat: ChatId, message_id: MessageId) -> Vec<u8> {
    Key::new(RANKING)
        .poll(poll)
        .u32(u32::MAX - approvals)
        .chat(chat)
        .message(message_id)
        .0
}

pub fn ranking_of_poll(poll: PollId) -> Vec<u8> {
    Key::new(RANKING).poll(poll).0
}

/// The chat and message at the end of a ranking key.
pub fn chat_and_message_of_ranking(key: &[u8]) -> (ChatId, MessageId) {
    chat_and_message_at_end(key)
}

pub fn approval(chat: ChatId, message_id: MessageId, user: UserId) -> Vec<u8> {
    Key::new(APPROVAL)
        .chat(chat)
        .message(message_id)
        .user(user)
        .0
}

pub fn queued_command(update_id: i64) -> Vec<u8> {
    Key::new(QUEUED_COMMAND).i64(update_id).0
}

pub fn queued_commands() -> Vec<u8> {
    vec![QUEUED_COMMAND]
}

pub fn update_of_queued_command(key: &[u8]) -> i64 {
    signed_from(&key[1..])
}

/// What a command's answer has sent so far (see `store::Journal`).
pub fn journal(update_id: i64) -> Vec<u8> {
    Key::new(JOURNAL).i64(update_id).0
}

/// A command already answered, remembered so that it is never answered twice.
pub fn answered(update_id: i64) -> Vec<u8> {
    Key::new(ANSWERED).i64(update_id).0
}

pub fn all_answered() -> Vec<u8> {
    vec![ANSWERED]
}

/// An open poll's deadline, in time order across all chats.
pub fn deadline(at_seconds: i64, poll: PollId) -> Vec<u8> {
    Key::new(DEADLINE).i64(at_seconds).poll(poll).0
}

/// Every deadline entry (the marker `e` alone sorts first; skip it).
pub fn all_deadlines() -> Vec<u8> {
    vec![DEADLINE]
}

/// Written once the `e` and `n` indexes were built from the polls.
pub fn indexes_built() -> Vec<u8> {
    vec![DEADLINE]
}

/// The deadline (Unix seconds) and poll of a deadline entry.
pub fn deadline_entry(key: &[u8]) -> (i64, PollId) {
    (signed_from(&key[1..9]), poll_id_from_value(&key[9..]))
}

/// An open poll's reminder `index` (see `poll::Reminder`), due at
/// `at_seconds`, in time order across all chats; its value is the
/// reminder's journal.
pub fn reminder(at_seconds: i64, poll: PollId, index: u8) -> Vec<u8> {
    let mut key = Key::new(REMINDER).i64(at_seconds).poll(poll).0;
    key.push(index);
    key
}

pub fn all_reminders() -> Vec<u8> {
    vec![REMINDER]
}

/// When (Unix seconds), of which poll, and which of its reminders.
pub fn reminder_entry(key: &[u8]) -> (i64, PollId, u8) {
    (
        signed_from(&key[1..9]),
        poll_id_from_value(&key[9..21]),
        key[21],
    )
}

/// A poll to be posted at `at_seconds` under the reserved id `poll`, in
/// time order across all chats.
pub fn scheduled(at_seconds: i64, poll: PollId) -> Vec<u8> {
    Key::new(SCHEDULED).i64(at_seconds).poll(poll).0
}

pub fn all_scheduled() -> Vec<u8> {
    vec![SCHEDULED]
}

/// When (Unix seconds) and which poll, of a scheduled entry.
pub fn scheduled_entry(key: &[u8]) -> (i64, PollId) {
    (signed_from(&key[1..9]), poll_id_from_value(&key[9..21]))
}

/// What posting a scheduled poll has sent so far.
pub fn scheduled_journal(poll: PollId) -> Vec<u8> {
    Key::new(SCHEDULED_JOURNAL).poll(poll).0
}

/// A closed poll whose final results are still to be posted.
pub fn to_announce(poll: PollId) -> Vec<u8> {
    Key::new(TO_ANNOUNCE).poll(poll).0
}

pub fn all_to_announce() -> Vec<u8> {
    vec![TO_ANNOUNCE]
}

pub fn poll_of_to_announce(key: &[u8]) -> PollId {
    poll_id_from_value(&key[1..])
}

pub fn last_update() -> Vec<u8> {
    vec![LAST_UPDATE]
}

/// An update that could not be recorded, kept for the operator.
pub fn set_aside(update_id: i64) -> Vec<u8> {
    Key::new(SET_ASIDE).i64(update_id).0
}

pub fn all_set_aside() -> Vec<u8> {
    vec![SET_ASIDE]
}

pub fn update_of_set_aside(key: &[u8]) -> i64 {
    signed_from(&key[1..])
}

/// An update recorded by webhook, remembered for a while: webhook
/// updates come concurrently and in any order, so no "last id" tells a
/// redelivered one from a late one.
pub fn recorded_update(update_id: i64) -> Vec<u8> {
    Key::new(RECORDED_UPDATE).i64(update_id).0
}

pub fn all_recorded_updates() -> Vec<u8> {
    vec![RECORDED_UPDATE]
}

pub fn update_of_recorded_update(key: &[u8]) -> i64 {
    signed_from(&key[1..])
}

pub fn layout() -> Vec<u8> {
    vec![LAYOUT]
}

/// The chat and message of a `m` key.
pub fn chat_and_message_of_message(key: &[u8]) -> (ChatId, MessageId) {
    chat_and_message_at_end(key)
}

/// Keys of layout version 1, read once to move them.
pub mod v1 {
    use super::*;

    /// `o`, chat, poll number, message.
    pub const COMMENT_LEN: usize = 1 + 8 + 4 + 4;
    /// `r`, chat, poll number, inverted approvals, message.
    pub const RANKING_LEN: usize = 1 + 8 + 4 + 4 + 4;

    #[cfg(test)]
    pub fn comment(poll: PollId, message_id: MessageId) -> Vec<u8> {
        Key::new(COMMENT).poll(poll).message(message_id).0
    }

    #[cfg(test)]
    pub fn ranking(poll: PollId, approvals: u32, message_id: MessageId) -> Vec<u8> {
        Key::new(RANKING)
            .poll(poll)
            .u32(u32::MAX - approvals)
            .message(message_id)
            .0
    }

    /// The poll, approvals and message of a version 1 ranking key.
    pub fn parts_of_ranking(key: &[u8]) -> (PollId, u32, MessageId) {
        let poll = poll_id_from_value(&key[1..13]);
        let mut inverted = [0u8; 4];
        inverted.copy_from_slice(&key[13..17]);
        (
            poll,
            u32::MAX - u32::from_be_bytes(inverted),
            message_from(&key[17..21]),
        )
    }
}

/// What a share code opens.
/// A chat's move to a new id (a group upgraded to a supergroup), noted.
pub fn chat_move(from: ChatId) -> Vec<u8> {
    Key::new(CHAT_MOVE).chat(from).0
}

pub fn chat_of_chat_move(key: &[u8]) -> ChatId {
    chat_from(&key[1..])
}

pub fn share_code(code: &str) -> Vec<u8> {
    let mut key = Key::new(SHARE_CODE);
    key.0.extend_from_slice(code.as_bytes());
    key.0
}

/// An origin poll's campaign: its code and copies.
pub fn campaign(origin: PollId) -> Vec<u8> {
    Key::new(CAMPAIGN).poll(origin).0
}

/// The origin of a poll posted with `/post`.
pub fn copy_of(copy: PollId) -> Vec<u8> {
    Key::new(COPY_OF).poll(copy).0
}

/// A campaign's combined tally, kept up to date vote by vote.
pub fn combined(origin: PollId) -> Vec<u8> {
    Key::new(COMBINED).poll(origin).0
}

/// Encodes a poll id as a value (for `i` entries).
pub fn poll_id_value(poll: PollId) -> Vec<u8> {
    Key::new(0).poll(poll).0[1..].to_vec()
}

pub fn poll_id_from_value(bytes: &[u8]) -> PollId {
    let mut number = [0u8; 4];
    number.copy_from_slice(&bytes[8..12]);
    PollId {
        chat: chat_from(bytes),
        number: PollNumber(u32::from_be_bytes(number)),
    }
}

#[cfg(test)]
mod tests;
