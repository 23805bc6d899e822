//! One poll in several chats: the share code another chat posts it with,
//! and how the chats' votes combine.
//!
//! A campaign is an origin poll and its copies, each a poll of its own chat
//! (with its own number, ballots, comments and tally). The combined tally
//! counts a person once: someone who voted in two chats counts with their
//! latest vote, in the chat where they cast it. Anonymous copies report only
//! counts, which are added as they are: nobody can tell whether their voters
//! also voted elsewhere.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Ballot, PollId, Tally};

/// The characters a share code is made of: no `0`/`O`, no `1`/`I`, so that
/// a code read aloud or copied by hand comes out right. 32 characters, five
/// bits each.
pub const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters in a code (shown as two groups of four): 40 random bits.
pub const CODE_CHARS: usize = 8;
/// Random bytes that make one code (8 characters of 5 bits).
pub const CODE_RANDOM_BYTES: usize = 5;

/// A share code, `J7QK2MXA`, shown as `J7QK-2MXA`; valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShareCode(String);

/// Why a text is not a share code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareCodeError {
    /// Not eight characters of the code alphabet (dashes and spaces aside).
    #[error("{0:?} is not a share code")]
    Malformed(String),
}

impl ShareCode {
    /// The code made of 40 random bits (from the operating system's CSPRNG).
    pub fn from_random(bytes: [u8; CODE_RANDOM_BYTES]) -> Self {
        let mut bits = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let mut code = vec![0u8; CODE_CHARS];
        for slot in code.iter_mut().rev() {
            *slot = CODE_ALPHABET[(bits & 31) as usize];
            bits >>= 5;
        }
        Self(String::from_utf8(code).expect("the alphabet is ASCII"))
    }

    /// Reads a code as a person may type it: any case, with or without the
    /// dash or spaces.
    pub fn parse(text: &str) -> Result<Self, ShareCodeError> {
        let code: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '–' | '—'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = code.len() == CODE_CHARS && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
        if !valid {
            return Err(ShareCodeError::Malformed(text.to_owned()));
        }
        Ok(Self(code))
    }

    /// The eight characters, no dash (how it is stored).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ShareCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", &self.0[..4], &self.0[4..])
    }
}

impl TryFrom<String> for ShareCode {
    type Error = ShareCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ShareCode> for String {
    fn from(value: ShareCode) -> Self {
        value.0
    }
}

/// What a share code opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRecord {
    pub origin: PollId,
    /// `/share N off` was used: the code no longer works.
    pub revoked: bool,
    pub created_at: DateTime<Utc>,
}

/// An origin poll's campaign: its code and the copies other chats posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// The code that works now, if any.
    pub code: Option<ShareCode>,
    /// The copies, in the order they were posted.
    pub copies: Vec<PollId>,
}

impl Campaign {
    /// Every poll of the campaign: the origin first, then the copies.
    pub fn members(&self, origin: PollId) -> Vec<PollId> {
        std::iter::once(origin)
            .chain(self.copies.iter().copied())
            .collect()
    }
}

/// One chat's poll in a campaign, as the combination needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberTally {
    pub poll: PollId,
    /// Telegram reports only counts (a channel's copy, or `--anonymous`).
    pub anonymous: bool,
    /// The votes cast in this chat.
    pub tally: Tally,
}

/// The campaign's tally: every person once, each chat's part of every option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combined {
    /// Votes per option over all chats.
    pub counts: Vec<u64>,
    /// People over all chats (anonymous copies' voters added as reported).
    pub voters: u64,
    /// `parts[m][o]`: the votes for option `o` counted in member `m` (where
    /// the counted vote was cast); they add up to `counts`.
    pub parts: Vec<Vec<u64>>,
    /// People who voted in more than one of the public chats.
    pub in_several_chats: u64,
}

/// Combines the members' votes. `ballots[m]` yields member `m`'s ballots
/// (nothing for an anonymous member) in ascending user order — the order
/// the store keeps them in — so that the chats are merged like sorted lists,
/// with memory for one ballot per chat, however many votes there are.
/// A person found in several chats counts once, with their latest vote (a
/// tie in time goes to the chat that joined later).
///
/// Ballots come as their own chat's tally counts them
/// ([`Poll::counted_ballot`](super::Poll::counted_ballot): without the
/// options deleted there, and none at all when nothing is left), so that
/// the combination counts what the chats count.
pub fn combine<I>(members: &[MemberTally], option_count: usize, mut ballots: Vec<I>) -> Combined
where
    I: Iterator<Item = Ballot>,
{
    assert_eq!(ballots.len(), members.len(), "one ballot source per member");
    let mut parts = vec![vec![0u64; option_count]; members.len()];
    let mut voters = 0u64;
    let mut in_several_chats = 0u64;
    for (m, member) in members.iter().enumerate() {
        if member.anonymous {
            for (part, &count) in parts[m].iter_mut().zip(&member.tally.counts) {
                *part += count;
            }
            voters += member.tally.voters;
        }
    }
    let mut heads: Vec<Option<Ballot>> = ballots.iter_mut().map(Iterator::next).collect();
    while let Some(user) = heads.iter().flatten().map(|b| b.voter.id).min() {
        let of_user: Vec<Option<&Ballot>> = heads
            .iter()
            .map(|head| head.as_ref().filter(|b| b.voter.id == user))
            .collect();
        let chats = of_user.iter().flatten().count();
        if let Some(m) = counted_member(&of_user) {
            let ballot = heads[m].as_ref().expect("the head just read");
            for &o in &ballot.options {
                if let Some(part) = parts[m].get_mut(usize::from(o)) {
                    *part += 1;
                }
            }
            voters += 1;
        }
        if chats > 1 {
            in_several_chats += 1;
        }
        for (head, iter) in heads.iter_mut().zip(ballots.iter_mut()) {
            if head.as_ref().is_some_and(|b| b.voter.id == user) {
                *head = iter.next();
            }
        }
    }
    let counts = (0..option_count)
        .map(|o| parts.iter().map(|p| p[o]).sum())
        .collect();
    Combined {
        counts,
        voters,
        parts,
        in_several_chats,
    }
}

