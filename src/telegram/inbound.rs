//! Telegram updates turned into our own records: an [`Event`] for the
//! store, or a [`CommandMessage`] queued for its chat's lane. Anything else
//! is skipped. Our records (not teloxide's `Update`) are what gets persisted:
//! several teloxide types do not survive a serde round trip.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use teloxide::types::{
    CallbackQuery, Chat, ChatMemberKind, ChatMemberUpdated, MaybeAnonymousUser, Message,
    MessageOrigin, MessageReactionCountUpdated, MessageReactionUpdated, Poll, PollAnswer,
    ReactionType, Update, UpdateKind, User,
};

use super::payloads::{OptionChange, UpdateExtras};
use crate::app::{ChatKind, ballots, command};
use crate::ingest::Event;
use crate::poll::{ChatId, MessageId, Person, UserId};

/// A command message, kept in the store until it has been answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandMessage {
    pub chat: ChatId,
    /// The kind of chat, stored as the `private` and `channel` flags that
    /// queued commands have always had.
    #[serde(flatten, with = "kind_flags")]
    pub kind: ChatKind,
    pub message_id: MessageId,
    /// The user who sent it; `None` for channel posts.
    pub from: Option<UserId>,
    /// The chat it was sent on behalf of (anonymous admins, channels).
    pub sender_chat: Option<ChatId>,
    pub text: String,
    /// The message it replies to, which may name the poll meant.
    pub reply_to: Option<MessageId>,
    /// The forum topic it was sent in, where the answer goes too.
    #[serde(default)]
    pub thread: Option<MessageId>,
    /// The chat's title (groups and channels), for the full report.
    #[serde(default)]
    pub chat_title: Option<String>,
    pub at: DateTime<Utc>,
}

/// [`ChatKind`] as the two flags of a stored command.
mod kind_flags {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::app::ChatKind;

    #[derive(Serialize, Deserialize)]
    struct Flags {
        private: bool,
        #[serde(default)]
        channel: bool,
    }

    pub fn serialize<S: Serializer>(kind: &ChatKind, serializer: S) -> Result<S::Ok, S::Error> {
        let flags = Flags {
            private: kind.is_private(),
            channel: kind.is_channel(),
        };
        flags.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<ChatKind, D::Error> {
        let flags = Flags::deserialize(deserializer)?;
        Ok(match (flags.private, flags.channel) {
            (true, _) => ChatKind::Private,
            (false, true) => ChatKind::Channel,
            (false, false) => ChatKind::Group,
        })
    }
}

impl CommandMessage {
    /// Where a poll it posts goes: its chat and topic.
    pub fn place(&self) -> crate::app::Place {
        crate::app::Place {
            chat: self.chat,
            thread: self.thread,
            kind: self.kind,
            title: self.chat_title.clone(),
        }
    }

    /// Whose replies the flood rule counts: the user, else the chat it was
    /// sent as.
    pub fn flood_sender(&self) -> UserId {
        let as_chat = self.sender_chat.map(ChatId::as_person);
        self.from.or(as_chat).unwrap_or_default()
    }

    /// Its sender, as the rules about who moderates see them.
    pub fn sender(&self) -> crate::app::dispatch::SenderFacts {
        crate::app::dispatch::SenderFacts {
            chat: self.chat,
            kind: self.kind,
            from: self.from,
            sender_chat: self.sender_chat,
        }
    }
}

/// What an update means to the bot.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    Event(Event),
    Command(CommandMessage),
    /// A press on an inline button: its event, and what answering it takes.
    Press {
        event: Event,
        query: PressQuery,
    },
}

/// What answering a button press takes: Telegram's query id, and the
/// presser's language as their app says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PressQuery {
    pub id: String,
    pub language: Option<String>,
}

