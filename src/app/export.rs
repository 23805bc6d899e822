//! `/export`: the files written to a temporary folder, streamed from the
//! store (never held in memory), zipped when large, and refused with the
//! command that writes them when even the zip is over Telegram's limit.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::poll::Poll;
use crate::report::{CampaignReport, ExportError, ExportFile, ExportFormat, PollReport};
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
/// file zipped when it is over `limit`.
pub fn export_files(
    store: &Store,
    poll: &Poll,
    format: ExportFormat,
    dir: &Path,
    db_path: &Path,
    limit: u64,
) -> Result<ExportOutcome, ExportError> {
    if let Some(campaign) = CampaignReport::load(store, poll.id)? {
        return super::share::export_campaign(store, &campaign, format, dir, db_path, limit);
    }
    let report = PollReport::load(store, poll.id)?.ok_or_else(|| {
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
        if exported.size > limit {
            exported = zipped(&exported)?;
        }
        if exported.size > limit {
            return Ok(ExportOutcome::TooLarge {
                command: cli_command(db_path, poll, format),
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

/// The `pollbot export` command that writes the same files.
pub(super) fn cli_command(db_path: &Path, poll: &Poll, format: ExportFormat) -> String {
    let format = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    };
    format!(
        "pollbot export --db {} --poll {}:{} --format {format} --out .",
        db_path.display(),
        poll.id.chat,
        poll.id.number.0
    )
}
