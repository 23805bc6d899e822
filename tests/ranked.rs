//! Button ballots (issue 17): `--ranked` and `--pick K`, voted with the
//! bot's own buttons in the chat. The real bot against the fake Bot API.
//!
//! Where a button ballot meets the other features, and the test of each:
//!
//! | feature    | what could go wrong                          | test |
//! |------------|----------------------------------------------|------|
//! | presses    | a press lost, counted twice, or unanswered   | `a_ranked_ballot_...` |
//! | pick K     | a (K+1)th pick counted                       | `a_pick_ballot_...` |
//! | close      | a press after close counted; buttons stay    | `a_ranked_ballot_...`, `presses_that_...` |
//! | forged     | data the bot never sent changes a ballot     | `presses_that_...` |
//! | hidden     | the count of a `--hidden` ballot shown early | `a_hidden_ranked_ballot_...` |
//! | anonymous  | a name or user id kept, or exported          | `a_secret_ballot_...` |
//! | export     | a ranking exported out of order              | `a_ranked_ballot_...` |
//! | campaigns  | a button ballot copied to another chat       | `a_button_ballot_cannot_be_shared` |
//! | commands   | a malformed flag posts something             | `malformed_ballot_commands_...` |
//! | topics     | the ballot, its reply or results in the wrong topic | `a_ranked_ballot_in_a_forum_topic_...` |

mod common;

use serde_json::Value;

use common::chat::{
    ADMIN, GROUP, admin, caption, command, en, group_world, posted, sent_to, texts_to, wait_sent_to,
};
use common::updates::{Person, callback_query, in_topic, message, person};
use common::{PATIENCE, World, csv_rows};
use pollbot::i18n::Arg;

fn bob() -> Person {
    person(501, "Bob")
}

fn cleo() -> Person {
    person(502, "Cleo")
}

/// Posts a button ballot in `GROUP` as the admin; returns the message that
/// carries it, once the bot has confirmed it as poll `number`.
async fn post_ballot(world: &World, message_id: i32, text: &str, number: u32) -> (i32, Value) {
    let before = world
        .fake
        .calls_to("sendMessage")
        .into_iter()
        .filter(|c| c.params.get("reply_markup").is_some())
        .count();
    command(world, message(GROUP, message_id, &admin(), text)).await;
    let ballots: Vec<_> = world
        .fake
        .calls_to("sendMessage")
        .into_iter()
        .filter(|c| c.params.get("reply_markup").is_some())
        .collect();
    assert_eq!(ballots.len(), before + 1, "one ballot posted");
    let ballot = ballots.last().unwrap().clone();
    assert!(
        texts_to(world, GROUP)
            .iter()
            .any(|t| t.starts_with(&posted(number))),
        "poll #{number} confirmed"
    );
    let keyboard = ballot.params["reply_markup"]["inline_keyboard"].clone();
    (ballot.sent_message_id().unwrap() as i32, keyboard)
}

/// Presses a button and returns the toast the presser got.
async fn press(world: &World, query: &str, who: &Person, message_id: i32, data: &str) -> String {
    world
        .deliver(callback_query(query, who, GROUP, message_id, data))
        .await;
    let answered = world
        .fake
        .wait_for_call("answerCallbackQuery", PATIENCE, |c| {
            c.str_param("callback_query_id").as_deref() == Some(query)
        })
        .await
        .expect("the press is answered");
    answered.str_param("text").unwrap_or_default()
}

