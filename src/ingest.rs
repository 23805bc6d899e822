//! What the bot hears, as its own records, and how each changes the store.
//!
//! The Telegram edge turns updates into [`Event`]s; the demo builds the same
//! events by hand; both apply them here, so the demo exercises the path the
//! bot uses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::poll::{
    ChatId, OptionLearnt, Person, PollId, SeenOption, approver, is_approval_reply,
    is_approving_reaction,
};
use crate::store::{Changes, Chosen, CommentOutcome, MessageRole, Reply, Result, VoteOutcome};

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
        message_id: i32,
        reply_to: i32,
        author: Option<Person>,
        /// The user Telegram gives as the sender (`from`), also when the
        /// message is sent as a chat (then usually Telegram's placeholder):
        /// who approves with a `+1`.
        #[serde(default)]
        sender: Option<i64>,
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
        message_id: i32,
        text: String,
        at: DateTime<Utc>,
    },
    /// A user's reactions on a message changed from `old` to `new`.
    Reaction {
        chat: ChatId,
        message_id: i32,
        user: i64,
        old: Vec<String>,
        new: Vec<String>,
    },
    /// Anonymous reaction counts on a message.
    ReactionCounts {
        chat: ChatId,
        message_id: i32,
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
        message_id: i32,
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
        poll_message: i32,
        telegram_poll_id: Option<String>,
        option: SeenOption,
    },
    /// An option was deleted from a poll (`poll_option_deleted`).
    OptionDeleted {
        chat: ChatId,
        poll_message: i32,
        telegram_poll_id: Option<String>,
        option: SeenOption,
    },
}

/// What an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Nothing of ours (a reply to an unrelated message, media only, ...).
    Ignored,
}

/// Applies one event to the store's pending changes.
pub fn apply(changes: &mut Changes, event: &Event) -> Result<Applied> {
    match event {
        Event::Vote {
            telegram_poll_id,
            voter,
            option_ids,
            option_persistent_ids,
            at,
        } => {
            let chosen = Chosen {
                positions: option_ids,
                persistent_ids: option_persistent_ids,
            };
            Ok(Applied::Vote(changes.record_vote(
                telegram_poll_id,
                voter.clone(),
                chosen,
                *at,
            )?))
        }
        Event::PollCounts {
            telegram_poll_id,
            counts,
            options,
            voters,
            closed,
            at,
        } => Ok(Applied::PollCounts(changes.record_poll_update(
            telegram_poll_id,
            counts,
            options,
            *voters,
            *closed,
            *at,
        )?)),
        Event::OptionAdded {
            chat,
            poll_message,
            telegram_poll_id,
            option,
        } => Ok(Applied::OptionAdded(changes.add_option(
            *chat,
            *poll_message,
            telegram_poll_id.as_deref(),
            option,
        )?)),
        Event::OptionDeleted {
            chat,
            poll_message,
            telegram_poll_id,
            option,
        } => Ok(Applied::OptionDeleted(changes.delete_option(
            *chat,
            *poll_message,
            telegram_poll_id.as_deref(),
            option,
        )?)),
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
        } => {
            let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) else {
                return Ok(Applied::Ignored);
            };
            let replies_to_comment = matches!(
                changes.message_role(*chat, *reply_to)?,
                Some(MessageRole::Comment(_))
            ) || changes.is_early_reply(*chat, *reply_to)?;
            if replies_to_comment && is_approval_reply(text) {
                let counted = match approver(*sender, author.as_ref()) {
                    Some(approver) => changes.set_approval(*chat, *reply_to, approver, true)?,
                    None => false,
                };
                return Ok(Applied::ApprovalReply { counted });
            }
            let reply = Reply {
                chat: *chat,
                message_id: *message_id,
                reply_to: *reply_to,
                author: author.clone(),
                sender: *sender,
                text: text.to_owned(),
                at: *at,
                replied_option: replied_option.clone(),
            };
            let outcome = changes.record_comment(reply, replied_poll.as_deref())?;
            Ok(Applied::Comment(outcome))
        }
        Event::Edit {
            chat,
            message_id,
            text,
            at,
        } => Ok(Applied::Edited(changes.edit_comment(
            *chat,
            *message_id,
            text,
            *at,
        )?)),
        Event::Reaction {
            chat,
            message_id,
            user,
            old,
            new,
        } => {
            let approving = |emoji: &[String]| emoji.iter().any(|e| is_approving_reaction(e));
            let before = approving(old);
            let after = approving(new);
            if before == after {
                return Ok(Applied::Ignored);
            }
            Ok(Applied::Approval(changes.set_approval(
                *chat,
                *message_id,
                *user,
                after,
            )?))
        }
        Event::ReactionCounts {
            chat,
            message_id,
            counts,
        } => {
            let approvals = counts
                .iter()
                .filter(|(emoji, _)| is_approving_reaction(emoji))
                .map(|(_, n)| *n)
                .sum();
            Ok(Applied::Approval(changes.set_counted_approvals(
                *chat,
                *message_id,
                approvals,
            )?))
        }
        Event::Membership { chat, active } => {
            changes.set_chat_active(*chat, *active)?;
            Ok(Applied::Membership)
        }
        Event::ChatMoved { from, to } => {
            changes.note_chat_move(*from, *to)?;
            Ok(Applied::Membership)
        }
        Event::PollMessage {
            chat,
            message_id,
            telegram_poll_id,
            origin,
            at,
        } => Ok(Applied::PollMessage(changes.add_poll_message(
            *chat,
            *message_id,
            telegram_poll_id,
            *origin,
            *at,
        )?)),
    }
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
