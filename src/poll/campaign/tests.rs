//! Unit tests of `campaign`.

use super::*;
use crate::poll::{ChatId, MessageId, UserId};
use crate::poll::{Person, Poll, PollNumber};

fn id(chat: i64, n: u32) -> PollId {
    PollId {
        chat: ChatId(chat),
        number: PollNumber(n),
    }
}

fn at(second: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + second, 0).unwrap()
}

fn ballot(user: i64, option: u32, second: i64) -> Ballot {
    let voter = Person {
        id: UserId(user),
        name: format!("U{user}"),
    };
    Ballot::new(voter, &[option], 3, false, at(second)).unwrap()
}

fn member(chat: i64, anonymous: bool, counts: &[u64], voters: u64) -> MemberTally {
    MemberTally {
        poll: id(chat, 1),
        anonymous,
        tally: Tally {
            counts: counts.to_vec(),
            voters,
            ..Tally::new(counts.len())
        },
    }
}

#[test]
fn codes_are_eight_unambiguous_characters_read_in_any_case() {
    let code = ShareCode::from_random([0, 0, 0, 0, 0]);
    assert_eq!(code.as_str(), "22222222");
    let code = ShareCode::from_random([0xff; 5]);
    assert_eq!(code.to_string(), "ZZZZ-ZZZZ");
    let code = ShareCode::from_random([0x12, 0x34, 0x56, 0x78, 0x9a]);
    assert_eq!(code.as_str().len(), CODE_CHARS);
    assert_eq!(ShareCode::parse(&code.to_string()), Ok(code.clone()));
    assert_eq!(
        ShareCode::parse(&code.to_string().to_lowercase()),
        Ok(code.clone())
    );
    assert_eq!(
        ShareCode::parse("j7qk 2mxa").unwrap().to_string(),
        "J7QK-2MXA"
    );
    for bad in [
        "",
        "J7QK",
        "J7QK-2MX0",
        "J7QK-2MXI",
        "J7QK-2MXAB",
        "Ж7QK-2MXA",
    ] {
        assert!(ShareCode::parse(bad).is_err(), "{bad}");
    }
    // Every value of the 40 bits is a different code.
    let a = ShareCode::from_random([0, 0, 0, 0, 1]);
    let b = ShareCode::from_random([0, 0, 0, 0, 2]);
    let c = ShareCode::from_random([0x80, 0, 0, 0, 1]);
    assert_ne!(a, b);
    assert_ne!(a, c);
}

#[test]
fn a_person_in_two_chats_counts_once_with_the_latest_vote() {
    let members = [
        member(-1, false, &[2, 1, 0], 3),
        member(-2, false, &[0, 1, 1], 2),
        member(-3, true, &[4, 0, 1], 5),
    ];
    // User 1: A in chat 1, then C in chat 2 (later): counts as C, in chat 2.
    // User 2: B in chat 2, then A in chat 1 (later): A, in chat 1.
    // User 3: A in chat 1 only.
    let one = vec![ballot(1, 0, 1), ballot(2, 0, 5), ballot(3, 1, 2)];
    let two = vec![ballot(1, 2, 3), ballot(2, 1, 4)];
    let combined = combine(
        &members,
        3,
        vec![one.into_iter(), two.into_iter(), Vec::new().into_iter()],
    );
    assert_eq!(
        combined.parts,
        [vec![1, 1, 0], vec![0, 0, 1], vec![4, 0, 1]]
    );
    assert_eq!(combined.counts, [5, 1, 2]);
    assert_eq!(combined.voters, 3 + 5);
    assert_eq!(combined.in_several_chats, 2);
}

#[test]
fn options_deleted_in_a_chat_count_in_the_combination_as_they_count_there() {
    use crate::poll::{PollFeatures, PollOptions, PollQuestion, PollState};
    let chat_poll = |chat: i64, deleted: Vec<u8>| Poll {
        id: id(chat, 1),
        question: PollQuestion::parse("Q?").unwrap(),
        options: PollOptions::parse(&["A", "B", "C"]).unwrap(),
        multiple: false,
        anonymous: false,
        created_at: at(0),
        deadline: None,
        state: PollState::Open,
        closed_at: None,
        results_announced: false,
        message_id: MessageId(1),
        telegram_id: format!("t{chat}"),
        thread: None,
        features: PollFeatures {
            deleted_options: deleted,
            ..PollFeatures::default()
        },
    };
    // B is deleted in chat 2 only.
    let polls = [chat_poll(-1, Vec::new()), chat_poll(-2, vec![1])];
    let members = [
        member(-1, false, &[1, 0, 1], 2),
        member(-2, false, &[1, 0, 0], 1),
    ];
    // User 1: A in chat 1. User 2: only B, in chat 2. User 3: C in
    // chat 1, then B in chat 2 (later). User 4: A in chat 2.
    let ballots = [
        vec![ballot(1, 0, 1), ballot(3, 2, 1)],
        vec![ballot(2, 1, 2), ballot(3, 1, 3), ballot(4, 0, 2)],
    ];
    let counted = polls
        .iter()
        .zip(ballots)
        .map(|(poll, ballots)| {
            let counted: Vec<Ballot> = ballots
                .into_iter()
                .filter_map(|b| poll.counted_ballot(b))
                .collect();
            counted.into_iter()
        })
        .collect();
    let combined = combine(&members, 3, counted);
    // What the chats count, each person once: 2 nowhere, 3 with C.
    assert_eq!(combined.parts, [vec![1, 0, 1], vec![1, 0, 0]]);
    assert_eq!(combined.counts, [2, 0, 1]);
    assert_eq!((combined.voters, combined.in_several_chats), (3, 0));
}

#[test]
fn a_tie_in_time_goes_to_the_later_chat_and_users_merge_in_order() {
    let members = [
        member(-1, false, &[1, 0, 0], 1),
        member(-2, false, &[0, 1, 0], 1),
    ];
    let combined = combine(
        &members,
        3,
        vec![
            vec![ballot(-5, 2, 0), ballot(7, 0, 9)].into_iter(),
            vec![ballot(7, 1, 9), ballot(9, 1, 1)].into_iter(),
        ],
    );
    assert_eq!(combined.parts, [vec![0, 0, 1], vec![0, 2, 0]]);
    assert_eq!(combined.voters, 3);
    assert_eq!(combined.in_several_chats, 1);
    let empty = combine::<std::vec::IntoIter<Ballot>>(&[], 2, Vec::new());
    assert_eq!(empty.in_several_chats, 0);
    assert_eq!((empty.counts, empty.voters), (vec![0, 0], 0));
}
