//! The poll engine on a real sled database: tallies, ranking, persistence,
//! exports and the demo.

use pollbot::app::load::poll_report;
mod common;

use common::csv_rows;
use common::records::{apply_all, at, open_poll, person};
use common::stores::on_each_store;
use pollbot::i18n::Language;
use pollbot::ingest::{Event, apply};
use pollbot::poll::{ChatId, MessageId, UserId};
use pollbot::poll::{Person, Poll, PollId};
use pollbot::report::{self, Summary};
use pollbot::store::{Store, StoreError};

const CHAT: i64 = -100777;
const TELEGRAM_ID: &str = "tg-poll-1";
const POLL_MESSAGE: i32 = 50;

fn create_poll(store: &Store, options: &[&str], multiple: bool) -> PollId {
    create_poll_as(store, options, multiple, false)
}

fn create_poll_as(store: &Store, options: &[&str], multiple: bool, anonymous: bool) -> PollId {
    store
        .write(|changes| {
            changes.create_poll(ChatId(CHAT), |id| Poll {
                multiple,
                anonymous,
                ..open_poll(id, "Which one?", options, POLL_MESSAGE, TELEGRAM_ID, at(0))
            })
        })
        .unwrap()
        .id
}

fn vote(user: i64, options: &[u32]) -> Event {
    Event::Vote {
        telegram_poll_id: TELEGRAM_ID.into(),
        voter: person(user),
        option_ids: options.to_vec(),
        option_persistent_ids: Vec::new(),
        at: at(user),
    }
}

fn comment(message_id: i32, user: i64, reply_to: i32, text: &str) -> Event {
    Event::Reply {
        chat: ChatId(CHAT),
        message_id: MessageId(message_id),
        reply_to: MessageId(reply_to),
        author: Some(person(user)),
        sender: None,
        text: Some(text.into()),
        at: at(i64::from(message_id)),
        replied_option: None,
        replied_poll: None,
    }
}

fn react(message_id: i32, user: i64, old: &[&str], new: &[&str]) -> Event {
    Event::Reaction {
        chat: ChatId(CHAT),
        message_id: MessageId(message_id),
        user: UserId(user),
        old: old.iter().map(|s| s.to_string()).collect(),
        new: new.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn tallies_follow_changes_and_withdrawals_exactly() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["A", "B", "C"], false);
        apply_all(
            &store,
            &[vote(1, &[0]), vote(2, &[1]), vote(3, &[0]), vote(4, &[2])],
        );
        // 3 changes A -> C, 4 withdraws, 2 votes B again (no change), 5 sends an
        // impossible answer (two options in a one-answer poll, then option 9).
        apply_all(
            &store,
            &[
                vote(3, &[2]),
                vote(4, &[]),
                vote(2, &[1]),
                vote(5, &[0, 1]),
                vote(5, &[9]),
            ],
        );
        let tally = store.tally(id).unwrap().unwrap();
        assert_eq!(tally.counts, vec![1, 1, 1]);
        assert_eq!(tally.voters, 3);
        assert_eq!(
            store.ballot(id, UserId(3)).unwrap().unwrap().options,
            vec![2]
        );
        assert!(store.ballot(id, UserId(4)).unwrap().is_none());
        assert!(store.ballot(id, UserId(5)).unwrap().is_none());
        // Re-applying the same events (a re-delivery) changes nothing.
        apply_all(&store, &[vote(3, &[2]), vote(4, &[])]);
        assert_eq!(store.tally(id).unwrap().unwrap().counts, vec![1, 1, 1]);
        let ballots: Vec<_> = store.ballots(id).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            ballots.iter().map(|b| b.voter.id.0).collect::<Vec<_>>(),
            [1, 2, 3]
        );
    });
}

