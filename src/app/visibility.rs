//! Who sees what of a poll: the one place that decides where an answer
//! carrying a poll's counts may go, and how much of a campaign it covers.
//!
//! The promise (`shared/SPEC.md`, "Hidden means hidden"): before a
//! `--hidden` poll closes, nothing that reaches anyone but its own chat's
//! moderators carries its counts or shares — not through a copy in another
//! chat (a campaign is hidden while any of its polls is hidden and open), a
//! private chat, or another poll's report (`--by`).

use super::ChatKind;
use crate::poll::{ChatId, Poll, PollNumber, UserId};
use crate::report::Scope;
use crate::store::{self, Store};

/// Who may receive what a command asks about a poll: its results, its
/// export, its report, its share code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The chat the command came from (or, for final results, the poll's).
    Chat,
    /// Something hidden: only the moderator who asked, in their private
    /// chat with the bot (whose id is their user id).
    Moderator(UserId),
    /// Something hidden, asked by an anonymous administrator or a channel:
    /// there is nobody to tell privately.
    Nobody,
}

/// Who asked, as the command's message says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asker {
    /// The kind of chat the command came in.
    pub kind: ChatKind,
    pub from: Option<UserId>,
    pub sender_chat: Option<ChatId>,
}

/// What the rule needs to know about a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PollFacts {
    /// The poll itself is `--hidden` and open.
    pub hidden: bool,
    /// Another poll the answer shows (`/report --by`) is hidden and open.
    pub shows_hidden_poll: bool,
    /// The poll runs in several chats.
    pub campaign: Option<CampaignFacts>,
}

/// A poll's place in its campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignFacts {
    /// The poll is the campaign's origin (its moderators own the campaign).
    pub origin: bool,
    /// Some poll of the campaign is `--hidden` and open.
    pub hidden: bool,
}

/// Where an answer goes and how much it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Showing {
    pub audience: Audience,
    pub scope: Scope,
}

/// Where an answer about a poll goes. `asker`: the command's sender, or
/// `None` for the final results the bot posts into the poll's chat.
///
/// A copy in a hidden campaign shows its own chat's figures only: nobody of
/// its chat moderates the origin. The origin's moderators see the whole
/// campaign, privately while any of it is hidden.
pub fn showing(facts: PollFacts, asker: Option<Asker>) -> Showing {
    let (origin, campaign_hidden) = match facts.campaign {
        Some(c) => (c.origin, c.hidden),
        None => (true, false),
    };
    let scope = match (facts.campaign, campaign_hidden && !origin) {
        (None, _) | (Some(_), true) => Scope::OwnChat,
        (Some(_), false) => Scope::Campaign,
    };
    let secret =
        facts.hidden || facts.shows_hidden_poll || (campaign_hidden && scope == Scope::Campaign);
    let audience = match asker {
        // Only a closed poll's results are posted unasked: its own chat's
        // figures, unless the whole campaign may be shown.
        None if secret => {
            return Showing {
                audience: Audience::Chat,
                scope: Scope::OwnChat,
            };
        }
        None => Audience::Chat,
        // In a private chat the one person there is its moderator.
        Some(asker) if asker.kind.is_private() || !secret => Audience::Chat,
        Some(asker) => match (asker.sender_chat, asker.from) {
            // Posted as a chat: `from` is Telegram's placeholder bot, if any.
            (Some(_), _) | (None, None) => Audience::Nobody,
            (None, Some(user)) => Audience::Moderator(user),
        },
    };
    Showing { audience, scope }
}

