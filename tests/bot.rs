//! The real bot against a fake Bot API server: every command, the updates
//! it records, and what the moderator sees.

mod common;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use common::chat::{
    ADMIN, CHANNEL, GROUP, admin, caption, deadline_soon, en, group_world,
    group_world_on_manual_clock, post_poll, post_poll_ids, posted,
};
use common::updates::{
    caption_reply, channel_post, edited_message, media_only_reply, message,
    message_from_sender_chat, my_chat_member, person, poll_answer, poll_state, reaction,
    reaction_count, reply,
};
use common::{Call, Failure, PATIENCE, World};
use pollbot::i18n::{self, Language};
use pollbot::poll::{ChatId, MessageId, UserId};
use pollbot::poll::{PollId, PollNumber};

fn poll_1() -> PollId {
    PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    }
}

async fn photo_caption(world: &World, n: usize) -> String {
    caption(&world.nth_call("sendPhoto", n).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newpoll_posts_a_native_poll_with_its_flags() {
    let mut world = group_world().await;
    post_poll(
        &world,
        1,
        "/newpoll@pollbot_test_bot --multiple --anonymous Where shall we meet?\nLibrary\nPark\n\nCafé",
    )
    .await;
    let call = world.nth_call("sendPoll", 1).await;
    assert_eq!(call.chat_id(), Some(GROUP));
    assert_eq!(
        call.str_param("question").as_deref(),
        Some("Where shall we meet?")
    );
    let options: Vec<String> = call.params["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(options, ["Library", "Park", "Café"]);
    assert_eq!(call.bool_param("is_anonymous"), Some(true));
    assert_eq!(call.bool_param("allows_multiple_answers"), Some(true));
    // One-line form, public, one answer.
    post_poll(&world, 2, "/newpoll Tea or coffee? | Tea | Coffee").await;
    let call = world.nth_call("sendPoll", 2).await;
    assert_eq!(call.bool_param("is_anonymous"), Some(false));
    assert_eq!(call.bool_param("allows_multiple_answers"), Some(false));
    // Each gets its number; the bot is an admin, so no warning.
    assert_eq!(world.nth_message_to(GROUP, 1).await, posted(1));
    assert_eq!(world.nth_message_to(GROUP, 2).await, posted(2));
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendMessage").len(), 2);
    world.assert_api_conformance();

    let store = world.stop_and_open_store().await;
    let polls = store.polls_of_chat(ChatId(GROUP)).unwrap();
    assert_eq!(polls.len(), 2);
    assert!(polls[0].multiple && polls[0].anonymous);
    assert_eq!(polls[1].id.number, PollNumber(2));
    assert_eq!(polls[1].question.as_str(), "Tea or coffee?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newpoll_warns_when_the_bot_is_not_an_admin() {
    let world = World::start().await;
    world.fake.set_admins(GROUP, ADMIN, &[]);
    post_poll(&world, 1, "/newpoll Q? | A | B").await;
    assert_eq!(
        world.nth_message_to(GROUP, 1).await,
        format!("{}\n{}", posted(1), en("warning-not-admin", &[]))
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_changes_and_withdrawals_are_tallied_exactly() {
    let mut world = group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Best fruit? | Apple | Pear | Plum").await;
    let [u1, u2, u3, u4, u5] = [21, 22, 23, 24, 25].map(|id| person(id, &format!("U{id}")));
    world
        .deliver_all(vec![
            poll_answer(&poll, &u1, &[0]),
            poll_answer(&poll, &u2, &[1]),
            poll_answer(&poll, &u3, &[0]),
            poll_answer(&poll, &u4, &[1]),
        ])
        .await;
    world
        .deliver_all(vec![
            poll_answer(&poll, &u3, &[2]), // changed
            poll_answer(&poll, &u4, &[]),  // withdrawn
            poll_answer(&poll, &u5, &[2]),
            poll_answer("unknown-poll", &u5, &[0]),
        ])
        .await;
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    let photo = world.nth_call("sendPhoto", 1).await;
    assert_eq!(
        caption(&photo),
        "#1 Best fruit?\n4 voters · open\nApple — 1 (25.0%)\nPear — 1 (25.0%)\nPlum — 2 (50.0%)"
    );
    let png = &photo.files[0];
    assert_eq!(png.field, "photo");
    assert_eq!(png.file_name, "poll-1.png");
    assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    world.assert_api_conformance();

    let store = world.stop_and_open_store().await;
    let tally = store.tally(poll_1()).unwrap().unwrap();
    assert_eq!((tally.counts, tally.voters), (vec![1, 1, 2], 4));
    assert_eq!(
        store.ballot(poll_1(), UserId(23)).unwrap().unwrap().options,
        vec![2]
    );
    assert!(store.ballot(poll_1(), UserId(24)).unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_edits_and_approvals_make_the_summary() {
    let mut world = group_world().await;
    let (poll, poll_message) =
        post_poll_ids(&world, 1, "/newpoll Best fruit? | Apple | Pear").await;
    let [u1, u2, u3, u4, u5, u6, u7] =
        [21, 22, 23, 24, 25, 26, 27].map(|id| person(id, &format!("U{id}")));
    world
        .deliver_all(vec![
            poll_answer(&poll, &u1, &[0]),
            poll_answer(&poll, &u2, &[1]),
            reply(GROUP, 10, &u1, "Apples are crisp, and cheap.", poll_message),
            reply(GROUP, 11, &u2, "Pears are sweeter", 10),
            media_only_reply(GROUP, 12, &u3, poll_message),
            caption_reply(GROUP, 13, &u3, "Both! (photo attached)", poll_message),
            reply(GROUP, 14, &u4, "unrelated reply", 9999),
        ])
        .await;
    world
        .deliver_all(vec![
            edited_message(GROUP, 11, &u2, "Pears are much sweeter", Some(10)),
            reaction(GROUP, 11, &u3, &[], &["👍"]),
            reaction(GROUP, 11, &u4, &[], &["❤"]),
            reaction(GROUP, 11, &u5, &[], &["🔥"]),
            reaction(GROUP, 11, &u5, &["🔥"], &[]), // withdrawn
            reaction(GROUP, 10, &u4, &[], &["👎"]), // not approval
            reply(GROUP, 15, &u6, "+1", 10),        // approval, not a comment
            reply(GROUP, 16, &u7, "同意", 10),      // approval, not a comment
            reaction_count(GROUP, 13, &[("👍", 4), ("😢", 2)]),
            reaction(GROUP, 9999, &u5, &[], &["👍"]), // unknown message
        ])
        .await;
    world
        .deliver(message(GROUP, 20, &admin(), "/results"))
        .await;
    let photo = world.nth_call("sendPhoto", 1).await;
    assert_eq!(
        caption(&photo),
        "#1 Best fruit?\n2 voters · open\nApple — 1 (50.0%)\nPear — 1 (50.0%)\n\
         Most-approved comments\n\
         1. 👍 4 · U23: \"Both! (photo attached)\"\n\
         2. 👍 2 · U21 (Apple): \"Apples are crisp, and cheap.\"\n\
         3. 👍 2 · U22 (Pear): \"Pears are much sweeter\""
    );
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert_eq!(store.tally(poll_1()).unwrap().unwrap().comments, 3);
    let comment = store.comment(poll_1(), MessageId(11)).unwrap().unwrap();
    assert!(comment.edited_at.is_some());
    assert_eq!(comment.reply_to, MessageId(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_sends_csv_files_and_json() {
    let world = group_world().await;
    let (poll, poll_message) =
        post_poll_ids(&world, 1, "/newpoll 哪个？ | 能源 | Trade, fair").await;
    let u1 = person(21, "李 雷");
    let tricky = "Line one, with a comma\n\"quoted\" 合作";
    world
        .deliver_all(vec![
            poll_answer(&poll, &u1, &[1]),
            reply(GROUP, 10, &u1, tricky, poll_message),
        ])
        .await;
    world.deliver(message(GROUP, 11, &admin(), "/export")).await;
    let votes = world.nth_call("sendDocument", 1).await;
    let comments = world.nth_call("sendDocument", 2).await;
    assert_eq!(votes.files[0].file_name, "poll-1-votes.csv");
    assert_eq!(comments.files[0].file_name, "poll-1-comments.csv");
    let rows = |bytes: &[u8]| -> Vec<Vec<String>> {
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        csv::Reader::from_reader(&bytes[3..])
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let vote_rows = rows(&votes.files[0].bytes);
    assert_eq!(vote_rows.len(), 1);
    assert_eq!(vote_rows[0][..4], ["1", "21", "李 雷", "Trade, fair"]);
    let comment_rows = rows(&comments.files[0].bytes);
    assert_eq!(
        comment_rows[0][..6],
        ["1", "10", "21", "李 雷", "Trade, fair", "0"]
    );
    assert_eq!(comment_rows[0][7], tricky);

    world
        .deliver(message(GROUP, 12, &admin(), "/export 1 json"))
        .await;
    let json_call = world.nth_call("sendDocument", 3).await;
    assert_eq!(json_call.files[0].file_name, "poll-1.json");
    let json: serde_json::Value = serde_json::from_slice(&json_call.files[0].bytes).unwrap();
    assert_eq!(json["tally"]["options"][1]["count"], 1);
    assert_eq!(json["comments"][0]["text"], tricky);
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_stops_the_poll_and_posts_the_final_results() {
    let mut world = group_world().await;
    let (poll, poll_message) = post_poll_ids(&world, 1, "/newpoll Q? | A | B").await;
    world
        .deliver(poll_answer(&poll, &person(21, "U"), &[1]))
        .await;
    world.deliver(message(GROUP, 2, &admin(), "/close")).await;
    let stop = world.nth_call("stopPoll", 1).await;
    assert_eq!(stop.chat_id(), Some(GROUP));
    assert_eq!(stop.i64_param("message_id"), Some(i64::from(poll_message)));
    let photo = world.nth_call("sendPhoto", 1).await;
    assert!(
        caption(&photo).starts_with("#1 Q?\n1 voter · closed "),
        "{}",
        caption(&photo)
    );
    // A second /close says so and shows the results again.
    world.deliver(message(GROUP, 3, &admin(), "/close 1")).await;
    assert_eq!(
        world.nth_message_to(GROUP, 2).await,
        en("poll-closed-already", &[("number", "#1".into())])
    );
    let again = world.nth_call("sendPhoto", 2).await;
    assert_eq!(caption(&again), caption(&photo));
    assert_eq!(world.fake.calls_to("stopPoll").len(), 1);
    // A closed poll's results are final: a vote delivered after the close
    // changes nothing.
    world
        .deliver(poll_answer(&poll, &person(22, "V"), &[0]))
        .await;
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    let closed = store.poll(poll_1()).unwrap().unwrap();
    assert!(!closed.is_open() && closed.results_announced);
    let tally = store.tally(poll_1()).unwrap().unwrap();
    assert_eq!((tally.counts, tally.voters), (vec![0, 1], 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_moderators_are_refused_and_nothing_changes() {
    let mut world = group_world().await;
    // Two members: one alone would be silenced by the flood rule after 5.
    let members = [person(30, "Mallory"), person(31, "Trudy")];
    let attempts = [
        ("/newpoll Q? | A | B", "/newpoll"),
        ("/newpoll Q? | A", "/newpoll"), // malformed: still refused first
        ("/results", "/results"),
        ("/export json", "/export"),
        ("/close 1", "/close"),
        ("/lang zh", "/lang"),
    ];
    for (i, (text, _)) in attempts.iter().enumerate() {
        let member = &members[i / 3];
        world
            .deliver(message(GROUP, 100 + i as i32, member, text))
            .await;
    }
    for (i, (_, command)) in attempts.iter().enumerate() {
        assert_eq!(
            world.nth_message_to(GROUP, i + 1).await,
            en("error-not-moderator", &[("command", (*command).into())])
        );
    }
    // Everyone may list polls.
    world
        .deliver(message(GROUP, 200, &members[0], "/polls"))
        .await;
    assert_eq!(
        world.nth_message_to(GROUP, 7).await,
        en("error-no-polls", &[])
    );
    assert!(world.fake.calls_to("sendPoll").is_empty());
    assert!(world.fake.calls_to("sendDocument").is_empty());
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert!(store.polls_of_chat(ChatId(GROUP)).unwrap().is_empty());
    assert_eq!(store.chat(ChatId(GROUP)).unwrap().language, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listed_moderators_and_anonymous_admins_may_post_polls() {
    let world = World::with_moderators(&[30]).await;
    world.fake.set_admins(GROUP, ADMIN, &[]);
    world.fake.set_bot_admin(GROUP, true);
    world
        .deliver(message(
            GROUP,
            1,
            &person(30, "Listed"),
            "/newpoll Q? | A | B",
        ))
        .await;
    world.nth_call("sendPoll", 1).await;
    // An anonymous admin writes as the group itself.
    world
        .deliver(message_from_sender_chat(
            GROUP,
            2,
            GROUP,
            "/newpoll R? | C | D",
            None,
        ))
        .await;
    let call = world.nth_call("sendPoll", 2).await;
    assert_eq!(call.str_param("question").as_deref(), Some("R?"));
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_commands_get_a_reply_that_says_what_is_wrong() {
    let mut world = World::start().await;
    let usage = en("usage-newpoll", &[]);
    let with_usage = |first: String| format!("{first}\n\n{usage}");
    let long_question = "q".repeat(301);
    let long_option = "o".repeat(101);
    let thirteen = (1..=13)
        .map(|i| format!("O{i}"))
        .collect::<Vec<_>>()
        .join(" | ");
    let cases: Vec<(String, String)> = vec![
        (
            "/newpoll".into(),
            with_usage(en("error-newpoll-empty", &[])),
        ),
        (
            "/newpoll Q? | A".into(),
            with_usage(en(
                "error-too-few-options",
                &[("count", 1u64.into()), ("limit", 2u64.into())],
            )),
        ),
        (
            format!("/newpoll Q? | {thirteen}"),
            with_usage(en(
                "error-too-many-options",
                &[("count", 13u64.into()), ("limit", 12u64.into())],
            )),
        ),
        (
            "/newpoll Q? | A | A".into(),
            with_usage(en("error-duplicate-option", &[("option", "A".into())])),
        ),
        (
            format!("/newpoll {long_question} | A | B"),
            with_usage(en(
                "error-question-too-long",
                &[("length", 301u64.into()), ("limit", 300u64.into())],
            )),
        ),
        (
            format!("/newpoll Q? | A | {long_option}"),
            with_usage(en(
                "error-option-too-long",
                &[
                    ("option", format!("{}…", "o".repeat(40)).into()),
                    ("length", 101u64.into()),
                    ("limit", 100u64.into()),
                ],
            )),
        ),
        (
            "/newpoll --secret Q? | A | B".into(),
            with_usage(en("error-unknown-flag", &[("flag", "--secret".into())])),
        ),
        (
            "/newpoll --until".into(),
            with_usage(en("error-missing-when", &[])),
        ),
        (
            "/newpoll --until someday Q? | A | B".into(),
            with_usage(en("error-unreadable-when", &[("when", "someday".into())])),
        ),
        (
            "/newpoll --until 2020-01-01 Q? | A | B".into(),
            with_usage(en(
                "error-when-in-past",
                &[("date", "1 Jan 2020 23:59 UTC".into())],
            )),
        ),
        (
            "/results abc".into(),
            en(
                "error-poll-ref",
                &[("arg", "abc".into()), ("command", "/results".into())],
            ),
        ),
        (
            "/results 7".into(),
            en("error-poll-not-found", &[("number", "#7".into())]),
        ),
        (
            "/close 1 2".into(),
            en("error-extra-arguments", &[("command", "/close".into())]),
        ),
        (
            "/export xml".into(),
            en("error-export-argument", &[("arg", "xml".into())]),
        ),
        ("/lang".into(), en("error-lang-missing", &[])),
        ("/lang zh en".into(), en("error-lang-extra", &[])),
        (
            "/lang fr".into(),
            en("error-lang-unknown", &[("code", "fr".into())]),
        ),
        (
            "/frobnicate".into(),
            en(
                "error-unknown-command",
                &[("command", "/frobnicate".into())],
            ),
        ),
    ];
    // Each case in its own private chat, so replies are not rate limited
    // against each other.
    for (i, (text, _)) in cases.iter().enumerate() {
        let user = person(500 + i as i64, "Mod");
        world.fake.push_update(message(user.id, 1, &user, text));
    }
    for (i, (text, expected)) in cases.iter().enumerate() {
        let got = world.nth_message_to(500 + i as i64, 1).await;
        assert_eq!(&got, expected, "reply to {text:?}");
    }
    world.wait_idle().await;
    assert!(world.fake.calls_to("sendPoll").is_empty());
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    for i in 0..cases.len() {
        assert!(
            store
                .polls_of_chat(ChatId(500 + i as i64))
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_is_found_by_number_reply_or_latest_and_the_bot_suffix_is_understood() {
    let world = group_world().await;
    let (_, first_message) = post_poll_ids(&world, 1, "/newpoll First? | A | B").await;
    post_poll(&world, 2, "/newpoll Second? | C | D").await;
    world
        .deliver(reply(
            GROUP,
            3,
            &person(21, "U"),
            "A comment on the first",
            first_message,
        ))
        .await;
    world
        .deliver(message(GROUP, 10, &admin(), "/results"))
        .await;
    assert!(photo_caption(&world, 1).await.starts_with("#2 Second?"));
    world
        .deliver(message(GROUP, 11, &admin(), "/results 1"))
        .await;
    assert!(photo_caption(&world, 2).await.starts_with("#1 First?"));
    world
        .deliver(reply(GROUP, 12, &admin(), "/results", first_message))
        .await;
    assert!(photo_caption(&world, 3).await.starts_with("#1 First?"));
    world
        .deliver(reply(GROUP, 13, &admin(), "/results@pollbot_test_bot", 3))
        .await;
    assert!(photo_caption(&world, 4).await.starts_with("#1 First?"));
    world
        .deliver(message(GROUP, 14, &admin(), "/results@pollbot_test_bot #2"))
        .await;
    assert!(photo_caption(&world, 5).await.starts_with("#2 Second?"));
    // Addressed to another bot: not ours.
    world
        .deliver(message(GROUP, 15, &admin(), "/results@other_bot 1"))
        .await;
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPhoto").len(), 5);
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polls_lang_help_and_start() {
    let world = group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Tea? | Yes | No").await;
    world
        .deliver(poll_answer(&poll, &person(21, "U"), &[0]))
        .await;
    post_poll(&world, 2, "/newpoll Coffee? | Yes | No").await;
    world.deliver(message(GROUP, 3, &admin(), "/close 2")).await;
    world.nth_call("sendPhoto", 1).await;
    world
        .deliver(message(GROUP, 4, &person(40, "Anyone"), "/polls"))
        .await;
    // Messages 1 and 2 confirmed the two polls.
    assert_eq!(
        world.nth_message_to(GROUP, 3).await,
        "Polls in this chat:\n#2 Coffee? — 0 voters · closed\n#1 Tea? — 1 voter · open"
    );
    world.deliver(message(GROUP, 5, &admin(), "/lang zh")).await;
    assert_eq!(
        world.nth_message_to(GROUP, 4).await,
        i18n::text(Language::Chinese, "lang-set")
    );
    world
        .deliver(message(GROUP, 6, &admin(), "/results 1"))
        .await;
    assert_eq!(
        caption(&world.nth_call("sendPhoto", 2).await),
        "#1 Tea?\n1 位投票者 · 进行中\nYes — 1 (100.0%)\nNo — 0 (0.0%)"
    );
    world
        .deliver(message(GROUP, 7, &person(40, "Anyone"), "/help"))
        .await;
    assert_eq!(
        world.nth_message_to(GROUP, 5).await,
        i18n::text(Language::Chinese, "help")
    );
    let user = person(41, "New");
    world.deliver(message(41, 1, &user, "/start")).await;
    assert_eq!(
        world.nth_message_to(41, 1).await,
        format!("{}\n\n{}", en("start", &[]), en("help", &[]))
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_polls_take_the_counts_telegram_reports() {
    let world = group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll --anonymous Q? | A | B").await;
    world
        .deliver_all(vec![
            poll_answer(&poll, &person(21, "U"), &[1]), // not sent for anonymous polls; ignored
            poll_state(&poll, "Q?", &[("A", 2), ("B", 1)], 3, false, true, false),
            poll_state(&poll, "Q?", &[("A", 3), ("B", 1)], 4, false, true, false),
        ])
        .await;
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    assert_eq!(
        caption(&world.nth_call("sendPhoto", 1).await),
        "#1 Q?\n4 voters · anonymous · open\nA — 3 (75.0%)\nB — 1 (25.0%)"
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multiple_answer_polls_give_shares_of_voters() {
    let world = group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll --multiple Q? | A | B | C").await;
    world
        .deliver_all(vec![
            poll_answer(&poll, &person(21, "U"), &[0, 1]),
            poll_answer(&poll, &person(22, "V"), &[1]),
            poll_answer(&poll, &person(23, "W"), &[1, 2]),
        ])
        .await;
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    assert_eq!(
        caption(&world.nth_call("sendPhoto", 1).await),
        format!(
            "#1 Q?\n3 voters · open\nA — 1 (33.3%)\nB — 3 (100.0%)\nC — 1 (33.3%)\n{}",
            en("shares-of-voters", &[])
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_the_same_database_keeps_everything() {
    let mut world = group_world().await;
    let (poll, poll_message) = post_poll_ids(&world, 1, "/newpoll Q? | A | B").await;
    world
        .deliver(poll_answer(&poll, &person(21, "U"), &[0]))
        .await;
    world
        .deliver(reply(GROUP, 5, &person(21, "U"), "A, surely", poll_message))
        .await;
    world.stop_bot().await;
    world.start_bot();
    world
        .deliver(poll_answer(&poll, &person(22, "V"), &[0]))
        .await;
    world
        .deliver(poll_answer(&poll, &person(21, "U"), &[1]))
        .await;
    world
        .deliver(reaction(GROUP, 5, &person(22, "V"), &[], &["👍"]))
        .await;
    world.deliver(message(GROUP, 6, &admin(), "/results")).await;
    assert_eq!(
        caption(&world.nth_call("sendPhoto", 1).await),
        "#1 Q?\n2 voters · open\nA — 1 (50.0%)\nB — 1 (50.0%)\nMost-approved comments\n1. 👍 1 · U (B): \"A, surely\""
    );
    // A restarted bot does not know what it sent in the last second, so
    // Telegram may ask it to wait once; it does, and the photo goes out.
    world.assert_api_calls_valid();
    let sent = world
        .fake
        .wait_for_call("sendPhoto", PATIENCE, |c| !c.failed)
        .await;
    assert!(sent.is_some(), "the photo goes out after any 429");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_photo_is_sent_again_after_retry_after() {
    let world = group_world().await;
    post_poll(&world, 1, "/newpoll Q? | A | B").await;
    world.fake.fail_next("sendPhoto", 1, Failure::RetryAfter(1));
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    let first = world.nth_call("sendPhoto", 1).await;
    let second = world.nth_call("sendPhoto", 2).await;
    assert!(first.failed && !second.failed);
    assert!(second.at.duration_since(first.at) >= Duration::from_millis(900));
    assert_eq!(
        caption(&second),
        "#1 Q?\n0 voters · open\nA — 0 (0.0%)\nB — 0 (0.0%)"
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_right_to_send_photos_the_results_come_as_text() {
    let world = group_world().await;
    post_poll(&world, 1, "/newpoll Q? | A | B").await;
    world.fake.fail_next(
        "sendPhoto",
        1,
        Failure::BadRequest("not enough rights to send photos to the chat".into()),
    );
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    assert_eq!(
        world.nth_message_to(GROUP, 2).await,
        format!(
            "{}\n\n#1 Q?\n0 voters · open\nA — 0 (0.0%)\nB — 0 (0.0%)",
            en("warning-no-photo-right", &[])
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_summary_splits_into_a_photo_and_a_message() {
    let world = group_world().await;
    let question = format!("{}?", "Which of these long options ".repeat(10).trim_end());
    let (_, poll_message) = post_poll_ids(&world, 1, &format!("/newpoll {question} | A | B")).await;
    let mut comments = Vec::new();
    for i in 0..5 {
        let text = format!("Comment {i}: {}", "a thoughtful argument ".repeat(8));
        comments.push(reply(
            GROUP,
            10 + i,
            &person(21 + i64::from(i), "U"),
            &text,
            poll_message,
        ));
    }
    world.deliver_all(comments).await;
    world
        .deliver(message(GROUP, 30, &admin(), "/results"))
        .await;
    let photo = world.nth_call("sendPhoto", 1).await;
    assert_eq!(
        caption(&photo),
        format!("#1 {question}\n0 voters · open\nA — 0 (0.0%)\nB — 0 (0.0%)")
    );
    let follow_up = world.nth_message_to(GROUP, 2).await;
    assert!(
        follow_up.starts_with("Most-approved comments\n1. 👍 0 · U: \"Comment 0: a thoughtful")
    );
    assert_eq!(follow_up.lines().count(), 6);
}

/// `/newpoll --until DEADLINE rest`.
fn until(deadline: DateTime<Utc>, rest: &str) -> String {
    format!("/newpoll --until {} {rest}", deadline.to_rfc3339())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_closes_itself_at_its_deadline() {
    let world = group_world_on_manual_clock().await;
    let deadline = deadline_soon(&world);
    post_poll(&world, 1, &until(deadline, "Q? | A | B")).await;
    world.clock.set(deadline - TimeDelta::seconds(1));
    world.wait_idle().await;
    assert!(
        world.fake.calls_to("stopPoll").is_empty(),
        "open until then"
    );
    world.clock.set(deadline);
    let stop = world.nth_call("stopPoll", 1).await;
    assert_eq!(stop.chat_id(), Some(GROUP));
    let photo = world.nth_call("sendPhoto", 1).await;
    assert!(
        caption(&photo).starts_with("#1 Q?\n0 voters · closed "),
        "{}",
        caption(&photo)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_that_passed_while_the_bot_was_down_closes_the_poll_at_start() {
    let mut world = group_world_on_manual_clock().await;
    let deadline = deadline_soon(&world);
    post_poll(&world, 1, &until(deadline, "Q? | A | B")).await;
    world.stop_bot().await;
    world.clock.set(deadline + TimeDelta::seconds(1));
    assert!(world.fake.calls_to("stopPoll").is_empty());
    world.start_bot();
    world.nth_call("stopPoll", 1).await;
    let photo = world.nth_call("sendPhoto", 1).await;
    assert!(caption(&photo).contains("closed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_asks_for_what_it_handles_and_registers_its_commands() {
    let world = World::start().await;
    let commands = world
        .fake
        .wait_for_calls("setMyCommands", 3, PATIENCE)
        .await;
    let languages: Vec<Option<String>> = commands
        .iter()
        .map(|c| c.str_param("language_code"))
        .collect();
    assert_eq!(languages, [None, Some("zh".into()), Some("ru".into())]);
    let names: Vec<&str> = commands[1].params["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "newpoll",
            "results",
            "export",
            "close",
            "report",
            "share",
            "post",
            "polls",
            "lang",
            "timezone",
            "scheduled",
            "cancel",
            "help"
        ]
    );
    assert_eq!(
        commands[1].params["commands"][0]["description"],
        i18n::text(Language::Chinese, "command-newpoll")
    );
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while world.fake.last_allowed_updates().is_none() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut allowed = world.fake.last_allowed_updates().unwrap();
    allowed.sort();
    assert_eq!(
        allowed,
        [
            "callback_query",
            "channel_post",
            "edited_message",
            "message",
            "message_reaction",
            "message_reaction_count",
            "my_chat_member",
            "poll",
            "poll_answer"
        ]
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_that_removed_the_bot_is_marked_inactive() {
    let mut world = group_world().await;
    world.deliver(my_chat_member(GROUP, "kicked")).await;
    let store = world.stop_and_open_store().await;
    assert!(!store.chat(ChatId(GROUP)).unwrap().active);
}

const DISCUSSION: i64 = -1005555555555;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_runs_anonymous_polls_and_its_discussion_group_comments() {
    let mut world = World::start().await;
    world.fake.set_bot_admin(CHANNEL, true);
    world
        .deliver(channel_post(
            CHANNEL,
            1,
            "/newpoll Which area? | Energy | Trade",
            None,
        ))
        .await;
    let call = world.nth_call("sendPoll", 1).await;
    assert_eq!(call.chat_id(), Some(CHANNEL));
    assert_eq!(
        call.bool_param("is_anonymous"),
        Some(true),
        "channels take only anonymous polls"
    );
    let poll_message = call.sent_message_id().unwrap() as i32;
    let poll = world
        .fake
        .poll_at(CHANNEL, i64::from(poll_message))
        .unwrap();
    assert_eq!(world.nth_message_to(CHANNEL, 1).await, posted(1));
    // Telegram forwards the channel's poll into the linked discussion group;
    // members reply to that copy.
    world
        .deliver(common::updates::automatic_forward(
            DISCUSSION,
            70,
            CHANNEL,
            poll_message,
            &poll.poll,
        ))
        .await;
    world
        .deliver_all(vec![
            reply(DISCUSSION, 71, &person(21, "U"), "Energy, clearly", 70),
            reaction_count(DISCUSSION, 71, &[("👍", 3)]),
            poll_state(
                &poll.poll_id,
                "Which area?",
                &[("Energy", 5), ("Trade", 2)],
                7,
                false,
                true,
                false,
            ),
        ])
        .await;
    world
        .deliver(channel_post(CHANNEL, 2, "/results", None))
        .await;
    assert_eq!(
        caption(&world.nth_call("sendPhoto", 1).await),
        "#1 Which area?\n7 voters · anonymous · open\nEnergy — 5 (71.4%)\nTrade — 2 (28.6%)\n\
         Most-approved comments\n1. 👍 3 · U: \"Energy, clearly\""
    );
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert!(
        store
            .poll(PollId {
                chat: ChatId(CHANNEL),
                number: PollNumber(1)
            })
            .unwrap()
            .unwrap()
            .anonymous
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_telegram_refuses_the_moderator_is_told_why() {
    let world = group_world().await;
    world.fake.fail_next(
        "sendPoll",
        1,
        Failure::BadRequest("not enough rights to send polls to the chat".into()),
    );
    world
        .deliver(message(GROUP, 1, &admin(), "/newpoll Q? | A | B"))
        .await;
    // In the chat's words, not Telegram's English description.
    assert_eq!(
        world.nth_message_to(GROUP, 1).await,
        en("refusal-no-rights", &[])
    );
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPoll").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_forwarded_by_hand_to_another_chat_stays_out_of_reach() {
    let world = group_world().await;
    let (_, poll_message) = post_poll_ids(&world, 1, "/newpoll Q? | A | B").await;
    let poll = world.fake.poll_at(GROUP, i64::from(poll_message)).unwrap();
    // A member forwards the poll into their private chat with the bot,
    // where they are a moderator, and tries to close it from there.
    let member = person(31, "Mallory");
    let mut forwarded = message(member.id, 5, &member, "");
    let copy = forwarded["message"].as_object_mut().unwrap();
    copy.remove("text");
    copy.remove("entities");
    copy.insert("poll".into(), poll.poll.clone());
    world.deliver(forwarded).await;
    world
        .deliver(reply(member.id, 6, &member, "/close", 5))
        .await;
    world
        .deliver(reply(member.id, 7, &member, "A comment on the copy", 5))
        .await;
    assert_eq!(
        world.nth_message_to(member.id, 1).await,
        en("error-no-polls", &[])
    );
    world.wait_idle().await;
    assert!(world.fake.calls_to("stopPoll").is_empty());
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    assert_eq!(
        caption(&world.nth_call("sendPhoto", 1).await),
        "#1 Q?\n0 voters · open\nA — 0 (0.0%)\nB — 0 (0.0%)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tally_too_long_for_a_caption_follows_the_photo_whole() {
    let world = group_world().await;
    let options: Vec<String> = (1..=12)
        .map(|i| format!("{i:02} {}", "long option text ".repeat(5).trim_end()))
        .collect();
    let question = format!("{}?", "q".repeat(299));
    post_poll(
        &world,
        1,
        &format!("/newpoll {question}\n{}", options.join("\n")),
    )
    .await;
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    let photo = world.nth_call("sendPhoto", 1).await;
    assert_eq!(caption(&photo), format!("#1 {question}"));
    let text = world.nth_message_to(GROUP, 2).await;
    assert!(text.starts_with(&format!("#1 {question}\n0 voters · open\n")));
    assert_eq!(text.lines().count(), 2 + 12);
    assert!(text.ends_with(&format!("{} — 0 (0.0%)", options[11])));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn final_results_that_fail_to_post_are_posted_when_telegram_recovers() {
    let world = group_world_on_manual_clock().await;
    let deadline = deadline_soon(&world);
    post_poll(&world, 1, &until(deadline, "Q? | A | B")).await;
    world
        .fake
        .fail_next("sendPhoto", 1, Failure::ServerError(502));
    world.clock.set(deadline);
    world.nth_call("stopPoll", 1).await;
    let first = world.nth_call("sendPhoto", 1).await;
    assert!(first.failed);
    // teloxide waits 10 s after a 5xx before it reports the error.
    let calls = world
        .fake
        .wait_for_calls("sendPhoto", 2, Duration::from_secs(40))
        .await;
    assert_eq!(calls.len(), 2);
    assert!(!calls[1].failed);
    assert!(caption(&calls[1]).starts_with("#1 Q?\n0 voters · closed "));
    assert_eq!(world.fake.calls_to("stopPoll").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_telegram_refuses_leaves_the_poll_open_and_says_why() {
    let mut world = group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Q? | A | B").await;
    world.fake.fail_next(
        "stopPoll",
        1,
        Failure::BadRequest("not enough rights to stop the poll".into()),
    );
    world.deliver(message(GROUP, 2, &admin(), "/close")).await;
    assert_eq!(
        world.nth_message_to(GROUP, 2).await,
        en(
            "close-refused",
            &[
                ("number", "#1".into()),
                ("why", en("refusal-no-rights", &[]).into())
            ]
        )
    );
    world.wait_idle().await;
    assert!(
        world.fake.calls_to("sendPhoto").is_empty(),
        "no final results"
    );
    // Still open: a vote counts.
    world
        .deliver(poll_answer(&poll, &person(21, "U"), &[1]))
        .await;
    // Once Telegram stops it, it is closed.
    world.deliver(message(GROUP, 3, &admin(), "/close")).await;
    let photo = world.nth_call("sendPhoto", 1).await;
    assert!(caption(&photo).starts_with("#1 Q?\n1 voter · closed "));
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert!(!store.poll(poll_1()).unwrap().unwrap().is_open());
    assert_eq!(store.tally(poll_1()).unwrap().unwrap().counts, vec![0, 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_on_stop_poll_does_not_close_the_poll_until_telegram_does() {
    let world = group_world().await;
    post_poll(&world, 1, "/newpoll Q? | A | B").await;
    world
        .fake
        .fail_next("stopPoll", 1, Failure::ServerError(500));
    world.deliver(message(GROUP, 2, &admin(), "/close")).await;
    // teloxide waits 10 s after a 5xx; the close is tried again after it.
    let stops = world.fake.wait_for_calls("stopPoll", 2, PATIENCE).await;
    assert!(stops[0].failed && !stops[1].failed);
    let photo = world.nth_call("sendPhoto", 1).await;
    assert!(caption(&photo).starts_with("#1 Q?\n0 voters · closed "));
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPhoto").len(), 1);
    world.assert_api_conformance();
}

/// A world whose bot uploads at most `limit` bytes a file.
async fn world_with_upload_limit(limit: u64) -> World {
    let world = World::with_config(|config| config.upload_limit = limit).await;
    world.fake.set_admins(GROUP, ADMIN, &[]);
    world.fake.set_bot_admin(GROUP, true);
    world
}

async fn sixty_votes(world: &World) {
    let (poll, _) = post_poll_ids(world, 1, "/newpoll Q? | A | B").await;
    let votes = (0..60)
        .map(|i| poll_answer(&poll, &person(1000 + i, &format!("Voter {i}")), &[0]))
        .collect();
    world.deliver_all(votes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_over_the_upload_limit_is_sent_zipped() {
    let world = world_with_upload_limit(1500).await;
    sixty_votes(&world).await;
    world.deliver(message(GROUP, 2, &admin(), "/export")).await;
    let votes = world.nth_call("sendDocument", 1).await;
    let comments = world.nth_call("sendDocument", 2).await;
    assert_eq!(votes.files[0].file_name, "poll-1-votes.csv.zip");
    assert!(votes.files[0].bytes.len() <= 1500);
    // The small file goes as it is.
    assert_eq!(comments.files[0].file_name, "poll-1-comments.csv");
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(votes.files[0].bytes.clone())).unwrap();
    assert_eq!(archive.len(), 1);
    let mut csv_bytes = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_index(0).unwrap(), &mut csv_bytes).unwrap();
    assert!(csv_bytes.len() > 1500);
    let rows = csv::Reader::from_reader(&csv_bytes[3..]).records().count();
    assert_eq!(rows, 60);
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_too_large_even_zipped_gives_the_command_that_writes_it() {
    let world = world_with_upload_limit(100).await;
    sixty_votes(&world).await;
    world.deliver(message(GROUP, 2, &admin(), "/export")).await;
    // In a group, the server's path is no member's business.
    let command = format!("pollbot export --db <path> --poll {GROUP}:1 --format csv --out .");
    assert_eq!(
        world.nth_message_to(GROUP, 2).await,
        en(
            "export-too-large",
            &[("number", "#1".into()), ("command", command.into())]
        )
    );
    world.wait_idle().await;
    assert!(world.fake.calls_to("sendDocument").is_empty());
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_sends_the_timeline_and_the_page_in_the_chats_topic_and_language() {
    let world = group_world().await;
    // A poll posted in topic 9 of a forum, and the chat speaks Chinese.
    world
        .deliver(common::updates::in_topic(
            message(GROUP, 1, &admin(), "/lang zh"),
            9,
        ))
        .await;
    world
        .deliver(common::updates::in_topic(
            message(GROUP, 2, &admin(), "/newpoll 喝什么？ | 茶 | 咖啡"),
            9,
        ))
        .await;
    let poll = world.nth_call("sendPoll", 1).await;
    // Stored once confirmed: only then are replies to it comments.
    assert_eq!(
        world.nth_message_to(GROUP, 2).await,
        i18n::text_with(
            Language::Chinese,
            "poll-posted",
            &[("number", "#1".into()), ("n", 1u32.into())]
        )
    );
    let telegram_poll = world
        .fake
        .poll_at(GROUP, poll.sent_message_id().unwrap())
        .unwrap();
    world
        .deliver_all(vec![
            poll_answer(&telegram_poll.poll_id, &person(21, "李雷"), &[0]),
            poll_answer(&telegram_poll.poll_id, &person(22, "韩梅梅"), &[0]),
            poll_answer(&telegram_poll.poll_id, &person(23, "Lucy"), &[1]),
            reply(
                GROUP,
                30,
                &person(21, "李雷"),
                "<script>alert(1)</script> 茶好",
                poll.sent_message_id().unwrap() as i32,
            ),
        ])
        .await;
    world
        .deliver(common::updates::in_topic(
            message(GROUP, 3, &admin(), "/report"),
            9,
        ))
        .await;
    let photo = world.nth_call("sendPhoto", 1).await;
    let page = world.nth_call("sendDocument", 1).await;
    world.wait_idle().await;
    assert_eq!(photo.i64_param("message_thread_id"), Some(9));
    assert_eq!(page.i64_param("message_thread_id"), Some(9));
    assert!(png_size(&photo.files[0].bytes).0 >= 1000);
    let caption = caption(&photo);
    assert!(caption.contains("茶"), "a Chinese headline: {caption}");
    assert_eq!(page.files[0].file_name, "poll-1-report.html");
    let html = String::from_utf8(page.files[0].bytes.clone()).unwrap();
    assert!(html.contains("lang=\"zh\""), "the page is in Chinese");
    assert!(html.contains("喝什么？"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; 茶好"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("data:image/png;base64,"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    world.assert_api_conformance();
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_by_an_anonymous_or_unknown_poll_says_why_and_sends_nothing() {
    let world = group_world().await;
    post_poll(&world, 1, "/newpoll Tea? | Yes | No").await;
    post_poll(&world, 2, "/newpoll --anonymous Age? | <30 | 30+").await;
    world
        .deliver_all(vec![
            message(GROUP, 3, &admin(), "/report 1 --by 2"),
            message(GROUP, 4, &admin(), "/report 1 --by 7"),
            message(GROUP, 5, &admin(), "/report 2 --by 1"),
            message(GROUP, 6, &admin(), "/report 1 --by"),
        ])
        .await;
    world.wait_idle().await;
    let texts: Vec<String> = world
        .fake
        .calls_to("sendMessage")
        .iter()
        .filter(|c| !c.failed)
        .filter_map(Call::text)
        .skip(2)
        .collect();
    assert_eq!(
        texts,
        [
            en("error-by-anonymous", &[("number", "#2".into())]),
            en("error-by-not-found", &[("number", "#7".into())]),
            en("error-by-own-anonymous", &[("number", "#2".into())]),
            en("error-report-argument", &[("arg", "--by ".into())]),
        ]
    );
    assert!(world.fake.calls_to("sendPhoto").is_empty());
    assert!(world.fake.calls_to("sendDocument").is_empty());
    world.assert_api_conformance();
}