/// Which of one person's ballots (one per member, `None` where they did
/// not vote) counts in the combined tally: the latest; a tie in time goes to
/// the later member (the chat that joined later).
pub fn counted_member(ballots: &[Option<&Ballot>]) -> Option<usize> {
    let mut latest: Option<(usize, DateTime<Utc>)> = None;
    for (m, ballot) in ballots.iter().enumerate() {
        let Some(ballot) = ballot.filter(|b| !b.is_withdrawal()) else {
            continue;
        };
        if latest.is_none_or(|(_, at)| ballot.voted_at >= at) {
            latest = Some((m, ballot.voted_at));
        }
    }
    latest.map(|(m, _)| m)
}

/// What of a chat's tally the combined tally depends on: when it changes,
/// a vote was recorded there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotePrint {
    pub counts: Vec<u64>,
    pub voters: u64,
    pub changers: u64,
    pub withdrawals: u64,
    pub first_vote_at: Option<DateTime<Utc>>,
    pub last_vote_at: Option<DateTime<Utc>>,
}

impl VotePrint {
    pub fn of(tally: &Tally) -> Self {
        Self {
            counts: tally.counts.clone(),
            voters: tally.voters,
            changers: tally.changers,
            withdrawals: tally.withdrawals,
            first_vote_at: tally.first_vote_at,
            last_vote_at: tally.last_vote_at,
        }
    }
}

/// The public chats' part of a combined tally, kept up to date vote by vote
/// so that results need not read every ballot. It is good only while each
/// public chat's tally still has the print it had when the record was last
/// brought up to date (`seen`); otherwise it is built again from the ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CombinedRecord {
    /// Per member: the print of its tally (`None` for an anonymous member).
    pub seen: Vec<Option<VotePrint>>,
    /// Per member, per option: votes counted there (zero for anonymous
    /// members, whose counts are read from their tallies).
    pub parts: Vec<Vec<u64>>,
    /// People in the public chats, each once.
    pub voters: u64,
    pub in_several_chats: u64,
}

impl CombinedRecord {
    /// The record of a combination made from every ballot.
    pub fn from_combined(members: &[MemberTally], combined: &Combined) -> Self {
        let mut parts = combined.parts.clone();
        let mut voters = combined.voters;
        for (m, member) in members.iter().enumerate() {
            if member.anonymous {
                parts[m].iter_mut().for_each(|p| *p = 0);
                voters -= member.tally.voters;
            }
        }
        Self {
            seen: members
                .iter()
                .map(|m| (!m.anonymous).then(|| VotePrint::of(&m.tally)))
                .collect(),
            parts,
            voters,
            in_several_chats: combined.in_several_chats,
        }
    }

    /// The combined tally, if the record is still good for these members.
    pub fn combined(&self, members: &[MemberTally]) -> Option<Combined> {
        if self.seen.len() != members.len() {
            return None;
        }
        for (seen, member) in self.seen.iter().zip(members) {
            let good = match (seen, member.anonymous) {
                (Some(print), false) => *print == VotePrint::of(&member.tally),
                (None, true) => true,
                _ => false,
            };
            if !good {
                return None;
            }
        }
        let mut parts = self.parts.clone();
        let mut voters = self.voters;
        for (m, member) in members.iter().enumerate() {
            if member.anonymous {
                for (part, &count) in parts[m].iter_mut().zip(&member.tally.counts) {
                    *part = count;
                }
                voters += member.tally.voters;
            }
        }
        let option_count = parts.first().map_or(0, Vec::len);
        let counts = (0..option_count)
            .map(|o| parts.iter().map(|p| p[o]).sum())
            .collect();
        Some(Combined {
            counts,
            voters,
            parts,
            in_several_chats: self.in_several_chats,
        })
    }

    /// Follows one person's vote in member `m`: `before` and `after` are
    /// their ballots in every member (one per member) around it, as each
    /// member counts them (see [`combine`]); `print` is
    /// member `m`'s tally print after it. `false` when the record was not
    /// up to date with member `m` before the vote (`print_before`): then it
    /// must be built again.
    pub fn follow(
        &mut self,
        m: usize,
        print_before: &VotePrint,
        before: &[Option<&Ballot>],
        after: &[Option<&Ballot>],
        print: VotePrint,
    ) -> bool {
        if self.seen.get(m) != Some(&Some(print_before.clone())) {
            return false;
        }
        let count = |ballots: &[Option<&Ballot>], sign: i64, parts: &mut Vec<Vec<u64>>| {
            let Some(c) = counted_member(ballots) else {
                return 0i64;
            };
            for &o in &ballots[c].expect("the counted ballot").options {
                if let Some(part) = parts[c].get_mut(usize::from(o)) {
                    *part = part.saturating_add_signed(sign);
                }
            }
            sign
        };
        let removed = count(before, -1, &mut self.parts);
        let added = count(after, 1, &mut self.parts);
        self.voters = self.voters.saturating_add_signed(removed + added);
        let several = |ballots: &[Option<&Ballot>]| i64::from(ballots.iter().flatten().count() > 1);
        self.in_several_chats = self
            .in_several_chats
            .saturating_add_signed(several(after) - several(before));
        self.seen[m] = Some(print);
        true
    }
}

#[cfg(test)]
mod tests;
