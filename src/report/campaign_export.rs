//! The export of a poll run in several chats: the first version's columns,
//! then `chat_id` and `chat_title` (where each vote was cast, each comment
//! written). The origin chat's export covers every chat; a joined chat's,
//! only its own rows: the caller passes the chats to cover.
//!
//! Streamed like the single-chat export: one chat after the other, one
//! record at a time.

use std::io::Write;

use serde::Serialize;

use super::export::{COMMENT_COLUMNS, VOTE_COLUMNS, csv_text, csv_with_header};
use super::{CampaignReport, ChatPart, ExportError, Records, option_texts};
use crate::poll::{ChatId, Comment, MessageId, Poll, UserId};

/// Makes Excel read the CSV as UTF-8.
/// The columns a campaign's CSVs add after the single-chat ones.
const CHAT_COLUMNS: [&str; 2] = ["chat_id", "chat_title"];

#[derive(Serialize)]
struct VoteRow<'a> {
    poll: u32,
    user_id: UserId,
    user_name: &'a str,
    options: String,
    voted_at: String,
    chat_id: ChatId,
    chat_title: &'a str,
}

#[derive(Serialize)]
struct CommentRow<'a> {
    poll: u32,
    message_id: MessageId,
    user_id: Option<UserId>,
    user_name: &'a str,
    voted_option: String,
    approvals: u32,
    posted_at: String,
    text: &'a str,
    replied_option: Option<String>,
    chat_id: ChatId,
    chat_title: &'a str,
}

fn title(chat: &ChatPart) -> &str {
    chat.title.as_deref().unwrap_or("")
}

fn replied_option(poll: &Poll, comment: &Comment) -> Option<String> {
    let index = usize::from(comment.replied_option?);
    poll.options.get(index).map(|o| o.as_str().to_owned())
}

/// What the author voted for in that chat; else the option the comment
/// replies to, if any.
fn voted_option(
    records: &impl Records,
    poll: &Poll,
    comment: &Comment,
) -> Result<String, ExportError> {
    let voted = match &comment.author {
        Some(author) => records
            .ballot(poll.id, author.id)
            .map_err(ExportError::read)?
            .map(|b| option_texts(poll, &b.options).join("; ")),
        None => None,
    };
    Ok(voted
        .or_else(|| replied_option(poll, comment))
        .unwrap_or_default())
}

/// `poll-N-votes.csv` of a campaign: poll, user_id, user_name, options,
/// voted_at, chat_id, chat_title. `poll` is the poll's number in its chat.
pub fn campaign_votes_csv(
    records: &impl Records,
    chats: &[ChatPart],
    out: impl Write,
) -> Result<(), ExportError> {
    let columns = [&VOTE_COLUMNS[..], &CHAT_COLUMNS].concat();
    let mut writer = csv_with_header(out, &columns)?;
    for chat in chats {
        let poll = &chat.poll;
        for ballot in records.ballots(poll.id) {
            let ballot = ballot.map_err(ExportError::read)?;
            writer.serialize(VoteRow {
                poll: poll.id.number.0,
                user_id: ballot.voter.id,
                user_name: &csv_text(&ballot.voter.name),
                options: csv_text(&option_texts(poll, &ballot.options).join("; ")).into_owned(),
                voted_at: ballot.voted_at.to_rfc3339(),
                chat_id: poll.id.chat,
                chat_title: &csv_text(title(chat)),
            })?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// `poll-N-comments.csv` of a campaign: the single-chat columns, then
/// chat_id and chat_title.
pub fn campaign_comments_csv(
    records: &impl Records,
    chats: &[ChatPart],
    out: impl Write,
) -> Result<(), ExportError> {
    let columns = [&COMMENT_COLUMNS[..], &CHAT_COLUMNS].concat();
    let mut writer = csv_with_header(out, &columns)?;
    for chat in chats {
        let poll = &chat.poll;
        for comment in records.comments(poll.id) {
            let comment = comment.map_err(ExportError::read)?;
            let name = comment.author.as_ref().map_or("", |a| a.name.as_str());
            writer.serialize(CommentRow {
                poll: poll.id.number.0,
                message_id: comment.message_id,
                user_id: comment.author.as_ref().map(|a| a.id),
                user_name: &csv_text(name),
                voted_option: csv_text(&voted_option(records, poll, &comment)?).into_owned(),
                approvals: comment.approvals(),
                posted_at: comment.posted_at.to_rfc3339(),
                text: &csv_text(&comment.text),
                replied_option: replied_option(poll, &comment).map(|o| csv_text(&o).into_owned()),
                chat_id: comment.chat,
                chat_title: &csv_text(title(chat)),
            })?;
        }
    }
    writer.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct JsonOption<'a> {
    text: &'a str,
    count: u64,
    share: String,
}

#[derive(Serialize)]
struct JsonChat<'a> {
    /// `None` for another chat that is a private one: its id is a person's.
    chat_id: Option<ChatId>,
    chat_title: Option<&'a str>,
    poll: u32,
    anonymous: bool,
    voters: u64,
    comments: u64,
    counts: &'a [u64],
}

#[derive(Serialize)]
struct JsonTally<'a> {
    voters: u64,
    shares_of: &'static str,
    /// People who voted in more than one public chat, counted once.
    voters_in_several_chats: u64,
    options: Vec<JsonOption<'a>>,
}

/// A chat's id as an export for `viewer_chat` may show it: a private chat's
/// id is its user's id, which only that chat's own export names.
fn shown_chat_id(chat: ChatId, viewer_chat: ChatId) -> Option<ChatId> {
    (chat.0 < 0 || chat == viewer_chat).then_some(chat)
}

/// The combined tally as the JSON export gives it.
fn json_tally(report: &CampaignReport) -> JsonTally<'_> {
    let poll = &report.viewer;
    JsonTally {
        voters: report.combined.voters,
        shares_of: if poll.multiple { "voters" } else { "votes" },
        voters_in_several_chats: report.combined.in_several_chats,
        options: poll
            .options
            .iter()
            .zip(&report.combined.counts)
            .zip(report.shares())
            .map(|((o, &count), share)| JsonOption {
                text: o.as_str(),
                count,
                share: share.to_string(),
            })
            .collect(),
    }
}

