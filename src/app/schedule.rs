//! `/newpoll --at`, `/scheduled`, `/cancel`: polls posted later, each
//! under a number reserved when it is scheduled.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::command::NewPoll;
use super::polls::{Place, PostedPoll, ballot_secret_for, poll_record};
use super::{Reply, ScheduledRow};
use crate::poll::{ChatId, Deadline, MessageId, Poll, PollId, PollNumber};
use crate::store::{self, Journal, JournalKey, Store};

/// A poll waiting to be posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledPoll {
    pub new_poll: NewPoll,
    /// Where it goes, and the command that scheduled it (its confirmation
    /// replies to it).
    pub place: Place,
    pub command: MessageId,
}

/// Keeps `new_poll` to post at `at` under the chat's next number, and
/// notes in the same write, in the journal of the command (`command`: its
/// update id and journal), which number it took: a command run again
/// after a crash schedules nothing twice (see [`already_scheduled`]).
pub fn schedule_poll(
    store: &Store,
    scheduled: ScheduledPoll,
    at: DateTime<Utc>,
    command: (i64, Journal),
) -> store::Result<Reply> {
    let record = serde_json::to_vec(&scheduled)?;
    let chat = scheduled.place.chat;
    let series = scheduled.new_poll.features.series;
    let (update_id, journal) = command;
    let number = store.write(|changes| {
        let number = changes.reserve_poll_number(chat)?;
        let id = PollId { chat, number };
        changes.put_scheduled(id, at.timestamp(), record);
        let journal = Journal {
            poll: Some(id),
            ..journal
        };
        changes.set_journal(JournalKey::Command(update_id), &journal)?;
        Ok(number)
    })?;
    store.flush()?;
    Ok(match series {
        Some(series) => Reply::SeriesScheduled {
            number,
            at,
            every: series.every,
        },
        None => Reply::PollScheduled { number, at },
    })
}

/// What a command that scheduled poll `id` before a crash says again: when
/// it goes out, if it is still waiting.
pub fn already_scheduled(store: &Store, id: PollId) -> store::Result<Option<Reply>> {
    let waiting = store
        .scheduled_of_chat(id.chat)?
        .into_iter()
        .find(|(found, _, _)| *found == id);
    Ok(waiting.map(|(_, at, _)| Reply::PollScheduled {
        number: id.number,
        at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
    }))
}

/// Scheduled poll `id` due at `at` (Unix seconds), if it is still there.
pub fn scheduled(store: &Store, id: PollId, at: i64) -> store::Result<Option<ScheduledPoll>> {
    for (found, when, record) in store.scheduled_of_chat(id.chat)? {
        if found == id && when == at {
            return Ok(Some(serde_json::from_slice(&record)?));
        }
    }
    Ok(None)
}

/// `/scheduled`: the chat's waiting polls, soonest first.
pub fn list_scheduled(store: &Store, chat: ChatId) -> store::Result<Reply> {
    let mut rows = Vec::new();
    for (id, at, record) in store.scheduled_of_chat(chat)? {
        let scheduled: ScheduledPoll = serde_json::from_slice(&record)?;
        rows.push(ScheduledRow {
            number: id.number,
            question: scheduled.new_poll.question.as_str().to_owned(),
            at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
        });
    }
    Ok(match rows.is_empty() {
        true => Reply::NothingScheduled,
        false => Reply::ScheduledList(rows),
    })
}

/// `/cancel N`: drops scheduled poll `number` of `chat`.
pub fn cancel_scheduled(store: &Store, chat: ChatId, number: PollNumber) -> store::Result<Reply> {
    let found = store
        .scheduled_of_chat(chat)?
        .into_iter()
        .find(|(id, _, _)| id.number == number);
    let Some((id, at, _)) = found else {
        return Ok(Reply::NotScheduled(number));
    };
    store.write(|changes| {
        changes.remove_scheduled(id, at);
        Ok(())
    })?;
    store.flush()?;
    Ok(Reply::ScheduledCancelled(number))
}

/// The run after `scheduled` (run `id`, due at `at`) of a series, as
/// (due time, record): one period on, past `now`; its deadline as far
/// after it as this run's. `None` for a poll that is no series.
fn next_run(
    scheduled: &ScheduledPoll,
    id: PollId,
    at: i64,
    now: DateTime<Utc>,
) -> store::Result<Option<(i64, Vec<u8>)>> {
    let Some(series) = scheduled.new_poll.features.series else {
        return Ok(None);
    };
    let this_run = DateTime::from_timestamp(at, 0).unwrap_or(now);
    let mut next_at = series.every.after(this_run);
    while next_at <= now {
        next_at = series.every.after(next_at);
    }
    let mut next = scheduled.clone();
    next.new_poll.deadline = scheduled
        .new_poll
        .deadline
        .map(|deadline| Deadline::at_time(next_at + (deadline.at() - this_run)));
    if let Some(series) = &mut next.new_poll.features.series {
        series.first.get_or_insert(id.number.0);
    }
    Ok(Some((next_at.timestamp(), serde_json::to_vec(&next)?)))
}

/// Drops scheduled poll `id` (due at `at`) whose posting failed for good.
pub fn drop_scheduled(store: &Store, id: PollId, at: i64) -> store::Result<()> {
    store.write(|changes| {
        changes.remove_scheduled(id, at);
        Ok(())
    })?;
    store.flush()
}

/// Stores scheduled poll `id` (due at `at`) as Telegram posted it, under
/// its reserved number, and drops it from the schedule, in one write.
pub fn create_scheduled_poll(
    store: &Store,
    id: PollId,
    at: i64,
    scheduled: ScheduledPoll,
    posted: PostedPoll,
    now: DateTime<Utc>,
) -> store::Result<Poll> {
    let secret = ballot_secret_for(&scheduled.new_poll, scheduled.place.kind)?;
    // A series' next run, under the next number, one period on (runs
    // missed while the bot was down are skipped).
    let next = next_run(&scheduled, id, at, now)?;
    let ScheduledPoll {
        mut new_poll,
        place,
        ..
    } = scheduled;
    if let Some(series) = &mut new_poll.features.series {
        series.first.get_or_insert(id.number.0);
    }
    let poll = store.write(|changes| {
        if let Some(title) = &place.title {
            changes.set_chat_title(place.chat, title)?;
        }
        let record = poll_record(id, (place.thread, place.kind), new_poll, posted, now);
        let poll = changes.create_numbered_poll(record)?;
        if let Some(secret) = secret {
            changes.set_ballot_secret(poll.id, secret)?;
        }
        changes.remove_scheduled(id, at);
        if let Some((next_at, record)) = &next {
            let number = changes.reserve_poll_number(id.chat)?;
            let next_id = PollId {
                chat: id.chat,
                number,
            };
            changes.put_scheduled(next_id, *next_at, record.clone());
        }
        Ok(poll)
    })?;
    store.flush()?;
    Ok(poll)
}
