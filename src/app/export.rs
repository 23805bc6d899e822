//! `/export`: the files written to a temporary folder, streamed from the
//! store (never held in memory), zipped when large, and refused with the
//! command that writes them when even the zip is over Telegram's limit.

use crate::store::Location;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::load;
use crate::poll::{ChatId, Poll, PollId};
use crate::report::{ExportError, ExportFile, ExportFormat, Scope};
use crate::store::Store;

/// The largest file a bot may upload to Telegram.
pub const TELEGRAM_UPLOAD_LIMIT: u64 = 50 * 1024 * 1024;

/// A file ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    /// The name the chat sees: `poll-3-votes.csv`, or `poll-3-votes.csv.zip`.
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
}

/// What `/export` sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportOutcome {
    Files(Vec<ExportedFile>),
    /// A file is over `limit` even zipped: the moderator gets this command
    /// line, which writes the files from the database.
    TooLarge {
        command: String,
    },
}

/// Writes the export of `poll` into `dir` (which the caller removes), each
/// file zipped when it is over `limit`; with a campaign's other chats when
/// `scope` covers them.
pub fn export_files(
    store: &Store,
    poll: &Poll,
    scope: Scope,
    format: ExportFormat,
    dir: &Path,
    limit: Limit,
) -> Result<ExportOutcome, ExportError> {
    let campaign = match scope {
        Scope::Campaign => load::campaign_report(store, poll.id)?,
        Scope::OwnChat => None,
    };
    if let Some(campaign) = campaign {
        return super::share::export_campaign(store, &campaign, format, dir, limit);
    }
    let report = load::poll_report(store, poll.id)?.ok_or_else(|| {
        ExportError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("poll {} is not in the store", poll.id),
        ))
    })?;
    let mut files = Vec::new();
    for file in ExportFile::all(poll, format) {
        let path = dir.join(&file.name);
        let mut out = BufWriter::new(File::create(&path)?);
        file.write(store, &report, &mut out)?;
        out.flush()?;
        drop(out);
        let mut exported = ExportedFile {
            size: std::fs::metadata(&path)?.len(),
            name: file.name,
            path,
        };
        if exported.size > limit.bytes {
            exported = zipped(&exported)?;
        }
        if exported.size > limit.bytes {
            return Ok(ExportOutcome::TooLarge {
                command: cli_command(limit.db_path, poll.id, format),
            });
        }
        files.push(exported);
    }
    Ok(ExportOutcome::Files(files))
}

/// The file alone in a zip archive beside it.
pub(super) fn zipped(file: &ExportedFile) -> Result<ExportedFile, ExportError> {
    let name = format!("{}.zip", file.name);
    let path = file.path.with_file_name(&name);
    let mut zip = zip::ZipWriter::new(BufWriter::new(File::create(&path)?));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(file.size >= u64::from(u32::MAX));
    zip.start_file(file.name.as_str(), options)
        .map_err(std::io::Error::other)?;
    std::io::copy(&mut File::open(&file.path)?, &mut zip)?;
    zip.finish().map_err(std::io::Error::other)?.flush()?;
    std::fs::remove_file(&file.path)?;
    Ok(ExportedFile {
        size: std::fs::metadata(&path)?.len(),
        name,
        path,
    })
}

/// How large a file Telegram takes, and what to tell a moderator when an
/// export is larger.
#[derive(Debug, Clone, Copy)]
pub struct Limit<'a> {
    pub bytes: u64,
    /// The database's path for the `pollbot export` command line, or `None`
    /// where the answer goes into a group: the server's paths are the
    /// operator's business, not the members'.
    pub db_path: Option<&'a Location>,
}

impl<'a> Limit<'a> {
    /// The limit for an answer sent to `chat`: the database path only in a
    /// private chat (whose id, a user's, is positive).
    pub fn for_chat(bytes: u64, db_path: &'a Location, chat: ChatId) -> Self {
        Self {
            bytes,
            db_path: (chat.0 > 0).then_some(db_path),
        }
    }
}

/// The `pollbot export` command that writes the same files.
pub(super) fn cli_command(
    db_path: Option<&Location>,
    poll: PollId,
    format: ExportFormat,
) -> String {
    let format = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    };
    let db_path = match db_path {
        // A PostgreSQL URL is shown without its password.
        Some(location) => location.to_string(),
        None => "<path>".to_owned(),
    };
    format!(
        "pollbot export --db {db_path} --poll {}:{} --format {format} --out .",
        poll.chat, poll.number.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::PollNumber;

    #[test]
    fn the_database_path_is_shown_in_a_private_chat_only() {
        let poll = PollId {
            chat: ChatId(-100),
            number: PollNumber(3),
        };
        let path = Location::folder("/srv/pollbot-data");
        assert_eq!(Limit::for_chat(9, &path, ChatId(42)).db_path, Some(&path));
        assert_eq!(Limit::for_chat(9, &path, ChatId(-100)).db_path, None);
        assert_eq!(
            cli_command(Some(&path), poll, ExportFormat::Json),
            "pollbot export --db /srv/pollbot-data --poll -100:3 --format json --out ."
        );
        assert_eq!(
            cli_command(None, poll, ExportFormat::Csv),
            "pollbot export --db <path> --poll -100:3 --format csv --out ."
        );
    }
}
