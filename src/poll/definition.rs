//! What a poll is: its question, options, flags and state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Telegram's limit on the number of options in a poll.
pub const MIN_OPTIONS: usize = 2;
/// Telegram's limit on the number of options in a poll.
pub const MAX_OPTIONS: usize = 12;
/// Telegram's limit on a poll question, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// Telegram's limit on a poll option, in characters.
pub const MAX_OPTION_CHARS: usize = 100;

/// A chat as Telegram numbers it (negative for groups).
pub type ChatId = i64;

/// A poll's number within its chat, shown as `#N`; a chat's first poll is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PollNumber(pub u32);

impl std::fmt::Display for PollNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A poll's identity across the whole bot: its chat and its number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PollId {
    pub chat: ChatId,
    pub number: PollNumber,
}

impl std::fmt::Display for PollId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.chat, self.number.0)
    }
}

impl std::str::FromStr for PollId {
    type Err = String;

    /// Parses `CHAT:N`, e.g. `-1001234567890:3`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (chat, number) = s
            .rsplit_once(':')
            .ok_or_else(|| format!("expected CHAT:N, got {s:?}"))?;
        let chat = chat
            .parse()
            .map_err(|_| format!("{chat:?} is not a chat id"))?;
        let number: u32 = number
            .trim_start_matches('#')
            .parse()
            .map_err(|_| format!("{number:?} is not a poll number"))?;
        if number == 0 {
            return Err("poll numbers start at 1".into());
        }
        Ok(PollId {
            chat,
            number: PollNumber(number),
        })
    }
}

/// Why a poll's text is not acceptable to Telegram.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollError {
    /// The question is empty or only whitespace.
    #[error("the question is empty")]
    EmptyQuestion,
    /// The question is longer than Telegram allows.
    #[error("the question has {0} characters, at most {MAX_QUESTION_CHARS} are allowed")]
    QuestionTooLong(usize),
    /// An option is empty or only whitespace.
    #[error("an option is empty")]
    EmptyOption,
    /// An option is longer than Telegram allows; carries the option and its length.
    #[error("option {0:?} has {1} characters, at most {MAX_OPTION_CHARS} are allowed")]
    OptionTooLong(String, usize),
    /// Fewer than two options.
    #[error("{0} options given, at least {MIN_OPTIONS} are needed")]
    TooFewOptions(usize),
    /// More than twelve options.
    #[error("{0} options given, at most {MAX_OPTIONS} are allowed")]
    TooManyOptions(usize),
    /// The same option appears twice.
    #[error("option {0:?} appears twice")]
    DuplicateOption(String),
}

/// A text's length as Telegram measures it against its limits: in UTF-16
/// code units, so an emoji outside the basic plane counts twice, while a
/// Chinese character counts once.
pub fn telegram_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A poll question: non-empty, at most 300 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PollQuestion(String);

