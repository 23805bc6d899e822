//! A campaign's results as one of its chats sees them: its chats, their
//! combined tally (kept by the store, or rebuilt from every ballot and kept
//! for next time) and the top comments that chat may see.

use std::cell::RefCell;

use super::poll_report;
use crate::poll::{Ballot, Combined, CombinedRecord, MemberTally, PollId, Tally, combine};
use crate::report::{CampaignComment, CampaignReport, ChatPart};
use crate::store::{self, Store};

/// The results of the campaign `viewer` belongs to, as its chat sees
/// them; `None` when `viewer` is a poll of one chat.
pub fn campaign_report(store: &Store, viewer: PollId) -> store::Result<Option<CampaignReport>> {
    let Some((origin, campaign)) = store.campaign_of(viewer)? else {
        return Ok(None);
    };
    let Some(viewer_poll) = store.poll(viewer)? else {
        return Ok(None);
    };
    let members = campaign.members(origin);
    let option_count = viewer_poll.options.len();
    let (chats, combined) = combined_chats(store, origin, &members, option_count)?;
    let is_origin = viewer == origin;
    let mut top_comments = Vec::new();
    for (index, chat) in chats.iter().enumerate() {
        if !is_origin && chat.poll.id != viewer {
            continue;
        }
        // A chat's own top five: the campaign's top five are among them.
        let report = poll_report(store, chat.poll.id)?;
        for ranked in report.map(|r| r.top_comments).unwrap_or_default() {
            top_comments.push(CampaignComment {
                ranked,
                chat: is_origin.then_some(index),
            });
        }
    }
    let zone = store.chat(viewer_poll.id.chat)?.zone();
    let mut report = CampaignReport::new(viewer_poll, chats, combined, top_comments);
    report.zone = zone;
    Ok(Some(report))
}

/// The chats of a campaign, and its combined tally: as kept up to date
/// vote by vote when that record is good (a few reads, however many votes),
/// else from every ballot. That rebuild takes seconds at a million ballots,
/// so it runs without the store's write lock, which would stop every vote
/// and reply meanwhile; it is kept for next time only if no vote landed
/// while it read (every chat's tally the same after as before).
fn combined_chats(
    store: &Store,
    origin: PollId,
    members: &[PollId],
    option_count: usize,
) -> store::Result<(Vec<ChatPart>, Combined)> {
    let chats = load_chats(store, members)?;
    let complete = chats.len() == members.len();
    let read_from = member_tallies(&chats);
    if complete
        && let Some(record) = store.combined_record(origin)?
        && let Some(combined) = record.combined(&read_from)
    {
        return Ok((chats, combined));
    }
    let combined = combine_chats(store, &chats, option_count)?;
    if complete {
        store.write(|changes| {
            if member_tallies(&load_chats(store, members)?) == read_from {
                let record = CombinedRecord::from_combined(&read_from, &combined);
                changes.set_combined(origin, &record)?;
            }
            Ok(())
        })?;
    }
    Ok((chats, combined))
}

fn load_chats(store: &Store, members: &[PollId]) -> store::Result<Vec<ChatPart>> {
    let mut chats = Vec::with_capacity(members.len());
    for &id in members {
        let Some(poll) = store.poll(id)? else {
            continue;
        };
        let tally = store
            .tally(id)?
            .unwrap_or_else(|| Tally::new(poll.options.len()));
        let title = store.chat(id.chat)?.title;
        let turnout = store.turnout(id)?;
        chats.push(ChatPart {
            poll,
            title,
            tally,
            turnout,
        });
    }
    Ok(chats)
}

fn member_tallies(chats: &[ChatPart]) -> Vec<MemberTally> {
    chats
        .iter()
        .map(|c| MemberTally {
            poll: c.poll.id,
            anonymous: c.poll.anonymous,
            tally: c.tally.clone(),
        })
        .collect()
}

/// The combined tally of `chats`, reading each public chat's ballots in
/// user order, as that chat counts them, merged as they stream (see
/// [`combine`]).
fn combine_chats(
    store: &Store,
    chats: &[ChatPart],
    option_count: usize,
) -> store::Result<Combined> {
    let members = member_tallies(chats);
    let failed: RefCell<Option<store::StoreError>> = RefCell::new(None);
    let ballots: Vec<Box<dyn Iterator<Item = Ballot> + '_>> = chats
        .iter()
        .map(|c| -> Box<dyn Iterator<Item = Ballot> + '_> {
            if c.poll.anonymous {
                return Box::new(std::iter::empty());
            }
            let failed = &failed;
            let counted = store
                .ballots(c.poll.id)
                .map_while(move |b| match b {
                    Ok(ballot) => Some(ballot),
                    Err(error) => {
                        failed.borrow_mut().get_or_insert(error);
                        None
                    }
                })
                .filter_map(|ballot| c.poll.counted_ballot(ballot));
            Box::new(counted)
        })
        .collect();
    let combined = combine(&members, option_count, ballots);
    match failed.into_inner() {
        Some(error) => Err(error),
        None => Ok(combined),
    }
}
