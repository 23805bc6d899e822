//! The demo's ranked poll: the society ranks its next exchange programme.
//! Its 322 ballots are chosen so that the instant runoff's winner is not
//! the option most voters put first — the case ranked ballots exist for.

use chrono::Duration;

use super::build::{Timed, Window, apply_in_order, reaction, record_members, reply, voter};
use super::{CHAT, CHAT_TITLE};
use crate::ingest::Event;
use crate::poll::{
    BallotKind, MessageId, Poll, PollFeatures, PollId, PollOptions, PollQuestion, PollState, Press,
};
use crate::store::{self, Store};

pub const RANKED_QUESTION: &str = "Which exchange programme should the society run next?";
pub const RANKED_OPTIONS: [&str; 5] = [
    "Student exchange",
    "Trade fair",
    "Film festival",
    "Language courses",
    "Joint research",
];
/// The message that carries the ballot's buttons.
const BALLOT_MESSAGE: MessageId = MessageId(200);

/// Blocks of identical ballots: how many, and the ranking (option indexes,
/// first preference first). Trade fair leads the first preferences (108 of
/// 322); the runoff elects Student exchange in round 4 with 214.
const BALLOTS: [(usize, &[u8]); 6] = [
    (96, &[1, 4, 0]),
    (82, &[0, 3, 2]),
    (64, &[3, 0, 2]),
    (41, &[4, 0, 1]),
    (27, &[2, 3, 0]),
    (12, &[1]),
];

/// Comments under the ballot: the author (a voter's index) and the text.
const RANKED_COMMENTS: [(usize, &str, usize); 4] = [
    (
        0,
        "A trade fair pays for itself and brings in the sponsors.",
        9,
    ),
    (
        100,
        "Students who lived there come back as our best members.",
        14,
    ),
    (180, "Language first: every other programme needs it.", 6),
    (300, "以电影节开场，再办语言课程。", 4),
];

/// Builds the ranked poll, closed, in a store of its own; returns its id.
pub fn build_ranked(store: &Store) -> store::Result<PollId> {
    let window = Window::new();
    let poll = store.write(|changes| {
        changes.set_chat_title(CHAT, CHAT_TITLE)?;
        changes.create_poll(CHAT, |id| Poll {
            id,
            question: PollQuestion::parse(RANKED_QUESTION).expect("demo question is valid"),
            options: PollOptions::parse(&RANKED_OPTIONS).expect("demo options are valid"),
            multiple: false,
            anonymous: false,
            created_at: window.start,
            deadline: None,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: BALLOT_MESSAGE,
            telegram_id: format!("ballot:{}:{}", CHAT.0, BALLOT_MESSAGE.0),
            thread: None,
            features: PollFeatures {
                ballot: BallotKind::Ranked,
                ..Default::default()
            },
        })
    })?;
    let mut events = ballots(&window);
    events.extend(comments(&window));
    apply_in_order(store, events)?;
    store.write(|changes| changes.close_poll(poll.id, window.end).map(|_| ()))?;
    record_members(store, poll.id, &window, (1_204, 1_216))?;
    store.flush()?;
    Ok(poll.id)
}

/// Every ballot's presses, a voter every hour or so; one voter in ten
/// first ranks Film festival alone, then clears it and starts over.
fn ballots(window: &Window) -> Vec<Timed> {
    let mut events = Vec::new();
    let mut index = 0;
    for &(count, ranking) in &BALLOTS {
        for _ in 0..count {
            let mut minute = 30 + index as i64 * 62;
            let mut press = |press: Press| {
                let at = window.minute(minute);
                minute += 1;
                let event = Event::Press {
                    chat: CHAT,
                    message_id: BALLOT_MESSAGE,
                    voter: voter(index),
                    press: Some(press),
                    at,
                };
                events.push((at, event));
            };
            if index % 10 == 3 {
                press(Press::Option(2));
                press(Press::Clear);
            }
            for &option in ranking {
                press(Press::Option(option));
            }
            index += 1;
        }
    }
    events
}

/// The comments and their approvals by reaction.
fn comments(window: &Window) -> Vec<Timed> {
    let mut events = Vec::new();
    for (n, &(author, text, approvals)) in RANKED_COMMENTS.iter().enumerate() {
        let message = MessageId(2000 + n as i32);
        let posted = window.minute(600 + n as i64 * 2400);
        let event = reply(CHAT, message, BALLOT_MESSAGE, voter(author), text, posted);
        events.push((posted, event));
        for k in 0..approvals {
            let at = posted + Duration::minutes(10 + k as i64 * 13);
            let approver = voter(author + 1 + k * 3);
            events.push((at, reaction(CHAT, message, approver, &[], &["👍"])));
        }
    }
    events
}
