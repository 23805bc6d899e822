//! Hostile input: arbitrary command text, and updates the bot must shrug
//! off without a panic, without losing its place, and without touching a
//! tally they have no business touching.

mod common;

use std::time::Duration;

use chrono::Utc;
use common::fake_telegram::SentPoll;
use common::updates::{
    automatic_forward, callback_query, caption_reply, channel_post, media_only_reply, message,
    message_from_sender_chat, person, poll_answer, poll_answer_from_chat, reaction, reaction_count,
    reply,
};
use common::{PATIENCE, World};
use pollbot::app::command::{self, Command, Parsed};
use pollbot::poll::PollNumber;
use pollbot::poll::{ChatId, MessageId, UserId};
use pollbot::poll::{MAX_OPTION_CHARS, MAX_OPTIONS, MAX_QUESTION_CHARS, MIN_OPTIONS, PollId};
use proptest::prelude::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// 1. The command parser on arbitrary text

const BOT: &str = "pollbot_test_bot";

/// Pieces that make parsing interesting, glued together at random.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/newpoll".to_owned()),
        Just("/newpoll@pollbot_test_bot".to_owned()),
        Just("/NEWPOLL@PollBot_Test_Bot".to_owned()),
        Just("/newpoll@OtherBot".to_owned()),
        Just("/results".to_owned()),
        Just("/export".to_owned()),
        Just("/close".to_owned()),
        Just("/lang".to_owned()),
        Just("/polls".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("|".to_owned()),
        Just(" | ".to_owned()),
        Just("||".to_owned()),
        Just("--multiple".to_owned()),
        Just("--anonymous".to_owned()),
        Just("--until".to_owned()),
        Just("--until=".to_owned()),
        Just("—until".to_owned()),
        Just("–multiple".to_owned()),
        Just("--".to_owned()),
        Just("--bogus".to_owned()),
        Just("2099-12-31".to_owned()),
        Just("2099-12-31 23:59".to_owned()),
        Just("2001-01-01".to_owned()),
        Just("2024-02-30".to_owned()),
        Just("2099-12-31T10:00:00+02:00".to_owned()),
        Just("90m".to_owned()),
        Just("36h".to_owned()),
        Just("14d".to_owned()),
        Just("0d".to_owned()),
        Just("-5h".to_owned()),
        Just("99999999999999999999d".to_owned()),
        Just("9223372036854775807m".to_owned()),
        Just("+262143-12-31".to_owned()),
        Just("#".to_owned()),
        Just("#0".to_owned()),
        Just("#4294967296".to_owned()),
        Just("csv".to_owned()),
        Just("json".to_owned()),
        Just("zh".to_owned()),
        Just("\u{200F}".to_owned()), // right-to-left mark
        Just("\u{202E}".to_owned()), // right-to-left override
        Just("\u{200B}".to_owned()), // zero-width space
        Just("\u{FEFF}".to_owned()), // byte-order mark
        Just("\u{0}".to_owned()),
        Just("\u{7}\u{8}\u{1b}[31m".to_owned()),
        Just("\u{2028}".to_owned()), // line separator
        Just("\u{85}".to_owned()),   // next line
        Just("👍🏽".to_owned()),
        Just("👨‍👩‍👧‍👦".to_owned()),
        Just("🇺🇦".to_owned()),
        Just("合作".to_owned()),
        Just("Энергия".to_owned()),
        Just("طاقة".to_owned()),
        Just("e\u{301}".to_owned()), // combining accent
        Just("Yes".to_owned()),
        Just("yes".to_owned()),
        "[a-zA-Z0-9?]{1,12}",
        "\\PC{1,20}",
        "[\\x00-\\x1f]{1,4}",
        // Long runs: over the question and option limits.
        (95usize..310).prop_map(|n| "x".repeat(n)),
        (95usize..310).prop_map(|n| "合".repeat(n)),
        (45usize..160).prop_map(|n| "😀".repeat(n)),
    ]
}

/// A command-like text of up to a few thousand characters.
fn command_text() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..120).prop_map(|tokens| tokens.concat())
}

/// Up to ~10k characters of anything, behind a `/newpoll`.
fn huge_text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["/newpoll ", "/newpoll\n", "/newpoll --until ", "/"]),
        prop::collection::vec(any::<char>(), 0..10_000),
    )
        .prop_map(|(head, chars)| format!("{head}{}", chars.into_iter().collect::<String>()))
}

