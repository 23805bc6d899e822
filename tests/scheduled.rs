//! Scheduled polls (issue 18, item 3): `/newpoll --at WHEN` posts later
//! under a number reserved at once; `/scheduled` lists the waiting polls;
//! `/cancel N` drops one; a time that passed while the bot was down posts
//! at start, once. The real bot against the fake Bot API, on a manual
//! clock.
//!
//! | feature    | what could go wrong                                  | test |
//! |------------|------------------------------------------------------|------|
//! | numbers    | a later /newpoll takes the reserved number           | `a_scheduled_poll_is_posted_at_its_time_...` |
//! | --until    | a duration counted from the command, not the posting | `a_scheduled_poll_is_posted_at_its_time_...` |
//! | time zone  | `--at 09:00` read as UTC in a zoned chat             | `a_scheduled_poll_is_posted_at_its_time_...` |
//! | /cancel    | a cancelled poll posted anyway                       | `a_cancelled_poll_is_never_posted` |
//! | restarts   | a poll due while down lost or posted twice           | `a_poll_due_while_the_bot_was_down_is_posted_once_after_start` |
//! | commands   | a bad --at or /cancel changes something              | `a_cancelled_poll_is_never_posted`, `a_time_in_the_past_is_refused` |

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::chat::{
    GROUP, admin, command, en, group_world_at, group_world_on_manual_clock, posted, texts_to,
    wait_sent_to,
};
use common::updates::message;

