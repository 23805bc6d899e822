//! What a failed Bot API call means for the bot, read from teloxide's error
//! types (the description text only where teloxide has no variant for it).

use teloxide::{ApiError, RequestError};

use crate::app::Refusal;
use crate::poll::ChatId;

/// What to do after a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The bot can no longer write to this chat (blocked, kicked, chat gone).
    Gone,
    /// Telegram refused this request; trying again would fail the same way.
    Refused(Refusal),
    /// Telegram did not act on it, and may later (no connection, a server
    /// error): try again.
    Transient,
    /// Telegram may or may not have acted on it: the connection broke
    /// mid-way.
    Unknown,
    /// The group became a supergroup with this id: the bot goes on there.
    Moved(ChatId),
    /// Telegram answered, but not in a form the bot can read (another Bot
    /// API server, a newer version). It may have acted; asking again would
    /// get the same answer. A message is not sent again; anything else
    /// fails its command (the user gets the apology) and the lane moves on.
    Unreadable,
}

/// Sorts a failed call; 429s are handled before (they only mean "wait").
pub fn classify(error: &RequestError) -> Failure {
    match error {
        RequestError::Api(api) => classify_api(api),
        RequestError::RetryAfter(_) => Failure::Transient,
        RequestError::MigrateToChatId(to) => Failure::Moved((*to).into()),
        // Refused before anything was sent.
        RequestError::Network(error) if error.is_connect() => Failure::Transient,
        // An HTML page instead of JSON is a proxy's error page (nginx's 502):
        // the request did not reach the Bot API.
        RequestError::InvalidJson { raw, .. } if raw.trim_start().starts_with('<') => {
            Failure::Transient
        }
        RequestError::InvalidJson { .. } => Failure::Unreadable,
        RequestError::Network(_) => Failure::Unknown,
        // A file to upload could not be read: nothing was sent.
        RequestError::Io(_) => Failure::Refused(Refusal::Other),
    }
}

fn classify_api(error: &ApiError) -> Failure {
    use ApiError::*;
    match error {
        BotBlocked
        | BotKicked
        | BotKickedFromSupergroup
        | BotKickedFromChannel
        | UserDeactivated
        | CantInitiateConversation
        | CantTalkWithBots
        | ChatNotFound
        | GroupDeactivated => Failure::Gone,
        NotEnoughRightsToPostMessages
        | NotEnoughRightsToPinMessage
        | NotEnoughRightsToManagePins
        | NotEnoughRightsToChangeChatPermissions
        | NotEnoughRightsToRestrict => Failure::Refused(Refusal::NoRights),
        MessageToEditNotFound
        | MessageWithPollNotFound
        | MessageIsNotAPoll
        | MessageToReplyNotFound
        | MessageIdInvalid => Failure::Refused(Refusal::MessageGone),
        Unknown(description) => classify_description(description),
        _ => Failure::Refused(Refusal::Other),
    }
}

/// Errors teloxide has no variant for carry Telegram's description, which
/// starts with the HTTP reason: client errors are final, server errors pass.
fn classify_description(description: &str) -> Failure {
    let lower = description.to_ascii_lowercase();
    if lower.contains("not enough rights") || lower.contains("have no rights") {
        return Failure::Refused(Refusal::NoRights);
    }
    if lower.starts_with("forbidden") {
        return Failure::Gone;
    }
    const FINAL: [&str; 5] = [
        "bad request",
        "unauthorized",
        "not found",
        "conflict",
        "request entity too large",
    ];
    if FINAL.iter().any(|prefix| lower.starts_with(prefix)) {
        return Failure::Refused(Refusal::Other);
    }
    Failure::Transient
}

/// Whether Telegram refused a photo because the bot may not send photos
/// here (it may still send text).
pub fn is_no_photo_right(error: &RequestError) -> bool {
    matches!(
        error,
        RequestError::Api(ApiError::Unknown(description))
            if description.to_ascii_lowercase().contains("not enough rights to send photos")
    )
}

/// Whether `stopPoll` failed because the poll was closed already.
pub fn is_poll_closed_already(error: &RequestError) -> bool {
    matches!(error, RequestError::Api(ApiError::PollHasAlreadyClosed))
}

/// Whether Telegram refused an edit because the message already says
/// exactly that.
pub fn is_not_modified(error: &RequestError) -> bool {
    matches!(error, RequestError::Api(ApiError::MessageNotModified))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_errors_are_sorted_by_their_kind() {
        let api = |e| classify(&RequestError::Api(e));
        assert_eq!(api(ApiError::BotBlocked), Failure::Gone);
        assert_eq!(api(ApiError::BotKickedFromSupergroup), Failure::Gone);
        assert_eq!(
            api(ApiError::MessageWithPollNotFound),
            Failure::Refused(Refusal::MessageGone)
        );
        assert_eq!(
            api(ApiError::Unknown(
                "Bad Request: not enough rights to send polls to the chat".into()
            )),
            Failure::Refused(Refusal::NoRights)
        );
        assert_eq!(
            api(ApiError::Unknown("Bad Request: something new".into())),
            Failure::Refused(Refusal::Other)
        );
        assert_eq!(
            api(ApiError::Unknown("Internal Server Error".into())),
            Failure::Transient
        );
        assert_eq!(
            api(ApiError::Unknown("Bad Gateway".into())),
            Failure::Transient
        );
    }
}
