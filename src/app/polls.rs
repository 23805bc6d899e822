//! Finding, creating, closing and listing polls.

use chrono::{DateTime, Utc};

use super::ChatKind;
use super::command::{NewPoll, PollRef};
use super::reply::{CampaignMark, LISTED_POLLS, PollRow, Reply};
use crate::i18n::Language;
use crate::poll::{
    BallotSecret, ChatId, MessageId, Poll, PollFeatures, PollId, PollNumber, PollState, Zone,
};
use crate::store::{self, Journal, JournalKey, MessageRole, Store};

/// The poll a command means: by number, else the poll (or comment) its
/// message replies to, else the chat's latest. `Err` is the reply that says
/// there is no such poll.
pub fn find_poll(
    store: &Store,
    chat: ChatId,
    poll: PollRef,
    reply_to: Option<MessageId>,
) -> store::Result<Result<Poll, Reply>> {
    let found = match poll {
        PollRef::Number(number) => store.poll(PollId {
            chat,
            number: PollNumber(number),
        })?,
        PollRef::Implicit => {
            let replied = match reply_to {
                Some(message) => store.message_role(chat, message)?,
                None => None,
            };
            match replied {
                Some(MessageRole::Poll(id) | MessageRole::Comment(id)) => store.poll(id)?,
                None => store.latest_poll(chat)?,
            }
        }
    };
    // A command acts on its own chat's polls only (a reply to the copy of a
    // channel's poll in its discussion group does not reach it).
    match found.filter(|p| p.id.chat == chat) {
        Some(poll) => Ok(Ok(poll)),
        None => Ok(Err(match poll {
            PollRef::Number(number) => Reply::PollNotFound(PollNumber(number)),
            PollRef::Implicit => Reply::NoPolls,
        })),
    }
}

/// Why a valid `/newpoll` still cannot be posted in this chat, if it
/// cannot: `--open` in a channel, where every poll is anonymous.
pub fn refuse_new_poll(new_poll: &NewPoll, kind: ChatKind) -> Option<Reply> {
    if new_poll.features.open && kind.is_channel() {
        return Some(Reply::OpenInChannel);
    }
    // Telegram limits who may vote only in channels.
    let features = &new_poll.features;
    let channel_only = [
        ("--members-only", features.members_only),
        ("--countries", !features.countries.is_empty()),
    ];
    if let Some((flag, _)) = channel_only.into_iter().find(|(_, set)| *set)
        && !kind.is_channel()
    {
        return Some(Reply::ChannelOnlyFlag(flag));
    }
    // A private chat has no members to take a share of.
    let share_of_members = matches!(
        new_poll.features.quorum,
        Some(crate::poll::Quorum::PercentOfMembers(_))
    );
    (share_of_members && kind.is_private()).then_some(Reply::QuorumOfMembersInPrivate)
}

/// The longest a deadline may be ahead to be given to Telegram too, as
/// `close_date` (Telegram takes up to 2,628,000 s, a little over 30 days).
pub const CLOSE_DATE_WITHIN: chrono::TimeDelta = chrono::TimeDelta::days(30);
/// The least: Telegram refuses less than 5 s; a margin covers the time the
/// request takes to get there (it is decided right before sending).
pub const CLOSE_DATE_AT_LEAST: chrono::TimeDelta = chrono::TimeDelta::seconds(10);

/// `close_date` for a poll with `deadline`, sent at `now`: the deadline as
/// Unix time when Telegram can take it, so that the poll closes on time even
/// while the bot is down. The bot closes it on time as well, and posts the
/// final results once, either way.
pub fn close_date(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
    let deadline = deadline?;
    let ahead = deadline - now;
    (CLOSE_DATE_AT_LEAST..=CLOSE_DATE_WITHIN)
        .contains(&ahead)
        .then_some(deadline.timestamp())
}

/// A poll as Telegram posted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedPoll {
    pub message_id: MessageId,
    pub telegram_id: String,
    /// The options' persistent ids, in order (empty if Telegram gave none).
    pub option_persistent_ids: Vec<String>,
}

/// Where a poll is posted: its chat, topic, whether it is a channel, and
/// the chat's title (as Telegram gave it with the command).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Place {
    pub chat: ChatId,
    pub thread: Option<MessageId>,
    pub kind: ChatKind,
    pub title: Option<String>,
}