#[test]
fn everything_survives_reopening_the_database() {
    on_each_store(|database| {
        let id = {
            let store = database.open();
            let id = create_poll(&store, &["Yes", "No"], true);
            apply_all(
                &store,
                &[
                    vote(1, &[0, 1]),
                    vote(2, &[1]),
                    comment(60, 1, POLL_MESSAGE, "Both"),
                ],
            );
            apply_all(&store, &[react(60, 2, &[], &["👍"])]);
            store
                .write(|c| c.set_chat_language(ChatId(CHAT), Language::Chinese))
                .unwrap();
            store.flush().unwrap();
            id
        };
        let store = database.open();
        let tally = store.tally(id).unwrap().unwrap();
        assert_eq!(
            (tally.counts, tally.voters, tally.comments),
            (vec![1, 2], 2, 1)
        );
        assert_eq!(store.top_comments(id, 5).unwrap()[0].approvals(), 1);
        assert_eq!(
            store.chat(ChatId(CHAT)).unwrap().language,
            Some(Language::Chinese)
        );
        assert_eq!(store.latest_poll(ChatId(CHAT)).unwrap().unwrap().id, id);
        assert_eq!(store.poll_by_telegram_id(TELEGRAM_ID).unwrap(), Some(id));
    });
}

#[test]
fn a_second_opener_gets_a_clear_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let _held = Store::open(dir.path()).unwrap();
    let error = match Store::open(dir.path()) {
        Err(error) => error,
        Ok(_) => panic!("a second opener must be refused"),
    };
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&dir.path().display().to_string())
    );
}

#[test]
fn top_comments_rank_by_approvals_and_ties_go_to_the_earlier() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["A", "B"], false);
        apply_all(
            &store,
            &[
                comment(61, 1, POLL_MESSAGE, "first"),
                comment(62, 2, 61, "second, a reply to the first"),
                comment(63, 3, POLL_MESSAGE, "third"),
                comment(64, 4, POLL_MESSAGE, "fourth"),
                comment(70, 9, 999, "a reply to something else is no comment"),
            ],
        );
        apply_all(
            &store,
            &[
                react(63, 10, &[], &["🔥"]),
                react(63, 11, &[], &["❤"]),
                react(63, 11, &["❤"], &["❤", "👍"]), // still one approval from 11
                react(62, 10, &[], &["👍"]),
                react(61, 12, &[], &["👍"]),
                react(64, 12, &[], &["👎"]), // not an approval
                react(64, 13, &[], &["💯"]),
                react(64, 13, &["💯"], &[]), // withdrawn
                // `+1` replies approve and are not comments.
                comment(80, 14, 62, "+1"),
                comment(81, 14, 62, "同意"), // same user: still one approval
                Event::ReactionCounts {
                    chat: ChatId(CHAT),
                    message_id: MessageId(64),
                    counts: vec![("👍".into(), 1), ("😢".into(), 5)],
                },
            ],
        );
        let top: Vec<(i32, u32)> = store
            .top_comments(id, 5)
            .unwrap()
            .iter()
            .map(|c| (c.message_id.0, c.approvals()))
            .collect();
        assert_eq!(top, [(62, 2), (63, 2), (61, 1), (64, 1)]);
        assert_eq!(store.tally(id).unwrap().unwrap().comments, 4);
        assert_eq!(store.top_comments(id, 2).unwrap().len(), 2);
    });
}

#[test]
fn csv_exports_round_trip_through_a_csv_parser() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["能源", "Trade, fair"], true);
        let tricky = "Line one, with a comma\n\"quoted\" 合作 — and more";
        apply_all(
            &store,
            &[
                vote(2, &[0, 1]),
                vote(1, &[1]),
                comment(60, 2, POLL_MESSAGE, tricky),
            ],
        );
        apply_all(&store, &[react(60, 1, &[], &["👍"])]);
        let poll = store.poll(id).unwrap().unwrap();

        let mut votes = Vec::new();
        report::votes_csv(&poll, store.ballots(poll.id), &mut votes).unwrap();
        let rows = csv_rows(&votes);
        assert_eq!(
            rows[0],
            ["poll", "user_id", "user_name", "options", "voted_at"]
        );
        assert_eq!(rows[1][..4], ["1", "1", "User 1", "Trade, fair"]);
        assert_eq!(rows[2][..4], ["1", "2", "User 2", "能源; Trade, fair"]);
        assert_eq!(rows[2][4], "2024-03-14T09:02:00+00:00");
        assert_eq!(rows.len(), 3);

        let mut comments = Vec::new();
        report::comments_csv(&store, &poll, &mut comments).unwrap();
        let rows = csv_rows(&comments);
        assert_eq!(
            rows[0],
            [
                "poll",
                "message_id",
                "user_id",
                "user_name",
                "voted_option",
                "approvals",
                "posted_at",
                "text",
                "replied_option"
            ]
        );
        assert_eq!(
            rows[1],
            [
                "1",
                "60",
                "2",
                "User 2",
                "能源; Trade, fair",
                "1",
                "2024-03-14T10:00:00+00:00",
                tricky,
                ""
            ]
        );
    });
}

