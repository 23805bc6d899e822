//! What a vote does to a poll, decided before anything is stored: the
//! store applies the verdict.

use super::{Poll, SeenOption};

/// The verdict on a voter's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteVerdict {
    /// A ballot for these stable option indexes (none: withdrawn).
    /// `learnt`: the poll learnt an option from it (an `--open` poll), and
    /// must be saved with the ballot.
    Count { indexes: Vec<u32>, learnt: bool },
    /// An anonymous poll: Telegram sends only counts for those.
    Anonymous,
    /// A closed poll's results are final: a vote that arrives after the
    /// close (cast just before it, delivered after) changes nothing.
    AfterClose,
    /// Options the poll does not have.
    Invalid,
}

/// Judges an answer to `poll`, given by position (as the voter saw the
/// poll) and by persistent id (Bot API 9.6 and later). Options are read by
/// persistent id when the poll and the answer have them, since positions
/// shift when options are added or deleted; an option the bot has not
/// heard of is learnt, unnamed, only by an `--open` poll.
pub fn judge_vote(poll: &mut Poll, positions: &[u32], persistent_ids: &[String]) -> VoteVerdict {
    if poll.anonymous {
        return VoteVerdict::Anonymous;
    }
    if !poll.is_open() {
        return VoteVerdict::AfterClose;
    }
    let by_persistent_id = poll.has_persistent_ids() && persistent_ids.len() == positions.len();
    if !by_persistent_id {
        return VoteVerdict::Count {
            indexes: positions.to_vec(),
            learnt: false,
        };
    }
    let mut indexes = Vec::with_capacity(persistent_ids.len());
    let mut learnt = false;
    for persistent_id in persistent_ids {
        if let Some(index) = poll.option_index(persistent_id) {
            indexes.push(u32::from(index));
            continue;
        }
        // Only an `--open` poll gets options after it was posted.
        if !poll.features.open {
            return VoteVerdict::Invalid;
        }
        let seen = SeenOption {
            persistent_id: persistent_id.clone(),
            text: None,
            added_by: None,
            added_at: None,
        };
        let Some(index) = poll.learn_option(&seen).index() else {
            return VoteVerdict::Invalid;
        };
        learnt = true;
        indexes.push(u32::from(index));
    }
    VoteVerdict::Count { indexes, learnt }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{ChatId, MessageId};
    use crate::poll::{PollFeatures, PollId, PollNumber, PollOptions, PollQuestion, PollState};

    fn poll(open: bool) -> Poll {
        Poll {
            id: PollId {
                chat: ChatId(-100),
                number: PollNumber(1),
            },
            question: PollQuestion::parse("Q?").unwrap(),
            options: PollOptions::parse(&["A", "B"]).unwrap(),
            multiple: false,
            anonymous: false,
            created_at: chrono::Utc::now(),
            deadline: None,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: MessageId(5),
            telegram_id: "p".into(),
            thread: None,
            features: PollFeatures {
                open,
                option_persistent_ids: vec!["a".into(), "b".into()],
                ..PollFeatures::default()
            },
        }
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_are_read_by_persistent_id_not_by_position() {
        // Option "a" was deleted: "b" is at position 0 now.
        let mut p = poll(false);
        assert_eq!(
            judge_vote(&mut p, &[0], &ids(&["b"])),
            VoteVerdict::Count {
                indexes: vec![1],
                learnt: false
            }
        );
        // Without persistent ids, positions are all there is.
        assert_eq!(
            judge_vote(&mut p, &[0], &[]),
            VoteVerdict::Count {
                indexes: vec![0],
                learnt: false
            }
        );
        // A withdrawal.
        assert_eq!(
            judge_vote(&mut p, &[], &[]),
            VoteVerdict::Count {
                indexes: vec![],
                learnt: false
            }
        );
    }

    #[test]
    fn only_an_open_poll_learns_an_option_from_a_vote() {
        let mut closed_to_new = poll(false);
        assert_eq!(
            judge_vote(&mut closed_to_new, &[2], &ids(&["new"])),
            VoteVerdict::Invalid
        );
        let mut open = poll(true);
        assert_eq!(
            judge_vote(&mut open, &[2], &ids(&["new"])),
            VoteVerdict::Count {
                indexes: vec![2],
                learnt: true
            }
        );
        // Known now: the next vote for it learns nothing.
        assert_eq!(
            judge_vote(&mut open, &[2], &ids(&["new"])),
            VoteVerdict::Count {
                indexes: vec![2],
                learnt: false
            }
        );
    }

    #[test]
    fn added_options_and_forwarded_copies_count_only_where_they_can() {
        let mut p = poll(true);
        assert!(p.takes_added_options());
        p.anonymous = true;
        assert!(
            !p.takes_added_options(),
            "nobody is known in an anonymous poll"
        );
        let mut unnamed = poll(true);
        unnamed.features.option_persistent_ids.clear();
        assert!(
            !unnamed.takes_added_options(),
            "options cannot be told apart"
        );
        // A copy forwarded from the poll's own channel, not from another.
        assert!(p.takes_copy_from(ChatId(-100)));
        assert!(!p.takes_copy_from(ChatId(-200)));
    }

    #[test]
    fn anonymous_and_closed_polls_take_no_ballot() {
        let mut anonymous = poll(false);
        anonymous.anonymous = true;
        assert_eq!(
            judge_vote(&mut anonymous, &[0], &[]),
            VoteVerdict::Anonymous
        );
        let mut closed = poll(false);
        closed.state = PollState::Closed;
        assert_eq!(judge_vote(&mut closed, &[0], &[]), VoteVerdict::AfterClose);
    }
}