/// The poll `new_poll` as Telegram posted it, stored as `id`, in a chat of
/// `kind` (in topic `thread`).
pub(crate) fn poll_record(
    id: PollId,
    (thread, kind): (Option<MessageId>, ChatKind),
    new_poll: NewPoll,
    posted: PostedPoll,
    now: DateTime<Utc>,
) -> Poll {
    Poll {
        id,
        question: new_poll.question,
        options: new_poll.options,
        multiple: new_poll.multiple,
        // Telegram takes only anonymous polls in channels.
        anonymous: new_poll.anonymous || kind.is_channel(),
        created_at: now,
        deadline: new_poll.deadline.map(|d| d.at()),
        state: PollState::Open,
        closed_at: None,
        results_announced: false,
        message_id: posted.message_id,
        telegram_id: posted.telegram_id,
        thread,
        features: PollFeatures {
            option_persistent_ids: posted.option_persistent_ids,
            ..new_poll.features
        },
    }
}

/// A secret button ballot's key (see `poll::BallotSecret`), made with the
/// poll; `None` for any other poll.
pub(crate) fn ballot_secret_for(
    new_poll: &NewPoll,
    kind: ChatKind,
) -> store::Result<Option<BallotSecret>> {
    let anonymous = new_poll.anonymous || kind.is_channel();
    match anonymous && new_poll.features.ballot.is_button_ballot() {
        true => Ok(Some(new_ballot_secret()?)),
        false => Ok(None),
    }
}

/// Stores a poll Telegram just posted, under the chat's next number, and
/// notes in the same atomic write that the command's step `step` is done:
/// the poll is stored if and only if the command knows it was posted.
pub fn create_poll(
    store: &Store,
    place: Place,
    new_poll: NewPoll,
    posted: PostedPoll,
    now: DateTime<Utc>,
    command: (i64, Journal),
) -> store::Result<Poll> {
    create_poll_with(store, place, new_poll, posted, now, command, |_, _| Ok(()))
}

/// [`create_poll`], with `also` written in the same atomic batch (a copy
/// posted with `/post` joins its campaign there: a copy is stored if and
/// only if it is in its campaign).
pub fn create_poll_with(
    store: &Store,
    place: Place,
    new_poll: NewPoll,
    posted: PostedPoll,
    now: DateTime<Utc>,
    command: (i64, Journal),
    also: impl FnOnce(&mut store::Changes, &Poll) -> store::Result<()>,
) -> store::Result<Poll> {
    let Place {
        chat,
        thread,
        kind,
        title: chat_title,
    } = place;
    let (update_id, journal) = command;
    // A secret button ballot knows its voters by a keyed hash.
    let secret = ballot_secret_for(&new_poll, kind)?;
    let poll = store.write(|changes| {
        if let Some(title) = &chat_title {
            changes.set_chat_title(chat, title)?;
        }
        let poll = changes.create_poll(chat, |id| {
            poll_record(id, (thread, kind), new_poll, posted, now)
        })?;
        if let Some(secret) = secret {
            changes.set_ballot_secret(poll.id, secret)?;
        }
        also(changes, &poll)?;
        changes.set_journal(
            JournalKey::Command(update_id),
            &Journal {
                poll: Some(poll.id),
                ..journal
            },
        )?;
        Ok(poll)
    })?;
    store.flush()?;
    Ok(poll)
}

/// A fresh random key for a secret ballot.
fn new_ballot_secret() -> store::Result<BallotSecret> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| store::StoreError::Random(std::io::Error::other(e.to_string())))?;
    Ok(BallotSecret(bytes))
}

/// Marks a poll closed, with the final counts Telegram gave when it stopped
/// it (all there is for an anonymous poll). Only call this once Telegram has
/// confirmed the poll is closed.
pub fn close_poll(
    store: &Store,
    poll: &Poll,
    final_counts: Option<(Vec<u64>, u64)>,
    now: DateTime<Utc>,
) -> store::Result<()> {
    store.write(|changes| {
        if let Some((counts, voters)) = &final_counts {
            changes.record_poll_counts(&poll.telegram_id, counts, *voters, true, now)?;
        }
        changes.close_poll(poll.id, now)
    })?;
    store.flush()
}

/// How often final results may fail on our side (the store, a file) before
/// they are given up: the same failure would come back every minute.
pub const ANNOUNCE_TRIES: u32 = 3;

/// Whether final results that failed on our side `failures` times are
/// tried again; after [`ANNOUNCE_TRIES`] they are given up (logged).
pub fn try_announcing_again(failures: u32) -> bool {
    failures < ANNOUNCE_TRIES
}

/// Notes that a closed poll's final results were posted (or cannot be).
pub fn mark_announced(store: &Store, id: PollId) -> store::Result<()> {
    store.write(|changes| changes.mark_results_announced(id))?;
    store.flush()
}

