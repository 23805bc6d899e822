//! The builders: the demo's polls, and the events that fill them (votes,
//! changed and withdrawn votes, comments, approvals), applied through
//! `ingest::apply` in batches, as the bot applies updates.

use chrono::{DateTime, Duration, Utc};

use super::data::{AGE_WEIGHTS, APPROVALS, COMMENTS, FIRST_NAMES, LAST_NAMES};
use super::random::Random;
use super::{
    CHAT, CHAT_TITLE, FINAL_COUNTS, OPTIONS, PARTNER_CHAT, PARTNER_POLL_MESSAGE,
    PARTNER_TELEGRAM_POLL_ID, PARTNER_TITLE, POLL_MESSAGE, PROFILE_OPTIONS, PROFILE_POLL,
    PROFILE_POLL_MESSAGE, PROFILE_QUESTION, PROFILE_TELEGRAM_POLL_ID, QUESTION, TELEGRAM_POLL_ID,
};
use crate::ingest::{Event, apply};
use crate::poll::{
    Audience, ChatId, MemberCount, MessageId, Person, Poll, PollId, PollOptions, PollQuestion,
    PollState, Reminder, TurnoutStage, UserId,
};
use crate::store::{self, Store};

/// The seed of the demo's votes and approvals.
const SEED: u64 = 0x5eed_cafe_f00d_1234;
/// The seed of the profile poll's answers.
const AGE_SEED: u64 = 0x00a9_e50f_0b5e_7e25;

/// An event and when it happens, for sorting.
pub(super) type Timed = (DateTime<Utc>, Event);

/// When the demo polls run: from 09:00 on 14 March to 18:00 on 28 March.
pub(super) struct Window {
    pub(super) start: DateTime<Utc>,
    pub(super) end: DateTime<Utc>,
}

impl Window {
    pub(super) fn new() -> Self {
        Window {
            start: "2024-03-14T09:00:00Z".parse().expect("valid date"),
            end: "2024-03-28T18:00:00Z".parse().expect("valid date"),
        }
    }

    /// `m` minutes after the start.
    pub(super) fn minute(&self, m: i64) -> DateTime<Utc> {
        self.start + Duration::minutes(m)
    }
}

/// What tells one demo poll from another.
struct PollSpec<'a> {
    question: &'a str,
    options: &'a [&'a str],
    telegram_id: &'a str,
    message_id: MessageId,
    created_at: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
}

impl Poll {
    /// The poll with `--remind` reminders this many seconds before its
    /// deadline.
    fn with_reminders(mut self, before_seconds: &[i64]) -> Poll {
        self.features.reminders = before_seconds
            .iter()
            .map(|&before_seconds| Reminder {
                before_seconds,
                sent: false,
            })
            .collect();
        self
    }
}

impl PollSpec<'_> {
    /// The poll: one answer, public, open.
    fn poll(&self, id: PollId) -> Poll {
        Poll {
            id,
            question: PollQuestion::parse(self.question).expect("demo question is valid"),
            options: PollOptions::parse(self.options).expect("demo options are valid"),
            multiple: false,
            anonymous: false,
            created_at: self.created_at,
            deadline: self.deadline,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: self.message_id,
            telegram_id: self.telegram_id.into(),
            thread: None,
            features: Default::default(),
        }
    }
}

/// The demo's `index`-th voter, named from the tables.
pub(super) fn voter(index: usize) -> Person {
    let first = FIRST_NAMES[index % FIRST_NAMES.len()];
    let last = LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()];
    Person {
        id: UserId(100_000 + index as i64),
        name: format!("{first} {last}"),
    }
}

/// Each voter's final answer: voter i chooses the option whose block of
/// [`FINAL_COUNTS`] holds i.
fn final_choices() -> Vec<u32> {
    let total: usize = FINAL_COUNTS.iter().sum::<u64>() as usize;
    let mut choices = Vec::with_capacity(total);
    for (option, &count) in FINAL_COUNTS.iter().enumerate() {
        choices.extend(std::iter::repeat_n(option as u32, count as usize));
    }
    choices
}

/// When comment `n` is posted, in minutes after the poll's start.
fn comment_minute(n: usize) -> i64 {
    60 + n as i64 * 440
}

/// A vote (or, with no options, a withdrawal) in the poll `telegram_poll_id`.
fn vote(telegram_poll_id: &str, voter: Person, options: &[u32], at: DateTime<Utc>) -> Event {
    Event::Vote {
        telegram_poll_id: telegram_poll_id.into(),
        voter,
        option_ids: options.to_vec(),
        option_persistent_ids: Vec::new(),
        at,
    }
}

