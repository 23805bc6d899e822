//! The results of a poll run in several chats (a campaign): the combined
//! tally, each chat's part, the summary text and the stacked chart.
//!
//! Which chat asks matters: the origin chat sees the most-approved comments
//! of every chat, each marked with its chat's title; a joined chat sees only
//! its own comments. Both see the combined tally and the per-chat figures
//! (titles and counts, never another chat's people).

use super::campaign_chart::{StackedBar, StackedInput};
use super::summary::{comment_args, state_text, turnout_text_of};
use super::{RankedComment, Summary, TOP_COMMENTS, period_text, quote, voters_text};
use crate::i18n::{self, Arg, Language};
use crate::poll::{Combined, Poll, Share, Tally, shares_of_total, shares_of_voters};

/// One chat's poll in the campaign.
#[derive(Debug, Clone)]
pub struct ChatPart {
    pub poll: Poll,
    /// The chat's title as Telegram last gave it.
    pub title: Option<String>,
    /// The votes cast in this chat.
    pub tally: Tally,
    /// Its member counts, when Telegram gave them.
    pub turnout: crate::poll::Turnout,
}

impl ChatPart {
    /// This chat's own shares of its votes.
    pub fn shares(&self) -> Vec<Share> {
        shares(&self.poll, &self.tally.counts, self.tally.voters)
    }

    /// The title, or `Chat 2` (by its place in the campaign) when Telegram
    /// gave none.
    pub fn name(&self, index: usize, language: Language) -> String {
        match &self.title {
            Some(title) => title.clone(),
            None => i18n::text_with(
                language,
                "campaign-chat-untitled",
                &[("index", (index + 1).into())],
            ),
        }
    }
}

/// A top comment and, in the origin's results, the chat it was written in.
#[derive(Debug, Clone)]
pub struct CampaignComment {
    pub ranked: RankedComment,
    /// Index into [`CampaignReport::chats`]; `None` when only one chat's
    /// comments are shown (no need to say which).
    pub chat: Option<usize>,
}

/// A campaign's results as one of its chats sees them.
#[derive(Debug, Clone)]
pub struct CampaignReport {
    /// The poll of the chat that asks: the origin, or one of its copies.
    pub viewer: Poll,
    /// The origin first, then the copies in the order they were posted.
    pub chats: Vec<ChatPart>,
    pub combined: Combined,
    pub top_comments: Vec<CampaignComment>,
    /// The viewing chat's time zone, which dates are shown in (UTC until
    /// set).
    pub zone: crate::poll::Zone,
}

fn shares(poll: &Poll, counts: &[u64], voters: u64) -> Vec<Share> {
    if poll.multiple {
        shares_of_voters(counts, voters)
    } else {
        shares_of_total(counts)
    }
}

impl CampaignReport {
    /// The results as the chat of `viewer` sees them, from the campaign's
    /// `chats` (the origin first), its `combined` tally and the top comments
    /// of the chats whose comments it may see: the campaign's top ones are
    /// kept, most approvals first (ties to the earlier comment).
    pub fn new(
        viewer: Poll,
        chats: Vec<ChatPart>,
        combined: Combined,
        mut top_comments: Vec<CampaignComment>,
    ) -> Self {
        top_comments.sort_by(|a, b| {
            let (a, b) = (&a.ranked.comment, &b.ranked.comment);
            b.approvals()
                .cmp(&a.approvals())
                .then(a.posted_at.cmp(&b.posted_at))
        });
        top_comments.truncate(TOP_COMMENTS);
        Self {
            viewer,
            chats,
            combined,
            top_comments,
            zone: Default::default(),
        }
    }

    /// Combined shares: of all votes, or of voters with several answers.
    pub fn shares(&self) -> Vec<Share> {
        shares(&self.viewer, &self.combined.counts, self.combined.voters)
    }

    /// Whether the asking chat is the origin (which sees every chat's
    /// comments and rows).
    pub fn is_origin(&self) -> bool {
        self.chats.first().map(|c| c.poll.id) == Some(self.viewer.id)
    }

    /// The chats whose rows the asking chat may export: every chat from the
    /// origin, its own from a joined chat.
    pub fn visible_rows(&self) -> Vec<ChatPart> {
        self.chats
            .iter()
            .filter(|c| self.is_origin() || c.poll.id == self.viewer.id)
            .cloned()
            .collect()
    }

    /// Whether any chat's copy is anonymous (counts only).
    pub fn has_anonymous_chat(&self) -> bool {
        self.chats.iter().any(|c| c.poll.anonymous)
    }

    /// The summary: combined tally, the chats, and the comments.
    pub fn summary(&self, language: Language) -> Summary {
        Summary {
            tally: self.tally_text(language),
            comments: self.comments_text(language),
        }
    }

