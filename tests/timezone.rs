//! `/timezone` (issue 18, item 6): a chat reads and shows times in its
//! IANA zone; UTC by default; exports stay in UTC. The real bot against
//! the fake Bot API, on a manual clock.
//!
//! | feature    | what could go wrong                                   | test |
//! |------------|-------------------------------------------------------|------|
//! | --until    | a local time read as UTC                              | `a_chats_zone_reads_until_...` |
//! | captions   | a deadline shown in UTC                               | `a_chats_zone_reads_until_...` |
//! | exports    | exported times moved off UTC                          | `a_chats_zone_reads_until_...` |
//! | reminders  | a reminder an hour off across a DST change            | `a_reminder_across_a_dst_change_...` |
//! | commands   | a bad zone kept, or set by a member                   | `bad_zones_and_members_change_nothing` |

mod common;

use chrono::{DateTime, Utc};
use common::chat::{
    GROUP, admin, caption, command, en, group_world_at, group_world_on_manual_clock, post_poll_ids,
    texts_to, wait_sent_to,
};
use common::csv_rows;
use common::updates::{message, person, poll_answer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chats_zone_reads_until_and_shows_dates_but_exports_stay_utc() {
    let world = group_world_at("2026-12-03T09:00:00Z").await;
    command(
        &world,
        message(GROUP, 1, &admin(), "/timezone Europe/Moscow"),
    )
    .await;
    assert_eq!(
        texts_to(&world, GROUP)[0],
        en("timezone-set", &[("zone", "Europe/Moscow".into())])
    );
    let (poll_id, _) = post_poll_ids(
        &world,
        2,
        "/newpoll --until 2026-12-10 18:00 Tea? | Tea | Coffee",
    )
    .await;
    // 18:00 in Moscow (UTC+3) is 15:00 UTC: Telegram gets that.
    let sent = world.fake.calls_to("sendPoll");
    let close_date: DateTime<Utc> = "2026-12-10T15:00:00Z".parse().unwrap();
    assert_eq!(
        sent[0].i64_param("close_date"),
        Some(close_date.timestamp())
    );
    world
        .deliver(poll_answer(&poll_id, &person(100, "V"), &[0]))
        .await;
    command(&world, message(GROUP, 3, &admin(), "/results")).await;
    let photo = wait_sent_to(&world, "sendPhoto", GROUP, 1).await;
    assert_eq!(
        caption(&photo[0]).lines().nth(1).unwrap(),
        "1 voter · open until 10 Dec 2026 18:00 MSK"
    );
    command(&world, message(GROUP, 4, &admin(), "/timezone")).await;
    assert_eq!(
        texts_to(&world, GROUP).last().unwrap(),
        &en("timezone-is", &[("zone", "Europe/Moscow".into())])
    );
    // The export keeps UTC, with its offset.
    command(&world, message(GROUP, 5, &admin(), "/export 1")).await;
    let votes = world
        .fake
        .calls_to("sendDocument")
        .into_iter()
        .flat_map(|c| c.files)
        .find(|f| f.file_name == "poll-1-votes.csv")
        .expect("the votes CSV");
    let rows = csv_rows(&votes.bytes);
    assert_eq!(rows[1][4], "2026-12-03T09:00:00+00:00");
    // `--until 18:00`: today at 18:00 on Moscow's clock (it is 12:00 there).
    post_poll_ids(&world, 6, "/newpoll --until 18:00 Now? | Yes | No").await;
    let today: DateTime<Utc> = "2026-12-03T15:00:00Z".parse().unwrap();
    assert_eq!(
        world.fake.calls_to("sendPoll")[1].i64_param("close_date"),
        Some(today.timestamp())
    );
    world.assert_api_conformance();
}

/// Berlin moves its clocks from 02:00 CET to 03:00 CEST on 28 March 2027.
/// A poll closing at 12:00 on 28 March (10:00 UTC) with a reminder a day
/// before: the reminder is due at 10:00 UTC on 27 March (11:00 CET), 24
/// hours before the close, not at 12:00 local time the day before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_across_a_dst_change_comes_a_real_day_before() {
    let world = group_world_on_manual_clock().await;
    command(
        &world,
        message(GROUP, 1, &admin(), "/timezone europe/berlin"),
    )
    .await;
    post_poll_ids(
        &world,
        2,
        "/newpoll --until 2027-03-28 12:00 --remind 1d Tea? | Tea | Coffee",
    )
    .await;
    let reminders = || {
        texts_to(&world, GROUP)
            .into_iter()
            .filter(|t| t.starts_with('⏰'))
            .collect::<Vec<_>>()
    };
    world.clock.set("2027-03-27T09:59:00Z".parse().unwrap());
    world.wait_idle().await;
    assert!(reminders().is_empty(), "not yet");
    world.clock.set("2027-03-27T10:00:00Z".parse().unwrap());
    let sent = wait_sent_to(&world, "sendMessage", GROUP, 3).await;
    assert_eq!(
        sent[2].text().unwrap(),
        "⏰ Poll #1 \"Tea?\" closes in 1 day (28 Mar 2027 12:00 CEST).\nSo far: 0 voters."
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_zones_and_members_change_nothing() {
    let world = group_world_on_manual_clock().await;
    let cases = [
        (
            "/timezone Mars/Olympus",
            en("error-timezone-unknown", &[("name", "Mars/Olympus".into())]),
        ),
        (
            "/timezone Europe/Moscow Asia/Tokyo",
            en("error-timezone-extra", &[]),
        ),
    ];
    for (n, (text, expected)) in cases.iter().enumerate() {
        command(&world, message(GROUP, 10 + n as i32, &admin(), text)).await;
        let reply = texts_to(&world, GROUP)[n].clone();
        assert!(reply.starts_with(expected.as_str()), "{text}: {reply}");
    }
    // A member is told it is for moderators.
    command(
        &world,
        message(GROUP, 20, &person(77, "Member"), "/timezone Asia/Tokyo"),
    )
    .await;
    command(&world, message(GROUP, 21, &admin(), "/timezone")).await;
    assert_eq!(
        texts_to(&world, GROUP).last().unwrap(),
        &en("timezone-is", &[("zone", "UTC".into())])
    );
    world.assert_api_conformance();
}
