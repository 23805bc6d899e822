//! The export files: votes CSV, comments CSV, and one JSON document.
//!
//! Everything is streamed from the caller's records to the writer, one
//! record at a time, so exporting a million votes needs no more memory than
//! ten.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Timelike, Utc};
use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use super::{PollReport, ReadError, Records, option_texts};
use crate::poll::{
    Ballot, BallotKind, Comment, MessageId, Person, Poll, UserId, keeps_secret_ballots,
};

/// Makes Excel read the CSV as UTF-8 (Chinese text shows correctly).
const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

/// A text cell for a CSV file: one that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'`, so that a spreadsheet
/// shows it as text instead of running it as a formula (OWASP's advice on
/// CSV injection: a member named `=HYPERLINK(…)` must not become a link in
/// the moderator's Excel). Only texts that members wrote (names, options,
/// comments) go through here; the numbers and dates we write ourselves,
/// such as a channel's negative id, stay numbers. JSON is never changed.
pub(super) fn csv_text(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Writes `at` as RFC 3339 in UTC to the second, as `to_rfc3339` does for
/// whole seconds, without going through a format string.
fn write_timestamp(out: &mut String, at: DateTime<Utc>) {
    write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
    .expect("writing to a String");
}

/// The export file formats: `csv` (votes and comments, two files) or
/// `json` (one file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            _ => Err(format!("{s:?} is not an export format: csv or json")),
        }
    }
}

/// What an export file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Contents {
    Votes,
    Comments,
    Everything,
}

/// One file of an export, as `/export` sends it and `pollbot export`
/// writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// `poll-N-votes.csv`, `poll-N-comments.csv` or `poll-N.json`.
    pub name: String,
    contents: Contents,
}

impl ExportFile {
    /// The files of a poll's export in `format`.
    pub fn all(poll: &Poll, format: ExportFormat) -> Vec<ExportFile> {
        let n = poll.id.number.0;
        let file = |name: String, contents| ExportFile { name, contents };
        match format {
            ExportFormat::Csv => vec![
                file(format!("poll-{n}-votes.csv"), Contents::Votes),
                file(format!("poll-{n}-comments.csv"), Contents::Comments),
            ],
            ExportFormat::Json => vec![file(format!("poll-{n}.json"), Contents::Everything)],
        }
    }

    /// Streams the file's contents to `out`, reading the poll's ballots and
    /// comments from `records`.
    pub fn write(
        &self,
        records: &impl Records,
        report: &PollReport,
        out: impl Write,
    ) -> Result<(), ExportError> {
        match self.contents {
            Contents::Votes => votes_csv(&report.poll, records.ballots(report.poll.id), out),
            Contents::Comments => comments_csv(records, &report.poll, out),
            Contents::Everything => json(records, report, out),
        }
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the poll's records failed.
    #[error(transparent)]
    Read(ReadError),
    /// The destination would not take the bytes.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed (it wraps I/O errors too).
    #[error("cannot write the CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A record could not be turned into JSON.
    #[error("cannot write the JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl ExportError {
    /// A failed read of the caller's records.
    pub fn read(error: impl Into<ReadError>) -> Self {
        Self::Read(error.into())
    }
}

#[derive(Serialize)]
struct VoteRow<'a> {
    poll: u32,
    /// `None` in a secret ballot (`--ranked`/`--pick` with `--anonymous`).
    user_id: Option<UserId>,
    user_name: &'a str,
    options: String,
    voted_at: String,
    /// A ranked ballot's options, first preference first.
    #[serde(skip_serializing_if = "Option::is_none")]
    ranking: Option<Vec<String>>,
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
    /// The option the comment replies to (`reply_to_poll_option_id`).
    replied_option: Option<&'a str>,
}

fn vote_row<'a>(poll: &Poll, ballot: &'a Ballot) -> VoteRow<'a> {
    VoteRow {
        poll: poll.id.number.0,
        user_id: (!keeps_secret_ballots(poll)).then_some(ballot.voter.id),
        user_name: &ballot.voter.name,
        options: option_texts(poll, &ballot.options).join("; "),
        voted_at: ballot.voted_at.to_rfc3339(),
        ranking: (poll.features.ballot == BallotKind::Ranked)
            .then(|| option_texts(poll, &ballot.options)),
    }
}

