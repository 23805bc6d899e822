//! What the bot hears, as its own records, and how each changes the store.
//!
//! The Telegram edge turns updates into [`Event`]s; the demo builds the same
//! events by hand; both apply them here, so the demo exercises the path the
//! bot uses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::poll::{
    Approval, ChatId, MessageId, OptionLearnt, Person, PollId, Press, SeenOption, UserId, approver,
    is_approval_reply, is_approving_reaction,
};
use crate::store::{
    Changes, Chosen, CommentOutcome, MessageRole, PressOutcome, Reply, Result, VoteOutcome,
};

/// Something that happened in a chat and may change a poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A voter's answer to a public poll; no options means withdrawn.
    Vote {
        telegram_poll_id: String,
        voter: Person,
        option_ids: Vec<u32>,
        /// The same options by persistent id (Bot API 9.6 and later): what
        /// the vote is read by, since positions shift when options are
        /// added or deleted.
        #[serde(default)]
        option_persistent_ids: Vec<String>,
        at: DateTime<Utc>,
    },
    /// The counts Telegram reports for a poll (all we get for anonymous ones).
    PollCounts {
        telegram_poll_id: String,
        counts: Vec<u64>,
        /// The options as the update shows them, with who added which
        /// (empty before Bot API 9.6).
        #[serde(default)]
        options: Vec<SeenOption>,
        voters: u64,
        closed: bool,
        at: DateTime<Utc>,
    },
    /// A message that replies to another one.
    Reply {
        chat: ChatId,
        message_id: MessageId,
        reply_to: MessageId,
        author: Option<Person>,
        /// The user Telegram gives as the sender (`from`), also when the
        /// message is sent as a chat (then usually Telegram's placeholder):
        /// who approves with a `+1`.
        #[serde(default)]
        sender: Option<UserId>,
        /// Text or caption; `None` for media without a caption.
        text: Option<String>,
        at: DateTime<Utc>,
        /// The persistent id of the poll option it replies to, if it
        /// replies to one (`reply_to_poll_option_id`).
        #[serde(default)]
        replied_option: Option<String>,
        /// The Telegram id of the poll the replied-to message carries, if
        /// it carries one a bot sent: a reply to a poll the bot is still
        /// storing is kept until the poll is stored.
        #[serde(default)]
        replied_poll: Option<String>,
    },
    /// A message's new text after an edit.
    Edit {
        chat: ChatId,
        message_id: MessageId,
        text: String,
        at: DateTime<Utc>,
    },
    /// A user's reactions on a message changed from `old` to `new`.
    Reaction {
        chat: ChatId,
        message_id: MessageId,
        user: UserId,
        old: Vec<String>,
        new: Vec<String>,
    },
    /// Anonymous reaction counts on a message.
    ReactionCounts {
        chat: ChatId,
        message_id: MessageId,
        counts: Vec<(String, u32)>,
    },
    /// The bot joined or left a chat.
    Membership { chat: ChatId, active: bool },
    /// A group became a supergroup with a new id (Telegram's
    /// `migrate_to_chat_id` / `migrate_from_chat_id`): its polls move there.
    ChatMoved { from: ChatId, to: ChatId },
    /// A message that carries a poll, e.g. a channel's poll forwarded into
    /// its discussion group, where members reply to this copy.
    PollMessage {
        chat: ChatId,
        message_id: MessageId,
        telegram_poll_id: String,
        /// The chat the copy comes from (the channel whose post Telegram
        /// forwarded): only a copy from the poll's own chat is taken.
        origin: ChatId,
        at: DateTime<Utc>,
    },
    /// A member added an option to a poll (`poll_option_added`).
    OptionAdded {
        chat: ChatId,
        /// The message that carries the poll.
        poll_message: MessageId,
        telegram_poll_id: Option<String>,
        option: SeenOption,
    },
    /// A press on a button of one of the bot's button ballots
    /// (`--ranked`, `--pick K`); `press` is `None` when its data names no
    /// button the bot sends.
    Press {
        chat: ChatId,
        message_id: MessageId,
        voter: Person,
        press: Option<Press>,
        at: DateTime<Utc>,
    },
    /// An option was deleted from a poll (`poll_option_deleted`).
    OptionDeleted {
        chat: ChatId,
        poll_message: MessageId,
        telegram_poll_id: Option<String>,
        option: SeenOption,
    },
}

