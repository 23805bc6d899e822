//! `--remind` (issue 18, item 2): reminders before a poll's deadline, on
//! a manual clock the bot and the fake Bot API both follow. The real bot
//! against the fake.
//!
//! Where reminders meet the other features, and the test of each:
//!
//! | feature   | what could go wrong                                   | test |
//! |-----------|-------------------------------------------------------|------|
//! | deadline  | a reminder early, late, twice, or after the close     | `reminders_come_before_the_deadline_...` |
//! | topics    | a reminder outside the poll's topic, or not a reply   | `reminders_come_before_the_deadline_...` |
//! | turnout   | the count or the members wrong                        | `reminders_come_before_the_deadline_...` |
//! | hidden    | a hidden poll's count in a reminder                   | `a_hidden_polls_reminder_shows_no_count` |
//! | close     | a reminder of a poll closed early                     | `a_poll_closed_early_sends_no_reminder` |
//! | restarts  | a reminder due while the bot was down lost or doubled | `a_reminder_due_while_the_bot_was_down_goes_once_after_start` |
//! | commands  | a malformed --remind posts something                  | `malformed_reminders_get_a_reply_and_post_nothing` |

mod common;

use chrono::TimeDelta;
use common::World;
use common::chat::{
    GROUP, admin, command, each_newpoll_refused, en, group_world_on_manual_clock, post_poll_ids,
    wait_sent_to,
};
use common::updates::{in_topic, message, person, poll_answer};
use pollbot::i18n::{self, Language};

/// The reminders the bot has sent to `GROUP`, as texts.
fn reminders(world: &World) -> Vec<String> {
    world
        .fake
        .sent_to("sendMessage", GROUP)
        .into_iter()
        .filter_map(|c| c.text())
        .filter(|t| t.starts_with('⏰'))
        .collect()
}

