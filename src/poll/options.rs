//! Options members add to an open poll, and options deleted from it.
//!
//! A poll's options keep one *stable index* each for its whole life: the
//! options it was posted with are `0..n`, and each option added later
//! (Telegram's `poll_option_added`) takes the next index. Ballots hold
//! stable indexes, so adding or deleting an option never shifts anyone's
//! vote. A deleted option keeps its index and its ballots, but is out of
//! the tally.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Ballot, Person, Poll};

/// A ballot holds stable indexes as bytes: a poll keeps at most this many
/// options, posted and added together. Telegram allows 12 at a time, so
/// only a poll whose members add and delete options hundreds of times
/// reaches it; further options are not kept (their votes are invalid).
pub const MAX_STABLE_OPTIONS: usize = 255;

/// What an option is called until Telegram tells its text (a vote for it
/// arrived before the message that it was added).
pub const UNNAMED_OPTION: &str = "…";

/// An option a member added after the poll was posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedOption {
    /// Telegram's persistent id of the option.
    pub persistent_id: String,
    /// Its text; `None` until Telegram tells it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Who added it, if Telegram said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_by: Option<Person>,
    /// When it was added, if Telegram said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_at: Option<DateTime<Utc>>,
}

/// An option as Telegram shows it in a poll or a service message: what the
/// bot may learn about an added option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenOption {
    pub persistent_id: String,
    pub text: Option<String>,
    #[serde(default)]
    pub added_by: Option<Person>,
    #[serde(default)]
    pub added_at: Option<DateTime<Utc>>,
}

/// What learning an option did to a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionLearnt {
    /// A new option, at this stable index.
    New(u8),
    /// A known option that now has more of its facts (its text, who added
    /// it, when).
    Completed(u8),
    /// Known already, nothing new.
    Known(u8),
    /// The poll keeps [`MAX_STABLE_OPTIONS`] options already.
    Full,
}

impl OptionLearnt {
    /// The option's stable index, unless the poll is full.
    pub fn index(self) -> Option<u8> {
        match self {
            OptionLearnt::New(i) | OptionLearnt::Completed(i) | OptionLearnt::Known(i) => Some(i),
            OptionLearnt::Full => None,
        }
    }

    /// Whether the poll changed and must be saved.
    pub fn changed(self) -> bool {
        matches!(self, OptionLearnt::New(_) | OptionLearnt::Completed(_))
    }
}

/// One option of a poll as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOptionView<'a> {
    /// The stable index, as ballots hold it.
    pub index: u8,
    pub text: &'a str,
    /// `None` for the options the poll was posted with.
    pub added: Option<&'a AddedOption>,
    pub deleted: bool,
}

impl Poll {
    /// How many options the poll has had: posted, added and deleted.
    pub fn option_count(&self) -> usize {
        self.options.len() + self.features.added_options.len()
    }

    /// Whether Telegram gave the options persistent ids, so votes can be
    /// read by them.
    pub fn has_persistent_ids(&self) -> bool {
        !self.features.option_persistent_ids.is_empty()
    }

    /// Whether options members add are kept: only a public poll posted with
    /// persistent ids can tell them apart (an anonymous poll's voters are
    /// not known, so neither is who added what).
    pub fn takes_added_options(&self) -> bool {
        self.has_persistent_ids() && !self.anonymous
    }

    /// The stable index of the option with this persistent id.
    pub fn option_index(&self, persistent_id: &str) -> Option<u8> {
        let posted = &self.features.option_persistent_ids;
        let index = match posted.iter().position(|p| p == persistent_id) {
            Some(i) => i,
            None => {
                let added = self.features.added_options.iter();
                self.options.len()
                    + added
                        .take_while(|a| a.persistent_id != persistent_id)
                        .count()
            }
        };
        (index < self.option_count())
            .then(|| u8::try_from(index).ok())
            .flatten()
    }

