//! Who could vote and who did: the chat's member count read when a poll is
//! posted and when it closes, and the quorum a poll may require.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Share, shares_of_voters};

/// Whom a chat's member count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// A group's members.
    Members,
    /// A channel's subscribers.
    Subscribers,
}

/// A chat's member count as Telegram gave it, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCount {
    pub count: u64,
    pub audience: Audience,
    pub read_at: DateTime<Utc>,
}

/// When a member count was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnoutStage {
    Posted,
    Closed,
}

/// A poll's member counts (none in a private chat, or when Telegram would
/// not tell).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turnout {
    pub posted: Option<MemberCount>,
    pub closed: Option<MemberCount>,
}

impl Turnout {
    /// Keeps `count` as the one read at `stage`.
    pub fn record(&mut self, stage: TurnoutStage, count: MemberCount) {
        match stage {
            TurnoutStage::Posted => self.posted = Some(count),
            TurnoutStage::Closed => self.closed = Some(count),
        }
    }

    /// The count results show: the one read at close, else at posting.
    pub fn latest(&self) -> Option<MemberCount> {
        self.closed.or(self.posted)
    }

    /// `voters` as a share of the latest count; `None` without a count or
    /// when the chat had no members (a count of 0).
    pub fn share(&self, voters: u64) -> Option<(MemberCount, Share)> {
        let latest = self.latest().filter(|c| c.count > 0)?;
        Some((latest, shares_of_voters(&[voters], latest.count)[0]))
    }
}

/// `--quorum`: how many must vote for the result to stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quorum {
    /// At least this many voters.
    Voters(u64),
    /// At least this share of the members counted at close, in whole
    /// percent (1 to 100).
    PercentOfMembers(u8),
}

/// Whether a closed poll met its quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuorumVerdict {
    /// `voters` reached `needed`.
    Met { voters: u64, needed: u64 },
    /// `voters` fell short of `needed`.
    Missed { voters: u64, needed: u64 },
    /// A share of members, but the member count is unknown.
    Unknown,
}

impl Quorum {
    /// Reads `100` (voters) or `30%` (of members); `None` when it is
    /// neither a whole number of voters from 1 nor a percent from 1 to 100.
    pub fn parse(text: &str) -> Option<Quorum> {
        let whole = |digits: &str| -> Option<u64> {
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        match text.strip_suffix('%') {
            Some(percent) => match whole(percent)? {
                p @ 1..=100 => Some(Quorum::PercentOfMembers(p as u8)),
                _ => None,
            },
            None => match whole(text)? {
                0 => None,
                voters => Some(Quorum::Voters(voters)),
            },
        }
    }

    /// The voters it takes; a share of members rounds up (30% of 1,204
    /// members is 362 voters, not 361.2).
    pub fn needed(self, members: Option<u64>) -> Option<u64> {
        match self {
            Quorum::Voters(voters) => Some(voters),
            Quorum::PercentOfMembers(percent) => {
                members.map(|m| (m * u64::from(percent)).div_ceil(100))
            }
        }
    }

    /// Whether `voters` met it, with the members counted at close.
    pub fn judge(self, voters: u64, members_at_close: Option<u64>) -> QuorumVerdict {
        match self.needed(members_at_close) {
            Some(needed) if voters >= needed => QuorumVerdict::Met { voters, needed },
            Some(needed) => QuorumVerdict::Missed { voters, needed },
            None => QuorumVerdict::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(count: u64, minute: i64) -> MemberCount {
        MemberCount {
            count,
            audience: Audience::Members,
            read_at: DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::minutes(minute),
        }
    }

    #[test]
    fn the_count_at_close_wins_over_the_count_at_posting() {
        let mut turnout = Turnout::default();
        assert_eq!(turnout.share(10), None);
        turnout.record(TurnoutStage::Posted, count(1_190, 0));
        assert_eq!(turnout.share(226), Some((count(1_190, 0), Share(190))));
        turnout.record(TurnoutStage::Closed, count(1_204, 60));
        assert_eq!(turnout.latest(), Some(count(1_204, 60)));
        // 226 / 1,204 = 18.77% → 18.8%.
        assert_eq!(turnout.share(226), Some((count(1_204, 60), Share(188))));
        turnout.record(TurnoutStage::Closed, count(0, 61));
        assert_eq!(turnout.share(226), None, "no share of nobody");
    }

    #[test]
    fn a_quorum_is_voters_or_a_percent_of_members() {
        assert_eq!(Quorum::parse("100"), Some(Quorum::Voters(100)));
        assert_eq!(Quorum::parse("30%"), Some(Quorum::PercentOfMembers(30)));
        assert_eq!(Quorum::parse("100%"), Some(Quorum::PercentOfMembers(100)));
        for bad in [
            "", "0", "0%", "101%", "-5", "+5", "3.5%", "30 %", "%", "x", "1e3",
        ] {
            assert_eq!(Quorum::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_percent_of_members_rounds_up_and_needs_a_count() {
        let thirty = Quorum::PercentOfMembers(30);
        assert_eq!(thirty.needed(Some(1_204)), Some(362));
        assert_eq!(thirty.needed(Some(1_200)), Some(360));
        assert_eq!(
            thirty.judge(361, Some(1_204)),
            QuorumVerdict::Missed {
                voters: 361,
                needed: 362
            }
        );
        assert_eq!(
            thirty.judge(362, Some(1_204)),
            QuorumVerdict::Met {
                voters: 362,
                needed: 362
            }
        );
        assert_eq!(thirty.judge(362, None), QuorumVerdict::Unknown);
        assert_eq!(
            Quorum::Voters(100).judge(99, None),
            QuorumVerdict::Missed {
                voters: 99,
                needed: 100
            }
        );
    }
}