impl PollQuestion {
    pub fn parse(text: &str) -> Result<Self, PollError> {
        let text = text.trim();
        let chars = telegram_length(text);
        if chars == 0 {
            return Err(PollError::EmptyQuestion);
        }
        if chars > MAX_QUESTION_CHARS {
            return Err(PollError::QuestionTooLong(chars));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PollQuestion {
    type Error = PollError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PollQuestion> for String {
    fn from(value: PollQuestion) -> Self {
        value.0
    }
}

/// One answer option: non-empty, at most 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OptionText(String);

impl OptionText {
    pub fn parse(text: &str) -> Result<Self, PollError> {
        let text = text.trim();
        let chars = telegram_length(text);
        if chars == 0 {
            return Err(PollError::EmptyOption);
        }
        if chars > MAX_OPTION_CHARS {
            return Err(PollError::OptionTooLong(text.to_owned(), chars));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OptionText {
    type Error = PollError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OptionText> for String {
    fn from(value: OptionText) -> Self {
        value.0
    }
}

/// A poll's options: 2 to 12, all different.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<OptionText>", into = "Vec<OptionText>")]
pub struct PollOptions(Vec<OptionText>);

impl PollOptions {
    pub fn parse<S: AsRef<str>>(texts: &[S]) -> Result<Self, PollError> {
        let options = texts
            .iter()
            .map(|t| OptionText::parse(t.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(options)
    }

    pub fn new(options: Vec<OptionText>) -> Result<Self, PollError> {
        if options.len() < MIN_OPTIONS {
            return Err(PollError::TooFewOptions(options.len()));
        }
        if options.len() > MAX_OPTIONS {
            return Err(PollError::TooManyOptions(options.len()));
        }
        for (i, option) in options.iter().enumerate() {
            if options[..i].contains(option) {
                return Err(PollError::DuplicateOption(option.0.clone()));
            }
        }
        Ok(Self(options))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &OptionText> {
        self.0.iter()
    }

    pub fn get(&self, index: usize) -> Option<&OptionText> {
        self.0.get(index)
    }
}

impl TryFrom<Vec<OptionText>> for PollOptions {
    type Error = PollError;
    fn try_from(value: Vec<OptionText>) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<PollOptions> for Vec<OptionText> {
    fn from(value: PollOptions) -> Self {
        value.0
    }
}

/// Whether a poll still takes votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollState {
    Open,
    Closed,
}

/// A poll as the bot keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Poll {
    pub id: PollId,
    pub question: PollQuestion,
    pub options: PollOptions,
    /// Voters may choose several options.
    pub multiple: bool,
    /// Telegram reports only counts, not who voted.
    pub anonymous: bool,
    pub created_at: DateTime<Utc>,
    /// When the poll closes by itself, if it does.
    pub deadline: Option<DateTime<Utc>>,
    pub state: PollState,
    pub closed_at: Option<DateTime<Utc>>,
    /// The final results were posted in the chat after the poll closed.
    #[serde(default)]
    pub results_announced: bool,
    /// The message that carries the poll in its chat.
    pub message_id: i32,
    /// The poll's identifier in Telegram, which votes refer to.
    pub telegram_id: String,
    /// The forum topic the poll was posted in, where its results go too.
    #[serde(default)]
    pub thread: Option<i32>,
}

impl Poll {
    pub fn is_open(&self) -> bool {
        self.state == PollState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_count_as_telegram_counts_them() {
        assert!(PollQuestion::parse(&"👍".repeat(150)).is_ok());
        assert_eq!(
            PollQuestion::parse(&"👍".repeat(151)),
            Err(PollError::QuestionTooLong(302))
        );
    }

    #[test]
    fn question_length_is_counted_in_characters_not_bytes() {
        let chinese = "合".repeat(300);
        assert!(PollQuestion::parse(&chinese).is_ok());
        assert_eq!(
            PollQuestion::parse(&"合".repeat(301)),
            Err(PollError::QuestionTooLong(301))
        );
    }

    #[test]
    fn options_reject_duplicates_and_bad_counts() {
        assert_eq!(
            PollOptions::parse(&["Yes", "No", "Yes"]),
            Err(PollError::DuplicateOption("Yes".into()))
        );
        assert_eq!(
            PollOptions::parse(&["Yes"]),
            Err(PollError::TooFewOptions(1))
        );
        let thirteen: Vec<String> = (1..=13).map(|i| i.to_string()).collect();
        assert_eq!(
            PollOptions::parse(&thirteen),
            Err(PollError::TooManyOptions(13))
        );
        assert_eq!(
            PollOptions::parse(&["Yes", " "]),
            Err(PollError::EmptyOption)
        );
        let long = "x".repeat(101);
        assert_eq!(
            PollOptions::parse(&["Yes", long.as_str()]),
            Err(PollError::OptionTooLong(long.clone(), 101))
        );
        assert_eq!(PollOptions::parse(&["Yes", "No"]).unwrap().len(), 2);
    }

    #[test]
    fn poll_id_parses_chat_and_number() {
        let id: PollId = "-1001234567890:3".parse().unwrap();
        assert_eq!(id.chat, -1001234567890);
        assert_eq!(id.number, PollNumber(3));
        assert!("12".parse::<PollId>().is_err());
        assert!("12:0".parse::<PollId>().is_err());
        assert!("x:1".parse::<PollId>().is_err());
    }
}
