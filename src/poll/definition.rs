//! What a poll is: its question, options, flags and state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::{ChatId, MessageId};

/// Telegram's limit on the number of options in a poll.
pub const MIN_OPTIONS: usize = 2;
/// Telegram's limit on the number of options in a poll.
pub const MAX_OPTIONS: usize = 12;
/// Telegram's limit on a poll question, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// Telegram's limit on a poll option, in characters.
pub const MAX_OPTION_CHARS: usize = 100;
/// Telegram's limit on a poll's description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1024;

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
    /// A `> ` description line with nothing after it.
    #[error("the description is empty")]
    EmptyDescription,
    /// The description is longer than Telegram allows.
    #[error("the description has {0} characters, at most {MAX_DESCRIPTION_CHARS} are allowed")]
    DescriptionTooLong(usize),
}

/// A text's length as Telegram measures it against its limits: in UTF-16
/// code units, so an emoji outside the basic plane counts twice, while a
/// Chinese character counts once.
pub fn telegram_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Whether a character shows nothing by itself: whitespace, controls, and
/// Unicode's default-ignorable code points (zero-width spaces and joiners,
/// direction marks, the byte-order mark, variation selectors, tags), plus
/// the fillers and blanks that render as empty space.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'..='\u{1160}'
                | '\u{17b4}'..='\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fff8}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// Whether a text shows nothing at all.
fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// What two options are compared by: NFKC-normalized, lower case, without
/// invisible characters, so `Yes`/`yes`, `café` in its two Unicode forms,
/// full-width `Ｙｅｓ` and `Y\u{200b}es` are one option.
fn comparison_key(text: &str) -> String {
    text.nfkc()
        .filter(|c| !is_invisible(*c))
        .collect::<String>()
        .to_lowercase()
}

/// A poll question: non-empty, at most 300 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PollQuestion(String);

impl PollQuestion {
    pub fn parse(text: &str) -> Result<Self, PollError> {
        if is_blank(text) {
            return Err(PollError::EmptyQuestion);
        }
        Self::checked(text)
    }

    /// The checks questions have always had; stored polls are read with
    /// these.
    fn checked(text: &str) -> Result<Self, PollError> {
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
        Self::checked(&value)
    }
}

impl From<PollQuestion> for String {
    fn from(value: PollQuestion) -> Self {
        value.0
    }
}

/// One answer option: something visible, at most 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OptionText(String);

impl OptionText {
    pub fn parse(text: &str) -> Result<Self, PollError> {
        if is_blank(text) {
            return Err(PollError::EmptyOption);
        }
        Self::checked(text)
    }

    /// The checks options have always had; stored polls are read with
    /// these, so a poll created before a rule was added still decodes.
    fn checked(text: &str) -> Result<Self, PollError> {
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
        Self::checked(&value)
    }
}

impl From<OptionText> for String {
    fn from(value: OptionText) -> Self {
        value.0
    }
}

/// A poll's options: 2 to 12, no two the same after normalization (see
/// [`comparison_key`]).
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

    /// The options of a button ballot (`--ranked`, `--pick`): Telegram's
    /// checks of each option and of duplicates, and up to
    /// [`MAX_RANKED_OPTIONS`](super::MAX_RANKED_OPTIONS) of them.
    pub fn parse_button_ballot<S: AsRef<str>>(texts: &[S]) -> Result<Self, PollError> {
        if texts.len() > super::MAX_RANKED_OPTIONS {
            return Err(PollError::TooManyOptions(texts.len()));
        }
        let options = texts
            .iter()
            .map(|t| OptionText::parse(t.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        let (first, rest) = options.split_at(options.len().min(MAX_OPTIONS));
        let mut checked = Self::new(first.to_vec())?;
        for option in rest {
            let key = comparison_key(&option.0);
            if checked.0.iter().any(|o| comparison_key(&o.0) == key) {
                return Err(PollError::DuplicateOption(option.0.clone()));
            }
            checked.0.push(option.clone());
        }
        Ok(checked)
    }

    pub fn new(options: Vec<OptionText>) -> Result<Self, PollError> {
        let options = Self::counted(options)?;
        let keys: Vec<String> = options.iter().map(|o| comparison_key(&o.0)).collect();
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].contains(key) {
                return Err(PollError::DuplicateOption(options.0[i].0.clone()));
            }
        }
        Ok(options)
    }

    /// The checks a poll's options have always had (see
    /// [`OptionText::checked`]).
    fn counted(options: Vec<OptionText>) -> Result<Self, PollError> {
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
        Self::counted(value)
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
    pub message_id: MessageId,
    /// The poll's identifier in Telegram, which votes refer to.
    pub telegram_id: String,
    /// The forum topic the poll was posted in, where its results go too,
    /// by the message that started the topic (as Telegram numbers topics).
    #[serde(default)]
    pub thread: Option<MessageId>,
    /// The newer flags it was posted with.
    #[serde(default)]
    pub features: PollFeatures,
}

