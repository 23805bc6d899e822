//! Who may run what, and what a command gets: the decisions the lane
//! applies before it answers (the flood rule is [`super::flood`]'s, where
//! an answer goes is [`super::visibility`]'s).

use super::ChatKind;
use super::command::{Command, Parsed, PollRef};
use super::flood::CoalesceKey;
use super::reply::Reply;
use crate::poll::{ChatId, PollId, UserId};

/// A command's sender, as its message tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderFacts {
    /// The chat the command came from.
    pub chat: ChatId,
    pub kind: ChatKind,
    pub from: Option<UserId>,
    pub sender_chat: Option<ChatId>,
}

/// Whether a sender moderates their chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Yes,
    No,
    /// Only the chat's administrators (Telegram's list) can tell: is this
    /// user one of them?
    IfAdmin(UserId),
}

/// The one answer to "is this a moderator?": the user of a private chat
/// with the bot; the chat itself (an anonymous administrator, a channel's
/// post); the ids in `POLLBOT_MODERATORS` (`configured`); and the chat's
/// administrators and creator.
pub fn moderation(sender: SenderFacts, configured: &[UserId]) -> Moderation {
    if sender.kind.is_private() || sender.sender_chat == Some(sender.chat) {
        return Moderation::Yes;
    }
    match sender.from {
        None => Moderation::No,
        Some(user) if configured.contains(&user) => Moderation::Yes,
        Some(user) => Moderation::IfAdmin(user),
    }
}

impl Moderation {
    /// The answer, with the chat's administrators known.
    pub fn with_admins(self, admins: &[UserId]) -> bool {
        match self {
            Moderation::Yes => true,
            Moderation::No => false,
            Moderation::IfAdmin(user) => admins.contains(&user),
        }
    }
}

/// What a message asks of the bot, before the sender's rights are known.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    /// A command to carry out (if the sender may).
    Command(Command),
    /// A reply only: an unknown or malformed command.
    Reply(Reply),
}

/// What `parsed` asks; `None` when the bot stays silent: not a command for
/// it, or an unknown command in a group that was not addressed to the bot
/// (`/foo` may be another bot's).
pub fn asked(parsed: Parsed, kind: ChatKind) -> Option<Asked> {
    match parsed {
        Parsed::NotForUs => None,
        Parsed::Unknown { name, addressed } => (kind.is_private() || addressed)
            .then_some(Asked::Reply(Reply::UnknownCommand { command: name })),
        Parsed::Malformed(error) => Some(Asked::Reply(Reply::Malformed(error))),
        Parsed::Command(command) => Some(Asked::Command(command)),
    }
}

/// What the bot does about a message that asked something.
#[derive(Debug, Clone, PartialEq)]
pub enum Answering {
    Run(Command),
    Say(Reply),
}

/// What the sender gets: a non-moderator is told a moderator command is
/// not theirs, also when they got its form wrong (how to use a command they
/// may not run is no help to them). `command_name` as they typed it.
pub fn answering(asked: Asked, moderator: bool, command_name: String) -> Answering {
    let not_theirs = Answering::Say(Reply::NotModerator {
        command: command_name,
    });
    match asked {
        Asked::Reply(Reply::Malformed(_)) if !moderator => not_theirs,
        Asked::Reply(reply) => Answering::Say(reply),
        Asked::Command(command) if command.needs_moderator() && !moderator => not_theirs,
        Asked::Command(command) => Answering::Run(command),
    }
}