/// `/polls`: the chat's polls, newest first, so that a long list loses the
/// oldest.
pub fn list_polls(store: &Store, chat: ChatId) -> store::Result<Reply> {
    let polls = store.polls_of_chat(chat)?;
    if polls.is_empty() {
        return Ok(Reply::NoPolls);
    }
    let mut rows = Vec::new();
    for poll in polls.iter().rev().take(LISTED_POLLS) {
        // A hidden poll's count is not even read, so it cannot leak.
        let voters = match poll.results_hidden() {
            true => 0,
            false => store.tally(poll.id)?.map_or(0, |t| t.voters),
        };
        rows.push(PollRow {
            number: poll.id.number,
            question: poll.question.as_str().to_owned(),
            voters,
            open: poll.is_open(),
            hidden: poll.results_hidden(),
            campaign: campaign_mark(store, poll.id)?,
            members_only: poll.features.members_only,
            countries: poll.features.countries.clone(),
        });
    }
    Ok(Reply::Polls(rows))
}

/// How `/polls` marks a poll shared with other chats, or a copy.
fn campaign_mark(store: &Store, id: PollId) -> store::Result<Option<CampaignMark>> {
    if store.origin_of(id)?.is_some() {
        return Ok(Some(CampaignMark::Joined));
    }
    let campaign = store.campaign(id)?;
    let shared = campaign.filter(|c| c.code.is_some() || !c.copies.is_empty());
    Ok(shared.map(|c| CampaignMark::Shared {
        copies: c.copies.len(),
    }))
}

/// `/lang`: the chat's language from now on.
pub fn set_language(store: &Store, chat: ChatId, language: Language) -> store::Result<Reply> {
    store.write(|changes| changes.set_chat_language(chat, language))?;
    store.flush()?;
    Ok(Reply::LangSet)
}

/// `/timezone ZONE`: the chat reads and shows times in `zone` from now on.
pub fn set_timezone(store: &Store, chat: ChatId, zone: Zone) -> store::Result<Reply> {
    store.write(|changes| changes.set_chat_timezone(chat, zone))?;
    store.flush()?;
    Ok(Reply::TimezoneSet(zone.name()))
}

/// `/timezone` alone: the chat's zone.
pub fn timezone(store: &Store, chat: ChatId) -> store::Result<Reply> {
    Ok(Reply::TimezoneIs(store.chat(chat)?.zone().name()))
}

/// The zone chat `chat` reads and shows times in.
pub fn chat_zone(store: &Store, chat: ChatId) -> store::Result<Zone> {
    Ok(store.chat(chat)?.zone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::command::{self, Command, Parsed};

    fn new_poll(text: &str) -> NewPoll {
        match command::parse(text, None, Utc::now()) {
            Parsed::Command(Command::NewPoll(p)) => *p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn close_date_only_within_telegrams_range() {
        let now: DateTime<Utc> = "2024-03-14T10:00:00Z".parse().unwrap();
        let at = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
        assert_eq!(close_date(None, now), None);
        assert_eq!(
            close_date(at("2024-03-14T11:30:00Z"), now),
            Some(1_710_415_800)
        );
        // Exactly 30 days ahead still goes; a second more does not.
        assert_eq!(
            close_date(at("2024-04-13T10:00:00Z"), now),
            Some(1_713_002_400)
        );
        assert_eq!(close_date(at("2024-04-13T10:00:01Z"), now), None);
        // Too near: Telegram would refuse the whole poll.
        assert_eq!(close_date(at("2024-03-14T10:00:09Z"), now), None);
        assert_eq!(
            close_date(at("2024-03-14T10:00:10Z"), now),
            Some(1_710_410_410)
        );
        assert_eq!(close_date(at("2024-03-14T09:00:00Z"), now), None);
    }

    #[test]
    fn final_results_failing_on_our_side_are_given_up_after_three_tries() {
        assert!(try_announcing_again(1));
        assert!(try_announcing_again(2));
        assert!(!try_announcing_again(3));
        assert!(!try_announcing_again(4));
    }

    #[test]
    fn open_polls_are_refused_in_channels_only() {
        let open = new_poll("/newpoll --open Q? | A | B");
        assert_eq!(
            refuse_new_poll(&open, ChatKind::Channel),
            Some(Reply::OpenInChannel)
        );
        assert_eq!(refuse_new_poll(&open, ChatKind::Group), None);
        let hidden = new_poll("/newpoll --hidden --final --shuffle Q? | A | B");
        assert_eq!(refuse_new_poll(&hidden, ChatKind::Channel), None);
        let text = Reply::OpenInChannel.text(Language::English);
        assert!(text.contains("always anonymous"), "{text}");
    }
}