/// Each chat's figures as the JSON export gives them.
fn json_chats(report: &CampaignReport) -> Vec<JsonChat<'_>> {
    let viewer_chat = report.viewer.id.chat;
    report
        .chats
        .iter()
        .map(|c| JsonChat {
            chat_id: shown_chat_id(c.poll.id.chat, viewer_chat),
            chat_title: c.title.as_deref(),
            poll: c.poll.id.number.0,
            anonymous: c.poll.anonymous,
            voters: c.tally.voters,
            comments: c.tally.comments,
            counts: &c.tally.counts,
        })
        .collect()
}

/// `poll-N.json` of a campaign: `{"poll", "tally" (combined), "chats",
/// "votes", "comments"}`, each vote and comment with its chat.
pub fn campaign_json(
    records: &impl Records,
    report: &CampaignReport,
    chats: &[ChatPart],
    out: impl Write,
) -> Result<(), ExportError> {
    let mut out = std::io::BufWriter::new(out);
    let poll = &report.viewer;
    let (tally, chat_rows) = (json_tally(report), json_chats(report));
    out.write_all(b"{\"poll\":")?;
    serde_json::to_writer(&mut out, poll)?;
    out.write_all(b",\"tally\":")?;
    serde_json::to_writer(&mut out, &tally)?;
    out.write_all(b",\"chats\":")?;
    serde_json::to_writer(&mut out, &chat_rows)?;
    out.write_all(b",\"votes\":[")?;
    let mut first = true;
    for chat in chats {
        let member = &chat.poll;
        for ballot in records.ballots(member.id) {
            let ballot = ballot.map_err(ExportError::read)?;
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            serde_json::to_writer(
                &mut out,
                &VoteRow {
                    poll: member.id.number.0,
                    user_id: ballot.voter.id,
                    user_name: &ballot.voter.name,
                    options: option_texts(member, &ballot.options).join("; "),
                    voted_at: ballot.voted_at.to_rfc3339(),
                    chat_id: member.id.chat,
                    chat_title: title(chat),
                },
            )?;
        }
    }
    out.write_all(b"],\"comments\":[")?;
    let mut first = true;
    for chat in chats {
        let member = &chat.poll;
        for comment in records.comments(member.id) {
            let comment = comment.map_err(ExportError::read)?;
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            serde_json::to_writer(
                &mut out,
                &CommentRow {
                    poll: member.id.number.0,
                    message_id: comment.message_id,
                    user_id: comment.author.as_ref().map(|a| a.id),
                    user_name: comment.author.as_ref().map_or("", |a| a.name.as_str()),
                    voted_option: voted_option(records, member, &comment)?,
                    approvals: comment.approvals(),
                    posted_at: comment.posted_at.to_rfc3339(),
                    text: &comment.text,
                    replied_option: replied_option(member, &comment),
                    chat_id: comment.chat,
                    chat_title: title(chat),
                },
            )?;
        }
    }
    out.write_all(b"]}\n")?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shown_chat_id;
    use crate::poll::ChatId;

    #[test]
    fn a_private_chats_id_is_shown_to_that_chat_alone() {
        // Groups and channels: their ids are no one's.
        assert_eq!(
            shown_chat_id(ChatId(-1001), ChatId(-1002)),
            Some(ChatId(-1001))
        );
        // A private chat (id = its user's id): hidden from another chat.
        assert_eq!(shown_chat_id(ChatId(42), ChatId(-1002)), None);
        assert_eq!(shown_chat_id(ChatId(42), ChatId(42)), Some(ChatId(42)));
    }
}
