//! PostgreSQL beside sled: `pollbot migrate` both ways, and what the
//! binary says about a PostgreSQL database. The bot itself on PostgreSQL is
//! tested by the end-to-end suites run with `POLLBOT_TEST_BOT_STORE=postgres`
//! (`.ci/run`), the kill -9 test in durability.rs, and the store's tests,
//! which run on both stores.
//!
//! Every test here needs a server: without `POLLBOT_TEST_POSTGRES` each
//! says it is skipped and passes.
//!
//! | data migrated                          | sled → PostgreSQL | PostgreSQL → sled |
//! |----------------------------------------|-------------------|-------------------|
//! | one chat's poll: 1,601 ballots and their histories, comments, approvals, a profile poll, chat settings | exports and report files byte-identical | the same |
//! | a campaign over two chats (codes, copies, combined tally)          | the same          | the same          |
//! | a ranked ballot (rankings, presses)    | the same          | the same          |
//! | a bot's own records (journal, offset, queued commands): every record copied, read back and hashed | records and digest equal | equal |
//! | refused: target not empty, no source, a URL that does not parse | nothing written, password never shown | — |

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::process::BIN;
use pollbot::i18n::Language;
use pollbot::poll::PollId;
use pollbot::report::ExportFormat;
use pollbot::store::scratch::{ScratchDatabase, TEST_POSTGRES};
use pollbot::store::{Location, Store, copy_database};

/// Every file under `dir`, by its path relative to it.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// What a user gets out of `db` for the polls of `chats`: `pollbot
/// export` in CSV and JSON and `pollbot report`'s files, for every poll.
fn everything_written_from(
    db: &Location,
    chats: &[pollbot::poll::ChatId],
) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let store = Store::open_at(db).unwrap();
    for &chat in chats {
        for poll in store.polls_of_chat(chat).unwrap() {
            let PollId { chat, number } = poll.id;
            let dir = out.path().join(format!("{}_{}", chat.0, number.0));
            for format in [ExportFormat::Csv, ExportFormat::Json] {
                pollbot::cli::write_export_files(&store, poll.id, format, &dir.join("export"))
                    .unwrap();
            }
            pollbot::cli::write_report_files(
                &store,
                poll.id,
                None,
                Language::Chinese,
                &dir.join("report"),
            )
            .unwrap();
        }
    }
    drop(store);
    files_under(out.path())
}

#[test]
fn migrate_copies_every_record_both_ways_and_every_export_is_byte_identical() {
    if std::env::var(TEST_POSTGRES).is_err() {
        eprintln!("skipped: {TEST_POSTGRES} is not set");
        return;
    }
    type Build = fn(&Store) -> pollbot::store::Result<PollId>;
    let samples: [(&str, Build, Vec<pollbot::poll::ChatId>); 3] = [
        ("one chat", pollbot::demo::build, vec![pollbot::demo::CHAT]),
        (
            "campaign",
            pollbot::demo::build_campaign,
            vec![pollbot::demo::CHAT, pollbot::demo::PARTNER_CHAT],
        ),
        (
            "ranked",
            pollbot::demo::build_ranked,
            vec![pollbot::demo::CHAT],
        ),
    ];
    for (name, build, chats) in samples {
        let dir = tempfile::tempdir().unwrap();
        let sled = Location::folder(dir.path().join("sled"));
        let back = Location::folder(dir.path().join("back"));
        let postgres = ScratchDatabase::from_env().unwrap();
        {
            let store = Store::open_at(&sled).unwrap();
            build(&store).unwrap();
            // A bot's own records too: the offset and a queued command.
            store
                .write(|changes| {
                    changes.set_last_update(pollbot::store::LastUpdate {
                        id: 4_242,
                        at: chrono::Utc::now(),
                        bot: None,
                        api: None,
                    })?;
                    changes.queue_command(4_242, b"{}".to_vec())?;
                    Ok(())
                })
                .unwrap();
            store.flush().unwrap();
        }
        let there = copy_database(&sled, &postgres.location).unwrap();
        let home = copy_database(&postgres.location, &back).unwrap();
        assert_eq!(
            there, home,
            "{name}: the same records, read back, both ways"
        );
        assert!(there.records > 300, "{name}: {} records", there.records);

        let from_sled = everything_written_from(&sled, &chats);
        assert!(from_sled.len() >= 9, "{name}: {:?}", from_sled.keys());
        let from_postgres = everything_written_from(&postgres.location, &chats);
        assert_eq!(
            from_sled.keys().collect::<Vec<_>>(),
            from_postgres.keys().collect::<Vec<_>>(),
            "{name}: the same files"
        );
        for (file, bytes) in &from_sled {
            assert!(
                from_postgres[file] == *bytes,
                "{name}: {file} differs on PostgreSQL"
            );
        }
        assert!(
            everything_written_from(&back, &chats) == from_sled,
            "{name}: back on sled"
        );
        let store = Store::open_at(&postgres.location).unwrap();
        assert_eq!(store.last_update_id().unwrap(), Some(4_242));
        assert_eq!(store.queued_commands().unwrap(), [(4_242, b"{}".to_vec())]);
    }
}

