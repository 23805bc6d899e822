//! Who could vote and who did (issue 18, items 1, 5 and 7): eligibility, the chat's member count
//! read when a poll is posted and when it closes, and `--quorum`. The real
//! bot against the fake Bot API, which answers `getChatMemberCount` with
//! the count a test sets (and "chat not found" otherwise).
//!
//! Where turnout meets the other features, and the test of each:
//!
//! | feature      | what could go wrong                                | test |
//! |--------------|----------------------------------------------------|------|
//! | group        | no count, a count read twice, or the wrong one shown | `a_group_polls_results_show_...` |
//! | close        | the count at close not read, or read again         | `a_group_polls_results_show_...` |
//! | campaign     | a copy's count not read, or the total wrong        | `a_campaign_shows_each_chats_turnout_and_the_total` |
//! | channel      | subscribers called members                         | `a_channels_poll_counts_subscribers` |
//! | private chat | a count asked for a private chat                   | `a_private_chat_has_no_turnout_...` |
//! | no count     | results broken when Telegram will not say          | `a_private_chat_has_no_turnout_...` (and every other test file) |
//! | quorum       | met/missed wrong, or shown before close            | `a_quorum_of_members_...`, `a_quorum_of_voters_...` |
//! | commands     | a malformed --quorum posts something               | `malformed_quorums_get_a_reply_and_post_nothing` |
//! | eligibility  | flags not sent, sent outside a channel, a bad code sent | `a_channel_poll_limits_who_may_vote...`, `eligibility_outside_a_channel_...` |
//! | hidden       | turnout is inside the summary, which goes where the summary goes (tests/hidden.rs) | — |

mod common;

use common::chat::{
    ADA, ADMIN, BORIS, CHANNEL, GROUP, ORIGIN, REGION, ada, admin, boris, caption, code_in,
    command, each_newpoll_refused, en, group_world_on_manual_clock, post_poll_ids, texts_to,
    wait_sent_to, world_with_creators,
};
use common::updates::{channel_post, message, person, poll_answer};
use common::{PATIENCE, World};
use pollbot::i18n::{self, Language};

fn at(world: &World) -> String {
    i18n::format_date_time(Language::English, world.clock.now())
}

