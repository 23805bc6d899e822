//! The store's own tests: opening, layouts, early records, indexes. One
//! suite, two stores: each test that is about records runs on sled and, when
//! `POLLBOT_TEST_POSTGRES` names a server (`.ci/run` sets it), on
//! PostgreSQL.

use super::*;
use engine::Batch;
use scratch::ScratchDatabase;

/// A database a test opens (and may open again): sled in a temporary
/// folder, or a scratch PostgreSQL database.
enum TestDatabase {
    Sled(tempfile::TempDir),
    Postgres(ScratchDatabase),
}

impl TestDatabase {
    fn location(&self) -> Location {
        match self {
            TestDatabase::Sled(dir) => Location::folder(dir.path()),
            TestDatabase::Postgres(scratch) => scratch.location.clone(),
        }
    }

    fn open(&self) -> Store {
        Store::open_at(&self.location()).unwrap()
    }
}

/// Runs `test` on each store there is here.
fn on_each_store(test: impl Fn(&TestDatabase)) {
    test(&TestDatabase::Sled(tempfile::tempdir().unwrap()));
    match ScratchDatabase::from_env() {
        Some(scratch) => test(&TestDatabase::Postgres(scratch)),
        None => eprintln!("PostgreSQL skipped: {} is not set", scratch::TEST_POSTGRES),
    }
}

/// Writes raw records, as an older pollbot (or damage) left them.
fn write_raw(store: &Store, records: Vec<(Vec<u8>, Option<Vec<u8>>)>) {
    let mut batch = Batch::default();
    for (key, value) in records {
        match value {
            Some(value) => batch.insert(key, value),
            None => batch.remove(key),
        }
    }
    store.db.apply(batch).unwrap();
    store.flush().unwrap();
}

use crate::poll::{Person, PollOptions, PollQuestion, PollState};
use chrono::{DateTime, TimeDelta, Utc};

fn at(hours: i64) -> DateTime<Utc> {
    "2026-12-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::hours(hours)
}

fn new_poll(store: &Store, chat: ChatId, telegram_id: &str) -> Poll {
    new_poll_with(store, chat, telegram_id, Default::default())
}

fn new_poll_with(
    store: &Store,
    chat: ChatId,
    telegram_id: &str,
    features: crate::poll::PollFeatures,
) -> Poll {
    store
        .write(|changes| {
            changes.create_poll(chat, |id| Poll {
                id,
                question: PollQuestion::parse("Q?").unwrap(),
                options: PollOptions::parse(&["A", "B"]).unwrap(),
                multiple: false,
                anonymous: false,
                created_at: at(0),
                deadline: None,
                state: PollState::Open,
                closed_at: None,
                results_announced: false,
                message_id: MessageId(50),
                telegram_id: telegram_id.into(),
                thread: None,
                features,
            })
        })
        .unwrap()
}

#[test]
fn a_voter_gets_a_history_of_their_own_only_once_they_change_or_withdraw() {
    on_each_store(|database| {
        let store = database.open();
        let poll = new_poll(&store, ChatId(-100), "p");
        let voter = |id| Person {
            id,
            name: format!("User {id}"),
        };
        let histories = |store: &Store| -> Vec<i64> {
            (1..=4)
                .filter(|&user| {
                    let key = keys::voter_history(poll.id, UserId(user));
                    store.db.get(&key).unwrap().is_some()
                })
                .collect()
        };
        let vote = |user: i64, options: &[u32], hour: i64| {
            store
                .write(|changes| {
                    changes.record_vote(
                        "p",
                        voter(UserId(user)),
                        Chosen::positions(options),
                        at(hour),
                    )
                })
                .unwrap();
        };
        // 1 votes once; 2 votes the same twice; 3 changes; 4 withdraws.
        vote(1, &[0], 1);
        vote(2, &[1], 1);
        vote(2, &[1], 2);
        vote(3, &[0], 1);
        vote(3, &[0], 3);
        vote(3, &[1], 4);
        vote(4, &[0], 1);
        vote(4, &[], 2);
        assert_eq!(histories(&store), [3, 4]);
        let tally = store.tally(poll.id).unwrap().unwrap();
        assert_eq!((tally.changers, tally.withdrawals), (1, 1));
        // The first vote time survives the repeat and the change.
        let first = |user| store.ballot(poll.id, user).unwrap().unwrap().first_voted_at;
        assert_eq!(
            (first(UserId(2)), first(UserId(3))),
            (Some(at(1)), Some(at(1)))
        );
        // 4 comes back with another answer: a change, from the history kept.
        vote(4, &[1], 5);
        assert_eq!(first(UserId(4)), Some(at(1)));
        let tally = store.tally(poll.id).unwrap().unwrap();
        assert_eq!((tally.changers, tally.voters), (2, 4));
    });
}

