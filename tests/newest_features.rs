//! Telegram's newest poll features (Bot API 10.1, issue 12) through the real
//! bot against the fake Bot API server: the `/newpoll` flags and what each
//! sends, hidden results, options members add or delete, and replies to an
//! option.

mod common;

use std::collections::BTreeSet;

use chrono::Timelike;

use common::chat::{
    ADMIN, CHANNEL, GROUP, admin, en, group_world, group_world_on_manual_clock, post_poll,
    post_poll_ids, sent_to,
};
use common::updates::{
    Person, at, channel_post, message, message_from_sender_chat, option_added, option_deleted,
    person, poll_answer, poll_answer_by_ids, reply,
};
use common::{Call, Failure, World};
use pollbot::i18n::{self, Language};
use pollbot::poll::ChatId;
use pollbot::poll::PollFeatures;

/// The parameters a call sent, by name.
fn keys(call: &Call) -> BTreeSet<String> {
    call.params.keys().cloned().collect()
}

const PLAIN: [&str; 5] = [
    "allows_multiple_answers",
    "chat_id",
    "is_anonymous",
    "options",
    "question",
];

fn plain_and(extra: &[&str]) -> BTreeSet<String> {
    PLAIN.iter().chain(extra).map(|k| (*k).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_flag_sends_exactly_its_parameter() {
    let mut world = group_world().await;
    let plain = post_poll(&world, 1, "/newpoll Tea or coffee? | Tea | Coffee").await;
    assert_eq!(keys(&plain), plain_and(&[]));

    let hidden = post_poll(&world, 2, "/newpoll --hidden Q? | A | B").await;
    assert_eq!(keys(&hidden), plain_and(&["hide_results_until_closes"]));
    assert_eq!(hidden.bool_param("hide_results_until_closes"), Some(true));

    let final_votes = post_poll(&world, 3, "/newpoll --final Q? | A | B").await;
    assert_eq!(keys(&final_votes), plain_and(&["allows_revoting"]));
    assert_eq!(final_votes.bool_param("allows_revoting"), Some(false));

    let open = post_poll(&world, 4, "/newpoll --open Q? | A | B").await;
    assert_eq!(keys(&open), plain_and(&["allow_adding_options"]));
    assert_eq!(open.bool_param("allow_adding_options"), Some(true));
    assert_eq!(open.bool_param("is_anonymous"), Some(false));

    let shuffle = post_poll(&world, 5, "/newpoll --shuffle Q? | A | B").await;
    assert_eq!(keys(&shuffle), plain_and(&["shuffle_options"]));
    assert_eq!(shuffle.bool_param("shuffle_options"), Some(true));

    let described = post_poll(
        &world,
        6,
        "/newpoll Where shall we meet?\n> Saturday, after the market.\n> Bring an umbrella.\nLibrary\nPark",
    )
    .await;
    assert_eq!(keys(&described), plain_and(&["description"]));
    let description = "Saturday, after the market.\nBring an umbrella.";
    assert_eq!(
        described.str_param("description").as_deref(),
        Some(description)
    );
    assert_eq!(
        described.str_param("question").as_deref(),
        Some("Where shall we meet?")
    );
    // The fake echoes it in the poll, as Telegram does.
    let message = described.sent_message_id().unwrap();
    let sent = world.fake.poll_at(GROUP, message).unwrap();
    assert_eq!(sent.poll["description"], description);
    assert_eq!(sent.options, ["Library", "Park"]);

    // A deadline within 30 days goes to Telegram as close_date; the bot
    // stores the same instant.
    let soon = post_poll(&world, 7, "/newpoll --until 36h Q? | A | B").await;
    assert_eq!(keys(&soon), plain_and(&["close_date"]));
    let close_date = soon.i64_param("close_date").unwrap();
    let expected = chrono::Utc::now().timestamp() + 36 * 3600;
    assert!(
        (expected - 60..=expected).contains(&close_date),
        "{close_date} vs {expected}"
    );
    // One beyond 30 days is the bot's alone.
    let late = post_poll(&world, 8, "/newpoll --until 40d Q? | A | B").await;
    assert_eq!(keys(&late), plain_and(&[]));

    let all = post_poll(
        &world,
        9,
        "/newpoll --multiple --hidden --final --open --shuffle Q?\n> D\nA\nB",
    )
    .await;
    assert_eq!(
        keys(&all),
        plain_and(&[
            "hide_results_until_closes",
            "allows_revoting",
            "allow_adding_options",
            "shuffle_options",
            "description"
        ])
    );
    assert_eq!(all.bool_param("allows_multiple_answers"), Some(true));

    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPoll").len(), 9);
    assert_eq!(world.fake.calls_to("sendMessage").len(), 9);
    world.assert_api_conformance();

    // The flags are stored on each poll.
    let store = world.stop_and_open_store().await;
    let polls = store.polls_of_chat(ChatId(GROUP)).unwrap();
    // Telegram's persistent option ids (the fake's are "0", "1", …) are
    // kept with each poll; the flags are compared without them.
    for poll in &polls {
        assert_eq!(poll.features.option_persistent_ids, ["0", "1"]);
    }
    let features: Vec<PollFeatures> = polls
        .iter()
        .map(|p| PollFeatures {
            option_persistent_ids: Vec::new(),
            ..p.features.clone()
        })
        .collect();
    assert_eq!(features[0], PollFeatures::default());
    assert!(features[1].hidden && !features[1].final_votes);
    assert!(features[2].final_votes && !features[2].hidden);
    assert!(features[3].open && !features[3].shuffle);
    assert!(features[4].shuffle && !features[4].open);
    assert_eq!(
        features[5].description.as_ref().map(|d| d.as_str()),
        Some(description)
    );
    assert_eq!(
        polls[6].deadline.map(|d| d.timestamp()),
        Some(close_date),
        "Telegram's close_date is the bot's own deadline"
    );
    assert_eq!(
        features[8],
        PollFeatures {
            hidden: true,
            final_votes: true,
            open: true,
            shuffle: true,
            description: features[8].description.clone(),
            option_persistent_ids: Vec::new(),
            ..PollFeatures::default()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_on_an_anonymous_poll_is_refused_with_the_reason() {
    let mut world = group_world().await;
    world
        .deliver(message(
            GROUP,
            1,
            &admin(),
            "/newpoll --open --anonymous Q? | A | B",
        ))
        .await;
    let expected = format!(
        "{}\n\n{}",
        en("error-open-anonymous", &[]),
        en("usage-newpoll", &[])
    );
    assert_eq!(world.nth_message_to(GROUP, 1).await, expected);
    assert!(expected.contains("public polls only"), "{expected}");

    // In a channel every poll is anonymous: --open is refused there too.
    world.fake.set_bot_admin(CHANNEL, true);
    world
        .deliver(channel_post(CHANNEL, 1, "/newpoll --open Q? | A | B", None))
        .await;
    assert_eq!(
        world.nth_message_to(CHANNEL, 1).await,
        en("error-open-in-channel", &[])
    );

    world.wait_idle().await;
    assert!(world.fake.calls_to("sendPoll").is_empty());
    assert_eq!(world.fake.calls_to("sendMessage").len(), 2);
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert!(store.polls_of_chat(ChatId(GROUP)).unwrap().is_empty());
    assert!(store.polls_of_chat(ChatId(CHANNEL)).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_polls_results_go_to_the_moderator_privately_until_it_closes() {
    let mut world = group_world().await;
    let (poll_id, _) = post_poll_ids(&world, 1, "/newpoll --hidden Lunch? | Soup | Salad").await;
    world
        .deliver_all(vec![
            poll_answer(&poll_id, &person(101, "Bo"), &[0]),
            poll_answer(&poll_id, &person(102, "Cy"), &[0]),
            poll_answer(&poll_id, &person(103, "Di"), &[1]),
        ])
        .await;

    // /results and /export: to the admin's private chat (id = user id).
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    world
        .deliver(message(GROUP, 3, &admin(), "/export json"))
        .await;
    world.deliver(message(GROUP, 4, &admin(), "/polls")).await;
    world.wait_idle().await;
    let photos = sent_to(&world, "sendPhoto", ADMIN);
    assert_eq!(photos.len(), 1);
    let caption = photos[0].str_param("caption").unwrap();
    assert!(caption.contains("Soup — 2 (66.7%)"), "{caption}");
    assert!(caption.contains("Salad — 1 (33.3%)"), "{caption}");
    assert_eq!(photos[0].str_param("reply_parameters"), None);
    let documents = sent_to(&world, "sendDocument", ADMIN);
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].files[0].file_name, "poll-1.json");
    // Nothing about the results in the group; /polls shows no count.
    assert!(sent_to(&world, "sendPhoto", GROUP).is_empty());
    assert!(sent_to(&world, "sendDocument", GROUP).is_empty());
    assert_eq!(
        world.nth_message_to(GROUP, 2).await,
        format!(
            "{}\n{}",
            en("polls-header", &[]),
            en(
                "polls-row-hidden",
                &[
                    ("number", "#1".into()),
                    ("question", "Lunch?".into()),
                    ("state", en("state-open", &[]).into()),
                ]
            )
        )
    );
    assert_eq!(sent_to(&world, "sendMessage", GROUP).len(), 2);

    // The moderator never started the bot: told in the group, nothing else.
    world.fake.fail_next(
        "sendPhoto",
        1,
        Failure::Forbidden("bot can't initiate conversation with a user".into()),
    );
    world
        .deliver(message(GROUP, 5, &admin(), "/results 1"))
        .await;
    assert_eq!(
        world.nth_message_to(GROUP, 3).await,
        en("hidden-start-private-chat", &[("number", "#1".into())])
    );
    // An anonymous administrator has no private chat at all.
    world
        .deliver(message_from_sender_chat(GROUP, 6, GROUP, "/results", None))
        .await;
    assert_eq!(
        world.nth_message_to(GROUP, 4).await,
        en("hidden-no-private-chat", &[("number", "#1".into())])
    );
    world.wait_idle().await;
    assert!(sent_to(&world, "sendPhoto", GROUP).is_empty());
    assert_eq!(sent_to(&world, "sendPhoto", ADMIN).len(), 1);
    assert_eq!(sent_to(&world, "sendMessage", GROUP).len(), 4);
    assert!(sent_to(&world, "sendMessage", ADMIN).is_empty());

    // Closed, the results are everyone's: in the group, once.
    world.deliver(message(GROUP, 7, &admin(), "/close")).await;
    world.wait_idle().await;
    let photos = sent_to(&world, "sendPhoto", GROUP);
    assert_eq!(photos.len(), 1);
    assert!(
        photos[0]
            .str_param("caption")
            .unwrap()
            .contains("Soup — 2 (66.7%)")
    );
    assert_eq!(sent_to(&world, "sendPhoto", ADMIN).len(), 1);
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert!(
        store.chat(ChatId(GROUP)).unwrap().active,
        "a refused private chat is not the group gone"
    );
}

/// A reply to poll message `poll_message` that names one of its options
/// (`reply_to_poll_option_id`, which teloxide 0.17 does not know).
fn reply_to_option(
    message_id: i32,
    from: &Person,
    text: &str,
    poll_message: i32,
    option: &str,
) -> serde_json::Value {
    let mut update = reply(GROUP, message_id, from, text, poll_message);
    update["message"]["reply_to_poll_option_id"] = option.into();
    update
}

/// The comments of poll `n`'s JSON export, as (text, voted_option,
/// replied_option).
async fn exported_comments(
    world: &World,
    message_id: i32,
    n: u32,
) -> Vec<(String, String, String)> {
    let before = world.fake.calls_to("sendDocument").len();
    world
        .deliver(message(
            GROUP,
            message_id,
            &admin(),
            &format!("/export {n} json"),
        ))
        .await;
    let call = world.nth_call("sendDocument", before + 1).await;
    let json: serde_json::Value = serde_json::from_slice(&call.files[0].bytes).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("<null>").to_owned();
    json["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                text(&c["text"]),
                text(&c["voted_option"]),
                text(&c["replied_option"]),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_to_an_option_are_comments_on_that_option() {
    let mut world = group_world().await;
    // An anonymous poll: nobody's vote is on record.
    let call = post_poll(&world, 1, "/newpoll --anonymous Lunch? | Soup | Salad").await;
    let anonymous = call.sent_message_id().unwrap() as i32;
    world
        .deliver_all(vec![
            reply_to_option(2, &person(101, "Bo"), "Salad is lighter", anonymous, "1"),
            reply_to_option(3, &person(102, "Cy"), "Soup warms you up", anonymous, "0"),
            reply(GROUP, 4, &person(103, "Di"), "No opinion", anonymous),
            // An id the poll never had (an option added later, say).
            reply_to_option(5, &person(104, "Ed"), "What about pasta?", anonymous, "zz"),
        ])
        .await;
    assert_eq!(
        exported_comments(&world, 6, 1).await,
        [
            ("Salad is lighter".into(), "Salad".into(), "Salad".into()),
            ("Soup warms you up".into(), "Soup".into(), "Soup".into()),
            ("No opinion".into(), "".into(), "<null>".into()),
            ("What about pasta?".into(), "".into(), "<null>".into()),
        ]
    );

    // A public poll: a voter's own vote stays, the replied option beside it.
    let (poll_id, public) = post_poll_ids(&world, 7, "/newpoll Dessert? | Cake | Fruit").await;
    world
        .deliver_all(vec![
            poll_answer(&poll_id, &person(101, "Bo"), &[0]),
            reply_to_option(8, &person(101, "Bo"), "Fruit is fine too", public, "1"),
            reply_to_option(9, &person(102, "Cy"), "Cake, no question", public, "0"),
        ])
        .await;
    assert_eq!(
        exported_comments(&world, 10, 2).await,
        [
            ("Fruit is fine too".into(), "Cake".into(), "Fruit".into()),
            ("Cake, no question".into(), "Cake".into(), "Cake".into()),
        ]
    );
    world.wait_idle().await;
    world.assert_api_conformance();

    // The comments CSV carries the column after the first version's ones.
    let before = world.fake.calls_to("sendDocument").len();
    world
        .deliver(message(GROUP, 11, &admin(), "/export 1 csv"))
        .await;
    let comments = world.nth_call("sendDocument", before + 2).await;
    let csv = String::from_utf8(comments.files[0].bytes.clone()).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some(
            "poll,message_id,user_id,user_name,voted_option,approvals,posted_at,text,replied_option"
        )
    );
    let first = lines.next().unwrap();
    assert!(first.starts_with("1,2,101,Bo,Salad,0,"), "{first}");
    assert!(first.ends_with(",Salad is lighter,Salad"), "{first}");
    let store = world.stop_and_open_store().await;
    let polls = store.polls_of_chat(ChatId(GROUP)).unwrap();
    let replied: Vec<Option<u8>> = store
        .comments(polls[0].id)
        .map(|c| c.unwrap().replied_option)
        .collect();
    assert_eq!(replied, [Some(1), Some(0), None, None]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_telegram_closed_at_its_close_date_while_the_bot_was_down_gets_its_results_once() {
    let mut world = group_world_on_manual_clock().await;
    let deadline = world.clock.now() + chrono::TimeDelta::hours(1);
    let deadline = deadline.with_nanosecond(0).unwrap();
    let text = format!(
        "/newpoll --until {} Lunch? | Soup | Salad",
        deadline.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let call = post_poll(&world, 1, &text).await;
    assert_eq!(call.i64_param("close_date"), Some(deadline.timestamp()));
    let poll_message = call.sent_message_id().unwrap();
    let poll_id = world.fake.poll_at(GROUP, poll_message).unwrap().poll_id;
    world
        .deliver(poll_answer(&poll_id, &person(101, "Bo"), &[1]))
        .await;
    world.wait_idle().await;
    world.stop_bot().await;

    // Down past the deadline: Telegram (the fake, on the same clock)
    // closes the poll by itself.
    world.clock.set(deadline + chrono::TimeDelta::seconds(1));
    // Only the clock moved: the per-chat pace is real time.
    world.fake.wait_chat_gap(GROUP).await;
    world.start_bot();
    let photo = world.nth_call("sendPhoto", 1).await;
    assert_eq!(photo.chat_id(), Some(GROUP));
    let caption = photo.str_param("caption").unwrap();
    assert!(caption.contains("Salad — 1 (100.0%)"), "{caption}");
    world.wait_idle().await;
    // Asked to stop it, Telegram said it was closed already: that is the
    // confirmation the bot needs.
    let stops = world.fake.calls_to("stopPoll");
    assert_eq!(stops.len(), 1);
    assert!(stops[0].failed);
    assert!(world.fake.poll_at(GROUP, poll_message).unwrap().is_closed);

    // Once: not again after another restart.
    world.stop_bot().await;
    world.start_bot();
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPhoto").len(), 1);
    assert_eq!(world.fake.calls_to("stopPoll").len(), 1);
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    let poll = &store.polls_of_chat(ChatId(GROUP)).unwrap()[0];
    assert!(!poll.is_open() && poll.results_announced);
}

/// Telegram's own view of a poll whose options change: each voter's answer
/// by persistent id, and which options are deleted. The tally it gives is
/// what the bot must show.
#[derive(Default)]
struct TelegramPoll {
    answers: std::collections::BTreeMap<i64, Vec<&'static str>>,
    deleted: BTreeSet<&'static str>,
}

impl TelegramPoll {
    fn vote(&mut self, user: i64, persistent_ids: &[&'static str]) {
        self.answers.insert(user, persistent_ids.to_vec());
    }

    /// Votes per option (deleted ones left out) and voters.
    fn counts(&self, options: &[&'static str]) -> (Vec<u64>, u64) {
        let counted = |answer: &Vec<&str>| -> Vec<&'static str> {
            options
                .iter()
                .copied()
                .filter(|o| answer.contains(o) && !self.deleted.contains(o))
                .collect()
        };
        let counts = options
            .iter()
            .filter(|o| !self.deleted.contains(*o))
            .map(|o| {
                self.answers
                    .values()
                    .filter(|a| counted(a).contains(o))
                    .count() as u64
            })
            .collect();
        let voters = self
            .answers
            .values()
            .filter(|a| !counted(a).is_empty())
            .count() as u64;
        (counts, voters)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_members_add_or_delete_never_shift_a_vote() {
    let mut world = group_world().await;
    let (poll_id, poll_message) =
        post_poll_ids(&world, 1, "/newpoll --open Lunch? | Soup | Salad").await;
    let poll = (poll_message, poll_id.as_str());
    let mut telegram = TelegramPoll::default();
    let nina = person(109, "Nina");
    let added_at = 1_773_568_800; // 15 Mar 2026 10:00 UTC
    let mut updates = Vec::new();
    let vote = |telegram: &mut TelegramPoll,
                updates: &mut Vec<serde_json::Value>,
                user: i64,
                positions: &[u32],
                ids: &[&'static str]| {
        telegram.vote(user, ids);
        updates.push(poll_answer_by_ids(
            &poll_id,
            &person(user, &format!("Voter {user}")),
            positions,
            ids,
        ));
    };
    // Soup "0", Salad "1" as posted.
    vote(&mut telegram, &mut updates, 101, &[0], &["0"]);
    vote(&mut telegram, &mut updates, 102, &[1], &["1"]);
    vote(&mut telegram, &mut updates, 103, &[0], &["0"]);
    // Nina adds Noodles; two vote for it, one of them changing from Salad.
    updates.push(at(
        option_added(GROUP, 2, &nina, poll, "nd", "Noodles"),
        added_at,
    ));
    vote(&mut telegram, &mut updates, 104, &[2], &["nd"]);
    vote(&mut telegram, &mut updates, 102, &[2], &["nd"]);
    // A vote for Rice comes before the message that Rice was added.
    vote(&mut telegram, &mut updates, 105, &[3], &["rc"]);
    updates.push(at(
        option_added(GROUP, 3, &person(110, "Raj"), poll, "rc", "Rice"),
        added_at + 3600,
    ));
    // Soup is deleted: Salad, Noodles and Rice are now at positions 0, 1, 2.
    updates.push(option_deleted(GROUP, 4, &nina, poll, "0", "Soup"));
    telegram.deleted.insert("0");
    vote(&mut telegram, &mut updates, 106, &[2], &["rc"]);
    vote(&mut telegram, &mut updates, 107, &[0], &["1"]);
    world.deliver_all(updates).await;

    let (counts, voters) = telegram.counts(&["0", "1", "nd", "rc"]);
    assert_eq!((counts.clone(), voters), (vec![1, 2, 2], 5));
    world.deliver(message(GROUP, 5, &admin(), "/results")).await;
    let photo = world.nth_call("sendPhoto", 1).await;
    let added_date = i18n::format_date(
        Language::English,
        chrono::DateTime::from_timestamp(added_at, 0).unwrap(),
    );
    if let Ok(dir) = std::env::var("POLLBOT_KEEP_SCREENSHOTS") {
        std::fs::write(
            std::path::Path::new(&dir).join("added-options.png"),
            &photo.files[0].bytes,
        )
        .unwrap();
    }
    let caption = photo.str_param("caption").unwrap().to_owned();
    let lines: Vec<&str> = caption.lines().collect();
    assert_eq!(
        lines[..5],
        [
            "#1 Lunch?",
            &*format!("{voters} voters · open"),
            &*format!("Salad — {} (20.0%)", counts[0]),
            &*format!(
                "Noodles — {} (40.0%) · {}",
                counts[1],
                en(
                    "option-added-by-on",
                    &[("name", "Nina".into()), ("date", added_date.clone().into())]
                )
            ),
            &*format!(
                "Rice — {} (40.0%) · {}",
                counts[2],
                en(
                    "option-added-by-on",
                    &[("name", "Raj".into()), ("date", added_date.clone().into())]
                )
            ),
        ]
    );
    assert_eq!(lines.len(), 5, "{caption}");

    // The JSON export: the tally as shown, the deleted option kept apart,
    // every vote under the option it was cast for.
    world
        .deliver(message(GROUP, 6, &admin(), "/export json"))
        .await;
    let json_call = world.nth_call("sendDocument", 1).await;
    let json: serde_json::Value = serde_json::from_slice(&json_call.files[0].bytes).unwrap();
    assert_eq!(
        json["tally"]["options"],
        serde_json::json!([
            {"text": "Salad", "count": 1, "share": "20.0%"},
            {"text": "Noodles", "count": 2, "share": "40.0%",
                "added_by": {"id": 109, "name": "Nina"},
                "added_at": "2026-03-15T10:00:00+00:00"},
            {"text": "Rice", "count": 2, "share": "40.0%",
                "added_by": {"id": 110, "name": "Raj"},
                "added_at": "2026-03-15T11:00:00+00:00"},
        ])
    );
    assert_eq!(
        json["tally"]["deleted_options"],
        serde_json::json!([{"text": "Soup", "deleted": true}])
    );
    assert_eq!(json["tally"]["voters"], voters);
    let votes: Vec<(i64, String)> = json["votes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["user_id"].as_i64().unwrap(),
                v["options"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        votes,
        [
            (101, "Soup (deleted)".into()),
            (102, "Noodles".into()),
            (103, "Soup (deleted)".into()),
            (104, "Noodles".into()),
            (105, "Rice".into()),
            (106, "Rice".into()),
            (107, "Salad".into()),
        ]
    );
    world.wait_idle().await;
    world.assert_api_conformance();

    // Every ballot holds the option's stable index: posted 0-1, added 2-3.
    let store = world.stop_and_open_store().await;
    let stored = store.polls_of_chat(ChatId(GROUP)).unwrap().remove(0);
    let ballots: Vec<(i64, Vec<u8>)> = store
        .ballots(stored.id)
        .map(|b| b.map(|b| (b.voter.id.0, b.options)).unwrap())
        .collect();
    assert_eq!(
        ballots,
        [
            (101, vec![0]),
            (102, vec![2]),
            (103, vec![0]),
            (104, vec![2]),
            (105, vec![3]),
            (106, vec![3]),
            (107, vec![1]),
        ]
    );
    let tally = store.tally(stored.id).unwrap().unwrap();
    assert_eq!((tally.counts, tally.voters), (vec![0, 1, 2, 2], voters));
    assert_eq!(stored.features.deleted_options, [0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn option_messages_about_other_polls_change_nothing() {
    let mut world = group_world().await;
    let (poll_id, poll_message) =
        post_poll_ids(&world, 1, "/newpoll --open Lunch? | Soup | Salad").await;
    let mallory = person(666, "Mallory");
    world
        .deliver_all(vec![
            poll_answer(&poll_id, &person(101, "Bo"), &[0]),
            // Another message of the chat, not the poll.
            option_deleted(GROUP, 2, &mallory, (1, &poll_id), "0", "Soup"),
            // The poll's message, but naming another poll.
            option_deleted(GROUP, 3, &mallory, (poll_message, "other"), "0", "Soup"),
            // The same message id in another chat.
            option_added(-100777, 4, &mallory, (poll_message, &poll_id), "x", "Pizza"),
            // The service message without the poll's message.
            {
                let mut update =
                    option_deleted(GROUP, 5, &mallory, (poll_message, &poll_id), "0", "Soup");
                update["message"]["poll_option_deleted"]
                    .as_object_mut()
                    .unwrap()
                    .remove("poll_message");
                update
            },
        ])
        .await;
    world.wait_idle().await;
    let store = world.stop_and_open_store().await;
    let stored = store.polls_of_chat(ChatId(GROUP)).unwrap().remove(0);
    assert_eq!(stored.option_count(), 2);
    assert!(stored.features.deleted_options.is_empty());
    let tally = store.tally(stored.id).unwrap().unwrap();
    assert_eq!((tally.counts, tally.voters), (vec![1, 0], 1));
}

/// A chart that cannot be drawn (here: a 13th option members added to a
/// full `--open` poll, one more bar than a chart holds) does not cost the
/// moderator the results: they come as text (issue 16, item 11).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_whose_chart_cannot_be_drawn_come_as_text() {
    let world = group_world().await;
    let options: Vec<String> = (b'A'..=b'L').map(|c| (c as char).to_string()).collect();
    let text = format!("/newpoll --open Twelve? | {}", options.join(" | "));
    let poll = post_poll_ids(&world, 1, &text).await;
    world
        .deliver(option_added(
            GROUP,
            2,
            &person(110, "Raj"),
            (poll.1, &poll.0),
            "m",
            "M",
        ))
        .await;
    world
        .deliver(poll_answer_by_ids(
            &poll.0,
            &person(101, "Bo"),
            &[12],
            &["m"],
        ))
        .await;
    world.deliver(message(GROUP, 3, &admin(), "/results")).await;
    world.wait_idle().await;
    assert!(sent_to(&world, "sendPhoto", GROUP).is_empty());
    let texts: Vec<String> = sent_to(&world, "sendMessage", GROUP)
        .iter()
        .filter_map(Call::text)
        .collect();
    let results = texts.last().unwrap();
    assert!(
        results.starts_with("#1 Twelve?\n1 voter · open"),
        "{results}"
    );
    assert!(results.contains("\nA — 0 (0.0%)\n"), "{results}");
    assert!(results.contains("\nM — 1 (100.0%)"), "{results}");
    world.assert_api_conformance();
}