/// Reads an update fetched at `fetched_at`; `None` for kinds the bot does
/// not handle.
///
/// Votes and poll counts carry no date from Telegram: they take
/// `fetched_at`, the time the update was fetched, which the caller keeps
/// for the update's whole life, so that an update read again (its batch
/// tried again after a failed write or flush) keeps its time; messages,
/// edits and the like take Telegram's date.
pub fn read(update: &Update, fetched_at: DateTime<Utc>) -> Option<Inbound> {
    read_with(update, &UpdateExtras::default(), fetched_at)
}

/// [`read`], with the fields of newer Bot APIs that teloxide does not read:
/// the poll option a message replies to, options by persistent id, and
/// the service messages about options added to or deleted from a poll
/// (which teloxide cannot read at all).
pub fn read_with(
    update: &Update,
    extras: &UpdateExtras,
    fetched_at: DateTime<Utc>,
) -> Option<Inbound> {
    if let Some(change) = extras.option_change() {
        return Some(Inbound::Event(option_change(change)));
    }
    let event = match &update.kind {
        UpdateKind::Message(message) | UpdateKind::ChannelPost(message) => {
            return read_message(message, extras.reply_to_poll_option_id());
        }
        UpdateKind::EditedMessage(message) => edit(message)?,
        UpdateKind::Poll(poll) => poll_counts(poll, extras, fetched_at),
        UpdateKind::PollAnswer(answer) => vote(answer, extras, fetched_at),
        UpdateKind::MessageReaction(changed) => reaction(changed)?,
        UpdateKind::MessageReactionCount(counts) => reaction_counts(counts),
        UpdateKind::MyChatMember(member) => membership(member),
        UpdateKind::CallbackQuery(query) => return press(query, fetched_at),
        _ => return None,
    };
    Some(Inbound::Event(event))
}

/// A press on a button under one of the bot's messages, dated `fetched_at`
/// (Telegram gives no date); `None` when the message is not given (an
/// inline message), which no ballot of ours is.
fn press(query: &CallbackQuery, fetched_at: DateTime<Utc>) -> Option<Inbound> {
    let message = query.message.as_ref()?;
    let event = Event::Press {
        chat: message.chat().id.into(),
        message_id: message.id().into(),
        voter: person(&query.from),
        press: query.data.as_deref().and_then(ballots::read_press),
        at: fetched_at,
    };
    let query = PressQuery {
        id: query.id.to_string(),
        language: query.from.language_code.clone(),
    };
    Some(Inbound::Press { event, query })
}

/// An option added to or deleted from a poll (a service message teloxide
/// cannot read).
fn option_change(change: OptionChange) -> Event {
    let OptionChange {
        added,
        chat,
        poll_message,
        telegram_poll_id,
        option,
    } = change;
    if added {
        Event::OptionAdded {
            chat,
            poll_message,
            telegram_poll_id,
            option,
        }
    } else {
        Event::OptionDeleted {
            chat,
            poll_message,
            telegram_poll_id,
            option,
        }
    }
}

/// An edited message's new text or caption; `None` if it has neither.
fn edit(message: &Message) -> Option<Event> {
    let text = message.text().or(message.caption())?;
    Some(Event::Edit {
        chat: message.chat.id.into(),
        message_id: message.id.into(),
        text: text.to_owned(),
        at: message.edit_date().copied().unwrap_or(message.date),
    })
}

/// A poll's counts, dated `fetched_at` (Telegram gives no date).
fn poll_counts(poll: &Poll, extras: &UpdateExtras, fetched_at: DateTime<Utc>) -> Event {
    Event::PollCounts {
        telegram_poll_id: poll.id.to_string(),
        counts: poll
            .options
            .iter()
            .map(|o| u64::from(o.voter_count))
            .collect(),
        options: extras.poll_options(),
        voters: u64::from(poll.total_voter_count),
        closed: poll.is_closed,
        at: fetched_at,
    }
}

/// A voter's answer, dated `fetched_at` (Telegram gives no date).
fn vote(answer: &PollAnswer, extras: &UpdateExtras, fetched_at: DateTime<Utc>) -> Event {
    Event::Vote {
        telegram_poll_id: answer.poll_id.to_string(),
        voter: match &answer.voter {
            MaybeAnonymousUser::User(user) => person(user),
            MaybeAnonymousUser::Chat(chat) => chat_as_person(chat),
        },
        option_ids: answer.option_ids.iter().map(|&o| u32::from(o)).collect(),
        option_persistent_ids: extras.option_persistent_ids(),
        at: fetched_at,
    }
}