#[test]
fn json_export_is_valid_and_complete() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["A", "B"], false);
        apply_all(
            &store,
            &[
                vote(1, &[0]),
                vote(2, &[0]),
                vote(3, &[1]),
                comment(60, 3, POLL_MESSAGE, "B \"rules\""),
            ],
        );
        let report = poll_report(&store, id).unwrap().unwrap();
        let mut bytes = Vec::new();
        report::json(&store, &report, &mut bytes).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["poll"]["question"], "Which one?");
        assert_eq!(json["tally"]["voters"], 3);
        assert_eq!(json["tally"]["options"][0]["count"], 2);
        assert_eq!(json["tally"]["options"][0]["share"], "66.7%");
        assert_eq!(json["tally"]["options"][1]["share"], "33.3%");
        assert_eq!(json["votes"].as_array().unwrap().len(), 3);
        assert_eq!(json["comments"][0]["text"], "B \"rules\"");
        assert_eq!(json["comments"][0]["voted_option"], "B");
    });
}

#[test]
fn the_summary_has_the_shape_of_a_published_report() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["A", "B", "C"], false);
        apply_all(
            &store,
            &[
                vote(1, &[0]),
                vote(2, &[1]),
                vote(3, &[2]),
                comment(60, 1, POLL_MESSAGE, "A!\nReally."),
            ],
        );
        let report = poll_report(&store, id).unwrap().unwrap();
        assert_eq!(
            Summary::new(&report, Language::English).full(),
            "#1 Which one?\n3 voters · open\nA — 1 (33.4%)\nB — 1 (33.3%)\nC — 1 (33.3%)\n\
         Most-approved comments\n1. 👍 0 · User 1 (A): \"A! Really.\""
        );
        assert_eq!(
            Summary::new(&report, Language::Chinese).full(),
            "#1 Which one?\n3 位投票者 · 进行中\nA — 1 (33.4%)\nB — 1 (33.3%)\nC — 1 (33.3%)\n\
         最受认同的评论\n1. 👍 0 · User 1（A）：“A! Really.”"
        );
    });
}

