//! Webhook mode: the real bot serves its webhook, and the fake Telegram
//! posts updates to it (one per post, again after any answer but 200).
//! Long polling's `/metrics` and its `deleteWebhook` at start are here too.
//!
//! | by webhook              | once | redelivered | redelivered after a restart | answer lost / bot down / 500 | wrong or no secret | too large |
//! |-------------------------|------|-------------|-----------------------------|------------------------------|--------------------|-----------|
//! | votes                   | `votes_and_commands_…` | `a_redelivered_…` | `a_redelivered_…` | `an_answer_lost_…`, `posts_while_the_bot_is_down_…`, `an_update_the_store_cannot_record_…` | `posts_without_…` | `a_body_over_…` |
//! | commands (answered)     | `votes_and_commands_…` | `a_redelivered_…` | `a_redelivered_…` | `an_answer_lost_…` | `posts_without_…` | — |
//! | button presses (ranked) | `button_presses_…` | `button_presses_…` | — | — | — | — |
//! | concurrent, out of order| `concurrent_posts_…` | `concurrent_posts_…` (the same id at once) | — | — | — | — |
//!
//! Also: `/healthz` and `/metrics` (exact counters) in webhook mode,
//! `/metrics` on its own address in long-polling mode, the switch from a
//! webhook back to long polling (`deleteWebhook` first, nothing counted
//! twice), `setWebhook` tried again or refused, configuration errors (from
//! the real binary), a listen address already taken, and a refused post's
//! log line (without the secret it sent).

mod common;

use serde_json::{Value, json};

use common::chat::{ADMIN, GROUP, admin, caption, post_poll_ids};
use common::fake_telegram::http_request;
use common::updates::{callback_query, message, person, poll_answer};
use common::{PATIENCE, WEBHOOK_SECRET, World};
use pollbot::poll::{ChatId, PollId, PollNumber, UserId};
use pollbot::telegram::webhook::BODY_LIMIT;

fn poll_1() -> PollId {
    PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    }
}

/// A webhook world whose `GROUP` has `ADMIN` as creator and the bot as an
/// admin.
async fn webhook_group_world() -> World {
    let world = World::with_webhook(&[]).await;
    world.fake.set_admins(GROUP, ADMIN, &[]);
    world.fake.set_bot_admin(GROUP, true);
    world
}

/// An update with its id, to post by hand.
fn with_id(update: Value, id: i64) -> Value {
    let mut update = update;
    update["update_id"] = json!(id);
    update
}

/// Posts `body` to the bot's webhook with `secret` (if any): the status.
async fn post(world: &World, body: &[u8], secret: Option<&str>) -> u16 {
    let mut headers = vec![("content-type", "application/json".to_owned())];
    if let Some(secret) = secret {
        headers.push(("X-Telegram-Bot-Api-Secret-Token", secret.to_owned()));
    }
    let url = format!("{}/telegram", world.webhook_base());
    http_request(&url, "POST", &headers, body)
        .await
        .expect("the webhook answers")
        .0
}

async fn get(base: &str, path: &str) -> (u16, String) {
    http_request(&format!("{base}{path}"), "GET", &[], b"")
        .await
        .expect("the server answers")
}

/// The value of one metric line (`name value`) in Prometheus text.
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("{name} in\n{text}"))
        .parse()
        .unwrap()
}

/// The tally of poll #1 of `GROUP`, from the stopped bot's store.
async fn tally_after_stop(world: &mut World) -> (Vec<u64>, u64) {
    let store = world.stop_and_open_store().await;
    let tally = store.tally(poll_1()).unwrap().unwrap();
    (tally.counts, tally.voters)
}

