//! Campaigns in the store: share codes, which copies a poll has, and which
//! poll a copy comes from. The rules (what a code may do) are in
//! [`crate::app::share`]; this keeps the records.

use chrono::{DateTime, Utc};

use super::{Changes, Result, Store, keys};
use crate::poll::{
    Ballot, Campaign, CombinedRecord, PollId, ShareCode, ShareRecord, UserId, VotePrint,
};

/// A vote in a chat of a campaign, as things stood before it was recorded
/// (see [`Changes::campaign_vote_before`]).
#[derive(Debug)]
pub struct CampaignVote {
    origin: PollId,
    members: Vec<PollId>,
    /// The member the vote is cast in.
    member: usize,
    user: UserId,
    print_before: VotePrint,
    /// The voter's ballot in each member (`None` in anonymous ones).
    before: Vec<Option<Ballot>>,
}

impl Store {
    /// What a share code opens, if it was ever given out.
    pub fn share_record(&self, code: &ShareCode) -> Result<Option<ShareRecord>> {
        self.get(&keys::share_code(code.as_str()))
    }

    /// The campaign of an origin poll: `None` if it was never shared.
    pub fn campaign(&self, origin: PollId) -> Result<Option<Campaign>> {
        self.get(&keys::campaign(origin))
    }

    /// The campaign's combined tally as last kept (it may be out of date:
    /// see [`CombinedRecord::combined`]).
    pub fn combined_record(&self, origin: PollId) -> Result<Option<CombinedRecord>> {
        self.get(&keys::combined(origin))
    }

    /// The poll a copy was posted from, if `copy` is one.
    pub fn origin_of(&self, copy: PollId) -> Result<Option<PollId>> {
        Ok(self
            .db
            .get(&keys::copy_of(copy))?
            .map(|v| keys::poll_id_from_value(&v)))
    }

    /// The campaign `poll` belongs to, as origin or as copy, with its
    /// origin; `None` for a poll of one chat (never shared, or shared but
    /// not posted anywhere yet).
    pub fn campaign_of(&self, poll: PollId) -> Result<Option<(PollId, Campaign)>> {
        let origin = self.origin_of(poll)?.unwrap_or(poll);
        Ok(self
            .campaign(origin)?
            .filter(|c| !c.copies.is_empty())
            .map(|c| (origin, c)))
    }
}

