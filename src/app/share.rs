//! `/share` and `/post`: one poll in several chats. The origin chat's
//! moderators get a code; a moderator of another chat or channel posts the
//! same poll there with it, and the copy joins the origin's campaign, whose
//! results combine every chat (see [`crate::report::CampaignReport`]).
//!
//! A code is 40 bits from the operating system's CSPRNG, so it cannot be
//! guessed (and the flood rule limits how fast a non-moderator could try);
//! no reply to a wrong code names the origin chat: its title is shown only
//! once the poll is posted.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, Utc};

use super::command::{NewPoll, ShareAction};
use super::export::{ExportOutcome, ExportedFile};
pub use super::polls::Place;
use super::polls::{PostedPoll, create_poll_with};
use crate::i18n::{self, Language};
use crate::poll::{
    CODE_RANDOM_BYTES, ChatId, Deadline, Poll, PollId, PollNumber, ShareCode, ShareRecord,
};
use crate::report::{self, CampaignReport, ExportError, ExportFormat};
use crate::store::{self, Journal, Store};

/// How often a new code is drawn again when it is taken already (never,
/// in practice: there are 2^40 codes).
const CODE_TRIES: usize = 8;

/// How many chats a poll may be posted in besides its own: each copy costs
/// every vote a ballot read, and the chart a legend row.
pub const MAX_COPIES: usize = 20;

/// What `/share` and `/post` say; each variant is a locale key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareReply {
    /// The code that lets another chat post the poll.
    Code { number: PollNumber, code: ShareCode },
    /// `/share N off`: the code no longer works.
    Revoked { number: PollNumber, code: ShareCode },
    /// `/share N off` for a poll without a working code.
    NoCode(PollNumber),
    /// `/share` of a closed poll.
    Closed(PollNumber),
    /// `/share` of a copy: only the origin chat shares.
    IsCopy(PollNumber),
    /// `/share` of a button ballot (`--ranked`, `--pick`): only Telegram's
    /// own polls can be posted in other chats.
    ButtonBallot(PollNumber),
    /// `/post` of a code nobody gave out.
    UnknownCode(ShareCode),
    /// `/post` of a code its chat revoked.
    RevokedCode(ShareCode),
    /// `/post` of a code whose poll has closed (or whose deadline passed).
    ExpiredCode(ShareCode),
    /// `/post` of a poll this chat has already (posted before, or its
    /// origin): nothing is posted again.
    AlreadyHere(PollNumber),
    /// `/post` in a private chat: a copy there would let one person read
    /// what the campaign's chats see.
    PrivateChat,
    /// `/post` of a poll posted in [`MAX_COPIES`] other chats already.
    TooManyCopies(ShareCode),
    /// The copy is out as this chat's poll `number`.
    Posted {
        number: PollNumber,
        origin_number: PollNumber,
        /// The origin chat's title, if Telegram gave one.
        origin_title: Option<String>,
        bot_is_admin: bool,
    },
}