/// Early votes, a copy, counts and a reply of two polls not stored yet:
/// "lost" (kept at hour 0, never stored) and "late" (kept at hour 20).
fn keep_early_records_of_lost_and_late(store: &Store) {
    let voter = |id| Person {
        id,
        name: format!("User {id}"),
    };
    let reply = |message_id, hour| changes::Reply {
        chat: ChatId(-100),
        message_id,
        reply_to: MessageId(50),
        author: Some(voter(UserId(9))),
        sender: Some(UserId(9)),
        text: "Right away".into(),
        at: at(hour),
        replied_option: None,
    };
    store
        .write(|changes| {
            changes.record_vote("lost", voter(UserId(1)), Chosen::positions(&[0]), at(0))?;
            changes.record_vote("lost", voter(UserId(2)), Chosen::positions(&[1]), at(0))?;
            changes.add_poll_message(ChatId(-200), MessageId(70), "lost", ChatId(-100), at(0))?;
            changes.record_poll_counts("lost", &[3, 4], 7, false, at(0))?;
            changes.record_comment(reply(MessageId(80), 0), Some("lost"))?;
            changes.record_vote("late", voter(UserId(3)), Chosen::positions(&[1]), at(20))?;
            changes.add_poll_message(ChatId(-200), MessageId(71), "late", ChatId(-100), at(20))?;
            changes.record_poll_counts("late", &[0, 1], 1, false, at(20))?;
            changes.record_comment(reply(MessageId(81), 20), Some("late"))?;
            Ok(())
        })
        .unwrap();
}

/// What the purge at hour 25 forgets: the lost poll's records, a day old.
const LOST_ONES: Purged = Purged {
    votes: 2,
    copies: 1,
    counts: 1,
    replies: 1,
};

#[test]
fn early_records_of_a_poll_never_stored_are_purged_after_a_day() {
    on_each_store(|database| {
        let store = database.open();
        keep_early_records_of_lost_and_late(&store);
        // A day has not passed for any.
        assert_eq!(store.purge_stale_early(at(24)).unwrap(), Purged::default());
        assert_eq!(store.purge_stale_early(at(25)).unwrap(), LOST_ONES);
        assert_eq!(store.purge_stale_early(at(25)).unwrap(), Purged::default());
        // The purged ones are gone for good.
        let lost = new_poll(&store, ChatId(-100), "lost");
        assert_eq!(store.tally(lost.id).unwrap().unwrap().voters, 0);
        assert_eq!(
            store.message_role(ChatId(-200), MessageId(70)).unwrap(),
            None
        );
        assert_eq!(store.comment(lost.id, MessageId(80)).unwrap(), None);
    });
}