fn pollbot(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(BIN)
        .args(args)
        .env_remove("POLLBOT_DB")
        .output()
        .expect("pollbot runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_migrate_command_copies_once_refuses_what_it_must_and_never_shows_the_password() {
    let Some(postgres) = ScratchDatabase::from_env() else {
        eprintln!("skipped: {TEST_POSTGRES} is not set");
        return;
    };
    let url = postgres.url();
    let password = url::Url::parse(url)
        .unwrap()
        .password()
        .unwrap_or("")
        .to_owned();
    assert!(!password.is_empty(), "the test server's URL has a password");
    assert!(
        url.replace(&format!(":{password}@"), ":@")
            .matches(&password)
            .count()
            == 0,
        "the password is not also the role's or the database's name"
    );
    let dir = tempfile::tempdir().unwrap();
    let sled = dir.path().join("data");
    let id = {
        let store = Store::open(&sled).unwrap();
        pollbot::demo::build_ranked(&store).unwrap()
    };
    let sled_arg = sled.display().to_string();
    let (ok, out, err) = pollbot(&["migrate", "--from", &sled_arg, "--to", url]);
    assert!(ok, "{err}");
    let copied: u64 = out
        .strip_prefix("copied ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(copied > 300, "{out}");
    assert!(out.contains("read back, they are the same"), "{out}");
    assert!(!out.contains(&password), "{out}");

    // Again: the target holds records now.
    let (ok, _, err) = pollbot(&["migrate", "--from", &sled_arg, "--to", url]);
    assert!(!ok);
    assert!(err.contains("already holds records"), "{err}");
    assert!(!err.contains(&password), "{err}");
    // Back into a folder that is a database already.
    let (ok, _, err) = pollbot(&["migrate", "--from", url, "--to", &sled_arg]);
    assert!(!ok);
    assert!(err.contains("already holds records"), "{err}");
    // No source.
    let missing = dir.path().join("missing").display().to_string();
    let (ok, _, err) = pollbot(&["migrate", "--from", &missing, "--to", url]);
    assert!(!ok);
    assert!(err.contains("there is no pollbot database"), "{err}");
    assert!(!dir.path().join("missing").exists());
    // A URL that does not parse: named, without its password.
    let (ok, _, err) = pollbot(&[
        "migrate",
        "--from",
        &sled_arg,
        "--to",
        "postgres://u:s3cret@",
    ]);
    assert!(!ok);
    assert!(err.contains("is not a PostgreSQL URL"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
    // A server that does not answer: a clear error, no password.
    let (ok, _, err) = pollbot(&[
        "export",
        "--db",
        "postgres://u:s3cret@127.0.0.1:1/x",
        "--poll",
        "-1:1",
    ]);
    assert!(!ok);
    assert!(err.contains("PostgreSQL"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");

    // The copy answers `pollbot export` as the folder does.
    let chat_poll = format!("{}:{}", id.chat.0, id.number.0);
    let exported = |db: &str, out: &Path| {
        let out_arg = out.display().to_string();
        let (ok, _, err) = pollbot(&[
            "export", "--db", db, "--poll", &chat_poll, "--format", "json", "--out", &out_arg,
        ]);
        assert!(ok, "{err}");
        files_under(out)
    };
    let from_sled = exported(&sled_arg, &dir.path().join("out-sled"));
    assert_eq!(from_sled.len(), 1, "{:?}", from_sled.keys());
    assert!(from_sled == exported(url, &dir.path().join("out-postgres")));
}