impl ShareReply {
    /// The words, in `language`.
    pub fn text(&self, language: Language) -> String {
        let with =
            |key: &str, args: &[(&'static str, i18n::Arg)]| i18n::text_with(language, key, args);
        let number =
            |n: &PollNumber| -> (&'static str, i18n::Arg) { ("number", n.to_string().into()) };
        let code = |c: &ShareCode| -> (&'static str, i18n::Arg) { ("code", c.to_string().into()) };
        match self {
            ShareReply::Code { number: n, code: c } => {
                with("share-code", &[number(n), ("n", n.0.into()), code(c)])
            }
            ShareReply::Revoked { number: n, code: c } => {
                with("share-revoked", &[number(n), code(c)])
            }
            ShareReply::NoCode(n) => with("share-no-code", &[number(n)]),
            ShareReply::Closed(n) => with("share-closed", &[number(n)]),
            ShareReply::IsCopy(n) => with("share-is-copy", &[number(n)]),
            ShareReply::ButtonBallot(n) => with("share-button-ballot", &[number(n)]),
            ShareReply::UnknownCode(c) => with("post-unknown-code", &[code(c)]),
            ShareReply::RevokedCode(c) => with("post-revoked-code", &[code(c)]),
            ShareReply::ExpiredCode(c) => with("post-expired-code", &[code(c)]),
            ShareReply::AlreadyHere(n) => with("post-already-here", &[number(n)]),
            ShareReply::PrivateChat => i18n::text(language, "post-private-chat"),
            ShareReply::TooManyCopies(c) => with(
                "post-too-many-copies",
                &[code(c), ("max", MAX_COPIES.into())],
            ),
            ShareReply::Posted {
                number: n,
                origin_number,
                origin_title,
                bot_is_admin,
            } => {
                let origin = origin_title
                    .clone()
                    .unwrap_or_else(|| i18n::text(language, "post-origin-untitled"));
                let posted = with(
                    "post-posted",
                    &[
                        number(n),
                        ("n", n.0.into()),
                        ("origin_number", origin_number.to_string().into()),
                        ("origin", origin.into()),
                    ],
                );
                match bot_is_admin {
                    true => posted,
                    false => format!("{posted}\n{}", i18n::text(language, "warning-not-admin")),
                }
            }
        }
    }
}

impl ShareReply {
    /// The variant's name alone, for a log line that must not carry the
    /// code.
    pub fn kind(&self) -> &'static str {
        match self {
            ShareReply::Code { .. } => "code",
            ShareReply::Revoked { .. } => "revoked",
            ShareReply::NoCode(_) => "no-code",
            ShareReply::Closed(_) => "closed",
            ShareReply::IsCopy(_) => "is-copy",
            ShareReply::ButtonBallot(_) => "button-ballot",
            ShareReply::UnknownCode(_) => "unknown-code",
            ShareReply::RevokedCode(_) => "revoked-code",
            ShareReply::ExpiredCode(_) => "expired-code",
            ShareReply::AlreadyHere(_) => "already-here",
            ShareReply::PrivateChat => "private-chat",
            ShareReply::TooManyCopies(_) => "too-many-copies",
            ShareReply::Posted { .. } => "posted",
        }
    }
}

/// Where a `/post` came from.
#[derive(Debug, Clone, Copy)]
pub struct PostedIn {
    pub chat: ChatId,
    /// A private chat with the bot.
    pub kind: super::ChatKind,
    /// The copy this very command stored already (a retry), which is no
    /// reason to refuse.
    pub by_this_command: Option<PollId>,
}

/// What someone typed as a code, quoted back: at most 20 characters, cut
/// by characters.
pub fn quoted_code(text: &str) -> String {
    const QUOTED: usize = 20;
    let mut chars = text.chars();
    let cut: String = chars.by_ref().take(QUOTED).collect();
    match chars.next() {
        Some(_) => format!("{cut}…"),
        None => cut,
    }
}

/// A fresh code from the operating system's CSPRNG.
fn random_code() -> std::io::Result<ShareCode> {
    let mut bytes = [0u8; CODE_RANDOM_BYTES];
    getrandom::getrandom(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(ShareCode::from_random(bytes))
}

/// Why `/share` or `/post` could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The operating system would not give random bytes.
    #[error("no random bytes for a share code: {0}")]
    Random(#[from] std::io::Error),
}

/// `/share [poll] [off]` for `poll`, a poll of the command's chat.
pub fn share(
    store: &Store,
    poll: &Poll,
    action: ShareAction,
    now: DateTime<Utc>,
) -> Result<ShareReply, ShareError> {
    let number = poll.id.number;
    if store.origin_of(poll.id)?.is_some() {
        return Ok(ShareReply::IsCopy(number));
    }
    if poll.features.ballot.is_button_ballot() {
        return Ok(ShareReply::ButtonBallot(number));
    }
    if action == ShareAction::Revoke {
        let revoked = store.write(|changes| changes.revoke_share_code(poll.id))?;
        store.flush()?;
        return Ok(match revoked {
            Some(code) => ShareReply::Revoked { number, code },
            None => ShareReply::NoCode(number),
        });
    }
    if !poll.is_open() {
        return Ok(ShareReply::Closed(number));
    }
    if let Some(code) = store.campaign(poll.id)?.and_then(|c| c.code) {
        return Ok(ShareReply::Code { number, code });
    }
    for _ in 0..CODE_TRIES {
        let code = random_code()?;
        if store.share_record(&code)?.is_some() {
            continue;
        }
        store.write(|changes| changes.set_share_code(poll.id, &code, now))?;
        store.flush()?;
        return Ok(ShareReply::Code { number, code });
    }
    Err(ShareError::Random(std::io::Error::other(
        "every share code drawn was taken",
    )))
}

/// The poll a `/post CODE` would copy `here`, and the new poll to post; or
/// the reply saying why nothing is posted.
pub fn resolve_post(
    store: &Store,
    here: PostedIn,
    code: &ShareCode,
    now: DateTime<Utc>,
) -> store::Result<Result<(Poll, NewPoll), ShareReply>> {
    if here.kind.is_private() {
        return Ok(Err(ShareReply::PrivateChat));
    }
    let (chat, posted_by_this_command) = (here.chat, here.by_this_command);
    let Some(ShareRecord {
        origin, revoked, ..
    }) = store.share_record(code)?
    else {
        return Ok(Err(ShareReply::UnknownCode(code.clone())));
    };
    if revoked {
        return Ok(Err(ShareReply::RevokedCode(code.clone())));
    }
    let expired = || Ok(Err(ShareReply::ExpiredCode(code.clone())));
    let Some(origin) = store.poll(origin)? else {
        return expired();
    };
    if !origin.is_open() {
        return expired();
    }
    let copies = store.campaign(origin.id)?.unwrap_or_default().copies;
    let here = match origin.id.chat == chat {
        true => Some(origin.id),
        false => copies.iter().copied().find(|copy| copy.chat == chat),
    };
    if let Some(here) = here.filter(|&here| Some(here) != posted_by_this_command) {
        return Ok(Err(ShareReply::AlreadyHere(here.number)));
    }
    if here.is_none() && copies.len() >= MAX_COPIES {
        return Ok(Err(ShareReply::TooManyCopies(code.clone())));
    }
    let deadline = match origin.deadline {
        Some(at) => match Deadline::parse(&at.to_rfc3339(), now) {
            Ok(deadline) => Some(deadline),
            Err(_) => return expired(),
        },
        None => None,
    };
    let new_poll = NewPoll {
        question: origin.question.clone(),
        options: origin.options.clone(),
        multiple: origin.multiple,
        anonymous: origin.anonymous,
        deadline,
        // The flags and description the origin was posted with; not what
        // Telegram and its members made of it since (persistent ids, options
        // added or deleted there).
        features: crate::poll::PollFeatures {
            hidden: origin.features.hidden,
            final_votes: origin.features.final_votes,
            open: origin.features.open,
            shuffle: origin.features.shuffle,
            description: origin.features.description.clone(),
            ..crate::poll::PollFeatures::default()
        },
    };
    Ok(Ok((origin, new_poll)))
}

/// Stores a copy Telegram just posted, in its chat's numbering, and adds it
/// to `origin`'s campaign in the same atomic write as the command's journal.
pub fn create_copy(
    store: &Store,
    place: Place,
    origin: PollId,
    new_poll: NewPoll,
    posted: PostedPoll,
    now: DateTime<Utc>,
    command: (i64, Journal),
) -> store::Result<Poll> {
    create_poll_with(
        store,
        place,
        new_poll,
        posted,
        now,
        command,
        |changes, copy| changes.add_copy(origin, copy.id),
    )
}

/// The title of a chat as last seen, if Telegram gave one.
pub fn chat_title(store: &Store, chat: ChatId) -> store::Result<Option<String>> {
    Ok(store.chat(chat)?.title)
}

/// The open copies of `origin` (to close with it).
pub fn open_copies(store: &Store, origin: PollId) -> store::Result<Vec<Poll>> {
    let Some(campaign) = store.campaign(origin)? else {
        return Ok(Vec::new());
    };
    let mut open = Vec::new();
    for copy in campaign.copies {
        if let Some(poll) = store.poll(copy)?.filter(Poll::is_open) {
            open.push(poll);
        }
    }
    Ok(open)
}

/// `/export` of a poll run in several chats: from the origin, every chat's
/// rows; from a joined chat, its own. The same files, names, zipping and
/// size limit as for one chat (see [`super::export_files`]).
pub fn export_campaign(
    store: &Store,
    campaign: &CampaignReport,
    format: ExportFormat,
    dir: &Path,
    limit: super::export::Limit,
) -> Result<ExportOutcome, ExportError> {
    let viewer = &campaign.viewer;
    let chats = campaign.visible_rows();
    let n = viewer.id.number.0;
    let names: Vec<String> = match format {
        ExportFormat::Csv => vec![
            format!("poll-{n}-votes.csv"),
            format!("poll-{n}-comments.csv"),
        ],
        ExportFormat::Json => vec![format!("poll-{n}.json")],
    };
    let mut files = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let path = dir.join(&name);
        let mut out = BufWriter::new(File::create(&path)?);
        match (format, i) {
            (ExportFormat::Csv, 0) => report::campaign_votes_csv(store, &chats, &mut out)?,
            (ExportFormat::Csv, _) => report::campaign_comments_csv(store, &chats, &mut out)?,
            (ExportFormat::Json, _) => report::campaign_json(store, campaign, &chats, &mut out)?,
        }
        out.flush()?;
        drop(out);
        let mut exported = ExportedFile {
            size: std::fs::metadata(&path)?.len(),
            name,
            path,
        };
        if exported.size > limit.bytes {
            exported = super::export::zipped(&exported)?;
        }
        if exported.size > limit.bytes {
            return Ok(ExportOutcome::TooLarge {
                command: super::export::cli_command(limit.db_path, viewer.id, format),
            });
        }
        files.push(exported);
    }
    Ok(ExportOutcome::Files(files))
}

#[cfg(test)]
mod tests;