impl Poll {
    pub fn is_open(&self) -> bool {
        self.state == PollState::Open
    }

    /// Whether a copy of its message forwarded from chat `origin` (a
    /// channel's post in its discussion group) takes comments for it: only a
    /// copy from the poll's own chat does, not one someone forwarded into
    /// their own channel.
    pub fn takes_copy_from(&self, origin: ChatId) -> bool {
        self.id.chat == origin
    }

    /// Whether its results may be shown only to moderators, in private:
    /// a `--hidden` poll that has not closed yet.
    pub fn results_hidden(&self) -> bool {
        self.features.hidden && self.is_open()
    }
}

/// A poll's description, shown under its question: not blank, at most
/// 1,024 characters (as Telegram counts them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PollDescription(String);

impl PollDescription {
    pub fn parse(text: &str) -> Result<Self, PollError> {
        let text = text.trim();
        if is_blank(text) {
            return Err(PollError::EmptyDescription);
        }
        let chars = telegram_length(text);
        if chars > MAX_DESCRIPTION_CHARS {
            return Err(PollError::DescriptionTooLong(chars));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PollDescription {
    type Error = PollError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PollDescription> for String {
    fn from(value: PollDescription) -> Self {
        value.0
    }
}

/// What the newer `/newpoll` flags asked of Telegram; all off (and no
/// description) for polls stored before they existed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PollFeatures {
    /// `--hidden`: results shown only once the poll closes.
    pub hidden: bool,
    /// `--final`: a vote cannot be changed.
    pub final_votes: bool,
    /// `--open`: members may add options (public polls only).
    pub open: bool,
    /// `--shuffle`: options in random order for each member.
    pub shuffle: bool,
    /// The `> ` line under the question.
    pub description: Option<PollDescription>,
    /// Telegram's persistent ids of the options, in their order (empty for
    /// polls posted before Telegram gave them): a reply to an option names
    /// it by this id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub option_persistent_ids: Vec<String>,
    /// Options members added after it was posted, in the order the bot
    /// learnt of them (see [`super::options`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added_options: Vec<super::AddedOption>,
    /// Stable indexes of the options deleted from it, ascending.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted_options: Vec<u8>,
    /// How members vote: Telegram's own poll, or a button ballot of the
    /// bot's (`--ranked`, `--pick K`).
    #[serde(default, skip_serializing_if = "BallotKind::is_native")]
    pub ballot: BallotKind,
    /// `--members-only`: only members of more than a day may vote
    /// (Telegram's `members_only`, channels only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub members_only: bool,
    /// `--countries`: only voters from these countries (ISO 3166-1
    /// alpha-2, upper case; Telegram's `country_codes`, channels only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    /// `--remind`: reminders before the deadline, earliest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<super::Reminder>,
    /// `--every`: a run of a series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<super::Series>,
    /// `--quorum`: how many must vote for the result to stand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<super::Quorum>,
}

/// How members vote in a poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BallotKind {
    /// A Telegram poll: members vote with its buttons.
    #[default]
    Native,
    /// `--ranked`: the bot's own buttons; each tap adds the voter's next
    /// preference. A ballot lists options first preference first.
    Ranked,
    /// `--pick K`: the bot's own buttons; each tap toggles an option, at
    /// most K picked.
    PickUpTo(u8),
}

impl BallotKind {
    pub fn is_native(&self) -> bool {
        *self == BallotKind::Native
    }

    /// Whether the bot draws the ballot itself (buttons under its message).
    pub fn is_button_ballot(&self) -> bool {
        !self.is_native()
    }
}

#[cfg(test)]
mod tests;