/// A user's changed reactions; `None` for anonymous ones (as a chat), which
/// arrive as counts instead.
fn reaction(reaction: &MessageReactionUpdated) -> Option<Event> {
    let MaybeAnonymousUser::User(user) = &reaction.actor else {
        return None;
    };
    Some(Event::Reaction {
        chat: reaction.chat.id.into(),
        message_id: reaction.message_id.into(),
        user: user.id.into(),
        old: emoji(&reaction.old_reaction),
        new: emoji(&reaction.new_reaction),
    })
}

/// Anonymous reaction counts on a message (emoji reactions only).
fn reaction_counts(counts: &MessageReactionCountUpdated) -> Event {
    Event::ReactionCounts {
        chat: counts.chat.id.into(),
        message_id: counts.message_id.into(),
        counts: counts
            .reactions
            .iter()
            .filter_map(|r| match &r.r#type {
                ReactionType::Emoji { emoji } => Some((
                    emoji.clone(),
                    u32::try_from(r.total_count).unwrap_or(u32::MAX),
                )),
                _ => None,
            })
            .collect(),
    }
}

/// The bot's own membership of a chat changed: active while it is a member
/// of any kind.
fn membership(member: &ChatMemberUpdated) -> Event {
    let active = matches!(
        member.new_chat_member.kind,
        ChatMemberKind::Owner(_)
            | ChatMemberKind::Administrator(_)
            | ChatMemberKind::Member(_)
            | ChatMemberKind::Restricted(_)
    );
    Event::Membership {
        chat: member.chat.id.into(),
        active,
    }
}

fn read_message(message: &Message, replied_option: Option<&str>) -> Option<Inbound> {
    // Both chats get a service message when a group becomes a supergroup.
    if let Some(to) = message.migrate_to_chat_id() {
        let (from, to) = (message.chat.id.into(), (*to).into());
        return Some(Inbound::Event(Event::ChatMoved { from, to }));
    }
    if let Some(from) = message.migrate_from_chat_id() {
        let (from, to) = ((*from).into(), message.chat.id.into());
        return Some(Inbound::Event(Event::ChatMoved { from, to }));
    }
    // Only Telegram's own copy of a channel post in the channel's discussion
    // group counts: a poll forwarded by hand into another chat does not make
    // that chat's replies comments of it. The store takes the copy only if
    // it comes from the poll's own channel: someone who forwards the poll
    // into their own channel gets an automatic copy in their discussion
    // group too, from their channel.
    if let Some(poll) = message.poll().filter(|_| message.is_automatic_forward()) {
        let origin = automatic_forward_origin(message)?;
        return Some(Inbound::Event(Event::PollMessage {
            chat: message.chat.id.into(),
            message_id: message.id.into(),
            telegram_poll_id: poll.id.0.clone(),
            origin,
            at: message.date,
        }));
    }
    let thread = message
        .is_topic_message
        .then_some(message.thread_id)
        .flatten()
        .map(MessageId::from);
    // In a forum topic, Telegram makes every message a reply to the topic's
    // first message: that is no reply to anything of ours.
    let replied = message
        .reply_to_message()
        .filter(|replied| Some(MessageId::from(replied.id)) != thread);
    let reply_to = replied.map(|m| MessageId::from(m.id));
    // A reply that starts with a command the bot does not have (`/s` for
    // sarcasm, a path) is an argument in the thread, not a command.
    let command = message
        .text()
        .filter(|t| t.starts_with('/'))
        .filter(|t| reply_to.is_none() || command::is_known(t));
    if let Some(text) = command {
        return Some(Inbound::Command(CommandMessage {
            chat: message.chat.id.into(),
            kind: match () {
                _ if message.chat.is_private() => ChatKind::Private,
                _ if message.chat.is_channel() => ChatKind::Channel,
                _ => ChatKind::Group,
            },
            message_id: message.id.into(),
            from: message.from.as_ref().map(|u| u.id.into()),
            sender_chat: message.sender_chat.as_ref().map(|c| c.id.into()),
            text: text.to_owned(),
            reply_to,
            thread,
            chat_title: message.chat.title().map(str::to_owned),
            at: message.date,
        }));
    }
    let reply_to = reply_to?;
    let author = match (&message.sender_chat, &message.from) {
        (Some(chat), _) => Some(chat_as_person(chat)),
        (None, Some(user)) => Some(person(user)),
        (None, None) => None,
    };
    Some(Inbound::Event(Event::Reply {
        chat: message.chat.id.into(),
        message_id: message.id.into(),
        reply_to,
        author,
        sender: message.from.as_ref().map(|u| u.id.into()),
        text: message.text().or(message.caption()).map(str::to_owned),
        at: message.date,
        replied_option: replied_option.map(str::to_owned),
        replied_poll: replied.and_then(poll_a_bot_sent),
    }))
}