#[test]
fn the_demo_writes_five_files_with_the_published_figures() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("new-folder");
    pollbot::cli::demo(&dir).unwrap();
    let summary = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(
        lines[0],
        "#1 In which area should the two countries deepen cooperation?"
    );
    assert_eq!(
        lines[1],
        "1,601 voters of 8,537 members (18.8%, counted at close) · closed 28 Mar 2024 18:00 UTC"
    );
    assert_eq!(
        lines[2..6],
        [
            "Energy — 672 (42.0%)",
            "Trade — 472 (29.5%)",
            "Military — 304 (19.0%)",
            "Food — 153 (9.5%)"
        ]
    );
    assert_eq!(lines[6], "Most-approved comments");
    assert!(lines[7].starts_with("1. 👍 57 · "), "{}", lines[7]);
    assert_eq!(lines.len(), 12);

    let votes = std::fs::read(dir.join("votes.csv")).unwrap();
    assert_eq!(csv_rows(&votes).len(), 1 + 1601);
    let comments = csv_rows(&std::fs::read(dir.join("comments.csv")).unwrap());
    assert!(comments.len() > 30, "{} comments", comments.len() - 1);
    assert!(
        comments
            .iter()
            .any(|row| row[7].contains('\n') && row[7].contains('"') && row[7].contains(','))
    );
    assert!(comments.iter().any(|row| row[7].contains("粮食")));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("poll.json")).unwrap()).unwrap();
    assert_eq!(json["tally"]["voters"], 1601);
    assert_eq!(json["votes"].as_array().unwrap().len(), 1601);

    let png = std::fs::read(dir.join("results.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert!(width >= 1000, "chart is {width} px wide");
}

/// The demo's ranked poll: Trade fair leads the first preferences, the
/// runoff elects Student exchange. The first preferences are counted here
/// from the exported ballots; the rounds by hand from the demo's blocks
/// (Film festival's 27 go to Language courses, Joint research's 41 and
/// then Language courses' 91 to Student exchange).
#[test]
fn the_demo_adds_a_ranked_poll_whose_runoff_overturns_the_plurality() {
    let out = tempfile::tempdir().unwrap();
    pollbot::cli::demo(out.path()).unwrap();
    let dir = out.path().join("ranked");
    let summary = std::fs::read_to_string(dir.join("summary.txt")).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(
        lines[..8],
        [
            "#1 Which exchange programme should the society run next?",
            "322 voters of 1,216 members (26.5%, counted at close) · closed 28 Mar 2024 18:00 UTC",
            "Winner: Student exchange, after 4 rounds of instant runoff",
            "Round 4, 322 ballots counted:",
            "Student exchange — 214 (66.5%)",
            "Trade fair — 108 (33.5%)",
            "Exhausted ballots (none of their options left in the count): 0",
            "Borda scores: Student exchange 889 · Language courses 583 · Trade fair 514 · Joint research 452 · Film festival 400",
        ]
    );
    // README quotes the caption as the demo writes it.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let caption = lines[..9].join("\n");
    assert!(readme.contains(&caption), "README shows:\n{caption}");
    let votes = csv_rows(&std::fs::read(dir.join("votes.csv")).unwrap());
    assert_eq!(votes.len(), 1 + 322);
    let mut first = std::collections::BTreeMap::new();
    for row in &votes[1..] {
        let top = row[3].split("; ").next().unwrap().to_owned();
        *first.entry(top).or_insert(0) += 1;
    }
    assert_eq!(
        first.into_iter().collect::<Vec<_>>(),
        [
            ("Film festival".to_owned(), 27),
            ("Joint research".to_owned(), 41),
            ("Language courses".to_owned(), 64),
            ("Student exchange".to_owned(), 82),
            ("Trade fair".to_owned(), 108),
        ]
    );
    // Voter 3 first ranked Film festival alone, then cleared it.
    assert_eq!(
        votes[4][1..4],
        [
            "100003",
            "Dmitri Abbott",
            "Trade fair; Joint research; Student exchange"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("poll.json")).unwrap()).unwrap();
    assert_eq!(
        json["votes"][3]["ranking"],
        serde_json::json!(["Trade fair", "Joint research", "Student exchange"])
    );
    let png = std::fs::read(dir.join("results.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    // The headline names the runoff's winner, not the first preferences'.
    assert!(html.contains(
        "<p>Student exchange wins the instant runoff after 4 rounds.</p>\n\
         <p>Trade fair led the first preferences with 33.5%.</p>"
    ));
    for section in ["rounds", "borda", "head-to-head"] {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "the report has its {section} section"
        );
    }
}

#[test]
fn votes_that_arrive_before_their_poll_is_stored_count_once_it_is() {
    on_each_store(|database| {
        let store = database.open();
        apply_all(
            &store,
            &[
                vote(1, &[1]),
                vote(2, &[0]),
                vote(2, &[1]),
                vote(3, &[0]),
                vote(3, &[]),
            ],
        );
        let id = create_poll(&store, &["A", "B"], false);
        let tally = store.tally(id).unwrap().unwrap();
        assert_eq!((tally.counts, tally.voters), (vec![0, 2], 2));
        // Counted once: later votes move them as usual.
        apply_all(&store, &[vote(1, &[0])]);
        assert_eq!(store.tally(id).unwrap().unwrap().counts, vec![1, 1]);
    });
}

#[test]
fn counts_reported_before_an_anonymous_poll_is_stored_are_kept() {
    on_each_store(|database| {
        let store = database.open();
        let counts = |a: u64, b: u64| Event::PollCounts {
            telegram_poll_id: TELEGRAM_ID.into(),
            counts: vec![a, b],
            options: Vec::new(),
            voters: a + b,
            closed: false,
            at: at(1),
        };
        apply_all(&store, &[counts(1, 0), counts(2, 1)]);
        let id = create_poll_as(&store, &["A", "B"], false, true);
        let tally = store.tally(id).unwrap().unwrap();
        assert_eq!((tally.counts, tally.voters), (vec![2, 1], 3));
    });
}

#[test]
fn export_of_a_mistyped_database_path_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-db");
    let id: PollId = "-100:1".parse().unwrap();
    let error = pollbot::cli::export(
        &missing.clone().into(),
        id,
        pollbot::report::ExportFormat::Csv,
        dir.path(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("no-such-db"), "{error}");
    assert!(!missing.exists());
}

#[test]
fn a_copy_of_the_poll_seen_before_the_poll_is_stored_still_takes_comments() {
    on_each_store(|database| {
        let store = database.open();
        const DISCUSSION: i64 = -100888;
        apply_all(
            &store,
            &[Event::PollMessage {
                chat: ChatId(DISCUSSION),
                message_id: MessageId(70),
                telegram_poll_id: TELEGRAM_ID.into(),
                origin: ChatId(CHAT),
                at: at(1),
            }],
        );
        let id = create_poll(&store, &["A", "B"], false);
        apply_all(
            &store,
            &[Event::Reply {
                chat: ChatId(DISCUSSION),
                message_id: MessageId(71),
                reply_to: MessageId(70),
                author: Some(person(5)),
                sender: None,
                text: Some("On the copy".into()),
                at: at(3),
                replied_option: None,
                replied_poll: None,
            }],
        );
        let comments: Vec<_> = store.comments(id).collect::<Result<_, _>>().unwrap();
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].text, "On the copy");
    });
}

