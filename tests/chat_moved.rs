//! A group upgraded to a supergroup (issue 16, item 10): Telegram gives it a
//! new id, by a service message or by an error on the next call. Its polls,
//! votes, deadlines and settings move there and the bot goes on there.

mod common;

use common::chat::{admin, command, sent_to, world_with_groups};
use common::updates::{message, migrated_to, person, poll_answer};
use common::{Failure, World};
use pollbot::i18n::Language;
use pollbot::poll::{ChatId, MessageId};
use pollbot::poll::{PollId, PollNumber};

const OLD: i64 = -4_001;
const NEW: i64 = -1_000_000_004_001;
async fn world() -> World {
    world_with_groups(&[OLD, NEW]).await
}

fn id(chat: i64, n: u32) -> PollId {
    PollId {
        chat: ChatId(chat),
        number: PollNumber(n),
    }
}

/// A poll with a deadline and one vote in the old group, in Chinese.
async fn poll_in_old_group(world: &World) -> String {
    command(world, message(OLD, 1, &admin(), "/lang zh")).await;
    command(
        world,
        message(OLD, 2, &admin(), "/newpoll --until 7d Q? | A | B"),
    )
    .await;
    let poll = world.fake.polls()[0].poll_id.clone();
    world
        .deliver(poll_answer(&poll, &person(1, "U1"), &[0]))
        .await;
    poll
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_becomes_a_supergroup_takes_its_polls_along() {
    let mut world = world().await;
    let poll = poll_in_old_group(&world).await;
    command(&world, migrated_to(OLD, 3, &admin(), NEW)).await;
    // Votes go on counting, and the new id finds the poll, its number and
    // the chat's language.
    world
        .deliver(poll_answer(&poll, &person(2, "U2"), &[1]))
        .await;
    command(&world, message(NEW, 4, &admin(), "/results")).await;
    let photos = sent_to(&world, "sendPhoto", NEW);
    assert_eq!(photos.len(), 1);
    let caption = photos[0].str_param("caption").unwrap();
    assert!(caption.starts_with("#1 Q?\n"), "{caption}");
    assert!(caption.contains("A — 1 (50.0%)"), "{caption}");
    assert!(caption.contains("B — 1 (50.0%)"), "{caption}");
    command(&world, message(NEW, 5, &admin(), "/newpoll Next? | X | Y")).await;
    let confirmed = sent_to(&world, "sendMessage", NEW);
    assert!(
        confirmed.last().unwrap().text().unwrap().contains("#2"),
        "numbering goes on: {confirmed:?}"
    );
    world.assert_api_conformance();
    let store = world.stop_and_open_store().await;
    assert!(store.poll(id(OLD, 1)).unwrap().is_none());
    assert!(store.polls_of_chat(ChatId(OLD)).unwrap().is_empty());
    let moved = store.poll(id(NEW, 1)).unwrap().unwrap();
    assert_eq!(moved.id, id(NEW, 1));
    assert_eq!(store.tally(id(NEW, 1)).unwrap().unwrap().counts, [1, 1]);
    assert_eq!(store.ballots(id(NEW, 1)).count(), 2);
    assert_eq!(
        store.chat(ChatId(NEW)).unwrap().language,
        Some(Language::Chinese)
    );
    // Its deadline closes it there.
    let later = moved.deadline.unwrap() + chrono::TimeDelta::minutes(1);
    let (due, _) = store.due_polls(later).unwrap();
    assert_eq!(due, [id(NEW, 1)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegrams_error_naming_the_new_id_moves_the_chat_too() {
    let mut world = world().await;
    poll_in_old_group(&world).await;
    world
        .fake
        .fail_next("sendMessage", 1, Failure::Migrated(NEW));
    command(&world, message(OLD, 3, &admin(), "/polls")).await;
    command(&world, message(NEW, 4, &admin(), "/polls")).await;
    let listed = sent_to(&world, "sendMessage", NEW);
    assert_eq!(listed.len(), 1);
    let text = listed[0].text().unwrap();
    assert!(text.contains("#1 Q?"), "{text}");
    let store = world.stop_and_open_store().await;
    assert!(store.polls_of_chat(ChatId(OLD)).unwrap().is_empty());
    assert_eq!(store.polls_of_chat(ChatId(NEW)).unwrap().len(), 1);
    assert!(store.chat(ChatId(NEW)).unwrap().active);
}

/// Posts `text` in `chat` straight through the store, as the bot does.
fn store_poll(store: &pollbot::store::Store, chat: i64, telegram_id: &str) -> pollbot::poll::Poll {
    use pollbot::app::command::{self, Command, Parsed};
    let Parsed::Command(Command::NewPoll(new_poll)) =
        command::parse("/newpoll Q? | A | B", None, chrono::Utc::now())
    else {
        panic!("a poll");
    };
    let posted = pollbot::app::PostedPoll {
        message_id: MessageId(5),
        telegram_id: telegram_id.into(),
        option_persistent_ids: vec!["a".into(), "b".into()],
    };
    let place = pollbot::app::Place {
        chat: ChatId(chat),
        thread: None,
        kind: pollbot::app::ChatKind::Group,
        title: None,
    };
    pollbot::app::create_poll(
        store,
        place,
        *new_poll,
        posted,
        chrono::Utc::now(),
        (chat.abs(), pollbot::store::Journal::default()),
    )
    .unwrap()
}

/// Copies `origin` into `chat` with its share code.
fn store_copy(
    store: &pollbot::store::Store,
    origin: &pollbot::poll::Poll,
    chat: i64,
    telegram_id: &str,
) -> PollId {
    use pollbot::app::share::{self, Place, PostedIn};
    let now = chrono::Utc::now();
    let code =
        match share::share(store, origin, pollbot::app::command::ShareAction::Give, now).unwrap() {
            pollbot::app::ShareReply::Code { code, .. } => code,
            other => panic!("{other:?}"),
        };
    let here = PostedIn {
        chat: ChatId(chat),
        kind: pollbot::app::ChatKind::Group,
        by_this_command: None,
    };
    let (origin, new_poll) = share::resolve_post(store, here, &code, now)
        .unwrap()
        .unwrap();
    let place = Place {
        chat: ChatId(chat),
        thread: None,
        kind: pollbot::app::ChatKind::Group,
        title: None,
    };
    let posted = pollbot::app::PostedPoll {
        message_id: MessageId(9),
        telegram_id: telegram_id.into(),
        option_persistent_ids: vec!["a".into(), "b".into()],
    };
    let command = (chat.abs() + 1, pollbot::store::Journal::default());
    share::create_copy(store, place, origin.id, new_poll, posted, now, command)
        .unwrap()
        .id
}

#[test]
fn a_moved_chats_campaigns_follow_it_both_ways() {
    const ELSEWHERE: i64 = -1_000_000_007_000;
    let store = pollbot::store::Store::temporary().unwrap();
    // A poll of the moving group shared elsewhere, and another chat's poll
    // copied into the moving group.
    let ours = store_poll(&store, OLD, "ours");
    let theirs = store_poll(&store, ELSEWHERE, "theirs");
    let copy_elsewhere = store_copy(&store, &ours, ELSEWHERE, "ours-copy");
    let copy_here = store_copy(&store, &theirs, OLD, "theirs-copy");
    let code = store.campaign(ours.id).unwrap().unwrap().code.unwrap();
    store
        .write(|changes| changes.note_chat_move(ChatId(OLD), ChatId(NEW)))
        .unwrap();
    let moves = store.complete_chat_moves().unwrap();
    assert_eq!(
        moves,
        [pollbot::store::ChatMove::Moved {
            from: ChatId(OLD),
            to: ChatId(NEW)
        }]
    );
    let (ours_now, copy_now) = (id(NEW, 1), id(NEW, 2));
    assert_eq!(copy_here, id(OLD, 2));
    assert_eq!(
        store.campaign(ours_now).unwrap().unwrap().copies,
        [copy_elsewhere]
    );
    assert_eq!(store.origin_of(copy_elsewhere).unwrap(), Some(ours_now));
    assert_eq!(store.share_record(&code).unwrap().unwrap().origin, ours_now);
    assert_eq!(
        store.campaign(theirs.id).unwrap().unwrap().copies,
        [copy_now]
    );
    assert_eq!(store.origin_of(copy_now).unwrap(), Some(theirs.id));
    assert!(store.campaign(id(OLD, 1)).unwrap().is_none());
    // Nothing left to do: the note is gone.
    assert!(store.complete_chat_moves().unwrap().is_empty());
}