fn toast(key: &str, args: &[(&'static str, Arg)]) -> String {
    en(key, args)
}

fn labels(keyboard: &Value) -> Vec<(String, String)> {
    keyboard
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter())
        .map(|b| {
            (
                b["text"].as_str().unwrap().to_owned(),
                b["callback_data"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The ballot's message as Telegram now shows it.
fn shown(world: &World, message_id: i32) -> Value {
    world.fake.message(GROUP, i64::from(message_id)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ranked_ballot_records_each_press_answers_it_and_counts_the_runoff_at_close() {
    let world = group_world().await;
    let (ballot, keyboard) = post_ballot(
        &world,
        1,
        "/newpoll --ranked Lunch? | Soup | Salad | Pie",
        1,
    )
    .await;
    assert_eq!(
        labels(&keyboard),
        [
            ("1. Soup".to_owned(), "b1:0".to_owned()),
            ("2. Salad".to_owned(), "b1:1".to_owned()),
            ("3. Pie".to_owned(), "b1:2".to_owned()),
            ("Clear".to_owned(), "b1:c".to_owned()),
        ]
    );
    let text = shown(&world, ballot)["text"].as_str().unwrap().to_owned();
    assert!(
        text.starts_with("Lunch?\n\n1. Soup\n2. Salad\n3. Pie\n\n"),
        "{text}"
    );
    assert!(text.ends_with("\n0 ballots"), "{text}");

    // Bob: Salad, then Soup; Salad again is refused; Cleo: Pie, Clear,
    // then Pie, Soup; Admin ranks Soup first.
    let ranking = |r: &str| toast("toast-ranking", &[("ranking", r.into())]);
    let presses = [
        (bob(), "b1:1", ranking("1. Salad")),
        (bob(), "b1:0", ranking("1. Salad  2. Soup")),
        (bob(), "b1:1", toast("toast-already-ranked", &[])),
        (cleo(), "b1:2", ranking("1. Pie")),
        (cleo(), "b1:c", toast("toast-cleared", &[])),
        (cleo(), "b1:2", ranking("1. Pie")),
        (cleo(), "b1:0", ranking("1. Pie  2. Soup")),
        (admin(), "b1:0", ranking("1. Soup")),
    ];
    for (n, (who, data, expected)) in presses.iter().enumerate() {
        let query = format!("q{}", n + 1);
        assert_eq!(
            &press(&world, &query, who, ballot, data).await,
            expected,
            "press {query}"
        );
    }
    world.wait_idle().await;
    // Every press answered exactly once.
    assert_eq!(world.fake.calls_to("answerCallbackQuery").len(), 8);

    // The turnout line follows, never a distribution.
    let edited = world
        .fake
        .wait_for_call("editMessageText", PATIENCE, |_| true)
        .await
        .expect("the turnout line is edited");
    assert!(
        edited.text().unwrap().ends_with("ballot") || edited.text().unwrap().ends_with("ballots")
    );
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(25);
    while !shown(&world, ballot)["text"]
        .as_str()
        .unwrap()
        .ends_with("\n3 ballots")
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the turnout reaches 3 ballots"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for edit in world.fake.calls_to("editMessageText") {
        assert!(!edit.text().unwrap().contains('%'), "no shares while open");
    }

    // Close: rounds. First preferences Soup 1 (admin), Salad 1 (Bob), Pie 1
    // (Cleo): a three-way tie; round 1's counts are all the history there
    // is, so the option listed later, Pie, goes; Cleo's ballot moves to
    // Soup: Soup 2 of 3 wins in round 2.
    command(&world, message(GROUP, 2, &admin(), "/close 1")).await;
    let closed = shown(&world, ballot);
    assert!(closed.get("reply_markup").is_none(), "the buttons are gone");
    let closed_text = closed["text"].as_str().unwrap();
    assert!(closed_text.contains("Soup — 2 (66.7%)"), "{closed_text}");
    assert!(closed_text.contains("Salad — 1 (33.3%)"), "{closed_text}");
    assert!(
        closed_text.contains(&en(
            "ballot-winner",
            &[("option", "Soup".into()), ("rounds", 2u32.into())]
        )),
        "{closed_text}"
    );
    let final_results = wait_sent_to(&world, "sendPhoto", GROUP, 1).await;
    let final_caption = caption(&final_results[0]);
    assert!(final_caption.contains("Soup"), "{final_caption}");

    // A press after close changes nothing.
    assert_eq!(
        press(&world, "q9", &bob(), ballot, "b1:2").await,
        toast("toast-closed", &[])
    );

    // The export lists each ranking in order of preference.
    command(&world, message(GROUP, 3, &admin(), "/export 1")).await;
    let votes = sent_to(&world, "sendDocument", GROUP)
        .into_iter()
        .flat_map(|c| c.files)
        .find(|f| f.file_name == "poll-1-votes.csv")
        .expect("the votes CSV");
    let rows = csv_rows(&votes.bytes);
    let mut options: Vec<(String, String)> = rows[1..]
        .iter()
        .map(|r| (r[2].clone(), r[3].clone()))
        .collect();
    options.sort();
    assert_eq!(
        options,
        [
            ("Ada".to_owned(), "Soup".to_owned()),
            ("Bob".to_owned(), "Salad; Soup".to_owned()),
            ("Cleo".to_owned(), "Pie; Soup".to_owned()),
        ]
    );
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pick_ballot_toggles_picks_and_refuses_one_over_its_limit() {
    let world = group_world().await;
    let (ballot, keyboard) = post_ballot(
        &world,
        1,
        "/newpoll --pick 2 Toppings? | Ham | Egg | Corn",
        1,
    )
    .await;
    assert_eq!(labels(&keyboard).len(), 4);
    let picks = |p: &str, n: u32| {
        toast(
            "toast-picks",
            &[
                ("picks", p.into()),
                ("count", n.into()),
                ("limit", 2u32.into()),
            ],
        )
    };
    assert_eq!(
        press(&world, "p1", &bob(), ballot, "b1:2").await,
        picks("Corn", 1)
    );
    assert_eq!(
        press(&world, "p2", &bob(), ballot, "b1:0").await,
        picks("Ham, Corn", 2)
    );
    assert_eq!(
        press(&world, "p3", &bob(), ballot, "b1:1").await,
        toast("toast-limit", &[("limit", 2u32.into())])
    );
    // A tap on a pick drops it; then Egg fits.
    assert_eq!(
        press(&world, "p4", &bob(), ballot, "b1:2").await,
        picks("Ham", 1)
    );
    assert_eq!(
        press(&world, "p5", &bob(), ballot, "b1:1").await,
        picks("Ham, Egg", 2)
    );
    assert_eq!(
        press(&world, "p6", &cleo(), ballot, "b1:0").await,
        picks("Ham", 1)
    );
    command(&world, message(GROUP, 2, &admin(), "/results 1")).await;
    let results = caption(&wait_sent_to(&world, "sendPhoto", GROUP, 1).await[0]);
    // Shares of voters, as a multiple-answer poll: Ham 2 of 2, Egg 1 of 2.
    assert!(results.contains("Ham — 2 (100.0%)"), "{results}");
    assert!(results.contains("Egg — 1 (50.0%)"), "{results}");
    assert!(results.contains("Corn — 0 (0.0%)"), "{results}");
    world.assert_api_conformance();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presses_that_name_no_open_ballot_change_nothing_and_say_why() {
    let world = group_world().await;
    let (ballot, _) = post_ballot(&world, 1, "/newpoll --ranked Q? | A | B", 1).await;
    let unknown = toast("toast-unknown", &[]);
    // Data the bot never sends, an option the poll does not have, a press
    // under a message that is no ballot.
    for (i, data) in ["vote:0", "b1:7", "b1:", "b1:+1", "b1:1:0", ""]
        .into_iter()
        .enumerate()
    {
        let said = press(&world, &format!("f{i}"), &bob(), ballot, data).await;
        assert_eq!(said, unknown, "{data:?}");
    }
    assert_eq!(press(&world, "f9", &bob(), 4242, "b1:0").await, unknown);
    world.wait_idle().await;
    assert!(
        world.fake.calls_to("editMessageText").is_empty(),
        "nothing changed"
    );
    command(&world, message(GROUP, 2, &admin(), "/close")).await;
    let closed = shown(&world, ballot)["text"].as_str().unwrap().to_owned();
    assert!(closed.contains(&en("ballot-no-winner", &[])), "{closed}");
    assert!(closed.ends_with("\n0 ballots"), "{closed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_ballot_commands_get_a_reply_and_post_nothing() {
    let world = group_world().await;
    let cases = [
        (
            "/newpoll --ranked --pick 2 Q? | A | B | C",
            en("error-ranked-and-pick", &[]),
        ),
        (
            "/newpoll --pick 0 Q? | A | B",
            en("error-bad-pick", &[("value", "0".into())]),
        ),
        (
            "/newpoll --pick Q? | A | B",
            en("error-bad-pick", &[("value", "Q?".into())]),
        ),
        (
            "/newpoll --pick 3 Q? | A | B",
            en(
                "error-pick-over-options",
                &[("limit", 3u32.into()), ("count", 2u32.into())],
            ),
        ),
        (
            "/newpoll --ranked --multiple Q? | A | B",
            en("error-native-only-flag", &[("flag", "--multiple".into())]),
        ),
        (
            "/newpoll --shuffle --pick 1 Q? | A | B",
            en("error-native-only-flag", &[("flag", "--shuffle".into())]),
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        command(&world, message(GROUP, 10 + i as i32, &admin(), text)).await;
        let said = texts_to(&world, GROUP).last().cloned().unwrap_or_default();
        assert!(said.starts_with(expected.as_str()), "{text}: {said}");
    }
    let many: Vec<String> = (1..=21).map(|i| format!("O{i}")).collect();
    command(
        &world,
        message(
            GROUP,
            30,
            &admin(),
            &format!("/newpoll --ranked Q? | {}", many.join(" | ")),
        ),
    )
    .await;
    let said = texts_to(&world, GROUP).last().cloned().unwrap_or_default();
    let expected = en(
        "error-too-many-ballot-options",
        &[("count", 21u32.into()), ("limit", 20u32.into())],
    );
    assert!(said.starts_with(&expected), "{said}");
    assert!(world.fake.calls_to("sendPoll").is_empty());
    assert_eq!(
        world
            .fake
            .calls_to("sendMessage")
            .iter()
            .filter(|c| c.params.get("reply_markup").is_some())
            .count(),
        0,
        "no ballot posted"
    );
    // Twenty options are a ballot's limit, over Telegram's twelve.
    let twenty = &many[..20];
    let (_, keyboard) = post_ballot(
        &world,
        31,
        &format!("/newpoll --ranked Q? | {}", twenty.join(" | ")),
        1,
    )
    .await;
    assert_eq!(labels(&keyboard).len(), 21);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_ranked_ballot_shows_its_counts_only_to_moderators_until_it_closes() {
    let world = group_world().await;
    let (ballot, _) = post_ballot(&world, 1, "/newpoll --ranked --hidden Q? | A | B", 1).await;
    press(&world, "h1", &bob(), ballot, "b1:1").await;
    command(&world, message(GROUP, 2, &admin(), "/results 1")).await;
    assert!(
        sent_to(&world, "sendPhoto", GROUP).is_empty(),
        "nothing in the group"
    );
    let private = wait_sent_to(&world, "sendPhoto", ADMIN, 1).await;
    assert!(
        caption(&private[0]).contains('B'),
        "{}",
        caption(&private[0])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_ballot_keeps_no_person_and_forgets_its_key_at_close() {
    let mut world = group_world().await;
    let (ballot, _) = post_ballot(&world, 1, "/newpoll --ranked --anonymous Q? | A | B", 1).await;
    press(&world, "s1", &bob(), ballot, "b1:1").await;
    press(&world, "s2", &bob(), ballot, "b1:0").await;
    press(&world, "s3", &cleo(), ballot, "b1:0").await;
    command(&world, message(GROUP, 2, &admin(), "/export 1")).await;
    let votes = sent_to(&world, "sendDocument", GROUP)
        .into_iter()
        .flat_map(|c| c.files)
        .find(|f| f.file_name == "poll-1-votes.csv")
        .expect("the votes CSV");
    let rows = csv_rows(&votes.bytes);
    assert_eq!(rows.len(), 3, "a row per ballot: {rows:?}");
    for row in &rows[1..] {
        assert_eq!(
            (row[1].as_str(), row[2].as_str()),
            ("", ""),
            "no person: {row:?}"
        );
    }
    let mut options: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    options.sort();
    assert_eq!(options, ["A", "B; A"]);
    command(&world, message(GROUP, 3, &admin(), "/close 1")).await;
    let store = world.stop_and_open_store().await;
    let poll = store.poll(pollbot::poll::PollId {
        chat: pollbot::poll::ChatId(GROUP),
        number: pollbot::poll::PollNumber(1),
    });
    let poll = poll.unwrap().unwrap();
    let ballots: Vec<_> = store.ballots(poll.id).map(|b| b.unwrap()).collect();
    assert_eq!(ballots.len(), 2);
    for b in &ballots {
        assert!(b.voter.id.0 != 501 && b.voter.id.0 != 502 && b.voter.name.is_empty());
    }
    assert!(
        !store.has_ballot_secret(poll.id).unwrap(),
        "the key is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_button_ballot_cannot_be_shared() {
    let world = group_world().await;
    post_ballot(&world, 1, "/newpoll --pick 1 Q? | A | B", 1).await;
    command(&world, message(GROUP, 2, &admin(), "/share 1")).await;
    let said = texts_to(&world, GROUP).last().cloned().unwrap();
    assert_eq!(said, en("share-button-ballot", &[("number", "#1".into())]));
}

/// A ballot posted in topic 9 of a forum: the ballot, the bot's reply and
/// the final results stay in topic 9, presses work as anywhere, and the
/// closed ballot is the same message, edited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ranked_ballot_in_a_forum_topic_stays_in_its_topic() {
    let world = group_world().await;
    world
        .deliver(in_topic(
            message(GROUP, 1, &admin(), "/newpoll --ranked Venue? | Hall | Park"),
            9,
        ))
        .await;
    let ballot = world.nth_call("sendMessage", 1).await;
    assert!(ballot.params.get("reply_markup").is_some(), "the ballot");
    assert_eq!(ballot.i64_param("message_thread_id"), Some(9));
    let ballot_id = ballot.sent_message_id().unwrap() as i32;
    let confirmed = world.nth_call("sendMessage", 2).await;
    assert_eq!(confirmed.text().unwrap(), posted(1));
    assert_eq!(confirmed.i64_param("message_thread_id"), Some(9));

    assert_eq!(
        press(&world, "t1", &bob(), ballot_id, "b1:1").await,
        toast("toast-ranking", &[("ranking", "1. Park".into())])
    );
    assert_eq!(
        press(&world, "t2", &cleo(), ballot_id, "b1:1").await,
        toast("toast-ranking", &[("ranking", "1. Park".into())])
    );
    world
        .deliver(in_topic(message(GROUP, 2, &admin(), "/close 1"), 9))
        .await;
    let results = wait_sent_to(&world, "sendPhoto", GROUP, 1).await;
    assert_eq!(results[0].i64_param("message_thread_id"), Some(9));
    world.wait_idle().await;
    let closed = shown(&world, ballot_id);
    assert!(closed.get("reply_markup").is_none(), "the buttons are gone");
    assert!(
        closed["text"]
            .as_str()
            .unwrap()
            .contains("Park — 2 (100.0%)"),
        "{closed}"
    );
    // Nothing went outside topic 9.
    for call in world.fake.calls() {
        if call.chat_id() == Some(GROUP)
            && ["sendMessage", "sendPhoto", "sendDocument"].contains(&call.method.as_str())
        {
            assert_eq!(call.i64_param("message_thread_id"), Some(9), "{call:?}");
        }
    }
    world.assert_api_conformance();
}