#[test]
fn a_command_answered_already_is_never_queued_again() {
    // A batch is recorded again when its flush failed; a command the bot
    // answered meanwhile must not be answered a second time.
    on_each_store(|database| {
        let store = database.open();
        let queued = store
            .write(|changes| changes.queue_command(5, b"/polls".to_vec()))
            .unwrap();
        assert!(queued);
        store
            .write(|changes| {
                changes.finish_command(5, chrono::Utc::now());
                Ok(())
            })
            .unwrap();
        let queued_again = store
            .write(|changes| changes.queue_command(5, b"/polls".to_vec()))
            .unwrap();
        assert!(!queued_again);
        assert!(store.queued_commands().unwrap().is_empty());
        // After two days the memory of it goes (Telegram re-sends nothing that old).
        let forgotten = store
            .write(|changes| {
                changes.forget_answered_before(chrono::Utc::now() + chrono::Duration::days(3))
            })
            .unwrap();
        assert_eq!(forgotten, 1);
    });
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_as_formulas_get_a_leading_quote() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["=1+1", "Fine"], false);
        let names = [
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "+SUM(A1)",
            "-2+3",
            "@cmd",
            "\tTabbed",
            "\rReturn",
            "Plain = fine",
        ];
        let mut batch = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let user = i as i64 + 1;
            batch.push(Event::Vote {
                telegram_poll_id: TELEGRAM_ID.into(),
                voter: Person {
                    id: UserId(user),
                    name: (*name).into(),
                },
                option_ids: vec![if user == 1 { 0 } else { 1 }],
                option_persistent_ids: Vec::new(),
                at: at(user),
            });
        }
        batch.push(Event::Reply {
            chat: ChatId(CHAT),
            message_id: MessageId(60),
            reply_to: MessageId(POLL_MESSAGE),
            author: Some(Person {
                id: UserId(1),
                name: names[0].into(),
            }),
            sender: None,
            text: Some("=cmd|' /C calc'!A0".into()),
            at: at(10),
            replied_option: None,
            replied_poll: None,
        });
        // A channel posting as itself has a negative id: a number, left as is.
        batch.push(Event::Reply {
            chat: ChatId(CHAT),
            message_id: MessageId(61),
            reply_to: MessageId(POLL_MESSAGE),
            author: Some(Person {
                id: UserId(-1001234567890),
                name: "Channel".into(),
            }),
            sender: None,
            text: Some("-5 is my answer".into()),
            at: at(11),
            replied_option: None,
            replied_poll: None,
        });
        apply_all(&store, &batch);
        let poll = store.poll(id).unwrap().unwrap();

        let mut votes = Vec::new();
        report::votes_csv(&poll, store.ballots(poll.id), &mut votes).unwrap();
        let rows = csv_rows(&votes);
        let names_and_options: Vec<(&str, &str)> = rows[1..]
            .iter()
            .map(|r| (r[2].as_str(), r[3].as_str()))
            .collect();
        assert_eq!(
            names_and_options,
            [
                ("'=HYPERLINK(\"http://evil.example\",\"click\")", "'=1+1"),
                ("'+SUM(A1)", "Fine"),
                ("'-2+3", "Fine"),
                ("'@cmd", "Fine"),
                ("'\tTabbed", "Fine"),
                ("'\rReturn", "Fine"),
                ("Plain = fine", "Fine"),
            ]
        );

        let mut comments = Vec::new();
        report::comments_csv(&store, &poll, &mut comments).unwrap();
        let rows = csv_rows(&comments);
        assert_eq!(
            rows[1],
            [
                "1",
                "60",
                "1",
                "'=HYPERLINK(\"http://evil.example\",\"click\")",
                "'=1+1",
                "0",
                "2024-03-14T09:10:00+00:00",
                "'=cmd|' /C calc'!A0",
                ""
            ]
        );
        assert_eq!(rows[2][2], "-1001234567890", "ids stay numbers");
        assert_eq!(rows[2][7], "'-5 is my answer");

        // JSON carries the exact texts.
        let report = poll_report(&store, id).unwrap().unwrap();
        let mut json = Vec::new();
        report::json(&store, &report, &mut json).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(json["votes"][0]["user_name"], names[0]);
        assert_eq!(json["votes"][0]["options"], "=1+1");
        assert_eq!(json["comments"][0]["text"], "=cmd|' /C calc'!A0");
    });
}