#[test]
fn early_records_still_waiting_are_applied_when_their_poll_is_stored() {
    on_each_store(|database| {
        let store = database.open();
        keep_early_records_of_lost_and_late(&store);
        assert_eq!(store.purge_stale_early(at(25)).unwrap(), LOST_ONES);
        let poll = new_poll(&store, ChatId(-100), "late");
        let tally = store.tally(poll.id).unwrap().unwrap();
        assert_eq!(tally.voters, 1);
        assert_eq!(tally.counts, [0, 1]);
        assert_eq!(
            store.message_role(ChatId(-200), MessageId(71)).unwrap(),
            Some(MessageRole::Poll(poll.id))
        );
        assert_eq!(tally.comments, 1);
        assert_eq!(
            store.comment(poll.id, MessageId(81)).unwrap().unwrap().text,
            "Right away"
        );
        // Purged or applied, no early record is left.
        new_poll(&store, ChatId(-100), "lost");
        assert_eq!(store.db.scan_prefix(&[keys::EARLY_VOTE]).count(), 0);
        assert_eq!(store.db.scan_prefix(&[keys::EARLY_POLL_MESSAGE]).count(), 0);
        assert_eq!(store.db.scan_prefix(&[keys::EARLY_COUNTS]).count(), 0);
        assert_eq!(store.db.scan_prefix(&[keys::EARLY_REPLY]).count(), 0);
        assert_eq!(store.db.scan_prefix(&[keys::EARLY_REPLY_POLL]).count(), 0);
    });
}

#[test]
fn damaged_or_old_early_records_go_at_the_first_purge() {
    on_each_store(|database| {
        let store = database.open();
        // No time to read in them.
        write_raw(
            &store,
            vec![
                (keys::early_vote("x", UserId(9)), Some(b"{broken".to_vec())),
                (
                    keys::early_poll_message("x", ChatId(-7), MessageId(1)),
                    Some(Vec::new()),
                ),
                (
                    keys::early_reply("x", ChatId(-7), MessageId(2)),
                    Some(b"{broken".to_vec()),
                ),
            ],
        );
        assert_eq!(
            store.purge_stale_early(at(26)).unwrap(),
            Purged {
                votes: 1,
                copies: 1,
                counts: 0,
                replies: 1
            }
        );
    });
}

#[test]
fn comments_stored_under_the_first_layout_are_moved_once_at_open() {
    on_each_store(|database| {
        let poll;
        {
            let store = database.open();
            poll = new_poll(&store, ChatId(-100), "tg");
            // Layout 1: comments keyed by poll and message only, one in the
            // poll's chat and one in a discussion group, as version 1 wrote
            // them (no `chat` field), and no layout marker.
            let comment = |message_id: i32, text: &str, approvals: u32| {
                serde_json::json!({
                    "poll": poll.id, "message_id": message_id,
                    "author": {"id": 5, "name": "U"}, "reply_to": 50, "text": text,
                    "posted_at": "2026-12-01T00:00:00Z", "edited_at": null,
                    "approvals_by_users": approvals, "approvals_counted": 0
                })
            };
            let mut records = vec![(keys::layout(), None)];
            for (chat, message_id, text, approvals) in [
                (-100, 60, "In the group", 1),
                (-200, 61, "In the discussion", 3),
            ] {
                records.push((
                    keys::v1::comment(poll.id, MessageId(message_id)),
                    Some(serde_json::to_vec(&comment(message_id, text, approvals)).unwrap()),
                ));
                records.push((
                    keys::v1::ranking(poll.id, approvals, MessageId(message_id)),
                    Some(Vec::new()),
                ));
                records.push((
                    keys::message(ChatId(chat), MessageId(message_id)),
                    Some(serde_json::to_vec(&MessageRole::Comment(poll.id)).unwrap()),
                ));
            }
            write_raw(&store, records);
        }
        let store = database.open();
        let top: Vec<(i64, i32, String, u32)> = store
            .top_comments(poll.id, 5)
            .unwrap()
            .into_iter()
            .map(|c| (c.chat.0, c.message_id.0, c.text.clone(), c.approvals()))
            .collect();
        assert_eq!(
            top,
            [
                (-200, 61, "In the discussion".to_owned(), 3),
                (-100, 60, "In the group".to_owned(), 1)
            ]
        );
        assert_eq!(store.comments(poll.id).count(), 2);
        assert_eq!(
            store.comment(poll.id, MessageId(60)).unwrap().unwrap().text,
            "In the group"
        );
        // Approvals keep working on the moved comments.
        store
            .write(|changes| {
                changes.set_approval(
                    ChatId(-200),
                    MessageId(61),
                    UserId(77),
                    crate::poll::Approval::Given,
                )
            })
            .unwrap();
        assert_eq!(
            store
                .comment_in(poll.id, ChatId(-200), MessageId(61))
                .unwrap()
                .unwrap()
                .approvals(),
            4
        );
        assert_eq!(
            store
                .db
                .get(&keys::v1::comment(poll.id, MessageId(60)))
                .unwrap(),
            None
        );
        assert_eq!(
            store
                .db
                .scan_prefix(&keys::ranking_of_poll(poll.id))
                .count(),
            2,
            "old ranking keys are gone"
        );
    });
}

