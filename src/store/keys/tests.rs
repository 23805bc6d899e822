//! Unit tests of `keys`.

use super::*;

#[test]
fn keys_sort_numerically_for_negative_and_positive_ids() {
    let p = |chat, n| {
        poll(PollId {
            chat,
            number: PollNumber(n),
        })
    };
    assert!(p(ChatId(-1001234567890), 2) < p(ChatId(-5), 1));
    assert!(p(ChatId(-5), 1) < p(ChatId(-5), 2));
    assert!(p(ChatId(-5), 2) < p(ChatId(7), 1));
    assert!(p(ChatId(7), 2) < p(ChatId(7), 10));
    assert!(message(ChatId(1), MessageId(-1)) < message(ChatId(1), MessageId(0)));
    assert!(message(ChatId(1), MessageId(9)) < message(ChatId(1), MessageId(10)));
}

#[test]
fn ranking_orders_by_approvals_then_message() {
    let id = PollId {
        chat: ChatId(-3),
        number: PollNumber(1),
    };
    assert!(
        ranking(id, 57, ChatId(-3), MessageId(900)) < ranking(id, 3, ChatId(-3), MessageId(10))
    );
    assert!(ranking(id, 3, ChatId(-3), MessageId(10)) < ranking(id, 3, ChatId(-3), MessageId(11)));
    assert_eq!(
        chat_and_message_of_ranking(&ranking(id, 3, ChatId(-1009), MessageId(4242))),
        (ChatId(-1009), MessageId(4242))
    );
}

#[test]
fn comments_of_two_chats_with_one_message_id_have_their_own_keys() {
    let id = PollId {
        chat: ChatId(-3),
        number: PollNumber(1),
    };
    assert_ne!(
        comment(id, ChatId(-3), MessageId(70)),
        comment(id, ChatId(-1009), MessageId(70))
    );
    assert!(comment(id, ChatId(-1009), MessageId(70)).starts_with(&comments_of_poll(id)));
    assert_ne!(
        ranking(id, 0, ChatId(-3), MessageId(70)),
        ranking(id, 0, ChatId(-1009), MessageId(70))
    );
    assert!(ranking(id, 0, ChatId(-1009), MessageId(70)).starts_with(&ranking_of_poll(id)));
}

#[test]
fn poll_ids_and_update_ids_round_trip() {
    let id = PollId {
        chat: ChatId(-1001234567890),
        number: PollNumber(42),
    };
    assert_eq!(poll_id_from_value(&poll_id_value(id)), id);
    assert_eq!(update_of_queued_command(&queued_command(98765)), 98765);
    assert!(answered(-7) < answered(7));
    assert_eq!(
        deadline_entry(&deadline(1_700_000_000, id)),
        (1_700_000_000, id)
    );
    assert!(deadline(-5, id) < deadline(3, id));
    assert!(indexes_built() < deadline(i64::MIN, id));
    assert_eq!(poll_of_to_announce(&to_announce(id)), id);
    assert!(voter_history(id, UserId(-5)) < voter_history(id, UserId(5)));
    assert_ne!(voter_history(id, UserId(5)), approver(id, UserId(5)));
    // The same layout as the ballot's, under another kind.
    assert_eq!(
        voter_history(id, UserId(5))[1..],
        ballot(id, UserId(5))[1..]
    );
    let copy = early_poll_message("5012", ChatId(-1005555555555), MessageId(70));
    assert!(copy.starts_with(&early_poll_messages("5012")));
    assert!(!copy.starts_with(&early_poll_messages("501")));
    assert_eq!(
        chat_and_message_of_early_poll_message(&copy),
        (ChatId(-1005555555555), MessageId(70))
    );
    let reply = early_reply("5012", ChatId(-1005555555555), MessageId(71));
    assert!(reply.starts_with(&early_replies("5012")));
    assert!(!reply.starts_with(&early_replies("501")));
    assert_eq!(
        chat_and_message_of_early_reply(&reply),
        (ChatId(-1005555555555), MessageId(71))
    );
}