fn comment_row<'a>(poll: &'a Poll, comment: &'a Comment, voted_option: String) -> CommentRow<'a> {
    CommentRow {
        poll: poll.id.number.0,
        message_id: comment.message_id,
        user_id: comment.author.as_ref().map(|a| a.id),
        user_name: comment.author.as_ref().map_or("", |a| a.name.as_str()),
        voted_option,
        approvals: comment.approvals(),
        posted_at: comment.posted_at.to_rfc3339(),
        text: &comment.text,
        replied_option: replied_option(poll, comment),
    }
}

fn replied_option<'a>(poll: &'a Poll, comment: &Comment) -> Option<&'a str> {
    poll.option_text(comment.replied_option?)
}

/// What each comment author voted for. Authors are looked up in key order
/// (a first pass over the comments collects them): random lookups among a
/// million ballots would each go to disk.
fn author_options(
    records: &impl Records,
    poll: &Poll,
) -> Result<HashMap<UserId, String>, ExportError> {
    let mut authors = BTreeSet::new();
    for comment in records.comments(poll.id) {
        if let Some(author) = comment.map_err(ExportError::read)?.author {
            authors.insert(author.id);
        }
    }
    let mut options = HashMap::with_capacity(authors.len());
    let authors: Vec<UserId> = authors.into_iter().collect();
    // A thousand at a time: one read each on PostgreSQL.
    for chunk in authors.chunks(1_000) {
        let ballots = records
            .ballots_of(poll.id, chunk)
            .map_err(ExportError::read)?;
        for (&author, ballot) in chunk.iter().zip(ballots) {
            if let Some(ballot) = ballot {
                options.insert(author, option_texts(poll, &ballot.options).join("; "));
            }
        }
    }
    Ok(options)
}

/// What the author voted for; without a vote on record (an anonymous poll,
/// a non-voter), the option the comment replies to, if any.
fn voted_option(poll: &Poll, options: &HashMap<UserId, String>, comment: &Comment) -> String {
    comment
        .author
        .as_ref()
        .and_then(|a| options.get(&a.id))
        .cloned()
        .or_else(|| replied_option(poll, comment).map(str::to_owned))
        .unwrap_or_default()
}

/// The votes CSV's columns; later features add theirs after them.
pub(super) const VOTE_COLUMNS: [&str; 5] = ["poll", "user_id", "user_name", "options", "voted_at"];

/// The comments CSV's columns; later features add theirs after them.
pub(super) const COMMENT_COLUMNS: [&str; 9] = [
    "poll",
    "message_id",
    "user_id",
    "user_name",
    "voted_option",
    "approvals",
    "posted_at",
    "text",
    "replied_option",
];

/// A CSV writer that has written the byte-order mark (so Excel reads UTF-8)
/// and the header row. Headers are written by hand so that an empty poll
/// still gets its header row.
pub(super) fn csv_with_header<W: Write>(
    mut out: W,
    columns: &[&str],
) -> Result<csv::Writer<W>, ExportError> {
    out.write_all(BYTE_ORDER_MARK)?;
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    writer.write_record(columns)?;
    Ok(writer)
}