/// The key under which a waiting request would be answered by an
/// identical one that went out: `/polls` from anyone; `/results` and
/// `/export` of the same poll from a moderator (anyone else gets a
/// refusal, not the results). `resolve` finds the poll a reference means.
pub fn coalesce_key<E>(
    command: &Command,
    moderator: bool,
    resolve: impl FnOnce(PollRef) -> Result<Option<PollId>, E>,
) -> Result<Option<CoalesceKey>, E> {
    Ok(match command {
        Command::Polls => Some(CoalesceKey::Polls),
        Command::Results(poll) if moderator => resolve(*poll)?.map(CoalesceKey::Results),
        Command::Export(poll, format) if moderator => {
            resolve(*poll)?.map(|id| CoalesceKey::Export(id, *format))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::command::CommandError;
    use crate::poll::PollNumber;

    const GROUP: ChatId = ChatId(-100);

    fn sender(private: bool, from: Option<i64>, sender_chat: Option<ChatId>) -> SenderFacts {
        SenderFacts {
            chat: if private {
                ChatId(from.unwrap_or(1))
            } else {
                GROUP
            },
            kind: if private {
                ChatKind::Private
            } else {
                ChatKind::Group
            },
            from: from.map(UserId),
            sender_chat,
        }
    }

    #[test]
    fn one_rule_says_who_moderates() {
        let configured = [UserId(7)];
        // A private chat's user, the chat itself, the configured ids.
        assert_eq!(
            moderation(sender(true, Some(5), None), &configured),
            Moderation::Yes
        );
        assert_eq!(
            moderation(sender(false, Some(1087968824), Some(GROUP)), &configured),
            Moderation::Yes
        );
        assert_eq!(
            moderation(sender(false, Some(7), None), &configured),
            Moderation::Yes
        );
        // Another chat posting here (a channel's member) is nobody.
        assert_eq!(
            moderation(
                sender(false, Some(136817688), Some(ChatId(-200))),
                &configured
            ),
            Moderation::IfAdmin(UserId(136817688))
        );
        assert_eq!(
            moderation(sender(false, None, None), &configured),
            Moderation::No
        );
        // Everyone else: an administrator of the chat, or not.
        let member = moderation(sender(false, Some(5), None), &configured);
        assert_eq!(member, Moderation::IfAdmin(UserId(5)));
        assert!(member.with_admins(&[UserId(5), UserId(6)]));
        assert!(!member.with_admins(&[UserId(6)]));
    }

    #[test]
    fn unknown_commands_are_answered_only_where_they_are_the_bots() {
        let unknown = |addressed| Parsed::Unknown {
            name: "/foo".into(),
            addressed,
        };
        assert_eq!(asked(unknown(false), ChatKind::Group), None);
        let told = Some(Asked::Reply(Reply::UnknownCommand {
            command: "/foo".into(),
        }));
        assert_eq!(asked(unknown(true), ChatKind::Group), told);
        assert_eq!(asked(unknown(false), ChatKind::Private), told);
        assert_eq!(asked(Parsed::NotForUs, ChatKind::Private), None);
    }

    #[test]
    fn a_non_moderator_is_told_a_moderator_command_is_not_theirs() {
        let not_theirs = Answering::Say(Reply::NotModerator {
            command: "/close".into(),
        });
        let close = Asked::Command(Command::Close(PollRef::Implicit));
        assert_eq!(answering(close.clone(), false, "/close".into()), not_theirs);
        assert_eq!(
            answering(close, true, "/close".into()),
            Answering::Run(Command::Close(PollRef::Implicit))
        );
        // Its usage too is a moderator's business.
        let malformed = Asked::Reply(Reply::Malformed(CommandError::ExtraArguments {
            command: "/close",
        }));
        assert_eq!(
            answering(malformed.clone(), false, "/close".into()),
            not_theirs
        );
        assert_eq!(
            answering(malformed, true, "/close".into()),
            Answering::Say(Reply::Malformed(CommandError::ExtraArguments {
                command: "/close"
            }))
        );
        // Anyone may ask for help.
        assert_eq!(
            answering(Asked::Command(Command::Help), false, "/help".into()),
            Answering::Run(Command::Help)
        );
    }

    #[test]
    fn only_a_moderators_results_answer_an_identical_request() {
        let id = PollId {
            chat: GROUP,
            number: PollNumber(3),
        };
        let found = |_| Ok::<_, ()>(Some(id));
        let results = Command::Results(PollRef::Implicit);
        assert_eq!(
            coalesce_key(&results, true, found),
            Ok(Some(CoalesceKey::Results(id)))
        );
        assert_eq!(coalesce_key(&results, false, found), Ok(None));
        assert_eq!(
            coalesce_key(&Command::Polls, false, found),
            Ok(Some(CoalesceKey::Polls))
        );
        assert_eq!(coalesce_key(&Command::Help, true, found), Ok(None));
    }
}