/// What an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// A vote, and what became of it.
    Vote(VoteOutcome),
    /// Counts taken for this poll (`None`: not a poll we keep, yet).
    PollCounts(Option<PollId>),
    /// A reply, and whether it became a comment.
    Comment(CommentOutcome),
    /// A `+1`-style reply, counted as an approval of the comment it answers.
    ApprovalReply { counted: bool },
    /// An edit; `true` if it changed a comment.
    Edited(bool),
    /// A reaction or reaction count; `true` if it concerned a comment.
    Approval(bool),
    /// The bot's membership of a chat changed.
    Membership,
    /// Another message carrying one of our polls, if it is ours and comes
    /// from the poll's own chat.
    PollMessage(Option<PollId>),
    /// An option added to one of our polls, and what the poll learnt.
    OptionAdded(Option<(PollId, OptionLearnt)>),
    /// An option deleted from one of our polls.
    OptionDeleted(Option<PollId>),
    /// A press on a button ballot, and what became of it.
    Press(PressOutcome),
    /// Nothing of ours (a reply to an unrelated message, media only, ...).
    Ignored,
}

/// Applies one event to the store's pending changes; each kind of event has
/// its function below.
pub fn apply(changes: &mut Changes, event: &Event) -> Result<Applied> {
    match event {
        Event::Vote {
            telegram_poll_id: poll,
            voter,
            option_ids: positions,
            option_persistent_ids: persistent_ids,
            at,
        } => vote(changes, poll, voter, positions, persistent_ids, *at),
        Event::PollCounts {
            telegram_poll_id: poll,
            counts,
            options,
            voters,
            closed,
            at,
        } => poll_counts(changes, poll, counts, options, *voters, *closed, *at),
        Event::OptionAdded {
            chat,
            poll_message: message,
            telegram_poll_id: poll,
            option,
        } => option_added(changes, *chat, *message, poll.as_deref(), option),
        Event::OptionDeleted {
            chat,
            poll_message: message,
            telegram_poll_id: poll,
            option,
        } => option_deleted(changes, *chat, *message, poll.as_deref(), option),
        Event::Reply {
            chat,
            message_id,
            reply_to,
            author,
            sender,
            text,
            at,
            replied_option,
            replied_poll,
        } => reply(changes, text.as_deref(), replied_poll.as_deref(), |text| {
            Reply {
                chat: *chat,
                message_id: *message_id,
                reply_to: *reply_to,
                author: author.clone(),
                sender: *sender,
                text: text.to_owned(),
                at: *at,
                replied_option: replied_option.clone(),
            }
        }),
        Event::Edit {
            chat,
            message_id,
            text,
            at,
        } => edit(changes, *chat, *message_id, text, *at),
        Event::Reaction {
            chat,
            message_id,
            user,
            old,
            new,
        } => reaction(changes, *chat, *message_id, *user, old, new),
        Event::ReactionCounts {
            chat,
            message_id,
            counts,
        } => reaction_counts(changes, *chat, *message_id, counts),
        Event::Membership { chat, active } => membership(changes, *chat, *active),
        Event::ChatMoved { from, to } => chat_moved(changes, *from, *to),
        Event::Press { .. } => press(changes, event),
        Event::PollMessage {
            chat,
            message_id,
            telegram_poll_id: poll,
            origin,
            at,
        } => poll_message(changes, *chat, *message_id, poll, *origin, *at),
    }
}

/// A press on a button ballot ([`Event::Press`]).
fn press(changes: &mut Changes, event: &Event) -> Result<Applied> {
    let Event::Press {
        chat,
        message_id,
        voter,
        press,
        at,
    } = event
    else {
        return Ok(Applied::Ignored);
    };
    let outcome = changes.record_press(*chat, *message_id, voter.clone(), *press, *at)?;
    Ok(Applied::Press(outcome))
}

/// A vote ([`Event::Vote`]), read by the options' persistent ids when it
/// has them.
fn vote(
    changes: &mut Changes,
    poll: &str,
    voter: &Person,
    positions: &[u32],
    persistent_ids: &[String],
    at: DateTime<Utc>,
) -> Result<Applied> {
    let chosen = Chosen {
        positions,
        persistent_ids,
    };
    let outcome = changes.record_vote(poll, voter.clone(), chosen, at)?;
    Ok(Applied::Vote(outcome))
}

/// A poll's counts as Telegram reports them ([`Event::PollCounts`]).
fn poll_counts(
    changes: &mut Changes,
    poll: &str,
    counts: &[u64],
    options: &[SeenOption],
    voters: u64,
    closed: bool,
    at: DateTime<Utc>,
) -> Result<Applied> {
    let poll = changes.record_poll_update(poll, counts, options, voters, closed, at)?;
    Ok(Applied::PollCounts(poll))
}

/// An option a member added to a poll ([`Event::OptionAdded`]).
fn option_added(
    changes: &mut Changes,
    chat: ChatId,
    message: MessageId,
    poll: Option<&str>,
    option: &SeenOption,
) -> Result<Applied> {
    let learnt = changes.add_option(chat, message, poll, option)?;
    Ok(Applied::OptionAdded(learnt))
}