#[cfg(unix)]
#[test]
fn a_new_database_directory_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("pollbot");
    let store = Store::open(&path).unwrap();
    drop(store);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "{mode:o}");
}

#[test]
fn a_chats_language_is_kept_as_its_code() {
    use crate::i18n::Language;
    let record = ChatRecord {
        language: Some(Language::Chinese),
        ..ChatRecord::default()
    };
    let bytes = serde_json::to_string(&record).unwrap();
    assert!(bytes.contains(r#""language":"zh""#), "{bytes}");
    // As databases have always kept it; a code this version does not
    // speak reads as none, not as an unreadable record.
    let old: ChatRecord =
        serde_json::from_str(r#"{"last_poll":3,"language":"ru","active":true}"#).unwrap();
    assert_eq!(old.language, Some(Language::Russian));
    let unknown: ChatRecord =
        serde_json::from_str(r#"{"last_poll":3,"language":"xx","active":true}"#).unwrap();
    assert_eq!(unknown.language, None);
    assert_eq!(unknown.last_poll, 3);
}

/// A ranked poll's rankings, once read, are kept in memory and follow
/// every batch: after presses that add, change and clear ballots they
/// equal the rankings counted from the stored ballots; a copy given out
/// earlier keeps what it was.
#[test]
fn kept_rankings_follow_every_batch_and_match_the_ballots() {
    use crate::poll::{BallotKind, Press, Rankings};
    on_each_store(|database| {
        let store = database.open();
        let features = crate::poll::PollFeatures {
            ballot: BallotKind::Ranked,
            ..Default::default()
        };
        let poll = new_poll_with(&store, ChatId(-100), "r", features);
        let press = |user: i64, press: Press| {
            store
                .write(|changes| {
                    let voter = Person {
                        id: UserId(user),
                        name: format!("User {user}"),
                    };
                    changes.record_press(
                        poll.id.chat,
                        poll.message_id,
                        voter,
                        Some(press),
                        at(1),
                    )?;
                    Ok(())
                })
                .unwrap();
        };
        let from_ballots = |store: &Store| {
            let mut rankings = Rankings::new(2);
            for ballot in store.ballots(poll.id) {
                rankings.add(&ballot.unwrap().options);
            }
            rankings
        };
        press(1, Press::Option(0));
        press(2, Press::Option(1));
        let first = store.rankings(&poll).unwrap();
        assert_eq!(*first, from_ballots(&store));
        // Kept: the same Arc comes back. Not where other instances write
        // too: read afresh each time.
        let again = store.rankings(&poll).unwrap();
        assert_eq!(Arc::ptr_eq(&first, &again), !store.is_shared());
        assert_eq!(*again, *first);
        press(1, Press::Option(1));
        press(2, Press::Clear);
        press(3, Press::Option(1));
        press(3, Press::Option(0));
        let kept = store.rankings(&poll).unwrap();
        assert_eq!(*kept, from_ballots(&store));
        assert_eq!(kept.counts.get(&vec![0, 1]), Some(&1));
        assert_eq!(kept.counts.get(&vec![1, 0]), Some(&1));
        assert_eq!(kept.ballots(), 2);
        // The first read still holds what it read.
        assert_eq!(first.ballots(), 2);
        assert_eq!(first.counts.get(&vec![1]), Some(&1));
    });
}

#[test]
fn a_database_written_by_a_newer_pollbot_is_refused_and_left_as_it_is() {
    on_each_store(|database| {
        let store = database.open();
        let poll = new_poll(&store, ChatId(-100), "p");
        write_raw(&store, vec![(keys::layout(), Some(b"99".to_vec()))]);
        drop(store);
        let error = match Store::open_at(&database.location()) {
            Err(error) => error,
            Ok(_) => panic!("a newer layout opens"),
        };
        assert!(
            matches!(
                error,
                StoreError::Newer {
                    found: 99,
                    known: keys::LAYOUT_VERSION
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("newer pollbot"), "{error}");
        // Nothing was changed: back at a known layout, the poll is there.
        let engine: Box<dyn Engine> = match database.location() {
            Location::Folder(path) => Box::new(SledEngine::open(&path, CACHE_BYTES).unwrap()),
            Location::Postgres(url) => Box::new(PostgresEngine::open(&url).unwrap()),
        };
        assert_eq!(engine.get(&keys::layout()).unwrap(), Some(b"99".to_vec()));
        let mut batch = Batch::default();
        batch.insert(keys::layout(), b"2".to_vec());
        engine.apply(batch).unwrap();
        engine.flush().unwrap();
        drop(engine);
        let store = database.open();
        assert_eq!(store.poll(poll.id).unwrap().unwrap().telegram_id, "p");
    });
}

/// PostgreSQL's schema has versions of its own, applied at open; a schema
/// newer than the binary's is refused.
#[test]
fn a_postgresql_schema_newer_than_the_binary_is_refused() {
    let Some(scratch) = ScratchDatabase::from_env() else {
        eprintln!("skipped: {} is not set", scratch::TEST_POSTGRES);
        return;
    };
    let store = Store::open_at(&scratch.location).unwrap();
    let poll = new_poll(&store, ChatId(-100), "p");
    drop(store);
    // Opening again applies nothing twice.
    let store = Store::open_at(&scratch.location).unwrap();
    assert_eq!(
        store.polls_of_chat(ChatId(-100)).unwrap(),
        std::slice::from_ref(&poll)
    );
    drop(store);
    engine::postgres_execute_alone(
        scratch.url(),
        "INSERT INTO pollbot_schema (version) VALUES (7)",
    )
    .unwrap();
    let error = match Store::open_at(&scratch.location) {
        Err(error) => error,
        Ok(_) => panic!("a newer schema opens"),
    };
    assert!(
        matches!(error, StoreError::Newer { found: 7, known: 2 }),
        "{error}"
    );
}

/// A lease is one holder's until it runs out (PostgreSQL's clock decides);
/// alone on sled, a process always holds it.
#[test]
fn a_lease_is_one_holders_until_it_runs_out() {
    on_each_store(|database| {
        let store = database.open();
        assert!(store.lease("work", "a", 1).unwrap());
        assert!(
            store.lease("work", "a", 1).unwrap(),
            "renewed by its holder"
        );
        if !store.is_shared() {
            assert!(store.lease("work", "b", 1).unwrap(), "one process: always");
            return;
        }
        assert!(!store.lease("work", "b", 1).unwrap(), "another's, running");
        assert!(store.lease("other", "b", 1).unwrap(), "leases are by name");
        std::thread::sleep(std::time::Duration::from_millis(1_100));
        assert!(store.lease("work", "b", 5).unwrap(), "run out: taken over");
        assert!(!store.lease("work", "a", 5).unwrap());
        store.release("work", "a").unwrap();
        assert!(
            !store.lease("work", "a", 5).unwrap(),
            "only its holder gives it up"
        );
        store.release("work", "b").unwrap();
        assert!(store.lease("work", "a", 5).unwrap(), "given up: free");
    });
}