/// `poll-N-votes.csv`: poll, user_id, user_name, options, voted_at, from
/// the poll's `ballots` as they stream.
pub fn votes_csv<E>(
    poll: &Poll,
    ballots: impl IntoIterator<Item = Result<Ballot, E>>,
    out: impl Write,
) -> Result<(), ExportError>
where
    E: Into<ReadError>,
{
    let mut writer = csv_with_header(out, &VOTE_COLUMNS)?;
    // The hot loop of a million-vote export: fields are formatted into
    // buffers reused from row to row, and each distinct answer is turned
    // into option texts once.
    let number = poll.id.number.0.to_string();
    let mut answers: HashMap<Vec<u8>, String> = HashMap::new();
    let mut user_id = String::new();
    let mut voted_at = String::new();
    // A secret ballot's voters are keyed hashes: no person, no id.
    let secret = keeps_secret_ballots(poll);
    for ballot in ballots {
        let ballot = ballot.map_err(ExportError::read)?;
        if !answers.contains_key(&ballot.options) {
            let text = csv_text(&option_texts(poll, &ballot.options).join("; ")).into_owned();
            answers.insert(ballot.options.clone(), text);
        }
        let options = &answers[&ballot.options];
        user_id.clear();
        if !secret {
            write!(user_id, "{}", ballot.voter.id).expect("writing to a String");
        }
        voted_at.clear();
        write_timestamp(&mut voted_at, ballot.voted_at);
        writer.write_record([
            number.as_str(),
            &user_id,
            &csv_text(&ballot.voter.name),
            options,
            &voted_at,
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// `poll-N-comments.csv`: poll, message_id, user_id, user_name,
/// voted_option, approvals, posted_at, text, replied_option.
pub fn comments_csv(
    records: &impl Records,
    poll: &Poll,
    out: impl Write,
) -> Result<(), ExportError> {
    let mut writer = csv_with_header(out, &COMMENT_COLUMNS)?;
    let options = author_options(records, poll)?;
    for comment in records.comments(poll.id) {
        let comment = comment.map_err(ExportError::read)?;
        let row = comment_row(poll, &comment, voted_option(poll, &options, &comment));
        writer.serialize(CommentRow {
            user_name: &csv_text(row.user_name),
            voted_option: csv_text(&row.voted_option).into_owned(),
            text: &csv_text(row.text),
            replied_option: row.replied_option.map(csv_text).as_deref(),
            ..row
        })?;
    }
    writer.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct JsonOption {
    text: String,
    count: u64,
    share: String,
    /// For an option a member added: who, if Telegram said.
    #[serde(skip_serializing_if = "Option::is_none")]
    added_by: Option<Person>,
    /// For an option a member added: when, if Telegram said.
    #[serde(skip_serializing_if = "Option::is_none")]
    added_at: Option<String>,
}

/// An option deleted from the poll: kept, out of the tally.
#[derive(Serialize)]
struct JsonDeletedOption<'a> {
    text: &'a str,
    deleted: bool,
}

#[derive(Serialize)]
struct JsonTally<'a> {
    voters: u64,
    comments: u64,
    shares_of: &'static str,
    options: Vec<JsonOption>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deleted_options: Vec<JsonDeletedOption<'a>>,
}

/// `poll-N.json`: `{"poll": …, "tally": …, "votes": […], "comments": […]}`.
pub fn json(
    records: &impl Records,
    report: &PollReport,
    out: impl Write,
) -> Result<(), ExportError> {
    let mut out = std::io::BufWriter::new(out);
    let poll = &report.poll;
    let tally = JsonTally {
        voters: report.tally.voters,
        comments: report.tally.comments,
        shares_of: if poll.multiple { "voters" } else { "votes" },
        options: report
            .rows()
            .into_iter()
            .map(|row| JsonOption {
                text: row.text,
                count: row.count,
                share: row.share.to_string(),
                added_by: row.added.as_ref().and_then(|a| a.added_by.clone()),
                added_at: row
                    .added
                    .as_ref()
                    .and_then(|a| a.added_at)
                    .map(|at| at.to_rfc3339()),
            })
            .collect(),
        deleted_options: poll
            .all_options()
            .filter(|o| o.deleted)
            .map(|o| JsonDeletedOption {
                text: o.text,
                deleted: true,
            })
            .collect(),
    };
    out.write_all(b"{\"poll\":")?;
    serde_json::to_writer(&mut out, poll)?;
    out.write_all(b",\"tally\":")?;
    serde_json::to_writer(&mut out, &tally)?;
    out.write_all(b",\"votes\":[")?;
    for (i, ballot) in records.ballots(poll.id).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let ballot = ballot.map_err(ExportError::read)?;
        serde_json::to_writer(&mut out, &vote_row(poll, &ballot))?;
    }
    out.write_all(b"],\"comments\":[")?;
    let options = author_options(records, poll)?;
    for (i, comment) in records.comments(poll.id).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let comment = comment.map_err(ExportError::read)?;
        let row = comment_row(poll, &comment, voted_option(poll, &options, &comment));
        serde_json::to_writer(&mut out, &row)?;
    }
    out.write_all(b"]}\n")?;
    out.flush()?;
    Ok(())
}