fn date(at: chrono::DateTime<chrono::Utc>) -> String {
    i18n::format_date_time(Language::English, at)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_come_before_the_deadline_once_each_in_the_polls_topic() {
    let world = group_world_on_manual_clock().await;
    world.fake.set_member_count(GROUP, 100);
    let posted_at = world.clock.now();
    world
        .deliver(in_topic(
            message(
                GROUP,
                1,
                &admin(),
                "/newpoll --until 2d --remind 1h,1d Tea? | Tea | Coffee",
            ),
            9,
        ))
        .await;
    let sent = world.nth_call("sendPoll", 1).await;
    let poll_message = sent.sent_message_id().unwrap();
    let poll_id = world.fake.poll_at(GROUP, poll_message).unwrap().poll_id;
    world.wait_idle().await;
    let votes = (100..103)
        .map(|v| poll_answer(&poll_id, &person(v, "V"), &[0]))
        .collect();
    world.deliver_all(votes).await;
    let deadline = posted_at + TimeDelta::days(2);

    // Not yet: a minute before the first is due.
    world
        .clock
        .advance(TimeDelta::days(1) - TimeDelta::minutes(1));
    world.wait_idle().await;
    assert!(reminders(&world).is_empty());
    world.clock.advance(TimeDelta::minutes(1));
    let first = world
        .fake
        .wait_for_call("sendMessage", common::PATIENCE, |c| {
            c.text().is_some_and(|t| t.starts_with('⏰'))
        })
        .await
        .expect("the first reminder");
    assert_eq!(
        first.text().unwrap(),
        format!(
            "⏰ Poll #1 \"Tea?\" closes in 1 day ({}).\nSo far: 3 voters of 100 members (3.0%, counted {}).",
            date(deadline),
            date(posted_at)
        )
    );
    assert_eq!(first.i64_param("message_thread_id"), Some(9));
    assert_eq!(first.replied_to(), Some(poll_message));

    // An hour before: the second; nothing more after it.
    world
        .clock
        .advance(TimeDelta::hours(22) + TimeDelta::minutes(30));
    world.wait_idle().await;
    assert_eq!(reminders(&world).len(), 1);
    world.clock.advance(TimeDelta::minutes(30));
    let both = wait_sent_to(&world, "sendMessage", GROUP, 3).await;
    let second = both.last().unwrap().text().unwrap();
    assert!(
        second.starts_with(&format!(
            "⏰ Poll #1 \"Tea?\" closes in 1 hour ({}).",
            date(deadline)
        )),
        "{second}"
    );
    world.clock.advance(TimeDelta::minutes(30));
    world.wait_idle().await;
    assert_eq!(reminders(&world).len(), 2);
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_polls_reminder_shows_no_count() {
    let world = group_world_on_manual_clock().await;
    world.fake.set_member_count(GROUP, 100);
    let (poll_id, _) = post_poll_ids(
        &world,
        1,
        "/newpoll --hidden --until 1d --remind 2h Tea? | Tea | Coffee",
    )
    .await;
    world
        .deliver(poll_answer(&poll_id, &person(100, "V"), &[0]))
        .await;
    world.clock.advance(TimeDelta::hours(22));
    let texts = wait_sent_to(&world, "sendMessage", GROUP, 2).await;
    let reminder = texts[1].text().unwrap();
    assert!(reminder.starts_with("⏰ Poll #1"), "{reminder}");
    assert!(
        reminder.ends_with(&format!("\n{}", en("reminder-hidden", &[]))),
        "{reminder}"
    );
    assert!(!reminder.contains("voter"), "{reminder}");
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_closed_early_sends_no_reminder() {
    let world = group_world_on_manual_clock().await;
    post_poll_ids(
        &world,
        1,
        "/newpoll --until 1d --remind 2h Tea? | Tea | Coffee",
    )
    .await;
    command(&world, message(GROUP, 2, &admin(), "/close 1")).await;
    world.clock.advance(TimeDelta::hours(23));
    world.wait_idle().await;
    world.clock.advance(TimeDelta::hours(2));
    world.wait_idle().await;
    assert!(reminders(&world).is_empty());
    let store_has_none = {
        let mut world = world;
        let store = world.stop_and_open_store().await;
        store
            .due_reminders(chrono::Utc::now() + TimeDelta::days(30))
            .unwrap()
            .0
            .is_empty()
    };
    assert!(store_has_none, "its reminder left the index at close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_due_while_the_bot_was_down_goes_once_after_start() {
    let mut world = group_world_on_manual_clock().await;
    post_poll_ids(
        &world,
        1,
        "/newpoll --until 1d --remind 6h Tea? | Tea | Coffee",
    )
    .await;
    world.stop_bot().await;
    // Down past the reminder's time, not the deadline. (A bot starting
    // again does not know when it last wrote to the chat.)
    world.clock.advance(TimeDelta::hours(20));
    world.fake.wait_chat_gap(GROUP).await;
    world.start_bot();
    let texts = wait_sent_to(&world, "sendMessage", GROUP, 2).await;
    assert!(
        texts[1]
            .text()
            .unwrap()
            .starts_with("⏰ Poll #1 \"Tea?\" closes in 4 hours"),
        "{:?}",
        texts[1].text()
    );
    world.wait_idle().await;
    // Stopped and started again: not twice.
    world.stop_bot().await;
    world.start_bot();
    world.clock.advance(TimeDelta::minutes(1));
    world.wait_idle().await;
    assert_eq!(reminders(&world).len(), 1);
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_reminders_get_a_reply_and_post_nothing() {
    let world = group_world_on_manual_clock().await;
    let cases = [
        ("--remind 1h", en("error-remind-without-until", &[])),
        (
            "--until 1d --remind 1d",
            en("error-reminder-in-past", &[("value", "1d".into())]),
        ),
        (
            "--until 1d --remind 2h,36h",
            en("error-reminder-in-past", &[("value", "36h".into())]),
        ),
        (
            "--until 1d --remind 1w",
            en("error-bad-reminder", &[("value", "1w".into())]),
        ),
        (
            "--until 1d --remind=1m,2m,3m,4m,5m,6m",
            en(
                "error-too-many-reminders",
                &[("count", 6u32.into()), ("limit", 5u32.into())],
            ),
        ),
    ];
    each_newpoll_refused(&world, &cases).await;
}
