//! The command line: `run`, `demo`, `report`, `export` and `migrate`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::app::load;
use crate::i18n::Language;
use crate::poll::{PollId, PollNumber};
use crate::report::{self, CampaignReport, ExportFile, ExportFormat, PollReport};
use crate::store::{Location, Store};

/// A Telegram bot for community opinion polls.
#[derive(Debug, Parser)]
#[command(name = "pollbot", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot (long polling); needs TELOXIDE_TOKEN. The default.
    Run,
    /// Build a sample poll offline and write its report files.
    Demo {
        /// Where to write the files.
        #[arg(long, default_value = "./demo-output")]
        out: PathBuf,
        /// Language of the summary, the charts and report.html.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Write a poll's report files from a stopped bot's database.
    Report {
        /// A sled folder or a postgres:// URL.
        #[arg(long)]
        db: String,
        /// CHAT:N, e.g. -1001234567890:3
        #[arg(long, allow_hyphen_values = true)]
        poll: PollId,
        #[arg(long)]
        out: PathBuf,
        /// Language of the summary, the charts and report.html.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Cross the poll with poll N of the same chat (N or #N), e.g. an
        /// age band: adds the profile to report.html and profile.png.
        #[arg(long, value_parser = parse_poll_number)]
        by: Option<PollNumber>,
        /// A series (`/newpoll --every`): write trend.png and trend.txt,
        /// each option's share run by run, instead.
        #[arg(long, conflicts_with = "by")]
        trend: bool,
    },
    /// Export a poll's votes and comments from a stopped bot's database.
    Export {
        /// A sled folder or a postgres:// URL.
        #[arg(long)]
        db: String,
        /// CHAT:N, e.g. -1001234567890:3
        #[arg(long, allow_hyphen_values = true)]
        poll: PollId,
        /// csv (votes and comments) or json
        #[arg(long, default_value = "csv")]
        format: ExportFormat,
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Copy a whole database to another store (a sled folder or a
    /// postgres:// URL), exactly; both bots stopped, the target empty.
    Migrate {
        /// A sled folder or a postgres:// URL.
        #[arg(long)]
        from: String,
        /// A sled folder or a postgres:// URL.
        #[arg(long)]
        to: String,
    },
}

/// sled's page cache for `report` and `export`, which read each record
/// once: a large cache would only hold pages that are not read again.
const READING_CACHE_BYTES: u64 = 2 * 1024 * 1024;

/// `3` or `#3`.
fn parse_poll_number(text: &str) -> Result<PollNumber, String> {
    match text.trim_start_matches('#').parse::<u32>() {
        Ok(n) if n > 0 => Ok(PollNumber(n)),
        _ => Err(format!("{text:?} is not a poll number (3 or #3)")),
    }
}

/// A report's files, as `demo` and `report` write them: the five of
/// `/results` and `/export`, then `report.html` and `timeline.png`, and
/// `profile.png` when crossed with poll `by`.
pub fn write_report_files(
    store: &Store,
    id: PollId,
    by: Option<PollNumber>,
    language: Language,
    dir: &Path,
) -> anyhow::Result<()> {
    let report = load_report(store, id)?;
    // The page is small (its charts are a few hundred kB) and made first, in
    // memory, so that a refused --by writes no file at all.
    let mut html = Vec::new();
    let data = load::full_report_data(store, id, by, report::Scope::Campaign)?;
    let full = report::write_full_report(&data, language, &mut html)?;
    create_dir(dir)?;
    match load::campaign_report(store, id).context("cannot read the poll's chats")? {
        // A poll run in several chats: its results and data cover them all.
        Some(campaign) => write_campaign_files(store, &campaign, language, dir)?,
        None => {
            // As `/results` shows it (a ranked poll: its rounds).
            let (summary, png) = crate::app::results::own_chat_results(store, &report, language)?;
            write_file(&dir.join("summary.txt"), |out| {
                writeln!(out, "{}", summary.full())?;
                Ok(())
            })?;
            let png = png.context("cannot render the chart")?;
            std::fs::write(dir.join("results.png"), png).context("cannot write results.png")?;
            write_file(&dir.join("votes.csv"), |out| {
                Ok(report::votes_csv(
                    &report.poll,
                    store.ballots(report.poll.id),
                    out,
                )?)
            })?;
            write_file(&dir.join("comments.csv"), |out| {
                Ok(report::comments_csv(store, &report.poll, out)?)
            })?;
            write_file(&dir.join("poll.json"), |out| {
                Ok(report::json(store, &report, out)?)
            })?;
        }
    }
    std::fs::write(dir.join("report.html"), html).context("cannot write report.html")?;
    std::fs::write(dir.join("timeline.png"), &full.timeline_png)
        .context("cannot write timeline.png")?;
    if let Some(png) = &full.profile_png {
        std::fs::write(dir.join("profile.png"), png).context("cannot write profile.png")?;
    }
    Ok(())
}

/// The five files of a poll run in several chats, as the asking chat sees
/// it (the origin: every chat): `summary.txt`, `results.png` (stacked by
/// chat), `votes.csv`, `comments.csv` (with `chat_id` and `chat_title`) and
/// `poll.json`.
pub fn write_campaign_files(
    store: &Store,
    campaign: &CampaignReport,
    language: Language,
    dir: &Path,
) -> anyhow::Result<()> {
    create_dir(dir)?;
    write_file(&dir.join("summary.txt"), |out| {
        writeln!(out, "{}", campaign.summary(language).full())?;
        Ok(())
    })?;
    let png = report::campaign_chart::render_stacked_png(&campaign.chart_input(language))
        .context("cannot render the chart")?;
    std::fs::write(dir.join("results.png"), png).context("cannot write results.png")?;
    let chats = campaign.visible_rows();
    write_file(&dir.join("votes.csv"), |out| {
        Ok(report::campaign_votes_csv(store, &chats, out)?)
    })?;
    write_file(&dir.join("comments.csv"), |out| {
        Ok(report::campaign_comments_csv(store, &chats, out)?)
    })?;
    write_file(&dir.join("poll.json"), |out| {
        Ok(report::campaign_json(store, campaign, &chats, out)?)
    })
}

/// The files `/export` sends, named as it names them. Returns their paths.
pub fn write_export_files(
    store: &Store,
    id: PollId,
    format: ExportFormat,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let report = load_report(store, id)?;
    create_dir(dir)?;
    if let Some(campaign) = load::campaign_report(store, id).context("cannot read the poll")? {
        let limit = crate::app::Limit {
            bytes: u64::MAX,
            db_path: None,
        };
        let outcome = crate::app::share::export_campaign(store, &campaign, format, dir, limit)?;
        return match outcome {
            crate::app::ExportOutcome::Files(files) => {
                Ok(files.into_iter().map(|f| f.path).collect())
            }
            crate::app::ExportOutcome::TooLarge { .. } => bail!("the export is too large"),
        };
    }
    let mut paths = Vec::new();
    for file in ExportFile::all(&report.poll, format) {
        let path = dir.join(&file.name);
        write_file(&path, |out| Ok(file.write(store, &report, out)?))?;
        paths.push(path);
    }
    Ok(paths)
}

fn load_report(store: &Store, id: PollId) -> anyhow::Result<PollReport> {
    match load::poll_report(store, id).context("cannot read the poll")? {
        Some(report) => Ok(report),
        None => bail!("there is no poll {} in chat {}", id.number, id.chat),
    }
}

fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out).with_context(|| format!("cannot write {}", path.display()))?;
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `pollbot demo`: the sample poll's files in `out`, its report crossed
/// with the demo's age poll.
pub fn demo(out: &Path) -> anyhow::Result<()> {
    demo_in(out, Language::English)
}

/// `pollbot demo --lang CODE`.
pub fn demo_with_lang(out: &Path, lang: &str) -> anyhow::Result<()> {
    demo_in(out, parse_language(lang)?)
}

fn parse_language(lang: &str) -> anyhow::Result<Language> {
    match Language::from_code(lang) {
        Some(language) => Ok(language),
        None => bail!("{lang:?} is not a language pollbot speaks (en, zh, ru)"),
    }
}

/// The demo's files in `language`.
pub fn demo_in(out: &Path, language: Language) -> anyhow::Result<()> {
    let store = Store::temporary().context("cannot create a temporary database")?;
    let id = crate::demo::build(&store).context("cannot build the sample poll")?;
    write_report_files(&store, id, Some(crate::demo::PROFILE_POLL), language, out)?;
    // The same poll run as a campaign over two chats, in `campaign/`.
    let store = Store::temporary().context("cannot create a temporary database")?;
    let id = crate::demo::build_campaign(&store).context("cannot build the sample campaign")?;
    let campaign = load::campaign_report(&store, id)
        .context("cannot read the sample campaign")?
        .context("the sample campaign has its two chats")?;
    let dir = out.join("campaign");
    write_campaign_files(&store, &campaign, language, &dir)?;
    write_file(&dir.join("report.html"), |out| {
        let data = load::full_report_data(&store, id, None, report::Scope::Campaign)?;
        report::write_full_report(&data, language, out)?;
        Ok(())
    })?;
    // A ranked poll, counted by instant runoff, in `ranked/`.
    let store = Store::temporary().context("cannot create a temporary database")?;
    let id = crate::demo::build_ranked(&store).context("cannot build the sample ranked poll")?;
    write_report_files(&store, id, None, language, &out.join("ranked"))
}

/// A stopped bot's database; a mistyped path must not create an empty one.
fn open_existing(db: &Location) -> anyhow::Result<Store> {
    match db {
        Location::Folder(path) => {
            if !path.join("db").is_file() {
                bail!("there is no pollbot database at {}", path.display());
            }
            Ok(Store::open_with_cache(path, READING_CACHE_BYTES)?)
        }
        Location::Postgres(_) => Ok(Store::open_at(db)?),
    }
}

/// A `--db`, `--from` or `--to` value. Read here rather than by clap,
/// which would repeat a URL that does not parse, password and all.
pub fn location(text: &str) -> anyhow::Result<Location> {
    Ok(text.parse::<Location>()?)
}

/// `pollbot migrate`: prints what it copied.
pub fn migrate(from: &Location, to: &Location) -> anyhow::Result<()> {
    let copied = crate::store::copy_database(from, to)?;
    println!(
        "copied {} records from {from} to {to}; read back, they are the same",
        copied.records
    );
    Ok(())
}

/// `pollbot report`.
pub fn report(
    db: &Location,
    id: PollId,
    by: Option<PollNumber>,
    out: &Path,
    lang: &str,
) -> anyhow::Result<()> {
    let language = parse_language(lang)?;
    let store = open_existing(db)?;
    write_report_files(&store, id, by, language, out)
}

/// `pollbot report --trend`: `trend.png` and `trend.txt` of the series
/// poll `id` is a run of.
pub fn trend(db: &Location, id: PollId, out: &Path, lang: &str) -> anyhow::Result<()> {
    let language = parse_language(lang)?;
    let store = open_existing(db)?;
    let poll = load_report(&store, id)?.poll;
    let zone = store.chat(id.chat)?.zone();
    let Some(trend) = crate::app::series::trend(&store, &poll, language, zone)? else {
        bail!(
            "poll {} of chat {} is not part of a series",
            id.number,
            id.chat
        );
    };
    create_dir(out)?;
    if let Some(png) = &trend.png {
        std::fs::write(out.join("trend.png"), png).context("cannot write trend.png")?;
    }
    std::fs::write(out.join("trend.txt"), format!("{}\n", trend.caption))
        .context("cannot write trend.txt")
}

/// `pollbot export`.
pub fn export(db: &Location, id: PollId, format: ExportFormat, out: &Path) -> anyhow::Result<()> {
    let store = open_existing(db)?;
    for path in write_export_files(&store, id, format, out)? {
        println!("{}", path.display());
    }
    Ok(())
}
