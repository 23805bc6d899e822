//! One poll in several chats (issue 11) through the real bot against the
//! fake Bot API server: `/share` in the origin group, `/post` in another
//! group and in a channel, votes in all three (some people in two chats,
//! changing their mind), the combined results as each chat sees them,
//! `/close` from the origin, exports per chat, `/polls`, and every wrong,
//! revoked, expired, reused or unauthorised code.

mod common;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use common::chat::{
    ADA, BORIS, ORIGIN, REGION, ada, boris, caption, code_in, command, en, nth_photo_to, sent_to,
    texts_to, world_with_creators,
};
use common::records::{apply_all_with, open_poll};
use common::updates::{Person, channel_post, message, person, poll_answer, reaction, reply};
use common::{PATIENCE, Rng, World, csv_rows};
use pollbot::i18n::{self, Language};
use pollbot::poll::{ChatId, MessageId, UserId};
use pollbot::poll::{PollId, PollNumber};

const CHANNEL: i64 = -1003333333333;
const OTHER: i64 = -1004444444444;
const OLGA: i64 = 12;

fn olga() -> Person {
    person(OLGA, "Olga")
}

fn nina() -> Person {
    person(30, "Nina")
}

fn title_of(chat: i64) -> &'static str {
    match chat {
        ORIGIN => "City chat",
        REGION => "Region chat",
        CHANNEL => "News channel",
        _ => "Other chat",
    }
}

/// Gives the update's chat (and a channel post's sender chat) its title.
fn titled(mut update: Value) -> Value {
    for kind in ["message", "channel_post"] {
        if let Some(m) = update.get_mut(kind) {
            let chat = m["chat"]["id"].as_i64().unwrap();
            m["chat"]["title"] = json!(title_of(chat));
            if m.get("sender_chat").is_some_and(|c| c["id"] == chat) {
                m["sender_chat"]["title"] = json!(title_of(chat));
            }
        }
    }
    update
}

/// A command from `who` in group `chat`.
fn say(chat: i64, message_id: i32, who: &Person, text: &str) -> Value {
    titled(message(chat, message_id, who, text))
}

/// A command posted in the channel (by its administrators, as the channel).
fn in_channel(message_id: i32, text: &str) -> Value {
    titled(channel_post(CHANNEL, message_id, text, None))
}

/// Three groups and a channel, each with its creator, the bot an admin.
async fn world() -> World {
    let world = world_with_creators(&[(ORIGIN, ADA), (REGION, BORIS), (OTHER, OLGA)]).await;
    world.fake.set_bot_admin(CHANNEL, true);
    world
}

/// The documents sent to `chat`, as (file name, bytes).
fn documents_to(world: &World, chat: i64) -> Vec<(String, Vec<u8>)> {
    sent_to(world, "sendDocument", chat)
        .into_iter()
        .map(|c| (c.files[0].file_name.clone(), c.files[0].bytes.clone()))
        .collect()
}

