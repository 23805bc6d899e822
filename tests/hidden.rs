//! Hidden means hidden (issue 16, items 1–4): a `--hidden` poll's counts
//! reach nobody but its own chat's moderators before it closes, whatever
//! path a curious or hostile member takes. The real bot against the fake
//! Bot API.
//!
//! Where the hidden origin's counts could leak, and the test of each cell:
//!
//! | path                                   | test                                   |
//! |----------------------------------------|----------------------------------------|
//! | `/share` code read in the group        | `..._every_path` (code goes privately) |
//! | `/post` in a private chat              | `..._every_path` (refused)             |
//! | `/post` in a member's own group        | `..._every_path` (copy: own figures)   |
//! | a copy's `/results` (hidden, open)     | `..._every_path` (own, privately)      |
//! | a copy closed on its own: final results| `..._every_path` (own final tally)     |
//! | a closed copy's `/results`, `/export`, `/report` | `..._every_path`             |
//! | `/report N --by M`, M hidden and open  | `..._every_path` (privately)           |
//! | `/close` in the origin                 | `..._every_path` (combined, in groups) |
//! | a refused private chat for `/report`   | `a_refused_private_report_...`         |
//!
//! Anonymous copies (a channel) and forum topics route through the same
//! `app::visibility` rule; they are covered by `tests/campaign.rs` and
//! `tests/newest_features.rs`.

mod common;

use serde_json::Value;

use common::chat::{
    ADA, BORIS, ORIGIN, REGION, ada, boris, caption, captions_to, code_in, command, en,
    nth_photo_to, sent_to, texts_to, world_with_creators,
};
use common::updates::{Person, message, person, poll_answer};
use common::{Failure, World};
use pollbot::poll::ChatId;

const OWN: i64 = -1005555555555;
const MALLORY: i64 = 50;

fn mallory() -> Person {
    person(MALLORY, "Mallory")
}

/// The origin (Ada's), a region (Boris's) and Mallory's own group.
async fn world() -> World {
    world_with_creators(&[(ORIGIN, ADA), (REGION, BORIS), (OWN, MALLORY)]).await
}

/// Everything the bot said to `chat`: texts, captions, and documents as
/// text.
fn everything_to(world: &World, chat: i64) -> Vec<String> {
    let mut all = texts_to(world, chat);
    all.extend(captions_to(world, chat));
    for call in sent_to(world, "sendDocument", chat) {
        for file in &call.files {
            all.push(String::from_utf8_lossy(&file.bytes).into_owned());
        }
    }
    all
}

/// The figures that only the origin's moderators may see while the origin
/// is open: its own shares (2 of 3 for A), and every combination with it.
const ORIGIN_FIGURES: [&str; 7] = ["66.7", "33.3", "75.0", "25.0", "60.0", "40.0", "Combined"];

fn assert_no_origin_figures(world: &World, chat: i64) {
    for said in everything_to(world, chat) {
        for figure in ORIGIN_FIGURES {
            assert!(
                !said.contains(figure),
                "{figure} reached chat {chat}: {said}"
            );
        }
    }
}