fn copy_of_poll(chat: i64, message_id: i32, origin: i64) -> Event {
    Event::PollMessage {
        chat: ChatId(chat),
        message_id: MessageId(message_id),
        telegram_poll_id: TELEGRAM_ID.into(),
        origin: ChatId(origin),
        at: at(1),
    }
}

fn reply_in(chat: i64, message_id: i32, user: i64, reply_to: i32, text: &str) -> Event {
    Event::Reply {
        chat: ChatId(chat),
        message_id: MessageId(message_id),
        reply_to: MessageId(reply_to),
        author: Some(person(user)),
        sender: Some(UserId(user)),
        text: Some(text.into()),
        at: at(i64::from(message_id)),
        replied_option: None,
        replied_poll: None,
    }
}

fn applied(store: &Store, event: Event) -> pollbot::ingest::Applied {
    store.write(|changes| apply(changes, &event)).unwrap()
}

const DISCUSSION: i64 = -100888;
const ATTACKER_CHANNEL: i64 = -100666;
const ATTACKER_GROUP: i64 = -100667;

#[test]
fn a_copy_of_the_poll_from_another_chat_takes_no_comments() {
    use pollbot::ingest::Applied;
    use pollbot::store::CommentOutcome;
    on_each_store(|database| {
        let store = database.open();
        // Seen before the poll is stored, forwarded from someone else's channel.
        apply_all(
            &store,
            &[copy_of_poll(ATTACKER_GROUP, 70, ATTACKER_CHANNEL)],
        );
        let id = create_poll(&store, &["A", "B"], false);
        // And once more after.
        assert_eq!(
            applied(&store, copy_of_poll(ATTACKER_GROUP, 80, ATTACKER_CHANNEL)),
            Applied::PollMessage(None)
        );
        assert_eq!(
            applied(
                &store,
                reply_in(ATTACKER_GROUP, 71, 5, 70, "Injected early")
            ),
            Applied::Comment(CommentOutcome::NotAComment)
        );
        assert_eq!(
            applied(&store, reply_in(ATTACKER_GROUP, 81, 5, 80, "Injected")),
            Applied::Comment(CommentOutcome::NotAComment)
        );
        // The poll's own copy, from its own chat, takes comments.
        assert_eq!(
            applied(&store, copy_of_poll(DISCUSSION, 90, CHAT)),
            Applied::PollMessage(Some(id))
        );
        assert_eq!(
            applied(&store, reply_in(DISCUSSION, 91, 6, 90, "Legitimate")),
            Applied::Comment(CommentOutcome::Recorded(id))
        );
        let texts: Vec<String> = store.comments(id).map(|c| c.unwrap().text).collect();
        assert_eq!(texts, ["Legitimate"]);
        assert_eq!(store.tally(id).unwrap().unwrap().comments, 1);
    });
}