/// Posts of one update, by the status they got.
fn posts_of(world: &World, id: i64) -> Vec<u16> {
    world
        .fake
        .webhook_posts()
        .into_iter()
        .filter(|(update, _)| *update == id)
        .map(|(_, status)| status)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_and_commands_by_webhook_are_recorded_once_and_answered_once() {
    let mut world = webhook_group_world().await;
    let hook = world.fake.webhook().unwrap();
    assert_eq!(hook.url, format!("{}/telegram", world.webhook_base()));
    assert_eq!(hook.secret_token.as_deref(), Some(WEBHOOK_SECRET));
    assert_eq!(
        hook.allowed_updates.unwrap(),
        [
            "message",
            "edited_message",
            "channel_post",
            "poll",
            "poll_answer",
            "message_reaction",
            "message_reaction_count",
            "my_chat_member",
            "callback_query"
        ]
    );
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Best fruit? | Apple | Pear | Plum").await;
    let voters = [21, 22, 23, 24, 25].map(|id| person(id, &format!("U{id}")));
    world
        .deliver_all(vec![
            poll_answer(&poll, &voters[0], &[0]),
            poll_answer(&poll, &voters[1], &[1]),
            poll_answer(&poll, &voters[2], &[2]),
            poll_answer(&poll, &voters[3], &[2]),
            poll_answer(&poll, &voters[4], &[0]),
            poll_answer(&poll, &voters[4], &[]), // withdrawn
        ])
        .await;
    world.deliver(message(GROUP, 2, &admin(), "/results")).await;
    world.wait_idle().await;
    let photos = world.fake.sent_to("sendPhoto", GROUP);
    assert_eq!(photos.len(), 1, "one answer to /results");
    assert_eq!(
        caption(&photos[0]),
        "#1 Best fruit?\n4 voters · open\nApple — 1 (25.0%)\nPear — 1 (25.0%)\nPlum — 2 (50.0%)"
    );
    // The poll and its confirmation: /newpoll answered once too.
    assert_eq!(world.fake.sent_to("sendPoll", GROUP).len(), 1);
    assert_eq!(world.fake.sent_to("sendMessage", GROUP).len(), 1);
    // Each of the 8 updates posted once, answered 200; no getUpdates, and
    // the webhook was not deleted.
    let posts = world.fake.webhook_posts();
    assert_eq!(posts, (1..=8).map(|id| (id, 200)).collect::<Vec<_>>());
    assert_eq!(world.fake.get_updates_calls(), 0);
    assert!(world.fake.calls_to("deleteWebhook").is_empty());
    assert_eq!(world.fake.calls_to("setWebhook").len(), 1);
    world.assert_api_conformance();
    assert_eq!(tally_after_stop(&mut world).await, (vec![1, 1, 2], 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_update_counts_once_even_after_a_restart() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Tea or coffee? | Tea | Coffee").await;
    let (ann, bob) = (person(21, "Ann"), person(22, "Bob"));
    let ann_votes = world.deliver(poll_answer(&poll, &ann, &[0])).await;
    let polls = world.deliver(message(GROUP, 2, &admin(), "/polls")).await;
    world.wait_idle().await;
    assert_eq!(world.fake.sent_to("sendMessage", GROUP).len(), 2);

    // Telegram posts both again: nothing changes, nothing is answered twice.
    world.fake.redeliver(ann_votes);
    world.fake.redeliver(polls);
    world.wait_idle().await;
    assert_eq!(posts_of(&world, ann_votes), [200, 200]);
    assert_eq!(posts_of(&world, polls), [200, 200]);
    assert_eq!(world.fake.sent_to("sendMessage", GROUP).len(), 2);

    // After a restart (the ids are in the store, not in memory).
    world.stop_bot().await;
    world.start_bot();
    world.wait_webhook_set(2).await;
    world.fake.redeliver(ann_votes);
    world.fake.redeliver(polls);
    world.wait_idle().await;
    assert_eq!(posts_of(&world, ann_votes), [200, 200, 200]);
    assert_eq!(world.fake.sent_to("sendMessage", GROUP).len(), 2);

    // A new update of the same content is a new vote: Ann changes hers.
    world.deliver(poll_answer(&poll, &ann, &[1])).await;
    world.deliver(poll_answer(&poll, &bob, &[1])).await;
    world.wait_idle().await;
    world.assert_api_conformance();
    assert_eq!(tally_after_stop(&mut world).await, (vec![0, 2], 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_lost_on_the_way_makes_telegram_post_again_and_it_counts_once() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Lost? | Yes | No").await;
    world.fake.lose_webhook_answers(2);
    let vote = world
        .deliver(poll_answer(&poll, &person(21, "Ann"), &[1]))
        .await;
    assert_eq!(posts_of(&world, vote), [200, 200, 200]);
    world.fake.lose_webhook_answers(1);
    let help = world.deliver(message(GROUP, 2, &admin(), "/help")).await;
    world.wait_idle().await;
    assert_eq!(posts_of(&world, help), [200, 200]);
    // The poll's confirmation and one /help.
    assert_eq!(world.fake.sent_to("sendMessage", GROUP).len(), 2);
    assert_eq!(tally_after_stop(&mut world).await, (vec![0, 1], 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_while_the_bot_is_down_are_retried_and_count_once() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Down? | Yes | No").await;
    world.wait_idle().await;
    world.stop_bot().await;
    let vote = world
        .fake
        .push_update(poll_answer(&poll, &person(21, "Ann"), &[0]));
    // Telegram finds nobody there, and tries again.
    let before = world.fake.webhook_posts().len();
    world.fake.wait_webhook_posts(before + 2, PATIENCE).await;
    assert!(posts_of(&world, vote).iter().all(|&status| status == 0));
    world.start_bot();
    assert!(world.fake.wait_acknowledged(vote, PATIENCE).await);
    world.wait_idle().await;
    let statuses = posts_of(&world, vote);
    assert!(statuses.len() >= 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1);
    assert_eq!(statuses.last(), Some(&200));
    assert_eq!(tally_after_stop(&mut world).await, (vec![1, 0], 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_posts_out_of_order_and_the_same_update_at_once_count_once() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Order? | A | B | C").await;
    // Ids far above the fake's own, newest first, each sent twice at once.
    let updates: Vec<Vec<u8>> = (0..6)
        .map(|i| {
            let voter = person(100 + i, &format!("V{i}"));
            let update = with_id(poll_answer(&poll, &voter, &[(i % 3) as u32]), 5_000 - i);
            update.to_string().into_bytes()
        })
        .collect();
    let posts = updates
        .iter()
        .chain(updates.iter())
        .map(|body| post(&world, body, Some(WEBHOOK_SECRET)));
    let statuses = futures_util::future::join_all(posts).await;
    assert_eq!(statuses, vec![200; 12]);
    world.wait_idle().await;
    let (counts, voters) = tally_after_stop(&mut world).await;
    assert_eq!((counts, voters), (vec![2, 2, 2], 6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn button_presses_by_webhook_are_answered_once() {
    let mut world = webhook_group_world().await;
    post_poll_ids_ranked(&world).await;
    let ballot = world
        .fake
        .sent_to("sendMessage", GROUP)
        .into_iter()
        .find(|c| c.params.get("reply_markup").is_some())
        .expect("the ballot");
    let message_id = ballot.sent_message_id().unwrap() as i32;
    let data = first_button_data(&ballot);
    let ann = person(21, "Ann");
    let press = world
        .deliver(callback_query("q1", &ann, GROUP, message_id, &data))
        .await;
    world.wait_idle().await;
    world.fake.redeliver(press);
    world.wait_idle().await;
    assert_eq!(posts_of(&world, press), [200, 200]);
    assert_eq!(world.fake.answered_callbacks(), 1);
    assert_eq!(world.fake.calls_to("answerCallbackQuery").len(), 1);
    let store = world.stop_and_open_store().await;
    let ballot = store.ballot(poll_1(), UserId(21)).unwrap().unwrap();
    assert_eq!(ballot.options.len(), 1, "one preference, not two");
}

/// A ranked poll: the bot's own button ballot.
async fn post_poll_ids_ranked(world: &World) {
    world
        .deliver(message(
            GROUP,
            1,
            &admin(),
            "/newpoll --ranked Rank them | A | B | C",
        ))
        .await;
    world.wait_idle().await;
}

fn first_button_data(call: &common::Call) -> String {
    call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        .as_str()
        .expect("a button with callback data")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_without_the_right_secret_are_refused_and_change_nothing() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Secret? | Yes | No").await;
    let vote = with_id(poll_answer(&poll, &person(21, "Ann"), &[0]), 900).to_string();
    let command = with_id(message(GROUP, 2, &admin(), "/polls"), 901).to_string();
    let near_misses = [
        None,
        Some(""),
        Some("test-Secret_43"),
        Some("test-secret_42"),
        Some("test-Secret_4"),
        Some("test-Secret_42x"),
        Some("Bearer test-Secret_42"),
    ];
    for secret in near_misses {
        for body in [&vote, &command] {
            assert_eq!(
                post(&world, body.as_bytes(), secret).await,
                401,
                "{secret:?}"
            );
        }
    }
    // Refused before the body is read: a large one gets 401 too.
    let large = vec![b' '; BODY_LIMIT + 10];
    assert_eq!(post(&world, &large, Some("wrong")).await, 401);
    // Nothing but GET /healthz and /metrics, and POSTs, is served.
    assert_eq!(get(&world.webhook_base(), "/telegram").await.0, 404);
    world.wait_idle().await;
    let (_, metrics) = get(&world.webhook_base(), "/metrics").await;
    // Only /newpoll was received.
    assert_eq!(metric(&metrics, "pollbot_updates_received_total"), 1.0);
    assert_eq!(world.fake.sent_to("sendMessage", GROUP).len(), 1);
    assert_eq!(tally_after_stop(&mut world).await, (vec![0, 0], 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413_and_one_at_the_limit_is_recorded() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Big? | Yes | No").await;
    // JSON padded with spaces to exactly the limit, and one byte more.
    let padded = |id: i64, voter: i64, len: usize| {
        let mut body = with_id(poll_answer(&poll, &person(voter, "V"), &[1]), id)
            .to_string()
            .into_bytes();
        body.resize(len, b' ');
        body
    };
    assert_eq!(
        post(
            &world,
            &padded(700, 21, BODY_LIMIT + 1),
            Some(WEBHOOK_SECRET)
        )
        .await,
        413
    );
    assert_eq!(
        post(
            &world,
            &padded(701, 22, 8 * BODY_LIMIT),
            Some(WEBHOOK_SECRET)
        )
        .await,
        413
    );
    assert_eq!(
        post(&world, &padded(702, 23, BODY_LIMIT), Some(WEBHOOK_SECRET)).await,
        200
    );
    // Not JSON, or not an object teloxide reads.
    assert_eq!(
        post(&world, b"{\"update_id\":", Some(WEBHOOK_SECRET)).await,
        400
    );
    assert_eq!(post(&world, b"", Some(WEBHOOK_SECRET)).await, 400);
    world.wait_idle().await;
    assert_eq!(tally_after_stop(&mut world).await, (vec![0, 1], 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_metrics_show_exact_counts() {
    let mut world = webhook_group_world().await;
    let base = world.webhook_base();
    assert_eq!(get(&base, "/healthz").await, (200, "ok\n".to_owned()));
    let (status, metrics) = get(&base, "/metrics").await;
    assert_eq!(status, 200);
    for name in [
        "pollbot_updates_received_total",
        "pollbot_updates_recorded_total",
        "pollbot_commands_answered_total",
        "pollbot_lane_jobs_queued",
        "pollbot_telegram_rate_limited_total",
    ] {
        assert_eq!(metric(&metrics, name), 0.0, "{name}");
    }
    assert!(
        metrics.contains("# TYPE pollbot_store_commit_seconds histogram"),
        "{metrics}"
    );

    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Counted? | Yes | No").await;
    let votes: Vec<i64> = [21, 22, 23]
        .iter()
        .map(|&id| {
            world
                .fake
                .push_update(poll_answer(&poll, &person(id, "V"), &[0]))
        })
        .collect();
    assert!(world.fake.wait_acknowledged(votes[2], PATIENCE).await);
    world.fake.redeliver(votes[0]);
    world.wait_idle().await;
    // Telegram refuses the first answer to /polls once, with a 429.
    world
        .fake
        .fail_next("sendMessage", 1, common::Failure::RetryAfter(1));
    world.deliver(message(GROUP, 2, &admin(), "/polls")).await;
    world.wait_idle().await;
    assert_eq!(world.fake.sent_to("sendMessage", GROUP).len(), 2);

    let (_, metrics) = get(&base, "/metrics").await;
    // /newpoll, 3 votes, one of them again, /polls.
    assert_eq!(metric(&metrics, "pollbot_updates_received_total"), 6.0);
    assert_eq!(metric(&metrics, "pollbot_updates_recorded_total"), 5.0);
    assert_eq!(metric(&metrics, "pollbot_commands_answered_total"), 2.0);
    assert_eq!(metric(&metrics, "pollbot_lane_jobs_queued"), 0.0);
    assert_eq!(metric(&metrics, "pollbot_telegram_rate_limited_total"), 1.0);
    assert_eq!(get(&base, "/healthz").await.0, 200);
    assert_eq!(tally_after_stop(&mut world).await, (vec![3, 0], 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_polling_serves_metrics_on_its_own_address() {
    let address = common::free_local_address();
    let world = World::with_config(|config| config.metrics = Some(address)).await;
    let base = format!("http://{address}");
    let user = person(31, "Cleo");
    world.deliver(message(user.id, 1, &user, "/help")).await;
    world.deliver(message(user.id, 2, &user, "hello")).await;
    world.wait_idle().await;
    let (status, metrics) = get(&base, "/metrics").await;
    assert_eq!(status, 200);
    assert_eq!(metric(&metrics, "pollbot_updates_received_total"), 2.0);
    assert_eq!(metric(&metrics, "pollbot_updates_recorded_total"), 2.0);
    assert_eq!(metric(&metrics, "pollbot_commands_answered_total"), 1.0);
    // /metrics alone: no health check or webhook there.
    assert_eq!(get(&base, "/healthz").await.0, 404);
    let posted = http_request(&format!("{base}/telegram"), "POST", &[], b"{}").await;
    assert_eq!(posted.map(|(status, _)| status), Some(404));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_webhook_url_the_bot_deletes_the_webhook_then_long_polls_counting_nothing_twice()
{
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Switch? | Yes | No").await;
    world
        .deliver(poll_answer(&poll, &person(21, "Ann"), &[0]))
        .await;
    // Bob's vote is recorded, but Telegram never sees the answer: it is
    // still pending when the bot stops.
    world.fake.lose_webhook_answers(usize::MAX);
    let bob = world
        .fake
        .push_update(poll_answer(&poll, &person(22, "Bob"), &[1]));
    world.fake.wait_webhook_posts(5, PATIENCE).await;
    world.stop_bot().await;
    world.fake.lose_webhook_answers(0);
    assert!(!world.fake.all_acknowledged());

    // Long polling now: the webhook goes first, and getUpdates sends Bob's
    // vote again, which was recorded already.
    world.webhook = None;
    world.start_bot();
    assert!(world.fake.wait_acknowledged(bob, PATIENCE).await);
    world
        .deliver(poll_answer(&poll, &person(23, "Cleo"), &[1]))
        .await;
    world.wait_idle().await;
    assert_eq!(world.fake.webhook(), None);
    let calls = world.fake.all_calls();
    let deleted = calls
        .iter()
        .position(|c| c.method == "deleteWebhook")
        .expect("deleteWebhook called");
    let polled = calls
        .iter()
        .position(|c| c.method == "getUpdates")
        .expect("getUpdates called");
    assert!(
        deleted < polled,
        "deleteWebhook before the first getUpdates"
    );
    assert_eq!(
        calls[deleted].bool_param("drop_pending_updates"),
        Some(false)
    );
    assert_eq!(world.fake.calls_to("deleteWebhook").len(), 1);
    assert!(
        calls
            .iter()
            .filter(|c| c.method == "getUpdates")
            .all(|c| !c.failed),
        "no getUpdates met a webhook"
    );
    world.assert_api_conformance();
    assert_eq!(tally_after_stop(&mut world).await, (vec![1, 2], 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_configuration_errors_are_clear_and_hide_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let run = |vars: &[(&str, &str)]| {
        let mut command = std::process::Command::new(common::process::BIN);
        command
            .arg("run")
            .current_dir(dir.path())
            .env("TELOXIDE_TOKEN", common::fake_telegram::TOKEN)
            .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
            .env("POLLBOT_DB", dir.path().join("db"))
            .env_remove("POLLBOT_WEBHOOK_URL")
            .env_remove("POLLBOT_WEBHOOK_SECRET")
            .env_remove("POLLBOT_LISTEN")
            .env_remove("POLLBOT_METRICS");
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command.output().expect("pollbot runs");
        assert!(!output.status.success(), "{vars:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let public = ("POLLBOT_WEBHOOK_URL", "https://bot.example.org/telegram");
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[
                ("POLLBOT_WEBHOOK_URL", "http://bot.example.org/telegram"),
                ("POLLBOT_WEBHOOK_SECRET", "s3cret"),
            ],
            "pollbot: POLLBOT_WEBHOOK_URL=\"http://bot.example.org/telegram\" is not valid: https://",
        ),
        (&[public], "pollbot: POLLBOT_WEBHOOK_SECRET is not set"),
        (
            &[public, ("POLLBOT_WEBHOOK_SECRET", "not/allowed.Secret")],
            "pollbot: POLLBOT_WEBHOOK_SECRET is not valid: it must be 1-256 characters",
        ),
        (
            &[public, ("POLLBOT_WEBHOOK_SECRET", "")],
            "pollbot: POLLBOT_WEBHOOK_SECRET is not valid",
        ),
        (
            &[
                public,
                ("POLLBOT_WEBHOOK_SECRET", "ok"),
                ("POLLBOT_LISTEN", "localhost:8080"),
            ],
            "pollbot: POLLBOT_LISTEN=\"localhost:8080\" is not valid",
        ),
        (
            &[("POLLBOT_METRICS", "everywhere")],
            "pollbot: POLLBOT_METRICS=\"everywhere\" is not valid",
        ),
    ];
    for (vars, says) in cases {
        let stderr = run(vars);
        assert!(stderr.starts_with(says), "{vars:?}: {stderr}");
        assert!(!stderr.contains("not/allowed.Secret"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_listen_address_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut world = World::with_config(|_| {}).await;
    world.stop_bot().await;
    let address = taken.local_addr().unwrap();
    let config = world.webhook_config(address);
    let error = pollbot::telegram::run(config, std::future::pending())
        .await
        .expect_err("the address is taken");
    let text = format!("{error:#}");
    assert!(
        text.starts_with(&format!("cannot listen on POLLBOT_LISTEN={address}")),
        "{text}"
    );
}

/// The database under the stopped bot, opened raw (sled lets go of its
/// lock a moment after the bot stops).
async fn raw_database(world: &World) -> sled::Db {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match sled::open(world.db_path()) {
            Ok(db) => return db,
            Err(error) => {
                assert!(tokio::time::Instant::now() < deadline, "{error}");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    }
}

/// A key of the store's layout: a kind, then a signed integer (sign bit
/// flipped, big-endian), then more bytes.
fn raw_key(kind: u8, signed: i64, rest: &[u8]) -> Vec<u8> {
    let mut key = vec![kind];
    key.extend_from_slice(&((signed as u64) ^ (1 << 63)).to_be_bytes());
    key.extend_from_slice(rest);
    key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_the_store_cannot_record_gets_500_is_posted_again_then_set_aside() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Broken? | Yes | No").await;
    world.wait_idle().await;
    world.stop_bot().await;
    // The poll's record is damaged: a vote for it cannot be recorded.
    let poll_key = raw_key(b'p', GROUP, &1u32.to_be_bytes());
    if let Some(postgres) = &world.postgres {
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let sql = format!(
            "UPDATE pollbot_records SET value = '\\x{}' WHERE key = '\\x{}'",
            hex(b"{not a poll"),
            hex(&poll_key)
        );
        assert_eq!(postgres.execute(&sql).unwrap(), 1, "the poll's key");
    } else {
        let db = raw_database(&world).await;
        assert!(db.get(&poll_key).unwrap().is_some(), "the poll's key");
        db.insert(&poll_key, b"{not a poll".to_vec()).unwrap();
        db.flush().unwrap();
    }
    world.start_bot();
    world.wait_webhook_set(2).await;
    let vote = world
        .deliver(poll_answer(&poll, &person(21, "Ann"), &[0]))
        .await;
    // Two 500s (Telegram posts it again each time), then it is set aside
    // and acknowledged, as long polling does with such an update.
    assert_eq!(posts_of(&world, vote), [500, 500, 200]);
    let cleo = person(31, "Cleo");
    let help = world.deliver(message(cleo.id, 1, &cleo, "/help")).await;
    world.wait_idle().await;
    assert_eq!(posts_of(&world, help), [200]);
    assert_eq!(world.fake.sent_to("sendMessage", cleo.id).len(), 1);
    let store = world.stop_and_open_store().await;
    let set_aside: Vec<i64> = store
        .set_aside_updates()
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(set_aside, [vote], "set aside");
    for id in [vote, help] {
        assert!(
            store.write(|changes| changes.was_recorded(id)).unwrap(),
            "{id} remembered"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_webhook_is_tried_again_after_a_429_and_a_refused_address_stops_the_bot() {
    let mut world = World::with_config(|_| {}).await;
    world.stop_bot().await;
    world
        .fake
        .fail_next("setWebhook", 1, common::Failure::RetryAfter(1));
    world.webhook = Some(common::free_local_address());
    world.start_bot();
    world.wait_webhook_set(2).await;
    let sets = world.fake.calls_to("setWebhook");
    assert_eq!(
        sets.iter().map(|c| c.failed).collect::<Vec<_>>(),
        [true, false]
    );
    let (_, metrics) = get(&world.webhook_base(), "/metrics").await;
    assert_eq!(metric(&metrics, "pollbot_telegram_rate_limited_total"), 1.0);
    world.stop_bot().await;

    // Telegram will not post to this address: asking again would not help.
    world.fake.fail_next(
        "setWebhook",
        1,
        common::Failure::BadRequest(
            "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443".into(),
        ),
    );
    let config = world.webhook_config(world.webhook.unwrap());
    let error = pollbot::telegram::run(config, std::future::pending())
        .await
        .expect_err("the bot stops");
    let text = format!("{error:#}");
    assert!(
        text.starts_with("Telegram refused the webhook POLLBOT_WEBHOOK_URL=http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("443"), "{text}");
    assert_eq!(world.fake.calls_to("setWebhook").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_left_behind_is_deleted_again_when_getupdates_meets_it() {
    let mut world = webhook_group_world().await;
    let (poll, _) = post_poll_ids(&world, 1, "/newpoll Left behind? | Yes | No").await;
    world.wait_idle().await;
    world.stop_bot().await;
    // The first deleteWebhook fails: getUpdates meets the webhook (409),
    // and the bot deletes it again.
    world
        .fake
        .fail_next("deleteWebhook", 1, common::Failure::RetryAfter(1));
    world.webhook = None;
    world.start_bot();
    world
        .deliver(poll_answer(&poll, &person(21, "Ann"), &[1]))
        .await;
    world.wait_idle().await;
    let deletes = world.fake.calls_to("deleteWebhook");
    assert_eq!(
        deletes.iter().map(|c| c.failed).collect::<Vec<_>>(),
        [true, false]
    );
    let refused = world
        .fake
        .all_calls()
        .into_iter()
        .filter(|c| c.method == "getUpdates" && c.failed)
        .count();
    assert_eq!(refused, 1, "one getUpdates met the webhook");
    assert_eq!(world.fake.webhook(), None);
    assert_eq!(tally_after_stop(&mut world).await, (vec![0, 1], 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_post_is_logged_without_the_secret_it_sent() {
    let fake = common::FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let listen = common::free_local_address();
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = std::process::Command::new(common::process::BIN)
        .arg("run")
        .current_dir(dir.path())
        .env("TELOXIDE_TOKEN", common::fake_telegram::TOKEN)
        .env("TELOXIDE_API_URL", fake.api_url())
        .env("POLLBOT_DB", dir.path().join("db"))
        .env("POLLBOT_WEBHOOK_URL", format!("http://{listen}/telegram"))
        .env("POLLBOT_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("POLLBOT_LISTEN", listen.to_string())
        .env("RUST_LOG", "warn")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("POLLBOT_METRICS")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .expect("pollbot starts");
    let set = fake.wait_for_calls("setWebhook", 1, PATIENCE).await;
    assert_eq!(set.len(), 1, "the webhook is set");
    let url = format!("http://{listen}/telegram");
    let guess = "guess-Secret_99";
    let headers = [("x-telegram-bot-api-secret-token", guess.to_owned())];
    let refused = http_request(&url, "POST", &headers, b"{\"update_id\": 1}").await;
    assert_eq!(refused.map(|(status, _)| status), Some(401));
    let refused = http_request(&url, "POST", &[], b"{\"update_id\": 2}").await;
    assert_eq!(refused.map(|(status, _)| status), Some(401));
    child.kill().unwrap();
    child.wait().unwrap();
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert_eq!(
        text.matches("a webhook post without the right secret token: refused")
            .count(),
        2,
        "{text}"
    );
    assert!(!text.contains(guess), "{text}");
    assert!(!text.contains(WEBHOOK_SECRET), "{text}");
}
