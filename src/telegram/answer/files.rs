//! Files: `/report` and `/export`.

use crate::app::report::ReportOutcome;
use crate::app::{self, ExportOutcome, Reply};
use crate::i18n::Language;
use crate::poll::{Poll, PollNumber};
use crate::report::{ExportFormat, Scope};
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Lane};
use teloxide::types::InputFile;

use super::*;

impl Lane {
    /// The full report: a photo of the timeline with the headline as its
    /// caption, then `poll-N-report.html`.
    pub(super) async fn report(
        &self,
        answer: &mut Answer,
        (message, target): (&CommandMessage, Target),
        poll: &Poll,
        by: Option<u32>,
        scope: Scope,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let dir = tempfile::tempdir()?;
        let name = format!("poll-{}-report.html", poll.id.number.0);
        let path = dir.path().join(&name);
        let (closing, html_path, title) = (poll.clone(), path.clone(), message.chat_title.clone());
        let by = by.map(PollNumber);
        let made = self
            .edge
            .blocking(move |store| {
                let html = std::io::BufWriter::new(std::fs::File::create(&html_path)?);
                let what = (by, scope);
                Ok(app::report::write_report(
                    store, &closing, what, title, language, html,
                )?)
            })
            .await?;
        let full = match made {
            ReportOutcome::Written(full) => full,
            ReportOutcome::Refused(reply) => {
                let step = self.say(answer, target, &reply.text(language)).await?;
                return Ok(self
                    .after_to(answer, step, target)
                    .await?
                    .unwrap_or(Handled::Done));
            }
        };
        let id = poll.id;
        let bot = &self.edge.bot;
        let caption = app::fit(&full.headline, app::CAPTION_LIMIT);
        let photo = self
            .step(answer, || {
                let photo = InputFile::memory(full.timeline_png.clone())
                    .file_name(format!("poll-{}-timeline.png", id.number.0));
                let sent = send_photo(bot, target, photo, caption.clone());
                async move { sent.await.map(|_| ()) }
            })
            .await?;
        // Sent privately, a refusal is the moderator's, not the group's.
        if let Some(handled) = self.after_to(answer, photo, target).await? {
            return Ok(handled);
        }
        let document = self
            .step(answer, || {
                send_document(bot, target, path.clone(), name.clone())
            })
            .await?;
        Ok(self
            .after_to(answer, document, target)
            .await?
            .unwrap_or(Handled::Done))
    }

    pub(super) async fn export(
        &self,
        answer: &mut Answer,
        poll: &Poll,
        format: ExportFormat,
        target: Target,
        scope: Scope,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let dir = tempfile::tempdir()?;
        let (closing, path, db_path, bytes) = (
            poll.clone(),
            dir.path().to_path_buf(),
            self.edge.config.db_path.clone(),
            self.edge.config.upload_limit,
        );
        let chat = target.chat;
        let outcome = self
            .edge
            .blocking(move |store| {
                let limit = app::Limit::for_chat(bytes, &db_path, chat);
                Ok(app::export_files(
                    store, &closing, scope, format, &path, limit,
                )?)
            })
            .await?;
        let files = match outcome {
            ExportOutcome::Files(files) => files,
            ExportOutcome::TooLarge { command } => {
                let reply = Reply::ExportTooLarge {
                    number: poll.id.number,
                    command,
                };
                let step = self.say(answer, target, &reply.text(language)).await?;
                return Ok(self
                    .after_to(answer, step, target)
                    .await?
                    .unwrap_or(Handled::Done));
            }
        };
        let bot = &self.edge.bot;
        for file in files {
            let step = self
                .step(answer, || {
                    send_document(bot, target, file.path.clone(), file.name.clone())
                })
                .await?;
            if let Some(handled) = self.after_to(answer, step, target).await? {
                return Ok(handled);
            }
        }
        Ok(Handled::Done)
    }
}