#[test]
fn comments_with_one_message_id_in_two_chats_are_two_comments() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["A", "B"], false);
        apply_all(
            &store,
            &[
                copy_of_poll(DISCUSSION, 70, CHAT),
                reply_in(CHAT, 71, 5, POLL_MESSAGE, "In the poll's chat"),
                reply_in(DISCUSSION, 71, 6, 70, "In the discussion group"),
            ],
        );
        // Approvals go to the comment in the chat where they were given.
        apply_all(
            &store,
            &[
                react(71, 7, &[], &["👍"]),
                react(71, 8, &[], &["👍"]),
                Event::Reaction {
                    chat: ChatId(DISCUSSION),
                    message_id: MessageId(71),
                    user: UserId(9),
                    old: vec![],
                    new: vec!["👍".into()],
                },
            ],
        );
        let comments: Vec<_> = store.comments(id).map(Result::unwrap).collect();
        let seen: Vec<(i64, &str, u32)> = comments
            .iter()
            .map(|c| (c.chat.0, c.text.as_str(), c.approvals()))
            .collect();
        assert_eq!(
            seen,
            [
                (DISCUSSION, "In the discussion group", 1),
                (CHAT, "In the poll's chat", 2)
            ]
        );
        let top: Vec<(i64, u32)> = store
            .top_comments(id, 5)
            .unwrap()
            .iter()
            .map(|c| (c.chat.0, c.approvals()))
            .collect();
        assert_eq!(top, [(CHAT, 2), (DISCUSSION, 1)]);
        assert_eq!(store.tally(id).unwrap().unwrap().comments, 2);
        assert_eq!(
            store
                .comment_in(id, ChatId(DISCUSSION), MessageId(71))
                .unwrap()
                .unwrap()
                .text,
            "In the discussion group"
        );
    });
}

#[test]
fn one_person_approves_a_comment_once_and_never_their_own() {
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["A", "B"], false);
        const AUTHOR: i64 = 5;
        const FAN: i64 = 6;
        // `+1` sent as a channel identity: the channel is the author shown,
        // Telegram names the user behind it as the sender.
        let as_channel = |message_id: i32, channel: i64, sender: i64, text: &str| Event::Reply {
            chat: ChatId(CHAT),
            message_id: MessageId(message_id),
            reply_to: MessageId(60),
            author: Some(Person {
                id: UserId(channel),
                name: format!("Channel {channel}"),
            }),
            sender: Some(UserId(sender)),
            text: Some(text.into()),
            at: at(i64::from(message_id)),
            replied_option: None,
            replied_poll: None,
        };
        apply_all(
            &store,
            &[
                comment(60, AUTHOR, POLL_MESSAGE, "My comment"),
                as_channel(61, -1001, FAN, "+1"),
                as_channel(62, -1002, FAN, "+1"),
                as_channel(63, -1003, FAN, "👍"),
                reply_in(CHAT, 64, FAN, 60, "agree"),
                // The author, as themself and as their channels.
                reply_in(CHAT, 65, AUTHOR, 60, "+1"),
                as_channel(66, -1004, AUTHOR, "+1"),
                react(60, AUTHOR, &[], &["👍"]),
            ],
        );
        let approvals = || {
            store
                .comment(id, MessageId(60))
                .unwrap()
                .unwrap()
                .approvals()
        };
        assert_eq!(approvals(), 1, "one fan, one approval");
        // The fan's reaction is the same person again.
        apply_all(&store, &[react(60, FAN, &[], &["👍", "🔥"])]);
        assert_eq!(approvals(), 1);
        // The author withdrawing a reaction that never counted changes nothing.
        apply_all(&store, &[react(60, AUTHOR, &["👍"], &[])]);
        assert_eq!(approvals(), 1);
        // Someone else counts.
        apply_all(&store, &[react(60, 7, &[], &["👍"])]);
        assert_eq!(approvals(), 2);
        // None of the approval replies became comments.
        assert_eq!(store.comments(id).count(), 1);
    });
}