/// The Telegram id of the poll a message carries, if a bot (or a channel,
/// or Telegram's copy of a channel post) sent it: only then can it be one
/// of ours. A member's own poll is none of the bot's business.
fn poll_a_bot_sent(message: &Message) -> Option<String> {
    let poll = message.poll()?;
    let by_a_bot =
        message.from.as_ref().is_none_or(|user| user.is_bot) || message.is_automatic_forward();
    by_a_bot.then(|| poll.id.0.clone())
}

/// The channel an automatic forward comes from: its `sender_chat`, and
/// the channel of its `forward_origin`; `None` if Telegram names neither,
/// or two different chats.
fn automatic_forward_origin(message: &Message) -> Option<ChatId> {
    let sender = message.sender_chat.as_ref().map(|c| ChatId::from(c.id));
    let origin = match message.forward_origin() {
        Some(MessageOrigin::Channel { chat, .. }) => Some(chat.id.into()),
        Some(MessageOrigin::Chat { sender_chat, .. }) => Some(sender_chat.id.into()),
        _ => None,
    };
    match (sender, origin) {
        (Some(a), Some(b)) if a != b => None,
        (a, b) => a.or(b),
    }
}

fn person(user: &User) -> Person {
    Person {
        id: user.id.into(),
        name: user.full_name(),
    }
}

/// A chat that acts as a person: a channel, or an anonymous admin's group.
fn chat_as_person(chat: &Chat) -> Person {
    Person {
        id: ChatId::from(chat.id).as_person(),
        name: chat
            .title()
            .or(chat.username())
            .unwrap_or_default()
            .to_owned(),
    }
}

fn emoji(reactions: &[ReactionType]) -> Vec<String> {
    reactions
        .iter()
        .filter_map(|r| match r {
            ReactionType::Emoji { emoji } => Some(emoji.clone()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod kind_tests {
    use super::*;

    #[test]
    fn a_queued_commands_chat_kind_reads_as_it_was_stored() {
        let stored = |flags: &str| {
            let json = format!(
                r#"{{"chat":-5,{flags}"message_id":1,"from":7,"sender_chat":null,"text":"/help","reply_to":null,"at":"2026-12-03T12:00:00Z"}}"#
            );
            serde_json::from_str::<CommandMessage>(&json).unwrap()
        };
        assert_eq!(stored(r#""private":true,"#).kind, ChatKind::Private);
        assert_eq!(
            stored(r#""private":false,"channel":true,"#).kind,
            ChatKind::Channel
        );
        // Stored before channels were told apart.
        assert_eq!(stored(r#""private":false,"#).kind, ChatKind::Group);
        let written = serde_json::to_string(&stored(r#""private":false,"channel":true,"#)).unwrap();
        assert!(
            written.contains(r#""private":false"#) && written.contains(r#""channel":true"#),
            "{written}"
        );
    }
}