/// Waits until the clock has passed the current second: votes carry the
/// second they were recorded in, and "latest vote" must be unambiguous.
async fn next_second() {
    let now = Utc::now().timestamp();
    while Utc::now().timestamp() <= now {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn id(chat: i64, n: u32) -> PollId {
    PollId {
        chat: ChatId(chat),
        number: PollNumber(n),
    }
}

/// `/newpoll` in the origin, `/share`, `/post` in the region and the
/// channel: returns the code and the three polls as (Telegram id, message).
async fn shared_into_two_chats(world: &World) -> (String, [(String, i32); 3]) {
    command(
        world,
        say(
            ORIGIN,
            1,
            &ada(),
            "/newpoll --until 7d Tea or coffee? | Tea | Coffee | Water",
        ),
    )
    .await;
    command(world, say(ORIGIN, 2, &ada(), "/share")).await;
    let share = texts_to(world, ORIGIN)[1].clone();
    let code = code_in(&share);
    command(world, say(REGION, 3, &boris(), &format!("/post {code}"))).await;
    command(
        world,
        in_channel(4, &format!("/post {}", code.to_lowercase())),
    )
    .await;
    let polls = world.fake.polls();
    let first = polls.len().checked_sub(3).expect("three polls posted");
    let poll = |i: usize| {
        let sent = &polls[first + i];
        (sent.poll_id.clone(), sent.message_id as i32)
    };
    (code, [poll(0), poll(1), poll(2)])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_shared_into_a_group_and_a_channel_combines_every_chat() {
    let mut world = world().await;
    // The region has a poll of its own already: the copy is its #2.
    command(
        &world,
        say(REGION, 1, &boris(), "/newpoll Warm-up? | Yes | No"),
    )
    .await;
    let (code, [origin, region, channel]) = shared_into_two_chats(&world).await;

    // What /share and /post said.
    let share = texts_to(&world, ORIGIN)[1].clone();
    assert_eq!(
        share,
        en(
            "share-code",
            &[
                ("number", "#1".into()),
                ("n", 1u32.into()),
                ("code", code.clone().into())
            ]
        )
    );
    assert!(
        code.len() == 9 && code.as_bytes()[4] == b'-',
        "a code like J7QK-2MXA: {code}"
    );
    let posted = |number: &str, n: u32| {
        en(
            "post-posted",
            &[
                ("number", number.to_owned().into()),
                ("n", n.into()),
                ("origin_number", "#1".into()),
                ("origin", "City chat".into()),
            ],
        )
    };
    assert_eq!(texts_to(&world, REGION)[1], posted("#2", 2));
    assert_eq!(texts_to(&world, CHANNEL)[0], posted("#1", 1));

    // The copies are the same poll, numbered in their chats, closing with
    // the origin; the channel's is anonymous.
    let send_polls = world.fake.calls_to("sendPoll");
    let (first, copy, in_channel_call) = (&send_polls[1], &send_polls[2], &send_polls[3]);
    assert_eq!(copy.chat_id(), Some(REGION));
    assert_eq!(in_channel_call.chat_id(), Some(CHANNEL));
    for call in [copy, in_channel_call] {
        assert_eq!(call.params["question"], first.params["question"]);
        assert_eq!(call.params["options"], first.params["options"]);
        assert_eq!(
            call.i64_param("close_date"),
            first.i64_param("close_date"),
            "closing with the origin"
        );
    }
    assert_eq!(copy.bool_param("is_anonymous"), Some(false));
    assert_eq!(in_channel_call.bool_param("is_anonymous"), Some(true));
    let deadline: DateTime<Utc> =
        DateTime::from_timestamp(first.i64_param("close_date").unwrap(), 0).unwrap();

    // Votes. First second: everyone's first votes.
    let voter = |id: i64| person(id, &format!("U{id}"));
    world
        .deliver_all(vec![
            poll_answer(&origin.0, &voter(21), &[0]),
            poll_answer(&origin.0, &voter(22), &[1]),
            poll_answer(&origin.0, &voter(23), &[0]),
            poll_answer(&origin.0, &voter(24), &[2]),
            poll_answer(&region.0, &voter(25), &[1]),
            poll_answer(&region.0, &voter(26), &[0]),
        ])
        .await;
    next_second().await;
    // Later: 22 and 23 vote again in the region, changing their minds (23
    // twice); 24 gives the same answer there.
    world
        .deliver_all(vec![
            poll_answer(&region.0, &voter(22), &[0]),
            poll_answer(&region.0, &voter(23), &[1]),
            poll_answer(&region.0, &voter(23), &[2]),
            poll_answer(&region.0, &voter(24), &[2]),
        ])
        .await;
    next_second().await;
    // Later still: 26, who voted Tea in the region, votes Coffee in the
    // origin. The channel reports counts only.
    world
        .deliver_all(vec![
            poll_answer(&origin.0, &voter(26), &[1]),
            common::updates::poll_state(
                &channel.0,
                "Tea or coffee?",
                &[("Tea", 3), ("Coffee", 1), ("Water", 0)],
                4,
                false,
                true,
                false,
            ),
        ])
        .await;
    world
        .fake
        .set_poll_counts(CHANNEL, i64::from(channel.1), &[3, 1, 0], 4);

    // Comments, approved by reactions, in the origin and in the region.
    world
        .deliver_all(vec![
            reply(ORIGIN, 40, &voter(21), "Tea keeps me calm", origin.1),
            reply(REGION, 41, &voter(25), "Coffee or nothing", region.1),
            reaction(ORIGIN, 40, &voter(22), &[], &["👍"]),
            reaction(ORIGIN, 40, &voter(23), &[], &["❤"]),
            reaction(REGION, 41, &voter(22), &[], &["👍"]),
            reaction(REGION, 41, &voter(23), &[], &["🔥"]),
            reaction(REGION, 41, &voter(26), &[], &["👍"]),
        ])
        .await;

    // The origin sees every chat, and every chat's comments.
    command(&world, say(ORIGIN, 5, &ada(), "/results")).await;
    let open_until = i18n::format_date_time(Language::English, deadline);
    let tally = |number: &str, state: &str| {
        format!(
            "{number} Tea or coffee?\nCombined over 3 chats · 10 voters · {state}\n\
             Tea — 5 (50.0%)\nCoffee — 3 (30.0%)\nWater — 2 (20.0%)\n\
             By chat:\n\
             City chat — 5 voters: Tea 2 (40.0%) · Coffee 2 (40.0%) · Water 1 (20.0%)\n\
             Region chat — 5 voters: Tea 2 (40.0%) · Coffee 1 (20.0%) · Water 2 (40.0%)\n\
             News channel (anonymous) — 4 voters: Tea 3 (75.0%) · Coffee 1 (25.0%) · Water 0 (0.0%)\n\
             4 people voted in more than one chat; each counts once, with their latest vote.\n\
             Anonymous copies report only counts, so their voters cannot be matched with other \
             chats': someone who voted there and elsewhere counts twice."
        )
    };
    let open = format!("open until {open_until}");
    assert_eq!(
        caption(&nth_photo_to(&world, ORIGIN, 1).await),
        format!(
            "{}\nMost-approved comments\n\
             1. 👍 3 · U25 (Coffee) · Region chat: \"Coffee or nothing\"\n\
             2. 👍 2 · U21 (Tea) · City chat: \"Tea keeps me calm\"",
            tally("#1", &open)
        )
    );
    // A joined chat sees the same figures, under its own number, and only
    // its own comments.
    command(&world, say(REGION, 6, &boris(), "/results 2")).await;
    assert_eq!(
        caption(&nth_photo_to(&world, REGION, 1).await),
        format!(
            "{}\nMost-approved comments\n1. 👍 3 · U25 (Coffee): \"Coffee or nothing\"",
            tally("#2", &open)
        )
    );
    // The chart is the stacked one: a PNG, at least 1000 px wide.
    let png = &nth_photo_to(&world, ORIGIN, 1).await.files[0].bytes;
    assert!(png.starts_with(b"\x89PNG"));
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert!(width >= 1000);

    // /polls marks the shared poll and the copies.
    command(&world, say(ORIGIN, 7, &ada(), "/polls")).await;
    assert_eq!(
        texts_to(&world, ORIGIN).last().unwrap(),
        "Polls in this chat:\n#1 Tea or coffee? — 5 voters · open · shared with 2 other chats"
    );
    command(&world, say(REGION, 8, &boris(), "/polls")).await;
    assert_eq!(
        texts_to(&world, REGION).last().unwrap(),
        "Polls in this chat:\n#2 Tea or coffee? — 5 voters · open · a copy of another chat's poll\n\
         #1 Warm-up? — 0 voters · open"
    );

    // /export in the origin covers every chat, with the chat of each row.
    command(&world, say(ORIGIN, 9, &ada(), "/export")).await;
    let files = documents_to(&world, ORIGIN);
    assert_eq!(files[0].0, "poll-1-votes.csv");
    assert_eq!(files[1].0, "poll-1-comments.csv");
    let votes = csv_rows(&files[0].1);
    assert_eq!(
        votes[0],
        [
            "poll",
            "user_id",
            "user_name",
            "options",
            "voted_at",
            "chat_id",
            "chat_title"
        ]
    );
    let by_chat: Vec<(String, String, String, String, String)> = votes[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].clone(),
                r[3].clone(),
                r[5].clone(),
                r[6].clone(),
            )
        })
        .collect();
    let row = |poll: &str, user: &str, option: &str, chat: i64| {
        (
            poll.to_owned(),
            user.to_owned(),
            option.to_owned(),
            chat.to_string(),
            title_of(chat).to_owned(),
        )
    };
    assert_eq!(
        by_chat,
        [
            row("1", "21", "Tea", ORIGIN),
            row("1", "22", "Coffee", ORIGIN),
            row("1", "23", "Tea", ORIGIN),
            row("1", "24", "Water", ORIGIN),
            row("1", "26", "Coffee", ORIGIN),
            row("2", "22", "Tea", REGION),
            row("2", "23", "Water", REGION),
            row("2", "24", "Water", REGION),
            row("2", "25", "Coffee", REGION),
            row("2", "26", "Tea", REGION),
        ]
    );
    let comments = csv_rows(&files[1].1);
    assert_eq!(comments[0][9..], ["chat_id", "chat_title"]);
    let comment_rows: Vec<(String, String, String, String, String)> = comments[1..]
        .iter()
        .map(|r| {
            (
                r[1].clone(),
                r[4].clone(),
                r[5].clone(),
                r[7].clone(),
                r[10].clone(),
            )
        })
        .collect();
    let comment = |message: &str, option: &str, approvals: &str, text: &str, chat: i64| {
        (
            message.to_owned(),
            option.to_owned(),
            approvals.to_owned(),
            text.to_owned(),
            title_of(chat).to_owned(),
        )
    };
    assert_eq!(
        comment_rows,
        [
            comment("40", "Tea", "2", "Tea keeps me calm", ORIGIN),
            comment("41", "Coffee", "3", "Coffee or nothing", REGION),
        ]
    );
    // In a joined chat, only that chat's rows.
    command(&world, say(REGION, 10, &boris(), "/export 2")).await;
    let files = documents_to(&world, REGION);
    assert_eq!(files[0].0, "poll-2-votes.csv");
    let votes = csv_rows(&files[0].1);
    assert_eq!(votes.len(), 1 + 5);
    assert!(
        votes[1..]
            .iter()
            .all(|r| r[5] == REGION.to_string() && r[6] == "Region chat")
    );
    let comments = csv_rows(&files[1].1);
    assert_eq!(comments.len(), 1 + 1);
    assert_eq!(comments[1][7], "Coffee or nothing");
    // JSON: a chat per vote and comment, and every chat's figures.
    command(&world, say(ORIGIN, 11, &ada(), "/export json")).await;
    let files = documents_to(&world, ORIGIN);
    assert_eq!(files[2].0, "poll-1.json");
    let json: Value = serde_json::from_slice(&files[2].1).unwrap();
    assert_eq!(json["tally"]["voters"], 10);
    assert_eq!(json["tally"]["voters_in_several_chats"], 4);
    assert_eq!(json["tally"]["options"][0]["count"], 5);
    assert_eq!(json["chats"].as_array().unwrap().len(), 3);
    assert_eq!(json["chats"][2]["chat_title"], "News channel");
    assert_eq!(json["chats"][2]["voters"], 4);
    assert_eq!(json["votes"].as_array().unwrap().len(), 10);
    assert_eq!(json["votes"][9]["chat_id"], REGION);
    assert_eq!(json["comments"][1]["chat_title"], "Region chat");

    // /close in the origin closes every copy and posts final results in
    // each chat.
    command(&world, say(ORIGIN, 12, &ada(), "/close")).await;
    let stops: Vec<(i64, i64)> = world
        .fake
        .calls_to("stopPoll")
        .iter()
        .map(|c| (c.chat_id().unwrap(), c.i64_param("message_id").unwrap()))
        .collect();
    assert_eq!(
        stops,
        [
            (ORIGIN, i64::from(origin.1)),
            (REGION, i64::from(region.1)),
            (CHANNEL, i64::from(channel.1))
        ]
    );
    let closed_origin = caption(&nth_photo_to(&world, ORIGIN, 2).await);
    let closed_region = caption(&nth_photo_to(&world, REGION, 2).await);
    let closed_channel = caption(&nth_photo_to(&world, CHANNEL, 1).await);
    let closed = |caption: &str, number: &str| {
        let start = format!("{number} Tea or coffee?\nCombined over 3 chats · 10 voters · closed ");
        assert!(caption.starts_with(&start), "{caption}");
        assert!(caption.contains("News channel (anonymous) — 4 voters: Tea 3 (75.0%)"));
    };
    closed(&closed_origin, "#1");
    closed(&closed_region, "#2");
    closed(&closed_channel, "#1");
    // The channel has no comments of its own: none from the other chats.
    assert!(
        !closed_channel.contains("Most-approved"),
        "{closed_channel}"
    );
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("stopPoll").len(), 3);
    assert_eq!(world.fake.calls_to("sendPhoto").len(), 5, "one each, once");
    world.assert_api_conformance();

    let store = world.stop_and_open_store().await;
    for poll in [id(ORIGIN, 1), id(REGION, 2), id(CHANNEL, 1)] {
        let poll = store.poll(poll).unwrap().unwrap();
        assert!(!poll.is_open() && poll.results_announced, "{}", poll.id);
    }
    assert!(store.poll(id(REGION, 1)).unwrap().unwrap().is_open());
    assert_eq!(store.tally(id(CHANNEL, 1)).unwrap().unwrap().voters, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_revoked_expired_reused_and_unauthorised_codes_post_nothing() {
    let world = world().await;
    let (code, _) = shared_into_two_chats(&world).await;
    let polls_before = world.fake.calls_to("sendPoll").len();
    let last_to = |chat| texts_to(&world, chat).last().cloned().unwrap_or_default();

    // Non-moderators may neither share nor post.
    command(&world, say(ORIGIN, 20, &nina(), "/share")).await;
    assert_eq!(
        last_to(ORIGIN),
        en("error-not-moderator", &[("command", "/share".into())])
    );
    command(&world, say(OTHER, 21, &nina(), &format!("/post {code}"))).await;
    assert_eq!(
        last_to(OTHER),
        en("error-not-moderator", &[("command", "/post".into())])
    );
    // Malformed commands say how to write them.
    command(&world, say(OTHER, 22, &olga(), "/post")).await;
    assert_eq!(last_to(OTHER), en("error-post-missing-code", &[]));
    command(&world, say(OTHER, 23, &olga(), "/post 12345")).await;
    assert_eq!(
        last_to(OTHER),
        en("error-post-bad-code", &[("code", "12345".into())])
    );
    command(&world, say(ORIGIN, 24, &ada(), "/share 1 please")).await;
    assert_eq!(
        last_to(ORIGIN),
        en("error-share-argument", &[("arg", "please".into())])
    );
    // A code nobody gave out (all twos: 1 in 2^40 to be the real one).
    let unknown = if code == "2222-2222" {
        "3333-3333"
    } else {
        "2222-2222"
    };
    command(&world, say(OTHER, 25, &olga(), &format!("/post {unknown}"))).await;
    let wrong = last_to(OTHER);
    assert_eq!(wrong, en("post-unknown-code", &[("code", unknown.into())]));
    // The same code twice in one chat, and in its own chat.
    command(&world, say(REGION, 26, &boris(), &format!("/post {code}"))).await;
    assert_eq!(
        last_to(REGION),
        en("post-already-here", &[("number", "#1".into())])
    );
    command(&world, say(ORIGIN, 27, &ada(), &format!("/post {code}"))).await;
    assert_eq!(
        last_to(ORIGIN),
        en("post-already-here", &[("number", "#1".into())])
    );
    // /share again gives the same code; off revokes it.
    command(&world, say(ORIGIN, 28, &ada(), "/share 1")).await;
    assert_eq!(code_in(&last_to(ORIGIN)), code);
    command(&world, say(ORIGIN, 29, &ada(), "/share 1 off")).await;
    assert_eq!(
        last_to(ORIGIN),
        en(
            "share-revoked",
            &[("number", "#1".into()), ("code", code.clone().into())]
        )
    );
    command(&world, say(OTHER, 30, &olga(), &format!("/post {code}"))).await;
    let revoked = last_to(OTHER);
    assert_eq!(
        revoked,
        en("post-revoked-code", &[("code", code.clone().into())])
    );
    command(&world, say(ORIGIN, 31, &ada(), "/share off")).await;
    assert_eq!(
        last_to(ORIGIN),
        en("share-no-code", &[("number", "#1".into())])
    );
    // A copy cannot be shared on.
    command(&world, say(REGION, 32, &boris(), "/share")).await;
    assert_eq!(
        last_to(REGION),
        en("share-is-copy", &[("number", "#1".into())])
    );
    // A new code, then the poll closes: the code has expired.
    command(&world, say(ORIGIN, 33, &ada(), "/share")).await;
    let renewed = code_in(&last_to(ORIGIN));
    assert_ne!(renewed, code);
    command(&world, say(ORIGIN, 34, &ada(), "/close")).await;
    command(&world, say(OTHER, 35, &olga(), &format!("/post {renewed}"))).await;
    let expired = last_to(OTHER);
    assert_eq!(
        expired,
        en("post-expired-code", &[("code", renewed.clone().into())])
    );
    command(&world, say(ORIGIN, 36, &ada(), "/share")).await;
    assert_eq!(
        last_to(ORIGIN),
        en("share-closed", &[("number", "#1".into())])
    );

    // Nothing was posted by any of these, and no reply to a code names the
    // origin chat.
    assert_eq!(world.fake.calls_to("sendPoll").len(), polls_before);
    for text in [wrong, revoked, expired] {
        assert!(
            !text.contains("City chat") && !text.contains(&ORIGIN.to_string()),
            "{text}"
        );
    }
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_in_a_joined_chat_closes_only_that_copy() {
    let mut world = world().await;
    let (_, [origin, region, _]) = shared_into_two_chats(&world).await;
    let voter = |id: i64| person(id, &format!("U{id}"));
    world.deliver(poll_answer(&origin.0, &voter(1), &[0])).await;
    next_second().await;
    world.deliver(poll_answer(&region.0, &voter(1), &[1])).await;
    command(&world, say(REGION, 20, &boris(), "/close")).await;
    let stops: Vec<i64> = world
        .fake
        .calls_to("stopPoll")
        .iter()
        .map(|c| c.i64_param("message_id").unwrap())
        .collect();
    assert_eq!(stops, [i64::from(region.1)]);
    let closed = caption(&nth_photo_to(&world, REGION, 1).await);
    assert!(
        closed.starts_with("#1 Tea or coffee?\nCombined over 3 chats · 1 voter · closed "),
        "{closed}"
    );
    assert!(
        closed.contains("\nTea — 0 (0.0%)\nCoffee — 1 (100.0%)\n"),
        "{closed}"
    );

    // The origin goes on: U1 votes there again, later, and U2 joins in.
    next_second().await;
    world
        .deliver_all(vec![
            poll_answer(&origin.0, &voter(1), &[2]),
            poll_answer(&origin.0, &voter(2), &[2]),
            poll_answer(&region.0, &voter(3), &[0]),
        ])
        .await;
    world.wait_idle().await;
    assert!(world.fake.poll_at(ORIGIN, i64::from(origin.1)).is_some());
    let store = world.stop_and_open_store().await;
    assert!(store.poll(id(ORIGIN, 1)).unwrap().unwrap().is_open());
    assert!(store.poll(id(CHANNEL, 1)).unwrap().unwrap().is_open());
    assert!(!store.poll(id(REGION, 1)).unwrap().unwrap().is_open());
    // The votes kept the combined tally up to date (the closed copy's vote
    // after its close changed nothing).
    let record = store.combined_record(id(ORIGIN, 1)).unwrap().unwrap();
    let report = pollbot::app::load::campaign_report(&store, id(ORIGIN, 1))
        .unwrap()
        .unwrap();
    let members: Vec<pollbot::poll::MemberTally> = report
        .chats
        .iter()
        .map(|c| pollbot::poll::MemberTally {
            poll: c.poll.id,
            anonymous: c.poll.anonymous,
            tally: c.tally.clone(),
        })
        .collect();
    let kept = record.combined(&members).expect("kept up to date");
    assert_eq!(kept, report.combined);
    assert_eq!(kept.counts, [0, 0, 2]);
    assert_eq!((kept.voters, kept.in_several_chats), (2, 1));
}

#[test]
fn the_demo_runs_the_published_poll_as_a_campaign_over_two_chats() {
    let out = tempfile::tempdir().unwrap();
    pollbot::cli::demo(out.path()).unwrap();
    let dir = out.path().join("campaign");
    let summary = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(
        lines[..10],
        [
            "#1 In which area should the two countries deepen cooperation?",
            "Combined over 2 chats · 1,601 voters of 12,400 members of the 2 chats (12.9%) · \
             closed 28 Mar 2024 18:00 UTC",
            "Energy — 672 (42.0%)",
            "Trade — 472 (29.5%)",
            "Military — 304 (19.0%)",
            "Food — 153 (9.5%)",
            "By chat:",
            "Friendship Society · 友好协会 — 1,089 voters of 8,537 members (12.8%, counted at \
             close): Energy 452 (41.5%) · Trade 322 (29.6%) · Military 205 (18.8%) · Food 110 (10.1%)",
            "Partner forum · 合作论坛 — 577 voters of 3,863 members (14.9%, counted at close): \
             Energy 230 (39.9%) · Trade 169 (29.3%) · Military 111 (19.2%) · Food 67 (11.6%)",
            "65 people voted in more than one chat; each counts once, with their latest vote.",
        ]
    );
    assert_eq!(lines[10], "Most-approved comments");
    assert!(
        lines[11].starts_with("1. 👍 57 · Dmitri Abbott (Energy) · Friendship Society"),
        "{}",
        lines[11]
    );
    let votes = csv_rows(&std::fs::read(dir.join("votes.csv")).unwrap());
    assert_eq!(votes.len(), 1 + 1_089 + 577);
    let png = std::fs::read(dir.join("results.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.contains("<section id=\"chats\">"));
}

#[test]
fn pollbot_export_of_the_origin_covers_every_chat_and_of_a_copy_its_own() {
    let db = tempfile::tempdir().unwrap();
    let origin = {
        let store = pollbot::store::Store::open(db.path()).unwrap();
        pollbot::demo::build_campaign(&store).unwrap()
    };
    let out = tempfile::tempdir().unwrap();
    let format = pollbot::report::ExportFormat::Csv;
    pollbot::cli::export(
        &db.path().into(),
        origin,
        format,
        &out.path().join("origin"),
    )
    .unwrap();
    let votes = std::fs::read(out.path().join("origin").join("poll-1-votes.csv")).unwrap();
    assert_eq!(csv_rows(&votes).len(), 1 + 1_089 + 577);
    let copy = id(pollbot::demo::PARTNER_CHAT.0, 1);
    pollbot::cli::export(&db.path().into(), copy, format, &out.path().join("copy")).unwrap();
    let votes = csv_rows(&std::fs::read(out.path().join("copy").join("poll-1-votes.csv")).unwrap());
    assert_eq!(votes.len(), 1 + 577);
    assert!(
        votes[1..]
            .iter()
            .all(|r| r[6] == pollbot::demo::PARTNER_TITLE)
    );

    // `pollbot report` of the origin: the campaign's files, and a page with
    // a section per chat.
    let dir = out.path().join("report");
    pollbot::cli::report(&db.path().into(), origin, None, &dir, "en").unwrap();
    let summary = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    assert!(
        summary.starts_with(
            "#1 In which area should the two countries deepen cooperation?\n\
             Combined over 2 chats · 1,601 voters of 12,400 members of the 2 chats (12.9%) · \
             closed 28 Mar 2024 18:00 UTC\n"
        ),
        "{summary}"
    );
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.contains("<section id=\"chats\">"));
    assert!(page.contains("Partner forum · 合作论坛</td><td class=\"n\">577</td>"));
    assert!(page.contains("<b>Combined over 2 chats</b></td><td class=\"n\">1,601</td>"));
    assert!(page.contains("65 people voted in more than one chat"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_stream_loses_no_vote_of_any_copy() {
    use std::collections::{BTreeMap, BTreeSet};
    use std::time::Duration;

    use common::FakeTelegram;
    use common::process::BotProcess;

    const VOTERS: u64 = 1_500;
    const ANSWERS: usize = 9_000;
    const FIRST_VOTER: i64 = 3_000_000;
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let moderator = 1001;
    let mut bot = BotProcess::start(&fake, dir.path(), db.as_path(), &[moderator]);
    let me = person(moderator, "Moderator");
    let texts = |chat: i64| -> Vec<String> {
        fake.calls_to("sendMessage")
            .into_iter()
            .filter(|c| c.chat_id() == Some(chat) && !c.failed)
            .filter_map(|c| c.text())
            .collect()
    };
    let wait_text = |chat: i64, n: usize| {
        let texts = &texts;
        async move {
            let deadline = tokio::time::Instant::now() + PATIENCE;
            while texts(chat).len() < n {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "{n} messages to {chat}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            texts(chat)[n - 1].clone()
        }
    };
    // The origin in the moderator's private chat, its copy in a group.
    fake.push_update(message(moderator, 1, &me, "/newpoll Q? | A | B | C"));
    wait_text(moderator, 1).await;
    fake.push_update(message(moderator, 2, &me, "/share"));
    let code = code_in(&wait_text(moderator, 2).await);
    fake.push_update(say(REGION, 3, &me, &format!("/post {code}")));
    wait_text(REGION, 1).await;
    let polls = fake.polls();
    assert_eq!(polls.len(), 2);

    let mut rng = Rng(0x5EED_0011);
    let answers: Vec<(usize, i64, Vec<u32>)> = (0..ANSWERS)
        .map(|_| {
            let poll = rng.below(2) as usize;
            let user = FIRST_VOTER + rng.below(VOTERS) as i64;
            let options = match rng.below(100) < 10 {
                true => Vec::new(),
                false => vec![rng.below(3) as u32],
            };
            (poll, user, options)
        })
        .collect();
    let updates: Vec<Value> = answers
        .iter()
        .map(|(poll, user, options)| {
            poll_answer(&polls[*poll].poll_id, &person(*user, "V"), options)
        })
        .collect();
    let first = fake.acknowledged_through() + 1;
    let last = first + updates.len() as i64 - 1;
    let pusher = {
        let fake = fake.clone();
        tokio::spawn(async move {
            for chunk in updates.chunks(300) {
                while fake.pending() > 900 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                fake.push_updates(chunk.to_vec());
            }
        })
    };
    let mut killed_at = Vec::new();
    for part in 1..5i64 {
        let threshold = first + ANSWERS as i64 * part / 5;
        assert!(
            fake.wait_acknowledged(threshold, Duration::from_secs(120))
                .await,
            "acknowledged through {threshold}; log:\n{}",
            bot.log_text()
        );
        tokio::time::sleep(Duration::from_micros(rng.below(20_000))).await;
        killed_at.push(fake.acknowledged_through() - first + 1);
        bot.kill_9();
        bot.spawn();
    }
    pusher.await.unwrap();
    assert!(
        fake.wait_acknowledged(last, Duration::from_secs(120)).await,
        "all acknowledged; log:\n{}",
        bot.log_text()
    );
    assert!(
        killed_at.iter().filter(|&&n| n < ANSWERS as i64).count() >= 3,
        "kills while votes were still coming: {killed_at:?}"
    );
    bot.signal("TERM");
    assert!(bot.wait_exit(Duration::from_secs(30)).await.success());

    // Each copy's ballots are exactly each voter's latest answer there.
    let mut expected: [BTreeMap<i64, u8>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for (poll, user, options) in &answers {
        match options.first() {
            Some(&o) => expected[*poll].insert(*user, o as u8),
            None => expected[*poll].remove(user),
        };
    }
    let store = pollbot::store::Store::open(&db).unwrap();
    let ids = [id(moderator, 1), id(REGION, 1)];
    for (poll, id) in ids.iter().enumerate() {
        let stored: BTreeMap<i64, u8> = store
            .ballots(*id)
            .map(|b| {
                let b = b.unwrap();
                (b.voter.id.0, b.options[0])
            })
            .collect();
        assert_eq!(stored, expected[poll], "ballots of {id}");
        let tally = store.tally(*id).unwrap().unwrap();
        assert_eq!(tally.voters, expected[poll].len() as u64, "voters of {id}");
        for option in 0..3u8 {
            let count = expected[poll].values().filter(|&&o| o == option).count();
            assert_eq!(tally.counts[usize::from(option)], count as u64, "{id}");
        }
    }
    // The combined tally counts each of them once.
    let people: BTreeSet<i64> = expected[0]
        .keys()
        .chain(expected[1].keys())
        .copied()
        .collect();
    let both = expected[0]
        .keys()
        .filter(|u| expected[1].contains_key(u))
        .count();
    let campaign = pollbot::app::load::campaign_report(&store, ids[0])
        .unwrap()
        .unwrap();
    assert_eq!(campaign.combined.voters, people.len() as u64);
    assert_eq!(campaign.combined.in_several_chats, both as u64);
    assert_eq!(
        campaign.combined.counts.iter().sum::<u64>(),
        people.len() as u64
    );
    assert_eq!(fake.polls().len(), 2, "nothing posted twice");
}

#[test]
fn the_combined_tally_kept_vote_by_vote_matches_one_made_from_every_ballot() {
    use pollbot::app::load::campaign_report;
    use pollbot::ingest::{Event, apply_following_campaigns};
    use pollbot::poll::{MemberTally, Person, Poll, Tally, combine};

    use pollbot::store::Store;

    let store = Store::temporary().unwrap();
    let base: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
    let chats = [
        (ORIGIN, "t-origin", false),
        (REGION, "t-region", false),
        (CHANNEL, "t-channel", true),
    ];
    let ids: Vec<PollId> = store
        .write(|changes| {
            let mut ids = Vec::new();
            for (chat, telegram_id, anonymous) in chats {
                let poll = changes.create_poll(ChatId(chat), |id| Poll {
                    anonymous,
                    ..open_poll(id, "Q?", &["A", "B", "C"], 5, telegram_id, base)
                })?;
                ids.push(poll.id);
            }
            changes.add_copy(ids[0], ids[1])?;
            changes.add_copy(ids[0], ids[2])?;
            Ok(ids)
        })
        .unwrap();
    let members = |store: &Store| -> Vec<MemberTally> {
        ids.iter()
            .map(|&id| MemberTally {
                poll: id,
                anonymous: id.chat == ChatId(CHANNEL),
                tally: store.tally(id).unwrap().unwrap_or_else(|| Tally::new(3)),
            })
            .collect()
    };
    let from_every_ballot = |store: &Store| {
        let members = members(store);
        let ballots: Vec<_> = ids
            .iter()
            .map(|&id| {
                store
                    .ballots(id)
                    .map(|b| b.unwrap())
                    .collect::<Vec<_>>()
                    .into_iter()
            })
            .collect();
        combine(&members, 3, ballots)
    };
    let mut rng = Rng(7);
    let mut kept_rounds = 0;
    for round in 0..60 {
        let events: Vec<Event> = (0..40)
            .map(|_| {
                let chat = rng.below(3) as usize;
                let at = base + chrono::TimeDelta::seconds(round + rng.below(2) as i64);
                if chat == 2 {
                    let counts: Vec<u64> = (0..3).map(|_| rng.below(5)).collect();
                    return Event::PollCounts {
                        telegram_poll_id: "t-channel".into(),
                        options: Vec::new(),
                        voters: counts.iter().sum(),
                        counts,
                        closed: false,
                        at,
                    };
                }
                let user = 100 + rng.below(25) as i64;
                let options = match rng.below(8) {
                    0 => Vec::new(),
                    _ => vec![rng.below(3) as u32],
                };
                Event::Vote {
                    telegram_poll_id: chats[chat].1.into(),
                    voter: Person {
                        id: UserId(user),
                        name: format!("U{user}"),
                    },
                    option_ids: options,
                    option_persistent_ids: Vec::new(),
                    at,
                }
            })
            .collect();
        apply_all_with(&store, &events, apply_following_campaigns);
        let fresh = from_every_ballot(&store);
        // Kept up to date by the votes themselves since the last results.
        let record = store.combined_record(ids[0]).unwrap();
        if let Some(kept) = record.and_then(|r| r.combined(&members(&store))) {
            assert_eq!(kept, fresh, "kept, round {round}");
            kept_rounds += 1;
        }
        let report = campaign_report(&store, ids[0]).unwrap().unwrap();
        assert_eq!(report.combined, fresh, "round {round}");
    }
    // Built at the first results, then kept by every round's votes.
    assert_eq!(kept_rounds, 59);
}

#[test]
fn an_option_deleted_in_a_chat_leaves_the_combined_tally_as_it_leaves_that_chats() {
    use pollbot::app::load::campaign_report;
    use pollbot::ingest::{Event, apply_following_campaigns};
    use pollbot::poll::{Person, Poll, PollFeatures, SeenOption};

    use pollbot::store::Store;

    let store = Store::temporary().unwrap();
    let base: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
    let ids: Vec<PollId> = store
        .write(|changes| {
            let mut ids = Vec::new();
            for (chat, telegram_id) in [(ORIGIN, "t-origin"), (REGION, "t-region")] {
                let poll = changes.create_poll(ChatId(chat), |id| Poll {
                    features: PollFeatures {
                        option_persistent_ids: vec!["a".into(), "b".into(), "c".into()],
                        ..PollFeatures::default()
                    },
                    ..open_poll(id, "Q?", &["A", "B", "C"], 5, telegram_id, base)
                })?;
                ids.push(poll.id);
            }
            changes.add_copy(ids[0], ids[1])?;
            Ok(ids)
        })
        .unwrap();
    let vote = |telegram_id: &str, user: i64, option: u32, second: i64| Event::Vote {
        telegram_poll_id: telegram_id.into(),
        voter: Person {
            id: UserId(user),
            name: format!("U{user}"),
        },
        option_ids: vec![option],
        option_persistent_ids: Vec::new(),
        at: base + chrono::TimeDelta::seconds(second),
    };
    let apply_all = |events: &[Event]| apply_all_with(&store, events, apply_following_campaigns);
    apply_all(&[
        // 1 votes A in the origin; 2 votes only B, in the region.
        vote("t-origin", 1, 0, 1),
        vote("t-region", 2, 1, 2),
        // 3 votes C in the origin, then B in the region (later).
        vote("t-origin", 3, 2, 1),
        vote("t-region", 3, 1, 3),
        // 4 votes A in the region.
        vote("t-region", 4, 0, 2),
    ]);
    // B is deleted in the region.
    apply_all(&[Event::OptionDeleted {
        chat: ChatId(REGION),
        poll_message: MessageId(5),
        telegram_poll_id: Some("t-region".into()),
        option: SeenOption {
            persistent_id: "b".into(),
            text: Some("B".into()),
            added_by: None,
            added_at: None,
        },
    }]);
    let tally = |id: PollId| {
        let t = store.tally(id).unwrap().unwrap();
        (t.counts, t.voters)
    };
    assert_eq!(tally(ids[0]), (vec![1, 0, 1], 2));
    assert_eq!(tally(ids[1]), (vec![1, 0, 0], 1));
    // Combined: 2's vote counts nowhere, 3's counts where it still counts
    // (C, in the origin): the chats' own figures, each person once.
    let combined = campaign_report(&store, ids[0]).unwrap().unwrap().combined;
    assert_eq!(combined.counts, [2, 0, 1]);
    assert_eq!(combined.parts, [vec![1, 0, 1], vec![1, 0, 0]]);
    assert_eq!((combined.voters, combined.in_several_chats), (3, 0));
    // Votes after the results move the kept tally the same way: 2, whose
    // only choice was deleted, votes C in the origin; 5 votes A there.
    apply_all(&[vote("t-origin", 2, 2, 4), vote("t-origin", 5, 0, 4)]);
    let report = campaign_report(&store, ids[0]).unwrap().unwrap();
    let record = store.combined_record(ids[0]).unwrap().unwrap();
    let members: Vec<pollbot::poll::MemberTally> = report
        .chats
        .iter()
        .map(|c| pollbot::poll::MemberTally {
            poll: c.poll.id,
            anonymous: c.poll.anonymous,
            tally: c.tally.clone(),
        })
        .collect();
    let kept = record.combined(&members).expect("kept up to date");
    assert_eq!(kept, report.combined);
    assert_eq!(kept.counts, [3, 0, 2]);
    assert_eq!(kept.parts, [vec![2, 0, 2], vec![1, 0, 0]]);
    assert_eq!((kept.voters, kept.in_several_chats), (5, 0));
}