#[test]
fn a_closed_polls_tally_is_final() {
    on_each_store(|database| {
        let store = database.open();
        let public = create_poll(&store, &["A", "B"], false);
        let vote = |user: i64, option: u32| Event::Vote {
            telegram_poll_id: TELEGRAM_ID.into(),
            voter: Person {
                id: UserId(user),
                name: format!("U{user}"),
            },
            option_ids: vec![option],
            option_persistent_ids: Vec::new(),
            at: chrono::Utc::now(),
        };
        store
            .write(|changes| {
                apply(changes, &vote(1, 0))?;
                changes.close_poll(public, chrono::Utc::now())?;
                // Delivered after the close: neither a new vote nor a change.
                apply(changes, &vote(2, 1))?;
                apply(changes, &vote(1, 1))?;
                Ok(())
            })
            .unwrap();
        let tally = store.tally(public).unwrap().unwrap();
        assert_eq!((tally.counts, tally.voters), (vec![1, 0], 1));
        assert_eq!(
            store.ballot(public, UserId(1)).unwrap().unwrap().options,
            vec![0]
        );
    });
}

#[test]
fn comments_and_approvals_after_the_close_change_nothing_of_a_closed_poll() {
    use pollbot::ingest::Applied;
    use pollbot::store::CommentOutcome;
    on_each_store(|database| {
        let store = database.open();
        let id = create_poll(&store, &["A", "B"], false);
        apply_all(
            &store,
            &[
                vote(1, &[0]),
                comment(60, 1, POLL_MESSAGE, "Before the close"),
                react(60, 2, &[], &["👍"]),
            ],
        );
        store
            .write(|changes| changes.close_poll(id, at(30)))
            .unwrap();
        // Delivered after the close: a new comment, a reply to a comment, a
        // `+1`, a reaction given, one withdrawn and a reaction count.
        assert_eq!(
            applied(&store, comment(61, 3, POLL_MESSAGE, "After the close")),
            Applied::Comment(CommentOutcome::AfterClose(id))
        );
        assert_eq!(
            applied(&store, comment(62, 3, 60, "A late answer")),
            Applied::Comment(CommentOutcome::AfterClose(id))
        );
        assert_eq!(
            applied(&store, reply_in(CHAT, 63, 4, 60, "+1")),
            Applied::ApprovalReply { counted: false }
        );
        assert_eq!(
            applied(&store, react(60, 5, &[], &["🔥"])),
            Applied::Approval(false)
        );
        assert_eq!(
            applied(&store, react(60, 2, &["👍"], &[])),
            Applied::Approval(false)
        );
        let counts = Event::ReactionCounts {
            chat: ChatId(CHAT),
            message_id: MessageId(60),
            counts: vec![("👍".into(), 9)],
        };
        assert_eq!(applied(&store, counts), Applied::Approval(false));
        // The closed poll's comments, ranking and counts are as at the close.
        let texts: Vec<(String, u32)> = store
            .top_comments(id, 5)
            .unwrap()
            .into_iter()
            .map(|c| (c.text.clone(), c.approvals()))
            .collect();
        assert_eq!(texts, [("Before the close".to_owned(), 1)]);
        assert_eq!(store.comments(id).count(), 1);
        let tally = store.tally(id).unwrap().unwrap();
        assert_eq!((tally.comments, tally.approvers), (1, 1));
        assert_eq!(
            store.message_role(ChatId(CHAT), MessageId(61)).unwrap(),
            None
        );
    });
}