    /// The option at a stable index; `None` past the last one.
    pub fn option(&self, index: u8) -> Option<PollOptionView<'_>> {
        let i = usize::from(index);
        let deleted = self.is_deleted(index);
        if let Some(posted) = self.options.get(i) {
            return Some(PollOptionView {
                index,
                text: posted.as_str(),
                added: None,
                deleted,
            });
        }
        let added = self.features.added_options.get(i - self.options.len())?;
        Some(PollOptionView {
            index,
            text: added.text.as_deref().unwrap_or(UNNAMED_OPTION),
            added: Some(added),
            deleted,
        })
    }

    /// The text of the option at a stable index (`…` while unnamed).
    pub fn option_text(&self, index: u8) -> Option<&str> {
        self.option(index).map(|o| o.text)
    }

    pub fn is_deleted(&self, index: u8) -> bool {
        self.features.deleted_options.contains(&index)
    }

    /// Every option the poll has had, deleted ones included, by stable index.
    pub fn all_options(&self) -> impl Iterator<Item = PollOptionView<'_>> {
        (0..self.option_count()).filter_map(|i| self.option(i as u8))
    }

    /// The options the tally shows: all but the deleted ones.
    pub fn shown_options(&self) -> impl Iterator<Item = PollOptionView<'_>> {
        self.all_options().filter(|o| !o.deleted)
    }

    /// Takes what Telegram shows of an option: a new option gets the next
    /// stable index; a known one gets the facts it lacked.
    pub fn learn_option(&mut self, seen: &SeenOption) -> OptionLearnt {
        if let Some(index) = self.option_index(&seen.persistent_id) {
            let posted = self.options.len();
            let Some(added) = usize::from(index)
                .checked_sub(posted)
                .and_then(|i| self.features.added_options.get_mut(i))
            else {
                return OptionLearnt::Known(index);
            };
            let mut completed = false;
            if added.text.is_none() && seen.text.is_some() {
                added.text.clone_from(&seen.text);
                completed = true;
            }
            if added.added_by.is_none() && seen.added_by.is_some() {
                added.added_by.clone_from(&seen.added_by);
                completed = true;
            }
            if added.added_at.is_none() && seen.added_at.is_some() {
                added.added_at = seen.added_at;
                completed = true;
            }
            return if completed {
                OptionLearnt::Completed(index)
            } else {
                OptionLearnt::Known(index)
            };
        }
        if self.option_count() >= MAX_STABLE_OPTIONS {
            return OptionLearnt::Full;
        }
        let index = self.option_count() as u8;
        self.features.added_options.push(AddedOption {
            persistent_id: seen.persistent_id.clone(),
            text: seen.text.clone(),
            added_by: seen.added_by.clone(),
            added_at: seen.added_at,
        });
        OptionLearnt::New(index)
    }

    /// Marks an option deleted; `false` if it was already.
    pub fn delete_option(&mut self, index: u8) -> bool {
        if self.is_deleted(index) || usize::from(index) >= self.option_count() {
            return false;
        }
        self.features.deleted_options.push(index);
        self.features.deleted_options.sort_unstable();
        true
    }

    /// The options of a ballot that the tally counts: those not deleted.
    /// Empty when every option the voter chose was deleted.
    pub fn counted_part(&self, ballot: &Ballot) -> Vec<u8> {
        let kept = ballot
            .options
            .iter()
            .copied()
            .filter(|&o| !self.is_deleted(o));
        // A ranked ballot counts in the tally for its first preference
        // alone; its whole ranking is counted by `poll::ranked`.
        match self.features.ballot {
            super::BallotKind::Ranked => kept.take(1).collect(),
            _ => kept.collect(),
        }
    }

    /// The ballot as the tally counts it: its options not deleted; `None`
    /// when none is left, since then the voter no longer counts as one.
    pub fn counted_ballot(&self, mut ballot: Ballot) -> Option<Ballot> {
        ballot.options = self.counted_part(&ballot);
        (!ballot.is_withdrawal()).then_some(ballot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{ChatId, MessageId, UserId};
    use crate::poll::{PollFeatures, PollId, PollNumber, PollOptions, PollQuestion, PollState};

    fn poll() -> Poll {
        Poll {
            id: PollId {
                chat: ChatId(-1),
                number: PollNumber(1),
            },
            question: PollQuestion::parse("Lunch?").unwrap(),
            options: PollOptions::parse(&["Soup", "Salad"]).unwrap(),
            multiple: false,
            anonymous: false,
            created_at: Utc::now(),
            deadline: None,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: MessageId(1),
            telegram_id: "p".into(),
            thread: None,
            features: PollFeatures {
                open: true,
                option_persistent_ids: vec!["s".into(), "l".into()],
                ..PollFeatures::default()
            },
        }
    }

    fn seen(id: &str, text: Option<&str>) -> SeenOption {
        SeenOption {
            persistent_id: id.into(),
            text: text.map(str::to_owned),
            added_by: None,
            added_at: None,
        }
    }

    #[test]
    fn added_options_take_the_next_stable_index_and_keep_it() {
        let mut p = poll();
        assert_eq!(p.learn_option(&seen("n", None)), OptionLearnt::New(2));
        assert_eq!(p.option_text(2), Some(UNNAMED_OPTION));
        assert_eq!(
            p.learn_option(&seen("n", Some("Noodles"))),
            OptionLearnt::Completed(2)
        );
        assert_eq!(
            p.learn_option(&seen("n", Some("Other"))),
            OptionLearnt::Known(2)
        );
        assert_eq!(
            p.learn_option(&seen("s", Some("Soup"))),
            OptionLearnt::Known(0)
        );
        assert_eq!(
            p.learn_option(&seen("r", Some("Rice"))),
            OptionLearnt::New(3)
        );
        assert_eq!(
            (
                p.option_index("l"),
                p.option_index("r"),
                p.option_index("x")
            ),
            (Some(1), Some(3), None)
        );
        // Deleting one shifts nothing.
        assert!(p.delete_option(0));
        assert!(!p.delete_option(0));
        assert!(!p.delete_option(9));
        assert_eq!(p.option_index("r"), Some(3));
        let shown: Vec<&str> = p.shown_options().map(|o| o.text).collect();
        assert_eq!(shown, ["Salad", "Noodles", "Rice"]);
        assert_eq!(p.all_options().count(), 4);
        let ballot = Ballot::new(
            Person {
                id: UserId(1),
                name: "A".into(),
            },
            &[0, 3],
            4,
            true,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(p.counted_part(&ballot), [3]);
        assert_eq!(p.counted_ballot(ballot.clone()).unwrap().options, [3]);
        // A voter whose only choice was deleted no longer counts.
        let only_deleted = Ballot {
            options: vec![0],
            ..ballot.clone()
        };
        assert_eq!(p.counted_ballot(only_deleted), None);
        // Stored and read back.
        let back: Poll = serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn a_poll_keeps_at_most_255_options() {
        let mut p = poll();
        for i in 2..MAX_STABLE_OPTIONS {
            assert_eq!(
                p.learn_option(&seen(&format!("a{i}"), Some("x"))),
                OptionLearnt::New(i as u8)
            );
        }
        assert_eq!(p.learn_option(&seen("last", None)), OptionLearnt::Full);
        assert_eq!(p.option_index("last"), None);
        assert_eq!(p.option_count(), MAX_STABLE_OPTIONS);
    }
}
