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
//! | `o`  | chat, poll number, message                  | `Comment`        |
//! | `r`  | chat, poll number, inverted approvals, msg  | empty (ranking)  |
//! | `a`  | chat, message, user                         | empty (approval) |
//! | `v`  | Telegram poll id, 0, user                   | early vote       |
//! | `w`  | Telegram poll id, 0, chat, message          | early poll copy  |
//! | `x`  | Telegram poll id                            | early counts     |
//! | `h`  | chat, poll number, user                     | `VoterHistory`   |
//! | `j`  | chat, poll number, user                     | approvals given  |
//! | `q`  | update id                                   | queued command   |
//! | `u`  | —                                           | last update id   |

use crate::poll::{ChatId, PollId, PollNumber};

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
pub const VOTER_HISTORY: u8 = b'h';
pub const APPROVER: u8 = b'j';
pub const QUEUED_COMMAND: u8 = b'q';
pub const LAST_UPDATE: u8 = b'u';

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

fn message_bytes(message_id: i32) -> [u8; 4] {
    ((message_id as u32) ^ (1 << 31)).to_be_bytes()
}

fn message_from(bytes: &[u8]) -> i32 {
    let mut buf = [0u8; 4];
    buf.copy_from_slice(&bytes[..4]);
    (u32::from_be_bytes(buf) ^ (1 << 31)) as i32
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
    fn message(mut self, message_id: i32) -> Self {
        self.0.extend_from_slice(&message_bytes(message_id));
        self
    }
    fn poll(self, poll: PollId) -> Self {
        self.i64(poll.chat).u32(poll.number.0)
    }
}

pub fn chat(chat: ChatId) -> Vec<u8> {
    Key::new(CHAT).i64(chat).0
}

pub fn poll(poll: PollId) -> Vec<u8> {
    Key::new(POLL).poll(poll).0
}

/// All polls of a chat, in number order.
pub fn polls_of_chat(chat: ChatId) -> Vec<u8> {
    Key::new(POLL).i64(chat).0
}

pub fn all_polls() -> Vec<u8> {
    vec![POLL]
}

pub fn tally(poll: PollId) -> Vec<u8> {
    Key::new(TALLY).poll(poll).0
}

pub fn ballot(poll: PollId, user: i64) -> Vec<u8> {
    Key::new(BALLOT).poll(poll).i64(user).0
}

pub fn ballots_of_poll(poll: PollId) -> Vec<u8> {
    Key::new(BALLOT).poll(poll).0
}

/// What a poll remembers of a voter beyond their ballot.
pub fn voter_history(poll: PollId, user: i64) -> Vec<u8> {
    Key::new(VOTER_HISTORY).poll(poll).i64(user).0
}

/// How many of a poll's comments a user approves (to count distinct
/// approvers).
pub fn approver(poll: PollId, user: i64) -> Vec<u8> {
    Key::new(APPROVER).poll(poll).i64(user).0
}

pub fn telegram_poll(telegram_id: &str) -> Vec<u8> {
    let mut key = Key::new(TELEGRAM_POLL);
    key.0.extend_from_slice(telegram_id.as_bytes());
    key.0
}

