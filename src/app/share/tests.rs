//! Unit tests of `share`.

use super::*;
use crate::app::command::{self, Command, Parsed};
use crate::poll::MessageId;
use crate::poll::PollState;

fn store_with_poll(text: &str) -> (Store, Poll) {
    let store = Store::temporary().unwrap();
    let new_poll = match command::parse(text, None, Utc::now()) {
        Parsed::Command(Command::NewPoll(p)) => *p,
        other => panic!("{other:?}"),
    };
    let posted = PostedPoll {
        message_id: MessageId(5),
        telegram_id: "origin".into(),
        option_persistent_ids: vec!["a".into(), "b".into()],
    };
    let place = Place {
        chat: ChatId(-100),
        thread: None,
        kind: crate::app::ChatKind::Group,
        title: Some("City chat".into()),
    };
    let poll = crate::app::create_poll(
        &store,
        place,
        new_poll,
        posted,
        Utc::now(),
        (1, Journal::default()),
    )
    .unwrap();
    (store, poll)
}

fn group(chat: ChatId, by_this_command: Option<PollId>) -> PostedIn {
    PostedIn {
        chat,
        kind: crate::app::ChatKind::Group,
        by_this_command,
    }
}

fn code_of(reply: ShareReply) -> ShareCode {
    match reply {
        ShareReply::Code { code, .. } => code,
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_reply_reads_in_every_language() {
    let code = ShareCode::parse("J7QK-2MXA").unwrap();
    let n = PollNumber(3);
    let replies = [
        ShareReply::Code {
            number: n,
            code: code.clone(),
        },
        ShareReply::Revoked {
            number: n,
            code: code.clone(),
        },
        ShareReply::NoCode(n),
        ShareReply::Closed(n),
        ShareReply::IsCopy(n),
        ShareReply::UnknownCode(code.clone()),
        ShareReply::RevokedCode(code.clone()),
        ShareReply::ExpiredCode(code.clone()),
        ShareReply::AlreadyHere(n),
        ShareReply::Posted {
            number: n,
            origin_number: PollNumber(7),
            origin_title: None,
            bot_is_admin: false,
        },
    ];
    for language in Language::ALL {
        for reply in &replies {
            let text = reply.text(language);
            assert!(!text.contains('{') && !text.contains("share-"), "{text}");
            let names_poll = text.contains("#3") || text.contains("J7QK-2MXA");
            assert!(names_poll, "{language:?}: {text}");
        }
        let code_text = replies[0].text(language);
        assert!(code_text.contains("/post J7QK-2MXA"), "{code_text}");
        assert!(code_text.contains("/share 3 off"), "{code_text}");
    }
    assert_eq!(
        replies[9].text(Language::English),
        "Poll #3 is open: a copy of poll #7 from another chat. Votes here count in the \
         combined results; /results 3 shows them.\n"
            .to_owned()
            + &i18n::text(Language::English, "warning-not-admin")
    );
}

#[test]
fn a_code_is_given_once_revoked_and_renewed() {
    let (store, poll) = store_with_poll("/newpoll --until 7d --hidden Q? | A | B");
    let now = Utc::now();
    let code = code_of(share(&store, &poll, ShareAction::Give, now).unwrap());
    assert_eq!(
        code_of(share(&store, &poll, ShareAction::Give, now).unwrap()),
        code
    );
    assert_eq!(
        share(&store, &poll, ShareAction::Revoke, now).unwrap(),
        ShareReply::Revoked {
            number: PollNumber(1),
            code: code.clone()
        }
    );
    assert_eq!(
        share(&store, &poll, ShareAction::Revoke, now).unwrap(),
        ShareReply::NoCode(PollNumber(1))
    );
    assert_eq!(
        resolve_post(&store, group(ChatId(-200), None), &code, now)
            .unwrap()
            .err(),
        Some(ShareReply::RevokedCode(code.clone()))
    );
    let renewed = code_of(share(&store, &poll, ShareAction::Give, now).unwrap());
    assert_ne!(renewed, code);
    let (origin, new_poll) = resolve_post(&store, group(ChatId(-200), None), &renewed, now)
        .unwrap()
        .unwrap();
    assert_eq!(origin.id, poll.id);
    assert_eq!(new_poll.question, poll.question);
    assert!(new_poll.features.hidden);
    assert_eq!(
        new_poll.features,
        crate::poll::PollFeatures {
            hidden: true,
            ..Default::default()
        }
    );
    assert_eq!(new_poll.deadline.map(|d| d.at()), poll.deadline);
    // The origin chat itself has it already.
    assert_eq!(
        resolve_post(&store, group(ChatId(-100), None), &renewed, now)
            .unwrap()
            .err(),
        Some(ShareReply::AlreadyHere(PollNumber(1)))
    );
    let unknown = ShareCode::parse("2222-2222").unwrap();
    assert_eq!(
        resolve_post(&store, group(ChatId(-200), None), &unknown, now)
            .unwrap()
            .err(),
        Some(ShareReply::UnknownCode(unknown))
    );
}

#[test]
fn a_copy_joins_once_per_chat_and_a_closed_poll_expires_its_code() {
    let (store, poll) = store_with_poll("/newpoll Q? | A | B");
    let now = Utc::now();
    let code = code_of(share(&store, &poll, ShareAction::Give, now).unwrap());
    let (origin, new_poll) = resolve_post(&store, group(ChatId(-200), None), &code, now)
        .unwrap()
        .unwrap();
    let place = Place {
        chat: ChatId(-200),
        thread: None,
        kind: crate::app::ChatKind::Channel,
        title: Some("News".into()),
    };
    let posted = PostedPoll {
        message_id: MessageId(9),
        telegram_id: "copy".into(),
        option_persistent_ids: Vec::new(),
    };
    let copy = create_copy(
        &store,
        place,
        origin.id,
        new_poll,
        posted,
        now,
        (2, Journal::default()),
    )
    .unwrap();
    assert!(copy.anonymous, "a channel's copy is anonymous");
    assert_eq!(store.origin_of(copy.id).unwrap(), Some(poll.id));
    assert_eq!(
        resolve_post(&store, group(ChatId(-200), None), &code, now)
            .unwrap()
            .err(),
        Some(ShareReply::AlreadyHere(copy.id.number))
    );
    // The command that posted it, retried, is not refused.
    assert!(
        resolve_post(&store, group(ChatId(-200), Some(copy.id)), &code, now)
            .unwrap()
            .is_ok()
    );
    assert_eq!(
        share(&store, &copy, ShareAction::Give, now).unwrap(),
        ShareReply::IsCopy(copy.id.number)
    );
    assert_eq!(open_copies(&store, poll.id).unwrap().len(), 1);
    crate::app::close_poll(&store, &poll, None, now).unwrap();
    let closed = store.poll(poll.id).unwrap().unwrap();
    assert_eq!(closed.state, PollState::Closed);
    assert_eq!(
        resolve_post(&store, group(ChatId(-300), None), &code, now)
            .unwrap()
            .err(),
        Some(ShareReply::ExpiredCode(code))
    );
    assert_eq!(
        share(&store, &closed, ShareAction::Give, now).unwrap(),
        ShareReply::Closed(PollNumber(1))
    );
    assert_eq!(quoted_code("x".repeat(25).as_str()).chars().count(), 21);
}

#[test]
fn a_code_is_never_posted_in_a_private_chat() {
    let (store, poll) = store_with_poll("/newpoll --hidden Q? | A | B");
    let now = Utc::now();
    let code = code_of(share(&store, &poll, ShareAction::Give, now).unwrap());
    let private = PostedIn {
        chat: ChatId(42),
        kind: crate::app::ChatKind::Private,
        by_this_command: None,
    };
    assert_eq!(
        resolve_post(&store, private, &code, now).unwrap().err(),
        Some(ShareReply::PrivateChat)
    );
    for language in Language::ALL {
        let text = ShareReply::PrivateChat.text(language);
        assert!(text.contains("/post") && !text.contains('{'), "{text}");
    }
}

#[test]
fn a_poll_is_posted_in_at_most_twenty_other_chats() {
    let (store, poll) = store_with_poll("/newpoll Q? | A | B");
    let now = Utc::now();
    let code = code_of(share(&store, &poll, ShareAction::Give, now).unwrap());
    for i in 0..MAX_COPIES {
        let chat = -1000 - i as i64;
        let (origin, new_poll) = resolve_post(&store, group(ChatId(chat), None), &code, now)
            .unwrap()
            .unwrap();
        let place = Place {
            chat: ChatId(chat),
            thread: None,
            kind: crate::app::ChatKind::Group,
            title: None,
        };
        let posted = PostedPoll {
            message_id: MessageId(9),
            telegram_id: format!("copy{i}"),
            option_persistent_ids: Vec::new(),
        };
        let command = (100 + i as i64, Journal::default());
        create_copy(&store, place, origin.id, new_poll, posted, now, command).unwrap();
    }
    assert_eq!(
        resolve_post(&store, group(ChatId(-5000), None), &code, now)
            .unwrap()
            .err(),
        Some(ShareReply::TooManyCopies(code.clone()))
    );
    // A chat that has its copy is told so, not that the poll is full.
    assert_eq!(
        resolve_post(&store, group(ChatId(-1000), None), &code, now)
            .unwrap()
            .err(),
        Some(ShareReply::AlreadyHere(PollNumber(1)))
    );
    let text = ShareReply::TooManyCopies(code).text(Language::English);
    assert!(text.contains("20"), "{text}");
}