/// An option deleted from a poll ([`Event::OptionDeleted`]).
fn option_deleted(
    changes: &mut Changes,
    chat: ChatId,
    message: MessageId,
    poll: Option<&str>,
    option: &SeenOption,
) -> Result<Applied> {
    let poll = changes.delete_option(chat, message, poll, option)?;
    Ok(Applied::OptionDeleted(poll))
}

/// A reply ([`Event::Reply`]): nothing without text; a `+1`-style answer
/// to a comment approves it; anything else may become a comment.
/// `record` makes the comment's record from the reply's text.
fn reply(
    changes: &mut Changes,
    text: Option<&str>,
    replied_poll: Option<&str>,
    record: impl FnOnce(&str) -> Reply,
) -> Result<Applied> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Applied::Ignored);
    };
    let reply = record(text);
    let (chat, reply_to) = (reply.chat, reply.reply_to);
    let replies_to_comment = matches!(
        changes.message_role(chat, reply_to)?,
        Some(MessageRole::Comment(_))
    ) || changes.is_early_reply(chat, reply_to)?;
    if replies_to_comment && is_approval_reply(text) {
        let counted = match approver(reply.sender, reply.author.as_ref()) {
            Some(approver) => changes.set_approval(chat, reply_to, approver, Approval::Given)?,
            None => false,
        };
        return Ok(Applied::ApprovalReply { counted });
    }
    let outcome = changes.record_comment(reply, replied_poll)?;
    Ok(Applied::Comment(outcome))
}

/// A message's new text ([`Event::Edit`]).
fn edit(
    changes: &mut Changes,
    chat: ChatId,
    message_id: MessageId,
    text: &str,
    at: DateTime<Utc>,
) -> Result<Applied> {
    let changed = changes.edit_comment(chat, message_id, text, at)?;
    Ok(Applied::Edited(changed))
}

/// A user's reactions changed ([`Event::Reaction`]): only a change between
/// approving and not approving counts.
fn reaction(
    changes: &mut Changes,
    chat: ChatId,
    message_id: MessageId,
    user: UserId,
    old: &[String],
    new: &[String],
) -> Result<Applied> {
    let approving = |emoji: &[String]| emoji.iter().any(|e| is_approving_reaction(e));
    let before = approving(old);
    let after = approving(new);
    if before == after {
        return Ok(Applied::Ignored);
    }
    let concerned =
        changes.set_approval(chat, message_id, user, Approval::from_approving(after))?;
    Ok(Applied::Approval(concerned))
}

/// Anonymous reaction counts ([`Event::ReactionCounts`]): the approving
/// ones, summed.
fn reaction_counts(
    changes: &mut Changes,
    chat: ChatId,
    message_id: MessageId,
    counts: &[(String, u32)],
) -> Result<Applied> {
    let approvals = counts
        .iter()
        .filter(|(emoji, _)| is_approving_reaction(emoji))
        .map(|(_, n)| *n)
        .sum();
    let concerned = changes.set_counted_approvals(chat, message_id, approvals)?;
    Ok(Applied::Approval(concerned))
}

/// The bot joined or left a chat ([`Event::Membership`]).
fn membership(changes: &mut Changes, chat: ChatId, active: bool) -> Result<Applied> {
    changes.set_chat_active(chat, active)?;
    Ok(Applied::Membership)
}

/// A group became a supergroup ([`Event::ChatMoved`]).
fn chat_moved(changes: &mut Changes, from: ChatId, to: ChatId) -> Result<Applied> {
    changes.note_chat_move(from, to)?;
    Ok(Applied::Membership)
}

/// Another message carrying a poll ([`Event::PollMessage`]).
fn poll_message(
    changes: &mut Changes,
    chat: ChatId,
    message_id: MessageId,
    poll: &str,
    origin: ChatId,
    at: DateTime<Utc>,
) -> Result<Applied> {
    let poll = changes.add_poll_message(chat, message_id, poll, origin, at)?;
    Ok(Applied::PollMessage(poll))
}

/// [`apply`], keeping the combined tally of a poll run in several chats up
/// to date with each vote (what the bot records; see
/// [`Changes::campaign_vote_before`]).
pub fn apply_following_campaigns(changes: &mut Changes, event: &Event) -> Result<Applied> {
    let Event::Vote {
        telegram_poll_id,
        voter,
        ..
    } = event
    else {
        return apply(changes, event);
    };
    let before = changes.campaign_vote_before(telegram_poll_id, voter.id)?;
    let applied = apply(changes, event)?;
    if let Some(before) = before {
        changes.campaign_vote_after(before)?;
    }
    Ok(applied)
}