fn date(at: DateTime<Utc>) -> String {
    pollbot::i18n::format_date_time(pollbot::i18n::Language::English, at)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_poll_is_posted_at_its_time_under_its_reserved_number() {
    let world = group_world_at("2026-12-03T09:00:00Z").await;
    command(
        &world,
        message(GROUP, 1, &admin(), "/timezone Europe/Moscow"),
    )
    .await;
    command(
        &world,
        message(
            GROUP,
            2,
            &admin(),
            "/newpoll --at 2026-12-03 15:00 --until 1d Tea? | Tea | Coffee",
        ),
    )
    .await;
    // 15:00 in Moscow is 12:00 UTC.
    let at: DateTime<Utc> = "2026-12-03T12:00:00Z".parse().unwrap();
    assert_eq!(
        texts_to(&world, GROUP)[1],
        en(
            "poll-scheduled",
            &[
                ("number", "#1".into()),
                ("date", "3 Dec 2026 15:00 MSK".into())
            ]
        )
    );
    assert!(world.fake.calls_to("sendPoll").is_empty());
    // Another poll meanwhile is #2: #1 is taken.
    command(
        &world,
        message(GROUP, 3, &admin(), "/newpoll Now? | Yes | No"),
    )
    .await;
    assert!(texts_to(&world, GROUP)[2].starts_with(&posted(2)));
    command(&world, message(GROUP, 4, &admin(), "/scheduled")).await;
    assert_eq!(
        texts_to(&world, GROUP)[3],
        format!(
            "{}\n#1 Tea? — 3 Dec 2026 15:00 MSK",
            en("scheduled-header", &[])
        )
    );

    world.clock.set(at - TimeDelta::minutes(1));
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPoll").len(), 1);
    world.clock.set(at);
    let polls = world
        .fake
        .wait_for_calls("sendPoll", 2, common::PATIENCE)
        .await;
    assert_eq!(polls[1].str_param("question").as_deref(), Some("Tea?"));
    // --until 1d counts from the posting.
    assert_eq!(
        polls[1].i64_param("close_date"),
        Some((at + TimeDelta::days(1)).timestamp())
    );
    let sent = wait_sent_to(&world, "sendMessage", GROUP, 5).await;
    assert!(sent[4].text().unwrap().starts_with(&posted(1)));
    assert_eq!(sent[4].replied_to(), Some(2), "replies to the command");
    command(&world, message(GROUP, 5, &admin(), "/scheduled")).await;
    assert_eq!(
        texts_to(&world, GROUP).last().unwrap(),
        &en("scheduled-none", &[])
    );
    command(&world, message(GROUP, 6, &admin(), "/results 1")).await;
    let photo = wait_sent_to(&world, "sendPhoto", GROUP, 1).await;
    assert!(
        common::chat::caption(&photo[0])
            .starts_with("#1 Tea?\n0 voters · open until 4 Dec 2026 15:00 MSK"),
        "{}",
        common::chat::caption(&photo[0])
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_poll_is_never_posted() {
    let world = group_world_on_manual_clock().await;
    command(
        &world,
        message(GROUP, 1, &admin(), "/newpoll --at 1h Tea? | Tea | Coffee"),
    )
    .await;
    command(&world, message(GROUP, 2, &admin(), "/cancel")).await;
    assert!(texts_to(&world, GROUP)[1].starts_with(&en("error-cancel-missing", &[])));
    command(&world, message(GROUP, 3, &admin(), "/cancel 2")).await;
    assert_eq!(
        texts_to(&world, GROUP)[2],
        en("not-scheduled", &[("number", "#2".into())])
    );
    command(&world, message(GROUP, 4, &admin(), "/cancel #1")).await;
    assert_eq!(
        texts_to(&world, GROUP)[3],
        en("scheduled-cancelled", &[("number", "#1".into())])
    );
    world.clock.advance(TimeDelta::hours(2));
    world.wait_idle().await;
    assert!(world.fake.calls_to("sendPoll").is_empty());
    command(&world, message(GROUP, 5, &admin(), "/cancel 1")).await;
    assert_eq!(
        texts_to(&world, GROUP)[4],
        en("not-scheduled", &[("number", "#1".into())])
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_due_while_the_bot_was_down_is_posted_once_after_start() {
    let mut world = group_world_on_manual_clock().await;
    command(
        &world,
        message(GROUP, 1, &admin(), "/newpoll --at 30m Tea? | Tea | Coffee"),
    )
    .await;
    world.stop_bot().await;
    world.clock.advance(TimeDelta::hours(3));
    world.fake.wait_chat_gap(GROUP).await;
    world.start_bot();
    world
        .fake
        .wait_for_calls("sendPoll", 1, common::PATIENCE)
        .await;
    world.wait_idle().await;
    world.stop_bot().await;
    world.fake.wait_chat_gap(GROUP).await;
    world.start_bot();
    world.clock.advance(TimeDelta::minutes(1));
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPoll").len(), 1, "posted once");
    let store = world.stop_and_open_store().await;
    let poll = store
        .poll(pollbot::poll::PollId {
            chat: pollbot::poll::ChatId(GROUP),
            number: pollbot::poll::PollNumber(1),
        })
        .unwrap()
        .expect("stored as #1");
    assert_eq!(poll.question.as_str(), "Tea?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_time_in_the_past_is_refused() {
    let world = group_world_at("2026-12-03T09:00:00Z").await;
    command(
        &world,
        message(
            GROUP,
            1,
            &admin(),
            "/newpoll --at 2026-12-01 Tea? | Tea | Coffee",
        ),
    )
    .await;
    let reply = texts_to(&world, GROUP)[0].clone();
    let past: DateTime<Utc> = "2026-12-01T23:59:59Z".parse().unwrap();
    assert!(
        reply.starts_with(&en("error-when-in-past", &[("date", date(past).into())])),
        "{reply}"
    );
    command(&world, message(GROUP, 2, &admin(), "/scheduled")).await;
    assert_eq!(texts_to(&world, GROUP)[1], en("scheduled-none", &[]));
    assert!(world.fake.calls_to("sendPoll").is_empty());
}

/// `--every 1w`: run #1 at once, closing a week later when run #2 is
/// posted under the next number; `/report --trend` draws both; `/cancel`
/// of the waiting run stops the series.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_series_posts_a_run_each_week_and_its_trend_shows_them() {
    let mut world = group_world_at("2026-12-03T09:00:00Z").await;
    command(
        &world,
        message(
            GROUP,
            1,
            &admin(),
            "/newpoll --every 1w Tea? | Tea | Coffee",
        ),
    )
    .await;
    assert!(
        texts_to(&world, GROUP)[0].starts_with("Poll #1 starts a series posted every week"),
        "{}",
        texts_to(&world, GROUP)[0]
    );
    let polls = world
        .fake
        .wait_for_calls("sendPoll", 1, common::PATIENCE)
        .await;
    let week = TimeDelta::weeks(1);
    let start: DateTime<Utc> = "2026-12-03T09:00:00Z".parse().unwrap();
    assert_eq!(
        polls[0].i64_param("close_date"),
        Some((start + week).timestamp()),
        "a run closes when the next is posted"
    );
    world.wait_idle().await;
    command(&world, message(GROUP, 2, &admin(), "/scheduled")).await;
    assert_eq!(
        texts_to(&world, GROUP).last().unwrap(),
        &format!(
            "{}\n#2 Tea? — 10 Dec 2026 09:00 UTC",
            en("scheduled-header", &[])
        )
    );
    let first = world.fake.polls()[0].poll_id.clone();
    let votes = (100..103)
        .map(|v| common::updates::poll_answer(&first, &common::updates::person(v, "V"), &[0]))
        .collect();
    world.deliver_all(votes).await;

    world.clock.set(start + week);
    world
        .fake
        .wait_for_calls("sendPoll", 2, common::PATIENCE)
        .await;
    world.wait_idle().await;
    let second = world.fake.polls()[1].poll_id.clone();
    let votes = [(200, 0), (201, 1), (202, 1), (203, 1)]
        .into_iter()
        .map(|(v, o)| common::updates::poll_answer(&second, &common::updates::person(v, "W"), &[o]))
        .collect();
    world.deliver_all(votes).await;
    command(&world, message(GROUP, 3, &admin(), "/report 2 --trend")).await;
    let photos = world.fake.calls_to("sendPhoto");
    let trend = photos.last().expect("the trend chart");
    assert_eq!(trend.files[0].file_name, "poll-2-trend.png");
    assert_eq!(
        common::chat::caption(trend),
        "#2 Tea?, run by run\n\
         #1 (3 Dec 2026): 3 voters · Tea 100.0% · Coffee 0.0%\n\
         #2 (10 Dec 2026): 4 voters · Tea 25.0% · Coffee 75.0%"
    );
    // Run #3 waits; cancelling it stops the series.
    command(&world, message(GROUP, 4, &admin(), "/cancel 3")).await;
    world.clock.set(start + week * 2);
    world.wait_idle().await;
    assert_eq!(world.fake.calls_to("sendPoll").len(), 2);
    command(
        &world,
        message(GROUP, 5, &admin(), "/newpoll Other? | A | B"),
    )
    .await;
    command(&world, message(GROUP, 6, &admin(), "/report 4 --trend")).await;
    assert_eq!(
        texts_to(&world, GROUP).last().unwrap(),
        &en("not-a-series", &[("number", "#4".into())])
    );
    world.assert_api_conformance();
    // `pollbot report --trend` writes the same from the stopped bot's
    // database.
    world.stop_bot().await;
    let out = tempfile::tempdir().unwrap();
    let run = pollbot::poll::PollId {
        chat: pollbot::poll::ChatId(GROUP),
        number: pollbot::poll::PollNumber(1),
    };
    pollbot::cli::trend(&world.db_location(), run, out.path(), "en").unwrap();
    let text = std::fs::read_to_string(out.path().join("trend.txt")).unwrap();
    assert!(
        text.starts_with("#1 Tea?, run by run\n#1 (3 Dec 2026): 3 voters"),
        "{text}"
    );
    let png = std::fs::read(out.path().join("trend.png")).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
}

/// A series whose runs fell due while the bot was down posts one run at
/// start, not one for each missed day, and goes on from there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_series_down_for_days_posts_one_run_at_start_and_goes_on() {
    let mut world = group_world_at("2026-12-03T09:00:00Z").await;
    command(
        &world,
        message(
            GROUP,
            1,
            &admin(),
            "/newpoll --every 1d Tea? | Tea | Coffee",
        ),
    )
    .await;
    world
        .fake
        .wait_for_calls("sendPoll", 1, common::PATIENCE)
        .await;
    world.wait_idle().await;
    world.stop_bot().await;
    world.clock.set("2026-12-06T10:00:00Z".parse().unwrap());
    world.fake.wait_chat_gap(GROUP).await;
    world.start_bot();
    world
        .fake
        .wait_for_calls("sendPoll", 2, common::PATIENCE)
        .await;
    world.wait_idle().await;
    assert_eq!(
        world.fake.calls_to("sendPoll").len(),
        2,
        "one run for the missed days"
    );
    command(&world, message(GROUP, 2, &admin(), "/scheduled")).await;
    assert_eq!(
        texts_to(&world, GROUP).last().unwrap(),
        &format!(
            "{}\n#3 Tea? — 7 Dec 2026 09:00 UTC",
            en("scheduled-header", &[])
        )
    );
    world.assert_api_conformance();
}
