//! What the bot tests share: the chats and people they use, the English
//! texts they expect (from the locale files, not copied), the worlds they
//! start, and what the bot sent to a chat.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use pollbot::app::polls::CLOSE_DATE_AT_LEAST;
use pollbot::i18n::{self, Arg, Language};
use serde_json::Value;

use super::updates::{Person, message, person};
use super::{Call, PATIENCE, World};

/// The group most tests run in; `ADMIN` created it.
pub const GROUP: i64 = -1001234567890;
/// A channel (with `GROUP`'s tests).
pub const CHANNEL: i64 = -1009876543210;
/// A campaign's origin group, created by Ada.
pub const ORIGIN: i64 = -1001111111111;
/// A group a campaign's poll is posted into, created by Boris.
pub const REGION: i64 = -1002222222222;

pub const ADA: i64 = 10;
pub const BORIS: i64 = 11;
/// The creator of `GROUP` (and of every group of [`world_with_groups`]).
pub const ADMIN: i64 = ADA;

pub fn ada() -> Person {
    person(ADA, "Ada")
}

pub fn boris() -> Person {
    person(BORIS, "Boris")
}

pub fn admin() -> Person {
    ada()
}

/// An English text, as the bot says it.
pub fn en(key: &str, args: &[(&'static str, Arg)]) -> String {
    i18n::text_with(Language::English, key, args)
}

/// The reply to a `/newpoll` that posted poll `n`.
pub fn posted(n: u32) -> String {
    en(
        "poll-posted",
        &[("number", format!("#{n}").into()), ("n", n.into())],
    )
}

/// A world whose groups, given as (chat, creator), each have their creator
/// and the bot as an admin.
pub async fn world_with_creators(groups: &[(i64, i64)]) -> World {
    with_creators(World::start().await, groups)
}

fn with_creators(world: World, groups: &[(i64, i64)]) -> World {
    for &(chat, creator) in groups {
        world.fake.set_admins(chat, creator, &[]);
        world.fake.set_bot_admin(chat, true);
    }
    world
}

/// A world whose groups have `ADMIN` as their creator and the bot as an
/// admin.
pub async fn world_with_groups(groups: &[i64]) -> World {
    let created: Vec<(i64, i64)> = groups.iter().map(|&chat| (chat, ADMIN)).collect();
    world_with_creators(&created).await
}

/// A world whose `GROUP` has `ADMIN` as its creator and the bot as an admin.
pub async fn group_world() -> World {
    world_with_groups(&[GROUP]).await
}

/// [`world_with_groups`] on a manual clock (`world.clock`), which stands
/// still until the test moves it past a deadline.
pub async fn world_with_groups_on_manual_clock(groups: &[i64]) -> World {
    let created: Vec<(i64, i64)> = groups.iter().map(|&chat| (chat, ADMIN)).collect();
    with_creators(World::on_manual_clock().await, &created)
}

/// [`group_world`] on a manual clock (`world.clock`).
pub async fn group_world_on_manual_clock() -> World {
    world_with_groups_on_manual_clock(&[GROUP]).await
}

/// A deadline, in whole seconds, a moment ahead on the world's manual
/// clock: too soon for Telegram's `close_date`
/// (`app::polls::CLOSE_DATE_AT_LEAST`), so the bot alone closes the poll.
/// The clock stands still: the deadline comes when the test moves it there.
pub fn deadline_soon(world: &World) -> DateTime<Utc> {
    let soon = world.clock.now() + CLOSE_DATE_AT_LEAST - TimeDelta::seconds(2);
    soon.with_nanosecond(0).expect("a whole second")
}

/// Posts a poll in `GROUP` as the admin; returns its sendPoll call, once
/// the bot has confirmed the poll with its number (it confirms once the
/// poll is stored: only then can it know replies to it, and a member needs
/// longer to read it and reply).
pub async fn post_poll(world: &World, message_id: i32, text: &str) -> Call {
    let before = world.fake.calls_to("sendPoll").len();
    world
        .deliver(message(GROUP, message_id, &admin(), text))
        .await;
    let call = world.nth_call("sendPoll", before + 1).await;
    let number = (before + 1) as u32;
    let confirmed = world
        .fake
        .wait_for_call("sendMessage", PATIENCE, |c| {
            c.chat_id() == Some(GROUP) && c.text().is_some_and(|t| t.starts_with(&posted(number)))
        })
        .await;
    assert!(confirmed.is_some(), "poll #{number} confirmed");
    call
}

/// Posts a poll like [`post_poll`]; returns its Telegram id and the
/// message that carries it.
pub async fn post_poll_ids(world: &World, message_id: i32, text: &str) -> (String, i32) {
    let call = post_poll(world, message_id, text).await;
    let poll_message = call.sent_message_id().unwrap();
    let poll = world.fake.poll_at(GROUP, poll_message).unwrap();
    (poll.poll_id, poll_message as i32)
}

/// Sends a command and waits until the bot has answered everything.
pub async fn command(world: &World, update: Value) {
    world.deliver(update).await;
    world.wait_idle().await;
}

/// The calls of `method` to `chat` that Telegram took, so far.
pub fn sent_to(world: &World, method: &str, chat: i64) -> Vec<Call> {
    world.fake.sent_to(method, chat)
}

/// Waits until Telegram took `n` calls of `method` to `chat`; returns them
/// all.
pub async fn wait_sent_to(world: &World, method: &str, chat: i64, n: usize) -> Vec<Call> {
    wait_sent_to_within(world, method, chat, n, PATIENCE).await
}

/// [`wait_sent_to`], with a patience of its own.
pub async fn wait_sent_to_within(
    world: &World,
    method: &str,
    chat: i64,
    n: usize,
    patience: Duration,
) -> Vec<Call> {
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        let calls = sent_to(world, method, chat);
        if calls.len() >= n {
            return calls;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "expected {n} {method} to {chat}, got {}: {:#?}",
            calls.len(),
            calls.iter().filter_map(Call::text).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits for the `n`-th photo (1-based) sent to `chat`.
pub async fn nth_photo_to(world: &World, chat: i64, n: usize) -> Call {
    wait_sent_to(world, "sendPhoto", chat, n).await[n - 1].clone()
}

/// The texts the bot sent to `chat`, so far.
pub fn texts_to(world: &World, chat: i64) -> Vec<String> {
    sent_to(world, "sendMessage", chat)
        .into_iter()
        .filter_map(|c| c.text())
        .collect()
}

/// The captions of the photos the bot sent to `chat`, so far.
pub fn captions_to(world: &World, chat: i64) -> Vec<String> {
    sent_to(world, "sendPhoto", chat)
        .iter()
        .map(caption)
        .collect()
}

pub fn caption(call: &Call) -> String {
    call.str_param("caption").unwrap_or_default()
}

/// The code in a `/share` reply: what follows `/post `.
pub fn code_in(text: &str) -> String {
    let at = text.find("/post ").expect("the reply shows /post CODE") + "/post ".len();
    text[at..at + 9].to_owned()
}

/// Sends `/newpoll FLAGS Tea? | Tea | Coffee` for each case to `GROUP` as
/// the admin, and checks that each reply starts as expected; nothing may
/// be posted.
pub async fn each_newpoll_refused<F: AsRef<str>>(world: &World, cases: &[(F, String)]) {
    for (n, (flags, expected)) in cases.iter().enumerate() {
        let text = format!("/newpoll {} Tea? | Tea | Coffee", flags.as_ref());
        command(world, message(GROUP, 10 + n as i32, &admin(), &text)).await;
        let replies = wait_sent_to(world, "sendMessage", GROUP, n + 1).await;
        let reply = replies[n].text().unwrap();
        assert!(reply.starts_with(expected.as_str()), "{text}: {reply}");
    }
    assert!(world.fake.calls_to("sendPoll").is_empty(), "nothing posted");
}

/// A world on a manual clock set to `at`, in `GROUP`.
pub async fn group_world_at(at: &str) -> World {
    let world = group_world_on_manual_clock().await;
    world.clock.set(at.parse().expect("an RFC 3339 time"));
    world
}