async fn vote(world: &World, poll_id: &str, voters: std::ops::Range<i64>, option: u32) {
    let votes = voters
        .map(|v| poll_answer(poll_id, &person(v, &format!("Voter {v}")), &[option]))
        .collect();
    world.deliver_all(votes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_polls_results_show_voters_of_members_counted_when_posted_then_at_close() {
    let world = group_world_on_manual_clock().await;
    world.fake.set_member_count(GROUP, 1_204);
    let (poll_id, _) = post_poll_ids(&world, 1, "/newpoll Tea? | Tea | Coffee").await;
    world.wait_idle().await;
    let counts = world.fake.calls_to("getChatMemberCount");
    assert_eq!(counts.len(), 1, "read once when posted");
    assert_eq!(counts[0].chat_id(), Some(GROUP));
    let posted_at = at(&world);
    vote(&world, &poll_id, 100..103, 0).await;

    world.clock.advance(chrono::TimeDelta::hours(2));
    command(&world, message(GROUP, 2, &admin(), "/results")).await;
    let results = wait_sent_to(&world, "sendPhoto", GROUP, 1).await;
    assert_eq!(
        caption(&results[0]).lines().nth(1).unwrap(),
        format!("3 voters of 1,204 members (0.2%, counted {posted_at}) · open")
    );

    // 1,210 members at close: that count is read once and shown.
    world.fake.set_member_count(GROUP, 1_210);
    command(&world, message(GROUP, 3, &admin(), "/close 1")).await;
    let results = wait_sent_to(&world, "sendPhoto", GROUP, 2).await;
    let closed_at = at(&world);
    assert_eq!(
        caption(&results[1]).lines().nth(1).unwrap(),
        format!("3 voters of 1,210 members (0.2%, counted at close) · closed {closed_at}")
    );
    assert_eq!(world.fake.calls_to("getChatMemberCount").len(), 2);
    command(&world, message(GROUP, 4, &admin(), "/results 1")).await;
    assert_eq!(
        world.fake.calls_to("getChatMemberCount").len(),
        2,
        "results read the kept count"
    );

    // The full report's methodology gives both counts and when.
    command(&world, message(GROUP, 5, &admin(), "/report 1")).await;
    let page = world.nth_call("sendDocument", 1).await;
    let html = String::from_utf8(page.files[0].bytes.clone()).unwrap();
    assert!(
        html.contains(&format!(
            "<dt>Turnout</dt><dd>1,204 members when it was posted ({posted_at}); \
             1,210 members when it closed ({closed_at})</dd>"
        )),
        "{html}"
    );
    assert!(html.contains("<dt>Quorum</dt><dd>none</dd>"));
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channels_poll_counts_subscribers() {
    let world = World::start().await;
    world.fake.set_bot_admin(CHANNEL, true);
    world.fake.set_member_count(CHANNEL, 5_000);
    world
        .deliver(channel_post(CHANNEL, 1, "/newpoll News? | Yes | No", None))
        .await;
    world.nth_call("sendPoll", 1).await;
    world.wait_idle().await;
    world
        .deliver(channel_post(CHANNEL, 2, "/results", None))
        .await;
    let photo = world.nth_call("sendPhoto", 1).await;
    let status = caption(&photo).lines().nth(1).unwrap().to_owned();
    assert!(
        status.starts_with("0 voters of 5,000 subscribers (0.0%, counted "),
        "{status}"
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_chat_has_no_turnout_and_no_quorum_of_members() {
    let world = World::start().await;
    let me = person(ADMIN, "Ada");
    // A share of members: refused, nothing posted.
    command(
        &world,
        message(ADMIN, 1, &me, "/newpoll --quorum 30% Tea? | Tea | Coffee"),
    )
    .await;
    assert_eq!(
        world.fake.calls_to("sendMessage")[0].text().unwrap(),
        en("error-quorum-in-private", &[])
    );
    assert!(world.fake.calls_to("sendPoll").is_empty());
    // A number of voters is fine; nobody's count is asked for.
    command(
        &world,
        message(ADMIN, 2, &me, "/newpoll --quorum 2 Tea? | Tea | Coffee"),
    )
    .await;
    assert_eq!(world.fake.calls_to("sendPoll").len(), 1);
    command(&world, message(ADMIN, 3, &me, "/close 1")).await;
    let photo = world.nth_call("sendPhoto", 1).await;
    let lines: Vec<String> = caption(&photo).lines().map(str::to_owned).collect();
    assert!(lines[1].starts_with("0 voters · closed "), "{}", lines[1]);
    assert_eq!(
        lines[2],
        "Quorum not met: 0 voters, 2 needed. The result below does not stand."
    );
    assert!(world.fake.calls_to("getChatMemberCount").is_empty());
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quorum_of_members_is_judged_on_the_count_at_close_above_the_figures() {
    let world = group_world_on_manual_clock().await;
    world.fake.set_member_count(GROUP, 10);
    let (poll_id, _) = post_poll_ids(&world, 1, "/newpoll --quorum 30% Tea? | Tea | Coffee").await;
    vote(&world, &poll_id, 100..103, 0).await;
    // Open: nothing about the quorum in the caption.
    command(&world, message(GROUP, 2, &admin(), "/results")).await;
    let open = caption(&wait_sent_to(&world, "sendPhoto", GROUP, 1).await[0]);
    assert!(!open.contains("Quorum"), "{open}");
    // 3 of 10 was 30%; at close there are 11 members: 30% is 3.3, so 4.
    world.fake.set_member_count(GROUP, 11);
    command(&world, message(GROUP, 3, &admin(), "/close 1")).await;
    let closed = caption(&wait_sent_to(&world, "sendPhoto", GROUP, 2).await[1]);
    let lines: Vec<&str> = closed.lines().collect();
    assert_eq!(
        lines[2],
        "Quorum not met: 3 voters, 4 needed. The result below does not stand."
    );
    assert_eq!(lines[3], "Tea — 3 (100.0%)");
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quorum_of_voters_is_met_when_enough_vote() {
    let world = group_world_on_manual_clock().await;
    let (poll_id, _) = post_poll_ids(&world, 1, "/newpoll --quorum=3 Tea? | Tea | Coffee").await;
    vote(&world, &poll_id, 100..102, 0).await;
    vote(&world, &poll_id, 102..103, 1).await;
    command(&world, message(GROUP, 2, &admin(), "/close 1")).await;
    let closed = caption(&wait_sent_to(&world, "sendPhoto", GROUP, 1).await[0]);
    let lines: Vec<&str> = closed.lines().collect();
    // Telegram gave no member count: voters alone, and the quorum of
    // voters needs none.
    assert!(lines[1].starts_with("3 voters · closed "), "{}", lines[1]);
    assert_eq!(lines[2], "Quorum met: 3 voters, 3 needed.");
    command(&world, message(GROUP, 3, &admin(), "/report 1")).await;
    let page = world.nth_call("sendDocument", 1).await;
    let html = String::from_utf8(page.files[0].bytes.clone()).unwrap();
    assert!(html.contains("<dt>Quorum</dt><dd>Quorum met: 3 voters, 3 needed.</dd>"));
    assert!(html.contains("<dt>Turnout</dt><dd>not known"));
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_quorums_get_a_reply_and_post_nothing() {
    let world = group_world_on_manual_clock().await;
    let cases = [
        // The next word is taken as its value.
        ("--quorum", "Tea?"),
        ("--quorum abc", "abc"),
        ("--quorum 0", "0"),
        ("--quorum 101%", "101%"),
        ("--quorum=-5", "-5"),
        ("--quorum 2.5%", "2.5%"),
    ];
    for (n, (flags, value)) in cases.iter().enumerate() {
        let text = format!("/newpoll {flags} Tea? | Tea | Coffee");
        command(&world, message(GROUP, 10 + n as i32, &admin(), &text)).await;
        let replies = wait_sent_to(&world, "sendMessage", GROUP, n + 1).await;
        let reply = replies[n].text().unwrap();
        let expected = en("error-bad-quorum", &[("value", (*value).into())]);
        assert!(
            reply.starts_with(&format!("{expected}\n\n{}", en("usage-newpoll", &[]))),
            "{text}: {reply}"
        );
    }
    assert!(world.fake.calls_to("sendPoll").is_empty());
    assert!(world.fake.calls_to("getChatMemberCount").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_poll_limits_who_may_vote_and_says_so() {
    let world = World::start().await;
    world.fake.set_bot_admin(CHANNEL, true);
    world
        .deliver(channel_post(
            CHANNEL,
            1,
            "/newpoll --members-only --countries ru,CN,ru News? | Yes | No",
            None,
        ))
        .await;
    let sent = world.nth_call("sendPoll", 1).await;
    assert_eq!(sent.bool_param("members_only"), Some(true));
    assert_eq!(
        sent.params["country_codes"],
        serde_json::json!(["RU", "CN"])
    );
    world.wait_idle().await;
    world
        .deliver(channel_post(CHANNEL, 2, "/polls", None))
        .await;
    let listed = world
        .fake
        .wait_for_call("sendMessage", PATIENCE, |c| {
            c.text()
                .is_some_and(|t| t.starts_with("Polls in this chat"))
        })
        .await
        .expect("/polls answered");
    assert_eq!(
        listed.text().unwrap(),
        "Polls in this chat:\n#1 News? — 0 voters · open · members of over a day only · voters from RU, CN"
    );
    world
        .deliver(channel_post(CHANNEL, 3, "/report", None))
        .await;
    let page = world.nth_call("sendDocument", 1).await;
    let html = String::from_utf8(page.files[0].bytes.clone()).unwrap();
    assert!(html.contains(
        "<dt>Who could vote</dt><dd>members of over a day only; voters from RU, CN</dd>"
    ));
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eligibility_outside_a_channel_and_bad_codes_get_a_reply_and_post_nothing() {
    let world = group_world_on_manual_clock().await;
    let thirteen = "AD,AE,AF,AG,AI,AL,AM,AO,AQ,AR,AS,AT,AU";
    let cases = [
        (
            "--members-only".to_owned(),
            en(
                "error-channel-only-flag",
                &[("flag", "--members-only".into())],
            ),
        ),
        (
            "--countries RU".to_owned(),
            en("error-channel-only-flag", &[("flag", "--countries".into())]),
        ),
        (
            "--countries RU,XX".to_owned(),
            en("error-bad-country", &[("code", "XX".into())]),
        ),
        (
            format!("--countries={thirteen}"),
            en(
                "error-too-many-countries",
                &[("count", 13u32.into()), ("limit", 12u32.into())],
            ),
        ),
        (
            "--ranked --countries RU".to_owned(),
            en("error-native-only-flag", &[("flag", "--countries".into())]),
        ),
    ];
    each_newpoll_refused(&world, &cases).await;
    assert!(
        world
            .fake
            .calls_to("sendMessage")
            .iter()
            .all(|c| c.params.get("reply_markup").is_none())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_shows_each_chats_turnout_and_the_total() {
    let world = world_with_creators(&[(ORIGIN, ADA), (REGION, BORIS)]).await;
    world.fake.set_member_count(ORIGIN, 300);
    world.fake.set_member_count(REGION, 100);
    command(
        &world,
        message(ORIGIN, 1, &ada(), "/newpoll Tea? | Tea | Coffee"),
    )
    .await;
    command(&world, message(ORIGIN, 2, &ada(), "/share")).await;
    let code = code_in(texts_to(&world, ORIGIN).last().unwrap());
    command(
        &world,
        message(REGION, 3, &boris(), &format!("/post {code}")),
    )
    .await;
    let polls = world.fake.polls();
    vote(&world, &polls[0].poll_id, 100..130, 0).await;
    vote(&world, &polls[1].poll_id, 200..210, 1).await;
    command(&world, message(ORIGIN, 4, &ada(), "/results")).await;
    let text = caption(&wait_sent_to(&world, "sendPhoto", ORIGIN, 1).await[0]);
    let lines: Vec<&str> = text.lines().collect();
    // 40 voters of 400 members in all: 10.0%.
    assert!(
        lines[1].starts_with(
            "Combined over 2 chats · 40 voters of 400 members of the 2 chats (10.0%) · open"
        ),
        "{text}"
    );
    assert!(
        text.contains("— 30 voters of 300 members (10.0%, counted "),
        "{text}"
    );
    assert!(
        text.contains("— 10 voters of 100 members (10.0%, counted "),
        "{text}"
    );
    assert_eq!(world.fake.calls_to("getChatMemberCount").len(), 2);
    world.assert_api_conformance();
}