    /// `1,601 voters of 12,400 members of the 2 chats (12.9%)` when every
    /// chat's member count is known (a person in two chats is counted in
    /// each), else the voters alone.
    fn total_turnout_text(&self, language: Language) -> String {
        let voters = voters_text(language, self.combined.voters);
        let counts: Option<Vec<u64>> = self
            .chats
            .iter()
            .map(|chat| chat.turnout.latest().map(|c| c.count))
            .collect();
        let members: u64 = counts.map_or(0, |counts| counts.iter().sum());
        if members == 0 {
            return voters;
        }
        let share = crate::poll::shares_of_voters(&[self.combined.voters], members)[0];
        i18n::text_with(
            language,
            "turnout-campaign",
            &[
                ("voters_text", voters.into()),
                ("members", members.into()),
                ("members_text", i18n::format_count(members).into()),
                ("chats", self.chats.len().into()),
                ("share", share.to_string().into()),
            ],
        )
    }

    fn tally_text(&self, language: Language) -> String {
        let with = |key: &str, args: &[(&'static str, Arg)]| i18n::text_with(language, key, args);
        let poll = &self.viewer;
        let mut lines = vec![format!("{} {}", poll.id.number, poll.question.as_str())];
        let status = [
            with("campaign-status", &[("chats", self.chats.len().into())]),
            self.total_turnout_text(language),
            state_text(poll, language, self.zone),
        ];
        lines.push(status.join(" · "));
        for ((option, &count), share) in poll
            .options
            .iter()
            .zip(&self.combined.counts)
            .zip(self.shares())
        {
            lines.push(with(
                "tally-option",
                &[
                    ("option", option.as_str().into()),
                    ("count", i18n::format_count(count).into()),
                    ("share", share.to_string().into()),
                ],
            ));
        }
        if poll.multiple {
            lines.push(i18n::text(language, "shares-of-voters"));
        }
        lines.push(i18n::text(language, "campaign-by-chat"));
        for (index, chat) in self.chats.iter().enumerate() {
            let options: Vec<String> = poll
                .options
                .iter()
                .zip(&chat.tally.counts)
                .zip(chat.shares())
                .map(|((option, &count), share)| {
                    with(
                        "campaign-chat-option",
                        &[
                            ("option", option.as_str().into()),
                            ("count", i18n::format_count(count).into()),
                            ("share", share.to_string().into()),
                        ],
                    )
                })
                .collect();
            let key = match chat.poll.anonymous {
                true => "campaign-chat-row-anonymous",
                false => "campaign-chat-row",
            };
            lines.push(with(
                key,
                &[
                    ("title", quote(&chat.name(index, language), 60).into()),
                    (
                        "voters",
                        turnout_text_of(&chat.turnout, self.zone, language, chat.tally.voters)
                            .into(),
                    ),
                    ("options", options.join(" · ").into()),
                ],
            ));
        }
        let several = self.combined.in_several_chats;
        if several > 0 {
            lines.push(with(
                "campaign-deduplicated",
                &[
                    ("count", several.into()),
                    ("count_text", i18n::format_count(several).into()),
                ],
            ));
        }
        if self.has_anonymous_chat() {
            lines.push(i18n::text(language, "campaign-anonymous-note"));
        }
        lines.join("\n")
    }

    fn comments_text(&self, language: Language) -> Option<String> {
        if self.top_comments.is_empty() {
            return None;
        }
        let mut lines = vec![i18n::text(language, "top-comments")];
        for (rank, item) in self.top_comments.iter().enumerate() {
            let mut args = comment_args(rank, &item.ranked, language);
            let with_option = !item.ranked.author_options.is_empty();
            let key = match (item.chat, with_option) {
                (Some(index), with_option) => {
                    let name = self.chats[index].name(index, language);
                    args.push(("chat", quote(&name, 40).into()));
                    match with_option {
                        true => "top-comment-in-chat-with-option",
                        false => "top-comment-in-chat",
                    }
                }
                (None, true) => "top-comment-with-option",
                (None, false) => "top-comment",
            };
            lines.push(i18n::text_with(language, key, &args));
        }
        Some(lines.join("\n"))
    }

    /// The stacked chart's contents, in `language`.
    pub fn chart_input(&self, language: Language) -> StackedInput {
        let poll = &self.viewer;
        let bars = poll
            .options
            .iter()
            .enumerate()
            .zip(self.shares())
            .map(|((o, option), share)| StackedBar {
                label: option.as_str().to_owned(),
                parts: self.combined.parts.iter().map(|p| p[o]).collect(),
                count_text: i18n::format_count(self.combined.counts[o]),
                share_text: share.to_string(),
            })
            .collect();
        let max = self.combined.counts.iter().copied().max().unwrap_or(0);
        let leading = match max {
            0 => Vec::new(),
            _ => (0..self.combined.counts.len())
                .filter(|&o| self.combined.counts[o] == max)
                .collect(),
        };
        let start = self.chats[0].poll.created_at;
        let period = period_text(language, self.zone, start, poll.closed_at.or(poll.deadline));
        StackedInput {
            title: format!("{} {}", poll.id.number, poll.question.as_str()),
            chats: self
                .chats
                .iter()
                .enumerate()
                .map(|(i, c)| c.name(i, language))
                .collect(),
            bars,
            leading,
            footer: format!(
                "{} · {} · {}",
                voters_text(language, self.combined.voters),
                i18n::text_with(
                    language,
                    "campaign-chats",
                    &[("chats", self.chats.len().into())]
                ),
                period
            ),
        }
    }
}