/// Many options separated by `|` or newlines, some duplicated, some long.
fn many_options() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec(
            prop_oneof![
                "[a-c]{1,2}",
                "\\PC{0,8}",
                (90usize..110).prop_map(|n| "é".repeat(n)),
                Just(" ".to_owned()),
                Just(String::new()),
            ],
            0..20,
        ),
    )
        .prop_map(|(lines, options)| {
            let separator = if lines { "\n" } else { " | " };
            format!("/newpoll Question?{separator}{}", options.join(separator))
        })
}

/// What every accepted `/newpoll` must satisfy: Telegram's limits.
fn check(text: &str) -> Result<(), TestCaseError> {
    let parsed = command::parse(text, Some(BOT), Utc::now());
    if let Parsed::Command(Command::NewPoll(poll)) = parsed {
        let question = poll.question.as_str();
        let chars = question.chars().count();
        prop_assert!(
            (1..=MAX_QUESTION_CHARS).contains(&chars),
            "question of {chars} characters: {question:?}"
        );
        prop_assert!(!question.trim().is_empty(), "blank question");
        let options: Vec<&str> = poll.options.iter().map(|o| o.as_str()).collect();
        prop_assert!(
            (MIN_OPTIONS..=MAX_OPTIONS).contains(&options.len()),
            "{} options: {options:?}",
            options.len()
        );
        for (i, option) in options.iter().enumerate() {
            let chars = option.chars().count();
            prop_assert!(
                (1..=MAX_OPTION_CHARS).contains(&chars),
                "option of {chars} characters: {option:?}"
            );
            prop_assert!(!option.trim().is_empty(), "blank option");
            prop_assert!(
                !options[..i].contains(option),
                "duplicate option {option:?} in {options:?}"
            );
        }
        if let Some(deadline) = poll.deadline {
            prop_assert!(deadline.at() > Utc::now() - chrono::Duration::minutes(1));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_and_accepts_only_valid_polls(text in command_text()) {
        check(&text)?;
    }

    #[test]
    fn parse_survives_huge_arbitrary_text(text in huge_text()) {
        check(&text)?;
    }

    #[test]
    fn parse_enforces_option_limits(text in many_options()) {
        check(&text)?;
    }

    #[test]
    fn parse_survives_any_string_at_all(text in any::<String>()) {
        check(&text)?;
        check(&format!("/newpoll {text}"))?;
        check(&format!("/newpoll@{text}"))?;
    }
}

// ---------------------------------------------------------------------------
// 1b. Nasty `/newpoll` texts through the real bot

/// Calls that answer a command in `chat`: a message, or a poll.
fn answers_in(world: &World, chat: i64) -> Vec<common::Call> {
    world
        .fake
        .calls()
        .into_iter()
        .filter(|c| matches!(c.method.as_str(), "sendMessage" | "sendPoll"))
        .filter(|c| c.chat_id() == Some(chat))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nasty_newpoll_texts_each_get_exactly_one_answer() {
    let mut world = World::start().await;
    let huge: String = "Why?\u{202E}|\u{0}—".repeat(1_500);
    let nasty: Vec<String> = vec![
        format!("/newpoll {huge}"),
        "/newpoll \u{202E}evil?\u{200F} | ✅ | ❌".to_owned(),
        format!("/newpoll{}", "\n".repeat(50)),
        "/newpoll --until 2001-01-01 Past? | a | b".to_owned(),
        "/newpoll --bogus Q? | a | b".to_owned(),
        "/newpoll Q? | same | same".to_owned(),
        format!(
            "/newpoll Thirteen?\n{}",
            (1..=13)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
        format!("/newpoll {}? | a | b", "合".repeat(301)),
        "/newpoll Q\u{0}\u{7}? | \u{1b}[31m | b\u{8}".to_owned(),
        "/newpoll --until=99999999999999999999d Q? | a | b".to_owned(),
        "/newpoll@pollbot_test_bot Skin tones? | 👍🏽 | 👨‍👩‍👧‍👦 | 🇺🇦".to_owned(),
        "/newpoll --multiple --anonymous --until 36h".to_owned(),
        format!("/newpoll Q? | {} | b", "😀".repeat(101)),
    ];
    // One private chat each (its user moderates it), so the bot's
    // one-message-a-second-per-chat pace does not serialize them.
    let chats: Vec<i64> = (0..nasty.len() as i64).map(|i| 80_000 + i).collect();
    let updates: Vec<Value> = nasty
        .iter()
        .zip(&chats)
        .map(|(text, &chat)| message(chat, 1, &person(chat, "Nasty"), text))
        .collect();
    world.deliver_all(updates).await;

    let deadline = tokio::time::Instant::now() + PATIENCE;
    while chats.iter().any(|&c| answers_in(&world, c).is_empty()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "unanswered: {:?}",
            chats
                .iter()
                .zip(&nasty)
                .filter(|(c, _)| answers_in(&world, **c).is_empty())
                .map(|(c, t)| (c, t.chars().take(60).collect::<String>()))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Whatever the bot would still send, it sends before it is idle.
    world.wait_idle().await;
    for (chat, text) in chats.iter().zip(&nasty) {
        let mut answers = answers_in(&world, *chat);
        let short: String = text.chars().take(60).collect();
        // A poll is confirmed with its number: one poll, one confirmation.
        if answers.first().is_some_and(|c| c.method == "sendPoll") {
            assert_eq!(
                answers.len(),
                2,
                "a poll and its confirmation for {short:?}"
            );
            assert!(answers[1].text().unwrap_or_default().starts_with("Poll #"));
            answers.truncate(1);
        }
        assert_eq!(
            answers.len(),
            1,
            "exactly one answer to {short:?}: {:#?}",
            answers
                .iter()
                .map(|c| (c.method.clone(), c.failed, c.text()))
                .collect::<Vec<_>>()
        );
        assert!(
            !answers[0].failed,
            "Telegram accepted the answer to {short:?}"
        );
        if answers[0].method == "sendMessage" {
            let reply = answers[0].text().unwrap_or_default();
            assert!(
                reply.encode_utf16().count() <= 4096,
                "a reply within Telegram's limit"
            );
        }
    }
    let polls = world.fake.polls();
    // Chats are answered concurrently: the polls come in any order.
    let mut posted: Vec<i64> = polls.iter().map(|p| p.chat_id).collect();
    posted.sort_unstable();
    assert_eq!(
        posted,
        vec![chats[1], chats[8], chats[10]],
        "only the valid ones became polls: {polls:#?}"
    );
    for poll in &polls {
        assert!(poll.question.chars().count() <= MAX_QUESTION_CHARS);
        assert!((MIN_OPTIONS..=MAX_OPTIONS).contains(&poll.options.len()));
    }

    // Still up.
    let later = person(89_999, "Later");
    world.deliver(message(later.id, 1, &later, "/polls")).await;
    world.nth_message_to(later.id, 1).await;
    world.assert_api_conformance();
    world.stop_bot().await;
}

// ---------------------------------------------------------------------------
// 2. Hostile updates around a real poll

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_updates_are_acknowledged_and_only_valid_votes_count() {
    const GROUP: i64 = -1_001_000_000_500;
    const CHANNEL: i64 = -1_001_000_000_900;
    let moderator = person(1001, "Mod");
    let mut world = World::with_moderators(&[moderator.id]).await;
    // Deliver every kind, also those the bot did not ask for, so the bot
    // itself has to skip them.
    world.fake.set_filter_allowed_updates(false);
    world.fake.set_bot_admin(GROUP, true);

    world
        .deliver(message(
            GROUP,
            1,
            &moderator,
            "/newpoll Which? | Alpha | Beta",
        ))
        .await;
    let sent = world.nth_call("sendPoll", 1).await;
    assert!(!sent.failed);
    let poll = world.fake.polls()[0].clone();
    let poll_msg = poll.message_id as i32;
    // The poll is stored before the worker answers the next command.
    world.deliver(message(GROUP, 2, &moderator, "/polls")).await;
    // Message 1 confirmed the poll; message 2 answers /polls.
    let listed = world.nth_message_to(GROUP, 2).await;
    assert!(listed.contains("#1 Which?"), "{listed}");

    let alice = person(2001, "Alice");
    let bob = person(2002, "Bob");
    let carol = person(2003, "Carol");
    let dave = person(2004, "Dave");
    let erin = person(2005, "Erin");
    let gina = person(2007, "Gina");
    let hank = person(2008, "Hank");
    let long_comment = "合作共赢，".repeat(1_000); // 5,000 characters
    let p = poll.poll_id.as_str();

    let hostile: Vec<(&str, Value)> = vec![
        ("alice votes Alpha", poll_answer(p, &alice, &[0])),
        ("bob votes Beta", poll_answer(p, &bob, &[1])),
        ("carol votes Beta", poll_answer(p, &carol, &[1])),
        ("dave votes Beta", poll_answer(p, &dave, &[1])),
        ("dave withdraws", poll_answer(p, &dave, &[])),
        ("erin votes Alpha", poll_answer(p, &erin, &[0])),
        ("erin changes to Beta", poll_answer(p, &erin, &[1])),
        (
            "a channel votes Alpha",
            poll_answer_from_chat(p, CHANNEL, &[0]),
        ),
        ("gina: option 7 of 2", poll_answer(p, &gina, &[7])),
        (
            "hank: two answers, one-answer poll",
            poll_answer(p, &hank, &[0, 1]),
        ),
        (
            "alice: option 7 keeps her vote",
            poll_answer(p, &alice, &[7]),
        ),
        (
            "gina: option id 300 (not a u8)",
            raw_answer(p, 2007, json!([300])),
        ),
        ("gina: negative option id", raw_answer(p, 2007, json!([-1]))),
        (
            "gina: option id u32::MAX",
            raw_answer(p, 2007, json!([u32::MAX])),
        ),
        ("unknown poll", poll_answer("999999999", &gina, &[0])),
        ("empty poll id", poll_answer("", &gina, &[0])),
        (
            "5,000-character Chinese comment",
            reply(GROUP, 50, &alice, &long_comment, poll_msg),
        ),
        (
            "media-only reply",
            media_only_reply(GROUP, 51, &bob, poll_msg),
        ),
        (
            "caption comment",
            caption_reply(GROUP, 52, &carol, "Photo proof", poll_msg),
        ),
        (
            "anonymous admin comment",
            message_from_sender_chat(GROUP, 53, GROUP, "Speaking for the group", Some(poll_msg)),
        ),
        (
            "comment as a channel",
            message_from_sender_chat(GROUP, 54, CHANNEL, "Our channel agrees", Some(poll_msg)),
        ),
        (
            "anonymous admin command",
            message_from_sender_chat(GROUP, 55, GROUP, "/polls", None),
        ),
        (
            "channel post",
            channel_post(CHANNEL, 56, "News from the channel", None),
        ),
        (
            "channel post replying to a message unknown there",
            channel_post(CHANNEL, 57, "a reply in the channel", Some(poll_msg)),
        ),
        (
            "reaction on an unknown message",
            reaction(GROUP, 9_999, &bob, &[], &["👍"]),
        ),
        (
            "reaction on the poll message",
            reaction(GROUP, poll_msg, &bob, &[], &["👍"]),
        ),
        (
            "reaction in an unknown chat",
            reaction(-1_001_000_000_404, 50, &bob, &[], &["👍"]),
        ),
        (
            "counts on an unknown message",
            reaction_count(GROUP, 9_998, &[("👍", 1_000_000)]),
        ),
        (
            "bob approves the long comment",
            reaction(GROUP, 50, &bob, &[], &["👍"]),
        ),
        (
            "callback query",
            callback_query("cbq-1", &bob, GROUP, poll_msg, "vote:0"),
        ),
        (
            "an update kind nobody knows",
            json!({"future_update": {"x": 1}}),
        ),
    ];
    let (labels, updates): (Vec<&str>, Vec<Value>) = hostile.into_iter().unzip();
    let (first, last) = world.fake.push_updates(updates);
    assert!(
        world.fake.wait_acknowledged(last, PATIENCE).await,
        "every hostile update acknowledged; stuck after {:?}",
        labels.get((world.fake.acknowledged_through() - first + 1).max(0) as usize)
    );
    // Still answering: the anonymous admin's /polls, then one more.
    world
        .deliver(message(GROUP, 60, &moderator, "/polls"))
        .await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while world
        .fake
        .calls_to("sendMessage")
        .iter()
        .filter(|c| c.chat_id() == Some(GROUP) && !c.failed)
        .count()
        < 3
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:#?}",
            world.fake.calls()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let listed = world.nth_message_to(GROUP, 3).await;
    assert!(listed.contains("#1"), "{listed}");
    assert_eq!(world.fake.polls().len(), 1, "no poll from any of it");

    let store = world.stop_and_open_store().await;
    let id = PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    };
    let tally = store.tally(id).unwrap().expect("the tally");
    // alice, channel: Alpha; bob, carol, erin: Beta.
    assert_eq!(tally.counts, vec![2, 3], "{tally:?}");
    assert_eq!(tally.voters, 5, "{tally:?}");
    let ballot = |user: i64| store.ballot(id, UserId(user)).unwrap().map(|b| b.options);
    assert_eq!(ballot(alice.id), Some(vec![0]));
    assert_eq!(ballot(bob.id), Some(vec![1]));
    assert_eq!(ballot(carol.id), Some(vec![1]));
    assert_eq!(ballot(dave.id), None);
    assert_eq!(ballot(erin.id), Some(vec![1]));
    assert_eq!(ballot(CHANNEL), Some(vec![0]));
    assert_eq!(ballot(gina.id), None);
    assert_eq!(ballot(hank.id), None);
    assert_eq!(store.ballots(id).count(), 5);

    let comments: Vec<_> = store.comments(id).map(Result::unwrap).collect();
    let ids: Vec<i32> = comments.iter().map(|c| c.message_id.0).collect();
    assert_eq!(ids, vec![50, 52, 53, 54], "comments: {comments:#?}");
    assert_eq!(tally.comments, 4);
    assert_eq!(comments[0].text, long_comment, "the long comment, whole");
    assert_eq!(comments[0].approvals_by_users, 1);
    assert_eq!(comments[1].text, "Photo proof");
    assert_eq!(comments[2].author.as_ref().map(|a| a.id.0), Some(GROUP));
    assert_eq!(comments[3].author.as_ref().map(|a| a.id.0), Some(CHANNEL));
    assert_eq!(store.last_update_id().unwrap(), Some(last + 1));
}

/// A `poll_answer` with raw (possibly impossible) option ids.
fn raw_answer(poll_id: &str, user: i64, option_ids: Value) -> Value {
    json!({"poll_answer": {
        "poll_id": poll_id,
        "user": {"id": user, "is_bot": false, "first_name": "Raw"},
        "option_ids": option_ids,
    }})
}

// ---------------------------------------------------------------------------
// 3. Other people's chats, another bot's offset, damaged records

/// A group with a moderator and one poll, `/newpoll Which? | Alpha | Beta`,
/// stored (the bot has answered a later command).
async fn group_with_a_poll(group: i64, moderator: &common::updates::Person) -> (World, SentPoll) {
    let world = World::with_moderators(&[moderator.id]).await;
    world.fake.set_bot_admin(group, true);
    world
        .deliver(message(
            group,
            1,
            moderator,
            "/newpoll Which? | Alpha | Beta",
        ))
        .await;
    world.nth_call("sendPoll", 1).await;
    let poll = world.fake.polls()[0].clone();
    world.deliver(message(group, 2, moderator, "/polls")).await;
    let listed = world.nth_message_to(group, 2).await;
    assert!(listed.contains("#1 Which?"), "{listed}");
    (world, poll)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_forwarded_into_another_channel_takes_no_comments_from_its_discussion() {
    const GROUP: i64 = -1_001_000_000_600;
    const ATTACKER_CHANNEL: i64 = -1_001_000_000_666;
    const ATTACKER_GROUP: i64 = -1_001_000_000_667;
    let moderator = person(1001, "Mod");
    let (mut world, poll) = group_with_a_poll(GROUP, &moderator).await;
    let mallory = person(3001, "Mallory");
    let alice = person(2001, "Alice");
    world
        .deliver_all(vec![
            // Mallory forwarded the group's poll into her channel; Telegram
            // copies it into her channel's discussion group.
            automatic_forward(ATTACKER_GROUP, 40, ATTACKER_CHANNEL, 9, &poll.poll),
            reply(
                ATTACKER_GROUP,
                41,
                &mallory,
                "Vote Beta, Alpha people are liars",
                40,
            ),
            reply(ATTACKER_GROUP, 42, &mallory, "+1", 41),
            // A copy that claims the group as its channel in one field and
            // Mallory's channel in the other.
            {
                let mut copy = automatic_forward(ATTACKER_GROUP, 43, GROUP, 9, &poll.poll);
                copy["message"]["forward_origin"]["chat"]["id"] = json!(ATTACKER_CHANNEL);
                copy
            },
            reply(ATTACKER_GROUP, 44, &mallory, "Also injected", 43),
            // A real comment in the group, with the message id of one of hers.
            reply(
                GROUP,
                41,
                &alice,
                "Alpha, because it lasts",
                poll.message_id as i32,
            ),
        ])
        .await;
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    let id = PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    };
    let comments: Vec<(i64, i32, String)> = store
        .comments(id)
        .map(Result::unwrap)
        .map(|c| (c.chat.0, c.message_id.0, c.text))
        .collect();
    assert_eq!(
        comments,
        [(GROUP, 41, "Alpha, because it lasts".to_owned())]
    );
    assert_eq!(store.tally(id).unwrap().unwrap().comments, 1);
    assert_eq!(
        store
            .comment(id, MessageId(41))
            .unwrap()
            .unwrap()
            .approvals(),
        0
    );
    assert_eq!(
        store
            .message_role(ChatId(ATTACKER_GROUP), MessageId(40))
            .unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channels_own_copy_in_its_discussion_group_takes_comments() {
    const CHANNEL: i64 = -1_001_000_000_700;
    const DISCUSSION: i64 = -1_001_000_000_701;
    let mut world = World::start().await;
    world.fake.set_bot_admin(CHANNEL, true);
    world
        .deliver(channel_post(
            CHANNEL,
            1,
            "/newpoll Which? | Alpha | Beta",
            None,
        ))
        .await;
    let call = world.nth_call("sendPoll", 1).await;
    let post = call.sent_message_id().unwrap();
    let poll = world.fake.poll_at(CHANNEL, post).unwrap();
    world.nth_message_to(CHANNEL, 1).await;
    let alice = person(2001, "Alice");
    world
        .deliver_all(vec![
            automatic_forward(DISCUSSION, 70, CHANNEL, post as i32, &poll.poll),
            reply(DISCUSSION, 71, &alice, "Alpha, clearly", 70),
        ])
        .await;
    let store = world.stop_and_open_store().await;
    let id = PollId {
        chat: ChatId(CHANNEL),
        number: PollNumber(1),
    };
    let comment = store
        .comment_in(id, ChatId(DISCUSSION), MessageId(71))
        .unwrap()
        .unwrap();
    assert_eq!(comment.text, "Alpha, clearly");
    assert_eq!(store.tally(id).unwrap().unwrap().comments, 1);
}

/// The database was last used by another bot or through another Bot API
/// server (`stored`), whose update ids were far ahead: the bot starts from
/// whatever its server sends, drops nothing, and stores its own source.
async fn another_sources_offset_is_not_inherited(stored: pollbot::store::LastUpdate) {
    let fake = common::FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut world = World {
        fake,
        dir,
        moderators: vec![],
        bot: None,
        clock: pollbot::clock::Clock::system(),
        postgres: None,
        webhook: None,
    };
    {
        let store = pollbot::store::Store::open(&world.db_path()).unwrap();
        store
            .write(|changes| changes.set_last_update(stored))
            .unwrap();
        store.flush().unwrap();
    }
    world.start_bot();
    let user = person(4001, "New");
    let first = world.deliver(message(user.id, 1, &user, "/help")).await;
    world.nth_message_to(user.id, 1).await;
    assert!(world.fake.dropped_updates().is_empty());
    let store = world.stop_and_open_store().await;
    let last = store.last_update().unwrap().unwrap();
    assert_eq!((last.id, last.bot), (first, Some(UserId(123_456))));
    assert!(last.api.is_some() && last.api != stored.api, "{last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_bot_token_does_not_inherit_the_old_bots_offset() {
    another_sources_offset_is_not_inherited(pollbot::store::LastUpdate {
        id: 500_000,
        at: Utc::now(),
        bot: Some(UserId(987_654)),
        api: None,
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_bot_api_server_does_not_inherit_the_old_servers_offset() {
    // The same bot, through another server (a local Bot API server, say).
    let other =
        pollbot::store::UpdateSource::new("123456:TEST-TOKEN", "https://bot-api.example.org");
    another_sources_offset_is_not_inherited(pollbot::store::LastUpdate {
        id: 500_000,
        at: Utc::now(),
        bot: Some(UserId(123_456)),
        api: other.api,
    })
    .await;
}

/// Opens the bot's database itself (the bot must be stopped) and
/// replaces every record whose key starts with `kind` and whose value
/// contains `needle` with bytes that do not decode. Returns how many.
async fn damage_records(world: &World, kind: u8, needle: &str) -> usize {
    if let Some(postgres) = &world.postgres {
        let sql = format!(
            "UPDATE pollbot_records SET value = '\\x7b64616d61676564' \
             WHERE get_byte(key, 0) = {kind} AND position('{needle}' IN convert_from(value, 'UTF8')) > 0"
        );
        return postgres.execute(&sql).unwrap() as usize;
    }
    let db = &world.db_path();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let db = loop {
        match sled::Config::new().path(db).open() {
            Ok(db) => break db,
            Err(error) => {
                assert!(tokio::time::Instant::now() < deadline, "{error}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let mut damaged = 0;
    for entry in db.scan_prefix([kind]) {
        let (key, value) = entry.unwrap();
        if String::from_utf8_lossy(&value).contains(needle) {
            db.insert(key, b"{damaged".to_vec()).unwrap();
            damaged += 1;
        }
    }
    db.flush().unwrap();
    damaged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_that_cannot_be_recorded_is_set_aside_and_the_others_are_recorded() {
    const GROUP: i64 = -1_001_000_000_800;
    let moderator = person(1001, "Mod");
    let (mut world, poll) = group_with_a_poll(GROUP, &moderator).await;
    let alice = person(2001, "Alice Damaged");
    let bob = person(2002, "Bob");
    let carol = person(2003, "Carol");
    let p = poll.poll_id.as_str();
    world.deliver(poll_answer(p, &alice, &[0])).await;
    world.stop_bot().await;
    // Alice's ballot no longer decodes: any vote of hers fails to record,
    // every time.
    assert_eq!(damage_records(&world, b'b', "Alice Damaged").await, 1);
    world.start_bot();
    world
        .deliver_all(vec![
            poll_answer(p, &bob, &[1]),
            poll_answer(p, &alice, &[1]),
            poll_answer(p, &carol, &[1]),
        ])
        .await;
    let (_, last) = world
        .fake
        .push_updates(vec![message(GROUP, 3, &moderator, "/polls")]);
    assert!(world.fake.wait_acknowledged(last, PATIENCE).await);
    world.nth_message_to(GROUP, 3).await;
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    let id = PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    };
    let ballot = |user: i64| store.ballot(id, UserId(user)).unwrap().map(|b| b.options);
    assert_eq!(ballot(bob.id), Some(vec![1]));
    assert_eq!(ballot(carol.id), Some(vec![1]));
    let tally = store.tally(id).unwrap().unwrap();
    // Alice's first vote, from before the damage, stays counted.
    assert_eq!(tally.counts, [1, 2]);
    assert_eq!(tally.voters, 3);
    let aside = store.set_aside_updates().unwrap();
    assert_eq!(aside.len(), 1, "{aside:?}");
    let (update, raw) = &aside[0];
    let raw: Value = serde_json::from_slice(raw).unwrap();
    assert_eq!(raw["update_id"], json!(update));
    // Kept as teloxide writes the update back (it flattens the voter).
    assert_eq!(raw["poll_answer"]["poll_id"], json!(p));
    assert_eq!(raw["poll_answer"]["id"], json!(alice.id));
    assert_eq!(raw["poll_answer"]["option_ids"], json!([1]));
    assert_eq!(store.last_update_id().unwrap(), Some(last));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_of_a_batch_tried_again_keep_the_time_they_were_fetched() {
    use chrono::SubsecRound;
    const GROUP: i64 = -1_001_000_000_801;
    let moderator = person(1001, "Mod");
    let (mut world, poll) = group_with_a_poll(GROUP, &moderator).await;
    let alice = person(2001, "Alice Damaged");
    let bob = person(2002, "Bob");
    let carol = person(2003, "Carol");
    let p = poll.poll_id.as_str();
    world.deliver(poll_answer(p, &alice, &[0])).await;
    world.stop_bot().await;
    // Alice's ballot no longer decodes: her next vote fails its batch
    // every time, so the batch is tried again, then update by update.
    assert_eq!(damage_records(&world, b'b', "Alice Damaged").await, 1);
    world.start_bot();
    let pushed_at = chrono::Utc::now();
    world
        .deliver_all(vec![
            poll_answer(p, &bob, &[1]),
            poll_answer(p, &alice, &[1]),
            poll_answer(p, &carol, &[0]),
        ])
        .await;
    // The failed tries wait between them (a backoff of 200 ms, then more).
    let recorded_at = chrono::Utc::now();
    world.wait_idle().await;
    let store = world.stop_and_open_store().await;
    let id = PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    };
    let tally = store.tally(id).unwrap().unwrap();
    assert_eq!((tally.counts, tally.voters), (vec![2, 1], 3));
    // The batch's last update (Carol's) was stored after the failed tries;
    // the votes keep the time they were fetched, before any try.
    // (the last update's time is its batch's fetch time too, on the clock
    // the bot is handed).
    let recorded = store.last_update().unwrap().unwrap();
    let fetched = tally.last_vote_at.unwrap();
    assert_eq!(fetched, recorded.at);
    assert!(
        pushed_at <= fetched && recorded_at - fetched >= chrono::TimeDelta::milliseconds(200),
        "votes fetched at {fetched}, between {pushed_at} and the end of the tries, {recorded_at}"
    );
    let voted_at = |user: i64| store.ballot(id, UserId(user)).unwrap().unwrap().voted_at;
    assert_eq!(voted_at(bob.id), voted_at(carol.id));
    assert_eq!(voted_at(carol.id), fetched.trunc_subsecs(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_duplicate_and_invisible_options_get_the_usage_reply() {
    use pollbot::i18n::{self, Language};
    let en = |key: &str, args: &[(&'static str, i18n::Arg)]| {
        format!(
            "{}\n\n{}",
            i18n::text_with(Language::English, key, args),
            i18n::text_with(Language::English, "usage-newpoll", &[])
        )
    };
    let mut world = World::start().await;
    let cases: Vec<(&str, String)> = vec![
        (
            "/newpoll Q? | Yes | No | yes",
            en("error-duplicate-option", &[("option", "yes".into())]),
        ),
        (
            "/newpoll Q? | Caf\u{e9} | Cafe\u{301}",
            en(
                "error-duplicate-option",
                &[("option", "Cafe\u{301}".into())],
            ),
        ),
        (
            "/newpoll Q? | Yes | \u{200b}\u{200d}",
            en("error-empty-option", &[]),
        ),
        (
            "/newpoll \u{2060}\u{feff} | Yes | No",
            en("error-empty-question", &[]),
        ),
    ];
    let chats: Vec<i64> = (0..cases.len() as i64).map(|i| 85_000 + i).collect();
    world
        .deliver_all(
            cases
                .iter()
                .zip(&chats)
                .map(|((text, _), &chat)| message(chat, 1, &person(chat, "Picky"), text))
                .collect(),
        )
        .await;
    for ((text, expected), &chat) in cases.iter().zip(&chats) {
        assert_eq!(&world.nth_message_to(chat, 1).await, expected, "{text:?}");
    }
    assert!(world.fake.polls().is_empty(), "no poll from any of them");
    world.assert_api_conformance();
    world.stop_bot().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_person_approves_once_whatever_identity_and_never_their_own_comment() {
    use common::updates::message_as_channel_by;
    const GROUP: i64 = -1_001_000_000_900;
    let moderator = person(1001, "Mod");
    let (mut world, poll) = group_with_a_poll(GROUP, &moderator).await;
    let alice = person(2001, "Alice");
    let bob = person(2002, "Bob");
    let carol = person(2003, "Carol");
    let poll_message = poll.message_id as i32;
    world
        .deliver_all(vec![
            reply(GROUP, 10, &alice, "Alpha, because it lasts", poll_message),
            // Bob, as two of his channels and as himself.
            message_as_channel_by(GROUP, 11, -1_002_000_000_001, &bob, "+1", Some(10)),
            message_as_channel_by(GROUP, 12, -1_002_000_000_002, &bob, "+1", Some(10)),
            reply(GROUP, 13, &bob, "👍", 10),
            // Alice, on her own comment.
            reply(GROUP, 14, &alice, "+1", 10),
            message_as_channel_by(GROUP, 15, -1_002_000_000_003, &alice, "agree", Some(10)),
            reaction(GROUP, 10, &alice, &[], &["👍"]),
            // Carol, once.
            reaction(GROUP, 10, &carol, &[], &["🔥"]),
        ])
        .await;
    let store = world.stop_and_open_store().await;
    let id = PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    };
    let comment = store.comment(id, MessageId(10)).unwrap().unwrap();
    assert_eq!(comment.approvals(), 2, "Bob and Carol");
    assert_eq!(store.comments(id).count(), 1, "approvals are not comments");
}