/// The facts [`showing`] needs about `poll`, crossed with poll `by` of its
/// chat for `/report --by`.
pub fn poll_facts(store: &Store, poll: &Poll, by: Option<PollNumber>) -> store::Result<PollFacts> {
    let shows_hidden_poll = match by {
        Some(number) => {
            let id = crate::poll::PollId {
                chat: poll.id.chat,
                number,
            };
            store.poll(id)?.is_some_and(|p| p.results_hidden())
        }
        None => false,
    };
    let campaign = match store.campaign_of(poll.id)? {
        Some((origin, campaign)) => {
            let mut hidden = false;
            for member in campaign.members(origin) {
                hidden |= store.poll(member)?.is_some_and(|p| p.results_hidden());
            }
            Some(CampaignFacts {
                origin: origin == poll.id,
                hidden,
            })
        }
        None => None,
    };
    Ok(PollFacts {
        hidden: poll.results_hidden(),
        shows_hidden_poll,
        campaign,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IN_GROUP: Asker = Asker {
        kind: ChatKind::Group,
        from: Some(UserId(7)),
        sender_chat: None,
    };

    fn campaign(origin: bool, hidden: bool) -> Option<CampaignFacts> {
        Some(CampaignFacts { origin, hidden })
    }

    fn show(audience: Audience, scope: Scope) -> Showing {
        Showing { audience, scope }
    }

    #[test]
    fn a_hidden_poll_goes_to_the_moderator_alone_until_it_closes() {
        let open_hidden = PollFacts {
            hidden: true,
            ..PollFacts::default()
        };
        assert_eq!(
            showing(PollFacts::default(), Some(IN_GROUP)),
            show(Audience::Chat, Scope::OwnChat)
        );
        assert_eq!(
            showing(open_hidden, Some(IN_GROUP)),
            show(Audience::Moderator(UserId(7)), Scope::OwnChat)
        );
        // An anonymous administrator (Telegram's placeholder in `from`).
        let anonymous_admin = Asker {
            kind: ChatKind::Group,
            from: Some(UserId(1087968824)),
            sender_chat: Some(ChatId(-100)),
        };
        assert_eq!(
            showing(open_hidden, Some(anonymous_admin)).audience,
            Audience::Nobody
        );
        // A channel post.
        let channel = Asker {
            kind: ChatKind::Group,
            from: None,
            sender_chat: Some(ChatId(-100)),
        };
        assert_eq!(
            showing(open_hidden, Some(channel)).audience,
            Audience::Nobody
        );
        // Already a private chat with the moderator.
        let private = Asker {
            kind: ChatKind::Private,
            from: Some(UserId(7)),
            sender_chat: None,
        };
        assert_eq!(showing(open_hidden, Some(private)).audience, Audience::Chat);
    }

    #[test]
    fn a_report_crossed_with_a_hidden_poll_is_as_hidden_as_that_poll() {
        let by_hidden = PollFacts {
            shows_hidden_poll: true,
            ..PollFacts::default()
        };
        assert_eq!(
            showing(by_hidden, Some(IN_GROUP)).audience,
            Audience::Moderator(UserId(7))
        );
    }

    #[test]
    fn a_copy_in_a_hidden_campaign_shows_its_own_chat_only() {
        // The copy closed on its own, the origin still open and hidden.
        let closed_copy = PollFacts {
            hidden: false,
            shows_hidden_poll: false,
            campaign: campaign(false, true),
        };
        assert_eq!(
            showing(closed_copy, Some(IN_GROUP)),
            show(Audience::Chat, Scope::OwnChat)
        );
        assert_eq!(
            showing(closed_copy, None),
            show(Audience::Chat, Scope::OwnChat)
        );
        // Open and hidden itself: its own figures, to its moderator.
        let open_copy = PollFacts {
            hidden: true,
            ..closed_copy
        };
        assert_eq!(
            showing(open_copy, Some(IN_GROUP)),
            show(Audience::Moderator(UserId(7)), Scope::OwnChat)
        );
        // A copy posted in a private chat (before that was refused).
        let private = Asker {
            kind: ChatKind::Private,
            from: Some(UserId(7)),
            sender_chat: None,
        };
        assert_eq!(
            showing(open_copy, Some(private)),
            show(Audience::Chat, Scope::OwnChat)
        );
        // Once nothing is hidden, every chat sees the campaign.
        let done = PollFacts {
            campaign: campaign(false, false),
            ..PollFacts::default()
        };
        assert_eq!(showing(done, None), show(Audience::Chat, Scope::Campaign));
    }

    #[test]
    fn the_origin_sees_a_hidden_campaign_privately_and_announces_its_own_part() {
        // The origin closed, a copy still open and hidden.
        let origin = PollFacts {
            hidden: false,
            shows_hidden_poll: false,
            campaign: campaign(true, true),
        };
        assert_eq!(
            showing(origin, Some(IN_GROUP)),
            show(Audience::Moderator(UserId(7)), Scope::Campaign)
        );
        assert_eq!(showing(origin, None), show(Audience::Chat, Scope::OwnChat));
        let open = PollFacts {
            campaign: campaign(true, false),
            ..PollFacts::default()
        };
        assert_eq!(
            showing(open, Some(IN_GROUP)),
            show(Audience::Chat, Scope::Campaign)
        );
    }
}
