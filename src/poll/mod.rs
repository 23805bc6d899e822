//! The domain: polls, ballots, comments, approvals, tallies and shares.
//!
//! Nothing here knows about Telegram or sled: `ingest` turns updates into
//! calls on the store, which asks these types and functions what a vote,
//! comment, approval or option does (the rules) and persists the verdict.

mod ballot;
mod campaign;
mod comment;
mod deadline;
mod definition;
mod early;
mod eligibility;
mod history;
mod ids;
mod interval;
mod options;
mod press;
mod ranked;
mod reminder;
mod series;
mod tally;
mod turnout;
mod vote;
mod zone;

pub use ballot::{Ballot, Person};
pub use campaign::{
    CODE_ALPHABET, CODE_CHARS, CODE_RANDOM_BYTES, Campaign, Combined, CombinedRecord, MemberTally,
    ShareCode, ShareCodeError, ShareRecord, VotePrint, combine, counted_member,
};
pub use comment::{
    Approval, Comment, TELEGRAM_PLACEHOLDERS, approver, is_approval_reply, is_approving_reaction,
    takes_comments,
};
pub use deadline::{Deadline, DeadlineError};
pub use definition::{
    BallotKind, MAX_DESCRIPTION_CHARS, MAX_OPTION_CHARS, MAX_OPTIONS, MAX_QUESTION_CHARS,
    MIN_OPTIONS, OptionText, Poll, PollDescription, PollError, PollFeatures, PollId, PollNumber,
    PollOptions, PollQuestion, PollState, telegram_length,
};
pub use early::{EARLY_KEPT_FOR, early_record_is_stale};
pub use eligibility::{CountryError, MAX_COUNTRIES, is_country_code, parse_countries};
pub use history::{VoteFacts, VoterHistory, approvers_delta, follow_vote};
pub use ids::{ChatId, MessageId, UserId};
pub use interval::{ShareInterval, Z_95, wilson_interval, wilson_share_interval};
pub use options::{
    AddedOption, MAX_STABLE_OPTIONS, OptionLearnt, PollOptionView, SeenOption, UNNAMED_OPTION,
};
pub use press::{BallotSecret, Press, PressVerdict, judge_press, keeps_secret_ballots};
pub use ranked::{
    HeadToHead, MAX_RANKED_OPTIONS, RankedResults, Rankings, Round, Runoff, TapRefusal, borda,
    head_to_head, instant_runoff, is_valid_ranking, tap_pick, tap_ranked,
};
pub use reminder::{MAX_REMINDERS, Reminder, ReminderError, parse_reminders};
pub use series::{Period, Run, Series};
pub use tally::{Share, Tally, shares_of_total, shares_of_voters};
pub use turnout::{Audience, MemberCount, Quorum, QuorumVerdict, Turnout, TurnoutStage};
pub use vote::{VoteVerdict, judge_vote};
pub use zone::Zone;
