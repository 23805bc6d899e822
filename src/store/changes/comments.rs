//! Comments and their approvals.

use chrono::{DateTime, Utc};

use super::{Changes, CommentOutcome, Reply};
use crate::poll::{
    Approval, ChatId, Comment, MessageId, PollId, UserId, approvers_delta, takes_comments,
};
use crate::store::{MessageRole, Result, keys};

impl Changes<'_> {
    /// Stores a reply as a comment if it answers a poll or one of its
    /// comments. `replied_poll` is the Telegram id of the poll the replied
    /// message carries, if it carries one: a reply to a poll not stored
    /// yet is kept until it is, with the approvals it gets meanwhile.
    pub fn record_comment(
        &mut self,
        reply: Reply,
        replied_poll: Option<&str>,
    ) -> Result<CommentOutcome> {
        let Some(poll) = self.poll_of_message(reply.chat, reply.reply_to)? else {
            return self.keep_early_reply(reply, replied_poll);
        };
        let Reply {
            chat,
            message_id,
            reply_to,
            author,
            sender,
            text,
            at,
            replied_option,
        } = reply;
        if let Some(MessageRole::Comment(known)) = self.get(&keys::message(chat, message_id))? {
            return Ok(CommentOutcome::AlreadyKnown(known));
        }
        if !self.takes_comments(poll)? {
            return Ok(CommentOutcome::AfterClose(poll));
        }
        let comment = Comment {
            poll,
            chat,
            message_id,
            author,
            sender,
            reply_to,
            text,
            posted_at: at,
            edited_at: None,
            approvals_by_users: 0,
            approvals_counted: 0,
            replied_option: None,
        };
        self.put(keys::comment(poll, chat, message_id), &comment)?;
        self.put(keys::message(chat, message_id), &MessageRole::Comment(poll))?;
        self.put_raw(keys::ranking(poll, 0, chat, message_id), Vec::new());
        if let Some(poll) = self.poll(poll)? {
            self.tally(&poll)?.comments += 1;
        }
        if let Some(option) = replied_option {
            self.set_replied_option(poll, chat, message_id, &option)?;
        }
        Ok(CommentOutcome::Recorded(poll))
    }

    /// Notes the poll option a new comment replies to, by the option's
    /// persistent id; `false` if the poll does not know that id (an option
    /// added later, a poll stored before persistent ids) or the message is
    /// not a comment.
    pub fn set_replied_option(
        &mut self,
        poll: PollId,
        chat: ChatId,
        message_id: MessageId,
        persistent_id: &str,
    ) -> Result<bool> {
        let Some(poll) = self.poll(poll)? else {
            return Ok(false);
        };
        let Some(index) = poll.option_index(persistent_id) else {
            return Ok(false);
        };
        self.update_comment(chat, message_id, |comment| {
            comment.replied_option = Some(index)
        })
    }

    /// Replaces a comment's text after an edit; `false` if the message is
    /// not a comment.
    pub fn edit_comment(
        &mut self,
        chat: ChatId,
        message_id: MessageId,
        text: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        self.update_comment(chat, message_id, |comment| {
            comment.text = text.to_owned();
            comment.edited_at = Some(at);
        })
    }

    /// Adds or withdraws one user's approval of a comment; approving twice
    /// counts once, and nobody approves their own comment. `false` if the
    /// message is not a comment, the approval is the author's own, or the
    /// comment's poll is closed.
    pub fn set_approval(
        &mut self,
        chat: ChatId,
        message_id: MessageId,
        user: UserId,
        approval: Approval,
    ) -> Result<bool> {
        let approves = approval == Approval::Given;
        if self.comment_of_closed_poll(chat, message_id)? {
            return Ok(false);
        }
        // Whose approval counts is decided when the reply becomes a
        // comment (see `attach_early_replies`).
        let kept = self.update_early_reply(chat, message_id, |early| {
            early.approvers.retain(|&u| u != user);
            if approves {
                early.approvers.push(user);
            }
        })?;
        if kept {
            return Ok(true);
        }
        if approves
            && self
                .comment_at(chat, message_id)?
                .is_some_and(|comment| !comment.may_be_approved_by(user))
        {
            return Ok(false);
        }
        let key = keys::approval(chat, message_id, user);
        let approved = self.get_raw(&key)?.is_some();
        if approved == approves {
            return Ok(self.comment_poll(chat, message_id)?.is_some());
        }
        let changed = self.update_comment(chat, message_id, |comment| {
            if approves {
                comment.approvals_by_users += 1;
            } else {
                comment.approvals_by_users -= 1;
            }
        })?;
        if changed {
            if approves {
                self.put_raw(key, Vec::new());
            } else {
                self.remove(key);
            }
            if let Some(poll) = self.comment_poll(chat, message_id)? {
                self.count_approver(poll, user, approval)?;
            }
        }
        Ok(changed)
    }

    /// Keeps how many of a poll's comments `user` approves, and the poll's
    /// count of distinct approvers with it.
    pub(super) fn count_approver(
        &mut self,
        id: PollId,
        user: UserId,
        approval: Approval,
    ) -> Result<()> {
        let key = keys::approver(id, user);
        let before: u32 = self.get(&key)?.unwrap_or(0);
        let after = match approval {
            Approval::Given => before + 1,
            Approval::Withdrawn => before.saturating_sub(1),
        };
        if after == 0 {
            self.remove(key);
        } else {
            self.put(key, &after)?;
        }
        if let Some(poll) = self.poll(id)? {
            self.tally(&poll)?
                .count_approvers(approvers_delta(before, after));
        }
        Ok(())
    }

    /// Sets the approvals Telegram reported only as a count; `false` if the
    /// message is not a comment, or the comment's poll is closed.
    pub fn set_counted_approvals(
        &mut self,
        chat: ChatId,
        message_id: MessageId,
        count: u32,
    ) -> Result<bool> {
        if self.comment_of_closed_poll(chat, message_id)? {
            return Ok(false);
        }
        if self.update_early_reply(chat, message_id, |early| early.counted = count)? {
            return Ok(true);
        }
        self.update_comment(chat, message_id, |comment| {
            comment.approvals_counted = count
        })
    }

    /// Whether `poll` takes new comments and approvals (see
    /// [`takes_comments`]).
    pub(super) fn takes_comments(&mut self, poll: PollId) -> Result<bool> {
        Ok(self.poll(poll)?.is_none_or(|p| takes_comments(p.state)))
    }

    /// Whether message `message_id` of `chat` is a comment of a poll that
    /// takes no more approvals (a closed one).
    pub(super) fn comment_of_closed_poll(
        &mut self,
        chat: ChatId,
        message_id: MessageId,
    ) -> Result<bool> {
        match self.comment_poll(chat, message_id)? {
            Some(poll) => Ok(!self.takes_comments(poll)?),
            None => Ok(false),
        }
    }

    /// Applies `change` to a comment and keeps its ranking entry in step.
    pub(super) fn update_comment(
        &mut self,
        chat: ChatId,
        message_id: MessageId,
        change: impl FnOnce(&mut Comment),
    ) -> Result<bool> {
        let Some(mut comment) = self.comment_at(chat, message_id)? else {
            return Ok(false);
        };
        let poll = comment.poll;
        let before = comment.approvals();
        change(&mut comment);
        let after = comment.approvals();
        if before != after {
            self.remove(keys::ranking(poll, before, chat, message_id));
            self.put_raw(keys::ranking(poll, after, chat, message_id), Vec::new());
        }
        self.put(keys::comment(poll, chat, message_id), &comment)?;
        Ok(true)
    }
}
