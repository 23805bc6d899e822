//! Files: `/report` and `/export`.

use crate::app::report::ReportOutcome;
use crate::app::{self, ExportOutcome, Reply};
use crate::i18n::Language;
use crate::poll::{Poll, PollNumber};
use crate::report::{ExportFormat, Scope};
use crate::telegram::inbound::CommandMessage;
use std::sync::Arc;

use crate::telegram::lanes::{Handled, InLine, Job, Lane, RenderedReport};
use teloxide::types::InputFile;

use super::*;

impl Lane {
    /// The full report: a photo of the timeline with the headline as its
    /// caption, then `poll-N-report.html`. A million votes take seconds to
    /// render: the page is made by a task of its own while the lane answers
    /// the chat's other commands, and the command comes back to the lane
    /// when its page is ready ([`Handled::Rendering`]).
    pub(super) async fn report(
        &self,
        answer: &mut Answer,
        (message, target): (&CommandMessage, Target),
        poll: &Poll,
        by: Option<u32>,
        scope: Scope,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let update_id = answer.key_update_id();
        // A refused `--by` is told in turn, before anything is rendered.
        let (checked, by_poll) = (poll.clone(), by.map(PollNumber));
        let refused = self
            .edge
            .blocking(move |store| Ok(app::report::refusal(store, &checked, by_poll)?))
            .await?;
        if let Some(reply) = refused {
            let step = self.say(answer, target, &reply.text(language)).await?;
            return Ok(self
                .after_to(answer, step, target)
                .await?
                .unwrap_or(Handled::Done));
        }
        let Some(made) = self.edge.rendered.take(update_id) else {
            let order = ReportOrder {
                poll: poll.clone(),
                by: by.map(PollNumber),
                scope,
                language,
            };
            self.render_off_the_lane(update_id, message, order);
            return Ok(Handled::Rendering);
        };
        let RenderedReport {
            dir: _dir,
            path,
            name,
            outcome,
        } = made?;
        let full = match outcome {
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
        let bot = &self.edge.telegram.bot;
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

    /// Renders the report a command asked for in a task of its own; then
    /// the command goes back to the front of its lane, which finds the page
    /// ready and sends it.
    fn render_off_the_lane(&self, update_id: i64, message: &CommandMessage, order: ReportOrder) {
        let (edge, lanes, chat) = (Arc::clone(&self.edge), self.lanes.clone(), self.chat);
        let message = message.clone();
        // Busy until the command is back in its lane.
        edge.progress.activity.begin();
        tokio::spawn(async move {
            let title = message.chat_title.clone();
            let rendered = edge
                .blocking(move |store| {
                    let dir = tempfile::tempdir()?;
                    let name = format!("poll-{}-report.html", order.poll.id.number.0);
                    let path = dir.path().join(&name);
                    let html = std::io::BufWriter::new(std::fs::File::create(&path)?);
                    let what = (order.by, order.scope);
                    let outcome = app::report::write_report(
                        store,
                        &order.poll,
                        what,
                        title,
                        order.language,
                        html,
                    )?;
                    Ok(RenderedReport {
                        dir,
                        path,
                        name,
                        outcome,
                    })
                })
                .await;
            edge.rendered.put(update_id, rendered);
            lanes.push(chat, Job::Command { update_id, message }, InLine::First);
            edge.progress.activity.end();
        });
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
            self.edge.config.db.clone(),
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
        let bot = &self.edge.telegram.bot;
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