/// The Telegram poll id of the last poll posted in `chat`.
fn poll_in(world: &World, chat: i64) -> String {
    world
        .fake
        .polls()
        .into_iter()
        .rev()
        .find(|p| p.chat_id == chat)
        .expect("a poll in the chat")
        .poll_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_polls_counts_reach_only_its_moderators_by_every_path() {
    let mut world = world().await;
    let voter = |id: i64| person(id, &format!("U{id}"));
    command(
        &world,
        message(ORIGIN, 1, &ada(), "/newpoll --hidden --until 7d Q? | A | B"),
    )
    .await;
    let origin = poll_in(&world, ORIGIN);
    world
        .deliver_all(vec![
            poll_answer(&origin, &voter(1), &[0]),
            poll_answer(&origin, &voter(2), &[0]),
            poll_answer(&origin, &voter(3), &[1]),
        ])
        .await;

    // The code goes to Ada privately; the group sees nothing of it.
    command(&world, message(ORIGIN, 2, &ada(), "/share")).await;
    let private = texts_to(&world, ADA);
    assert_eq!(private.len(), 1, "{private:?}");
    let code = code_in(&private[0]);
    assert!(
        texts_to(&world, ORIGIN).iter().all(|t| !t.contains(&code)),
        "the code stays out of the group"
    );

    // A member who got the code anyway: not in a private chat...
    command(
        &world,
        message(MALLORY, 3, &mallory(), &format!("/post {code}")),
    )
    .await;
    assert_eq!(texts_to(&world, MALLORY), [en("post-private-chat", &[])]);
    assert_eq!(world.fake.polls().len(), 1, "nothing posted privately");
    // ...and in their own group, a copy that shows its own figures only.
    command(
        &world,
        message(OWN, 4, &mallory(), &format!("/post {code}")),
    )
    .await;
    let own = poll_in(&world, OWN);
    world.deliver(poll_answer(&own, &voter(4), &[0])).await;
    command(&world, message(OWN, 5, &mallory(), "/results")).await;
    let to_mallory = captions_to(&world, MALLORY);
    assert_eq!(to_mallory.len(), 1, "the open copy's results go privately");
    assert!(
        to_mallory[0].contains("A — 1 (100.0%)"),
        "{}",
        to_mallory[0]
    );
    assert!(captions_to(&world, OWN).is_empty());

    // A real second group closes its copy on its own.
    command(
        &world,
        message(REGION, 6, &boris(), &format!("/post {code}")),
    )
    .await;
    let region = poll_in(&world, REGION);
    world.deliver(poll_answer(&region, &voter(5), &[1])).await;
    command(&world, message(REGION, 7, &boris(), "/close")).await;
    let finals = captions_to(&world, REGION);
    assert_eq!(finals.len(), 1, "{finals:?}");
    assert!(
        finals[0].starts_with("#1 Q?\n1 voter · closed"),
        "{}",
        finals[0]
    );
    assert!(finals[0].contains("B — 1 (100.0%)"), "{}", finals[0]);
    // Its later answers too: results, export, report, in the group.
    command(&world, message(REGION, 8, &boris(), "/results")).await;
    command(&world, message(REGION, 9, &boris(), "/export json")).await;
    command(&world, message(REGION, 10, &boris(), "/report")).await;
    assert_eq!(captions_to(&world, REGION).len(), 3);
    let documents = sent_to(&world, "sendDocument", REGION);
    let names: Vec<&str> = documents
        .iter()
        .map(|c| c.files[0].file_name.as_str())
        .collect();
    assert_eq!(names, ["poll-1.json", "poll-1-report.html"]);
    let json: Value = serde_json::from_slice(&documents[0].files[0].bytes).unwrap();
    assert_eq!(json["tally"]["voters"], 1, "{json}");
    assert!(json.get("chats").is_none(), "no other chat: {json}");

    // The origin's own report crossed with its hidden poll: private.
    command(
        &world,
        message(ORIGIN, 11, &ada(), "/newpoll Age? | Young | Old"),
    )
    .await;
    let age = poll_in(&world, ORIGIN);
    world
        .deliver_all(vec![
            poll_answer(&age, &voter(1), &[0]),
            poll_answer(&age, &voter(3), &[1]),
        ])
        .await;
    command(&world, message(ORIGIN, 12, &ada(), "/report 2 --by 1")).await;
    assert!(sent_to(&world, "sendDocument", ORIGIN).is_empty());
    assert!(captions_to(&world, ORIGIN).is_empty());
    let to_ada = sent_to(&world, "sendDocument", ADA);
    assert_eq!(to_ada.len(), 1);
    assert_eq!(to_ada[0].files[0].file_name, "poll-2-report.html");

    // Until the origin closes, nobody but Ada saw its figures.
    for chat in [ORIGIN, REGION, OWN, MALLORY] {
        assert_no_origin_figures(&world, chat);
    }

    // Closed in the origin: the final results as usual, combined.
    command(&world, message(ORIGIN, 13, &ada(), "/close 1")).await;
    let origin_final = captions_to(&world, ORIGIN);
    assert_eq!(origin_final.len(), 1, "{origin_final:?}");
    assert!(
        origin_final[0].starts_with("#1 Q?\nCombined over 3 chats · 5 voters · closed"),
        "{}",
        origin_final[0]
    );
    assert!(
        origin_final[0].contains("A — 3 (60.0%)"),
        "{}",
        origin_final[0]
    );
    // Mallory's copy closed with it, and its chat sees the campaign now
    // (its own chat's lane posts it, after the command that closed it).
    let own_final = caption(&nth_photo_to(&world, OWN, 1).await);
    assert!(own_final.contains("A — 3 (60.0%)"), "{own_final}");
    world.wait_idle().await;
    assert_eq!(captions_to(&world, OWN).len(), 1);
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert!(
        !store
            .poll(pollbot::poll::PollId {
                chat: ChatId(OWN),
                number: pollbot::poll::PollNumber(1)
            })
            .unwrap()
            .unwrap()
            .is_open()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_private_report_is_the_moderators_and_not_the_group_gone() {
    let mut world = world().await;
    command(
        &world,
        message(ORIGIN, 1, &ada(), "/newpoll --hidden Q? | A | B"),
    )
    .await;
    let origin = poll_in(&world, ORIGIN);
    world
        .deliver(poll_answer(&origin, &person(1, "U1"), &[0]))
        .await;
    // Ada never pressed Start: Telegram will not let the bot write to her.
    world.fake.fail_next(
        "sendPhoto",
        1,
        Failure::Forbidden("bot can't initiate conversation with a user".into()),
    );
    command(&world, message(ORIGIN, 2, &ada(), "/report")).await;
    assert_eq!(
        texts_to(&world, ORIGIN).last().unwrap(),
        &en("hidden-start-private-chat", &[("number", "#1".into())])
    );
    assert!(sent_to(&world, "sendDocument", ADA).is_empty());
    // The group is alive: a deadline's final results still go there.
    command(&world, message(ORIGIN, 3, &ada(), "/close")).await;
    assert_eq!(captions_to(&world, ORIGIN).len(), 1);
    let store = world.stop_and_open_store().await;
    assert!(store.chat(ChatId(ORIGIN)).unwrap().active);
}