/// A message in `chat` replying to `reply_to`.
pub(super) fn reply(
    chat: ChatId,
    message_id: MessageId,
    reply_to: MessageId,
    author: Person,
    text: &str,
    at: DateTime<Utc>,
) -> Event {
    Event::Reply {
        chat,
        message_id,
        reply_to,
        author: Some(author),
        sender: None,
        text: Some(text.into()),
        at,
        replied_option: None,
        replied_poll: None,
    }
}

/// A change of `user`'s reactions to a message in `chat`.
pub(super) fn reaction(
    chat: ChatId,
    message_id: MessageId,
    user: Person,
    old: &[&str],
    new: &[&str],
) -> Event {
    let texts = |r: &[&str]| r.iter().map(|s| s.to_string()).collect();
    Event::Reaction {
        chat,
        message_id,
        user: user.id,
        old: texts(old),
        new: texts(new),
    }
}

/// A day, in seconds.
const DAY: i64 = 86_400;

/// The demo chat's members when its polls were posted and when they
/// closed, as `getChatMemberCount` would have given them.
const DEMO_MEMBERS: (u64, u64) = (8_412, 8_537);
/// The partner chat's, in the campaign demo.
const PARTNER_MEMBERS: (u64, u64) = (3_790, 3_863);

/// Keeps poll `id`'s member counts: `members.0` at the window's start,
/// `members.1` at its end.
pub(super) fn record_members(
    store: &Store,
    id: PollId,
    window: &Window,
    members: (u64, u64),
) -> store::Result<()> {
    let count = |count, read_at| MemberCount {
        count,
        audience: Audience::Members,
        read_at,
    };
    store.write(|changes| {
        changes.record_member_count(id, TurnoutStage::Posted, count(members.0, window.start))?;
        changes.record_member_count(id, TurnoutStage::Closed, count(members.1, window.end))
    })
}