/// A vote for a poll not stored yet (it arrived while the bot was still
/// storing the poll it had just posted).
pub fn early_vote(telegram_id: &str, user: i64) -> Vec<u8> {
    let mut key = early_votes(telegram_id);
    key.extend_from_slice(&signed(user));
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
pub fn early_poll_message(telegram_id: &str, chat: ChatId, message_id: i32) -> Vec<u8> {
    let mut key = early_poll_messages(telegram_id);
    key.extend_from_slice(&signed(chat));
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
pub fn chat_and_message_of_early_poll_message(key: &[u8]) -> (ChatId, i32) {
    let end = key.len();
    (
        signed_from(&key[end - 12..end - 4]),
        message_from(&key[end - 4..]),
    )
}

/// The counts Telegram reported for a poll not stored yet.
pub fn early_counts(telegram_id: &str) -> Vec<u8> {
    let mut key = Key::new(EARLY_COUNTS);
    key.0.extend_from_slice(telegram_id.as_bytes());
    key.0
}

pub fn message(chat: ChatId, message_id: i32) -> Vec<u8> {
    Key::new(MESSAGE).i64(chat).message(message_id).0
}

pub fn comment(poll: PollId, message_id: i32) -> Vec<u8> {
    Key::new(COMMENT).poll(poll).message(message_id).0
}

pub fn comments_of_poll(poll: PollId) -> Vec<u8> {
    Key::new(COMMENT).poll(poll).0
}

/// A comment's place in its poll's ranking: most approvals first, then the
/// earlier message.
pub fn ranking(poll: PollId, approvals: u32, message_id: i32) -> Vec<u8> {
    Key::new(RANKING)
        .poll(poll)
        .u32(u32::MAX - approvals)
        .message(message_id)
        .0
}

pub fn ranking_of_poll(poll: PollId) -> Vec<u8> {
    Key::new(RANKING).poll(poll).0
}

/// The message id at the end of a ranking key.
pub fn message_of_ranking(key: &[u8]) -> i32 {
    message_from(&key[key.len() - 4..])
}

pub fn approval(chat: ChatId, message_id: i32, user: i64) -> Vec<u8> {
    Key::new(APPROVAL).i64(chat).message(message_id).i64(user).0
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

pub fn last_update() -> Vec<u8> {
    vec![LAST_UPDATE]
}

/// Encodes a poll id as a value (for `i` entries).
pub fn poll_id_value(poll: PollId) -> Vec<u8> {
    Key::new(0).poll(poll).0[1..].to_vec()
}

pub fn poll_id_from_value(bytes: &[u8]) -> PollId {
    let mut number = [0u8; 4];
    number.copy_from_slice(&bytes[8..12]);
    PollId {
        chat: signed_from(bytes),
        number: PollNumber(u32::from_be_bytes(number)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_numerically_for_negative_and_positive_ids() {
        let p = |chat, n| {
            poll(PollId {
                chat,
                number: PollNumber(n),
            })
        };
        assert!(p(-1001234567890, 2) < p(-5, 1));
        assert!(p(-5, 1) < p(-5, 2));
        assert!(p(-5, 2) < p(7, 1));
        assert!(p(7, 2) < p(7, 10));
        assert!(message(1, -1) < message(1, 0));
        assert!(message(1, 9) < message(1, 10));
    }

    #[test]
    fn ranking_orders_by_approvals_then_message() {
        let id = PollId {
            chat: -3,
            number: PollNumber(1),
        };
        assert!(ranking(id, 57, 900) < ranking(id, 3, 10));
        assert!(ranking(id, 3, 10) < ranking(id, 3, 11));
        assert_eq!(message_of_ranking(&ranking(id, 3, 4242)), 4242);
    }

    #[test]
    fn poll_ids_and_update_ids_round_trip() {
        let id = PollId {
            chat: -1001234567890,
            number: PollNumber(42),
        };
        assert_eq!(poll_id_from_value(&poll_id_value(id)), id);
        assert_eq!(update_of_queued_command(&queued_command(98765)), 98765);
        assert!(voter_history(id, -5) < voter_history(id, 5));
        assert_ne!(voter_history(id, 5), approver(id, 5));
        // The same layout as the ballot's, under another kind.
        assert_eq!(voter_history(id, 5)[1..], ballot(id, 5)[1..]);
        let copy = early_poll_message("5012", -1005555555555, 70);
        assert!(copy.starts_with(&early_poll_messages("5012")));
        assert!(!copy.starts_with(&early_poll_messages("501")));
        assert_eq!(
            chat_and_message_of_early_poll_message(&copy),
            (-1005555555555, 70)
        );
    }
}