impl Changes<'_> {
    /// Gives `origin` a new code; an earlier one stops working.
    pub fn set_share_code(
        &mut self,
        origin: PollId,
        code: &ShareCode,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut campaign: Campaign = self.get(&keys::campaign(origin))?.unwrap_or_default();
        if let Some(old) = campaign.code.take() {
            self.revoke(&old)?;
        }
        let record = ShareRecord {
            origin,
            revoked: false,
            created_at: at,
        };
        self.put(keys::share_code(code.as_str()), &record)?;
        campaign.code = Some(code.clone());
        self.put(keys::campaign(origin), &campaign)
    }

    /// Makes `origin`'s code stop working; returns it, or `None` if it had
    /// none. Copies already posted stay in the campaign.
    pub fn revoke_share_code(&mut self, origin: PollId) -> Result<Option<ShareCode>> {
        let Some(mut campaign) = self.get::<Campaign>(&keys::campaign(origin))? else {
            return Ok(None);
        };
        let Some(code) = campaign.code.take() else {
            return Ok(None);
        };
        self.revoke(&code)?;
        self.put(keys::campaign(origin), &campaign)?;
        Ok(Some(code))
    }

    fn revoke(&mut self, code: &ShareCode) -> Result<()> {
        let key = keys::share_code(code.as_str());
        if let Some(mut record) = self.get::<ShareRecord>(&key)? {
            record.revoked = true;
            self.put(key, &record)?;
        }
        Ok(())
    }

    /// Notes that `copy` was posted from `origin`.
    pub fn add_copy(&mut self, origin: PollId, copy: PollId) -> Result<()> {
        let mut campaign: Campaign = self.get(&keys::campaign(origin))?.unwrap_or_default();
        if !campaign.copies.contains(&copy) {
            campaign.copies.push(copy);
        }
        self.put(keys::campaign(origin), &campaign)?;
        self.put_raw(keys::copy_of(copy), keys::poll_id_value(origin));
        // Another member: the combined tally is built again when read.
        self.remove(keys::combined(origin));
        Ok(())
    }

    /// Keeps a campaign's combined tally as built from every ballot.
    pub fn set_combined(&mut self, origin: PollId, record: &CombinedRecord) -> Result<()> {
        self.put(keys::combined(origin), record)
    }

    /// What a vote by `user` in the poll `telegram_poll_id` needs to move
    /// the combined tally of its campaign: `None` when the poll is in no
    /// campaign, or the campaign's tally is not kept yet (it is built from
    /// the ballots when first read). Call before recording the vote, then
    /// [`Changes::campaign_vote_after`].
    pub fn campaign_vote_before(
        &mut self,
        telegram_poll_id: &str,
        user: UserId,
    ) -> Result<Option<CampaignVote>> {
        let Some(poll) = self.poll_by_telegram_id(telegram_poll_id)? else {
            return Ok(None);
        };
        if poll.anonymous || !poll.is_open() {
            return Ok(None);
        }
        let origin = match self.get_raw(&keys::copy_of(poll.id))? {
            Some(value) => keys::poll_id_from_value(&value),
            None => poll.id,
        };
        let Some(campaign) = self.get::<Campaign>(&keys::campaign(origin))? else {
            return Ok(None);
        };
        if campaign.copies.is_empty() || self.get_raw(&keys::combined(origin))?.is_none() {
            return Ok(None);
        }
        let members = campaign.members(origin);
        let Some(member) = members.iter().position(|&id| id == poll.id) else {
            return Ok(None);
        };
        // Each ballot as its chat's tally counts it (see `combine`).
        let mut before = Vec::with_capacity(members.len());
        for &id in &members {
            let counted = match self.poll(id)? {
                Some(member) if !member.anonymous => self
                    .get(&keys::ballot(id, user))?
                    .and_then(|ballot| member.counted_ballot(ballot)),
                _ => None,
            };
            before.push(counted);
        }
        let print_before = VotePrint::of(self.tally(&poll)?);
        Ok(Some(CampaignVote {
            origin,
            members,
            member,
            user,
            print_before,
            before,
        }))
    }

    /// Moves the combined tally by the vote [`Changes::campaign_vote_before`]
    /// saw coming, now recorded; a tally found out of date is dropped, to be
    /// built again from the ballots when next read.
    pub fn campaign_vote_after(&mut self, vote: CampaignVote) -> Result<()> {
        let key = keys::combined(vote.origin);
        let Some(mut record) = self.get::<CombinedRecord>(&key)? else {
            return Ok(());
        };
        let id = vote.members[vote.member];
        let Some(poll) = self.poll(id)? else {
            self.remove(key);
            return Ok(());
        };
        let mut after = vote.before.clone();
        after[vote.member] = self
            .get(&keys::ballot(id, vote.user))?
            .and_then(|ballot| poll.counted_ballot(ballot));
        let print = VotePrint::of(self.tally(&poll)?);
        let before: Vec<Option<&Ballot>> = vote.before.iter().map(Option::as_ref).collect();
        let after: Vec<Option<&Ballot>> = after.iter().map(Option::as_ref).collect();
        match record.follow(vote.member, &vote.print_before, &before, &after, print) {
            true => self.put(key, &record),
            false => {
                self.remove(key);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::ChatId;
    use crate::poll::PollNumber;

    fn id(chat: i64, n: u32) -> PollId {
        PollId {
            chat: ChatId(chat),
            number: PollNumber(n),
        }
    }

    #[test]
    fn codes_copies_and_origins_round_trip() {
        let store = Store::temporary().unwrap();
        let origin = id(-100, 3);
        let first = ShareCode::parse("J7QK-2MXA").unwrap();
        let second = ShareCode::parse("ABCD-EFGH").unwrap();
        let now = Utc::now();
        store
            .write(|c| c.set_share_code(origin, &first, now))
            .unwrap();
        assert_eq!(store.campaign_of(origin).unwrap(), None, "no copy yet");
        store
            .write(|c| c.set_share_code(origin, &second, now))
            .unwrap();
        assert!(store.share_record(&first).unwrap().unwrap().revoked);
        let record = store.share_record(&second).unwrap().unwrap();
        assert_eq!((record.origin, record.revoked), (origin, false));
        store.write(|c| c.add_copy(origin, id(-200, 1))).unwrap();
        store.write(|c| c.add_copy(origin, id(-300, 7))).unwrap();
        store.write(|c| c.add_copy(origin, id(-300, 7))).unwrap();
        let (found, campaign) = store.campaign_of(id(-300, 7)).unwrap().unwrap();
        assert_eq!(found, origin);
        assert_eq!(campaign.copies, [id(-200, 1), id(-300, 7)]);
        assert_eq!(campaign.members(origin).len(), 3);
        assert_eq!(store.campaign_of(origin).unwrap().unwrap().1, campaign);
        assert_eq!(
            store.write(|c| c.revoke_share_code(origin)).unwrap(),
            Some(second.clone())
        );
        assert!(store.share_record(&second).unwrap().unwrap().revoked);
        assert_eq!(store.write(|c| c.revoke_share_code(origin)).unwrap(), None);
        assert_eq!(store.origin_of(origin).unwrap(), None);
        assert_eq!(store.campaign_of(id(-200, 2)).unwrap(), None);
    }
}
