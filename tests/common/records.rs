//! What the tests on a bare store share: a fixed clock, voters, a plain open
//! poll, and events applied in one batch.

use chrono::{DateTime, Duration, Utc};
use pollbot::ingest::{Applied, Event, apply};
use pollbot::poll::{
    MessageId, Person, Poll, PollId, PollOptions, PollQuestion, PollState, UserId,
};
use pollbot::store::{Changes, Store};

/// When these tests' polls are created.
pub fn start() -> DateTime<Utc> {
    "2024-03-14T09:00:00Z".parse().unwrap()
}

/// `minute` minutes after [`start`].
pub fn at(minute: i64) -> DateTime<Utc> {
    start() + Duration::minutes(minute)
}

pub fn person(id: i64) -> Person {
    Person {
        id: UserId(id),
        name: format!("User {id}"),
    }
}

/// An open poll, one answer per voter, named votes, no deadline and no
/// newer flags; a test sets what it needs with `Poll { .., ..open_poll(..) }`.
pub fn open_poll(
    id: PollId,
    question: &str,
    options: &[&str],
    message_id: i32,
    telegram_id: &str,
    created_at: DateTime<Utc>,
) -> Poll {
    Poll {
        id,
        question: PollQuestion::parse(question).unwrap(),
        options: PollOptions::parse(options).unwrap(),
        multiple: false,
        anonymous: false,
        created_at,
        deadline: None,
        state: PollState::Open,
        closed_at: None,
        results_announced: false,
        message_id: MessageId(message_id),
        telegram_id: telegram_id.into(),
        thread: None,
        features: Default::default(),
    }
}

/// Applies `events` in order, in one batch, as the bot records updates.
pub fn apply_all(store: &Store, events: &[Event]) {
    apply_all_with(store, events, apply);
}

/// Applies `events` in one batch with `apply` (e.g.
/// `ingest::apply_following_campaigns`).
pub fn apply_all_with(
    store: &Store,
    events: &[Event],
    apply: impl Fn(&mut Changes, &Event) -> pollbot::store::Result<Applied>,
) {
    store
        .write(|changes| {
            for event in events {
                apply(changes, event)?;
            }
            Ok(())
        })
        .unwrap();
}