/// Applies `events` in time order, in batches of 100.
pub(super) fn apply_in_order(store: &Store, mut events: Vec<Timed>) -> store::Result<()> {
    events.sort_by_key(|(at, _)| *at);
    for batch in events.chunks(100) {
        store.write(|changes| {
            for (_, event) in batch {
                apply(changes, event)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Builds the sample poll in `store` and returns its id.
pub fn build(store: &Store) -> store::Result<PollId> {
    let window = Window::new();
    let id = store.write(|changes| {
        changes.create_poll(CHAT, |id| {
            PollSpec {
                question: QUESTION,
                options: &OPTIONS,
                telegram_id: TELEGRAM_POLL_ID,
                message_id: POLL_MESSAGE,
                created_at: window.start,
                deadline: Some(window.end),
            }
            .poll(id)
            .with_reminders(&[DAY * 7, DAY])
        })
    })?;
    let profile = store.write(|changes| {
        changes.set_chat_title(CHAT, CHAT_TITLE)?;
        changes.create_poll(CHAT, |id| {
            PollSpec {
                question: PROFILE_QUESTION,
                options: &PROFILE_OPTIONS,
                telegram_id: PROFILE_TELEGRAM_POLL_ID,
                message_id: PROFILE_POLL_MESSAGE,
                created_at: window.start + Duration::minutes(30),
                deadline: None,
            }
            .poll(id)
        })
    })?;
    debug_assert_eq!(profile.id.number, PROFILE_POLL);

    let mut random = Random(SEED);
    let choices = final_choices();
    let mut events = votes(&window, &mut random, &choices);
    events.extend(ages(&window, &choices));
    events.extend(withdrawals(&window, &mut random, choices.len()));
    events.extend(comments(&window));
    events.extend(approvals(&window, &mut random, choices.len()));
    // One author fixes a typo.
    let edit = Event::Edit {
        chat: CHAT,
        message_id: comment_message(0),
        text: COMMENTS[0].2.into(),
        at: window.minute(70),
    };
    events.push((window.minute(70), edit));
    apply_in_order(store, events)?;

    // Both reminders went out, a week and a day before the close.
    store.write(|changes| {
        changes.mark_reminder_sent(id.id, 0)?;
        changes.mark_reminder_sent(id.id, 1)?;
        changes.close_poll(id.id, window.end)?;
        changes.close_poll(profile.id, window.end)
    })?;
    record_members(store, id.id, &window, DEMO_MEMBERS)?;
    store.flush()?;
    Ok(id.id)
}

/// Every voter's final vote; one voter in eight first chose something
/// else, then changed.
fn votes(window: &Window, random: &mut Random, choices: &[u32]) -> Vec<Timed> {
    let mut events = Vec::new();
    for (i, &choice) in choices.iter().enumerate() {
        let at = window.minute(random.vote_minute());
        if i % 8 == 0 {
            let first = (choice + 1 + random.below(3) as u32) % 4;
            let earlier = at - Duration::minutes(30);
            events.push((earlier, vote(TELEGRAM_POLL_ID, voter(i), &[first], earlier)));
        }
        events.push((at, vote(TELEGRAM_POLL_ID, voter(i), &[choice], at)));
    }
    events
}

/// Four voters in five also give their age group, a little later.
fn ages(window: &Window, choices: &[u32]) -> Vec<Timed> {
    let mut ages = Random(AGE_SEED);
    let mut events = Vec::new();
    for (i, &choice) in choices.iter().enumerate() {
        if ages.below(5) == 0 {
            continue;
        }
        let age = ages.weighted(&AGE_WEIGHTS[choice as usize]) as u32;
        let at = window.minute(ages.vote_minute());
        events.push((at, vote(PROFILE_TELEGRAM_POLL_ID, voter(i), &[age], at)));
    }
    events
}

/// Forty people who voted and later withdrew, numbered after the `voters`.
fn withdrawals(window: &Window, random: &mut Random, voters: usize) -> Vec<Timed> {
    let mut events = Vec::new();
    for j in 0..40 {
        let at = window.minute(random.vote_minute());
        let person = voter(voters + j);
        let option = random.below(4) as u32;
        events.push((at, vote(TELEGRAM_POLL_ID, person.clone(), &[option], at)));
        let later = at + Duration::hours(5);
        events.push((later, vote(TELEGRAM_POLL_ID, person, &[], later)));
    }
    events
}

/// The message id of comment `n`.
fn comment_message(n: usize) -> MessageId {
    MessageId(1000 + n as i32)
}

/// The comments, each replying to the poll or to an earlier comment.
fn comments(window: &Window) -> Vec<Timed> {
    let mut events = Vec::new();
    for (n, &(author, reply_to, text)) in COMMENTS.iter().enumerate() {
        let at = window.minute(comment_minute(n));
        let reply_to = reply_to.map_or(POLL_MESSAGE, |r| comment_message(r - 1));
        let event = reply(CHAT, comment_message(n), reply_to, voter(author), text, at);
        events.push((at, event));
    }
    events
}

/// Each comment's approvals from random voters: by reaction, or by a reply
/// (`+1`, `同意`) one time in six; and one reaction withdrawn.
fn approvals(window: &Window, random: &mut Random, voters: usize) -> Vec<Timed> {
    let mut events = Vec::new();
    let mut next_message = 5000;
    for (n, &approvals) in APPROVALS.iter().enumerate() {
        let posted = window.minute(comment_minute(n));
        let mut approvers: Vec<usize> = Vec::new();
        while approvers.len() < approvals + 1 {
            let candidate = random.below(voters);
            if !approvers.contains(&candidate) {
                approvers.push(candidate);
            }
        }
        // The last approver reacts, then thinks better of it.
        let withdrawn = approvers.pop().expect("one extra approver");
        for (k, &person) in approvers.iter().enumerate() {
            let at = posted + Duration::minutes(5 + k as i64 * 7);
            let event = if k % 6 == 5 {
                next_message += 1;
                let text = if k % 12 == 5 { "+1" } else { "同意" };
                reply(
                    CHAT,
                    MessageId(next_message),
                    comment_message(n),
                    voter(person),
                    text,
                    at,
                )
            } else {
                let emoji = ["👍", "❤", "🔥", "👏", "💯"][k % 5];
                reaction(CHAT, comment_message(n), voter(person), &[], &[emoji])
            };
            events.push((at, event));
        }
        let (message, who) = (comment_message(n), voter(withdrawn));
        let added = reaction(CHAT, message, who.clone(), &[], &["👍"]);
        events.push((posted + Duration::minutes(1), added));
        let removed = reaction(CHAT, message, who, &["👍"], &[]);
        events.push((posted + Duration::minutes(2), removed));
    }
    events
}

/// Builds the sample poll as a campaign over two chats: the same 1,601
/// final answers, a third of the voters in the partner chat, and
/// [`CAMPAIGN_VOTERS_IN_BOTH`](super::CAMPAIGN_VOTERS_IN_BOTH) people who
/// voted in both (each counts once, with their later vote). Returns the
/// origin poll.
pub fn build_campaign(store: &Store) -> store::Result<PollId> {
    let window = Window::new();
    let spec = |telegram_id, message_id, created_at| PollSpec {
        question: QUESTION,
        options: &OPTIONS,
        telegram_id,
        message_id,
        created_at,
        deadline: Some(window.end),
    };
    let (origin, copy) = store.write(|changes| {
        changes.set_chat_title(CHAT, CHAT_TITLE)?;
        changes.set_chat_title(PARTNER_CHAT, PARTNER_TITLE)?;
        let origin = changes.create_poll(CHAT, |id| {
            spec(TELEGRAM_POLL_ID, POLL_MESSAGE, window.start).poll(id)
        })?;
        let copy = changes.create_poll(PARTNER_CHAT, |id| {
            spec(
                PARTNER_TELEGRAM_POLL_ID,
                PARTNER_POLL_MESSAGE,
                window.minute(45),
            )
            .poll(id)
        })?;
        changes.add_copy(origin.id, copy.id)?;
        Ok((origin.id, copy.id))
    })?;
    let mut random = Random(SEED);
    let choices = final_choices();
    let mut events = campaign_votes(&window, &mut random, &choices);
    events.extend(campaign_threads(&window, choices.len()));
    apply_in_order(store, events)?;
    store.write(|changes| {
        changes.close_poll(origin, window.end)?;
        changes.close_poll(copy, window.end)
    })?;
    record_members(store, origin, &window, DEMO_MEMBERS)?;
    record_members(store, copy, &window, PARTNER_MEMBERS)?;
    store.flush()?;
    Ok(origin)
}

/// The chat voter `i` votes in: every third in the partner chat.
fn chat_of(i: usize) -> ChatId {
    if i % 3 == 1 { PARTNER_CHAT } else { CHAT }
}

/// The poll's Telegram id and message in `chat`.
fn poll_in(chat: ChatId) -> (&'static str, MessageId) {
    match chat {
        PARTNER_CHAT => (PARTNER_TELEGRAM_POLL_ID, PARTNER_POLL_MESSAGE),
        _ => (TELEGRAM_POLL_ID, POLL_MESSAGE),
    }
}

/// Every voter's final vote in their chat. One in twenty-five first voted
/// in the other chat (another option); of the others, one in eight first
/// chose something else in their own.
fn campaign_votes(window: &Window, random: &mut Random, choices: &[u32]) -> Vec<Timed> {
    let other = |chat: ChatId| if chat == CHAT { PARTNER_CHAT } else { CHAT };
    let vote_in = |chat, person, option, at| vote(poll_in(chat).0, person, &[option], at);
    let mut events = Vec::new();
    for (i, &choice) in choices.iter().enumerate() {
        let chat = chat_of(i);
        let at = window.minute(random.vote_minute().max(120));
        if i % 25 == 0 {
            let first = (choice + 1 + random.below(3) as u32) % 4;
            let earlier = at - Duration::minutes(90);
            events.push((earlier, vote_in(other(chat), voter(i), first, earlier)));
        } else if i % 8 == 0 {
            let first = (choice + 1 + random.below(3) as u32) % 4;
            let earlier = at - Duration::minutes(30);
            events.push((earlier, vote_in(chat, voter(i), first, earlier)));
        }
        events.push((at, vote_in(chat, voter(i), choice, at)));
    }
    events
}

/// The comments that start a thread, each in its author's chat, with its
/// approvals.
fn campaign_threads(window: &Window, voters: usize) -> Vec<Timed> {
    let mut events = Vec::new();
    let mut next_message = 2000;
    for (n, &(author, reply_to, text)) in COMMENTS.iter().enumerate() {
        if reply_to.is_some() {
            continue;
        }
        let (chat, posted) = (chat_of(author), window.minute(comment_minute(n)));
        next_message += 1;
        let message = MessageId(next_message);
        let comment = reply(chat, message, poll_in(chat).1, voter(author), text, posted);
        events.push((posted, comment));
        for k in 0..APPROVALS[n] {
            let approver = (author + 1 + k * 7) % voters;
            let at = posted + Duration::minutes(5 + k as i64);
            events.push((at, reaction(chat, message, voter(approver), &[], &["👍"])));
        }
    }
    events
}
