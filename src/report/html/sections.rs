//! One function per section of `report.html`, in page order. Each writes
//! its part of the page from the [`Page`]; [`super::SECTIONS`] lists them.

use std::io::{self, Write};

use super::chart_inputs::headline as headline_text;
use super::{
    Page, author_name, chat_swatch, date, escape_html, image, meta, option_text, section, swatch, t,
};
use crate::i18n::{self, Arg, Language, format_count};
use crate::poll::{Share, ShareInterval};
use crate::report::CampaignReport;
use crate::report::full::{BucketUnit, Cell, OptionSection, Profile};
use crate::report::summary::{state_text, turnout_text};

/// The poll's number and question, its chat, and a line of its state.
pub(super) fn header(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let (data, language) = (page.data, page.language);
    let poll = &data.report.poll;
    writeln!(out, "<header id=\"header\">")?;
    writeln!(
        out,
        "<div class=\"number\">{}</div><h1>{}</h1>",
        escape_html(&poll.id.number.to_string()),
        escape_html(poll.question.as_str())
    )?;
    if let Some(title) = &data.chat_title {
        writeln!(
            out,
            "<div class=\"chat\">{}</div>",
            t(language, "report-chat", &[("title", title.as_str().into())])
        )?;
    }
    let mut status = vec![state_text(poll, language, data.report.zone)];
    if poll.anonymous {
        status.push(i18n::text(language, "state-anonymous"));
    }
    status.push(data.report.period_text(language));
    status.push(turnout_text(
        &data.report,
        language,
        data.report.tally.voters,
    ));
    writeln!(
        out,
        "<div class=\"meta\">{}</div>",
        escape_html(&status.join(" · "))
    )?;
    writeln!(out, "</header>")
}

/// The headline's sentences but the first (the question, in the header).
pub(super) fn headline(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    section(out, page, "headline", Some("headline"), |out| {
        for line in headline_text(page.data, page.language).lines().skip(1) {
            writeln!(out, "<p>{}</p>", escape_html(line))?;
        }
        Ok(())
    })
}

/// The results chart and a table of the options' votes and shares.
pub(super) fn tally(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let (data, language) = (page.data, page.language);
    section(out, page, "tally", None, |out| {
        image(out, page.charts.results, language, "report-section-tally")?;
        writeln!(out, "<div class=\"scroll\"><table>")?;
        writeln!(
            out,
            "<thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
            t(language, "report-table-option", &[]),
            t(language, "report-table-votes", &[]),
            t(language, "report-table-share", &[])
        )?;
        for section in &data.sections {
            writeln!(
                out,
                "<tr><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                swatch(section.index),
                escape_html(option_text(data, section.index)),
                format_count(section.count),
                share_cell(language, section)
            )?;
        }
        writeln!(out, "</tbody></table></div>")?;
        if data.report.poll.multiple {
            meta(out, &t(language, "shares-of-voters", &[]))?;
        }
        if data.ranked.is_some() {
            meta(out, &t(language, "report-tally-first-preferences", &[]))?;
        }
        Ok(())
    })
}

/// The `low` and `high` arguments of an interval's locale key.
fn interval_args(interval: ShareInterval) -> [(&'static str, Arg); 2] {
    [
        ("low", interval.low.number().into()),
        ("high", interval.high.number().into()),
    ]
}

/// A tally cell: the share, and beneath it in small print its 95% interval
/// (which keeps the column narrow on a phone).
fn share_cell(language: Language, section: &OptionSection) -> String {
    match section.interval {
        Some(interval) => format!(
            "{}<br><span class=\"meta\">{}</span>",
            section.share,
            t(language, "report-interval", &interval_args(interval))
        ),
        None => section.share.to_string(),
    }
}

/// The share and its 95% interval on one line, unescaped (an argument of
/// `report-option-stats`).
fn share_with_interval(language: Language, section: &OptionSection) -> String {
    match section.interval {
        Some(interval) => {
            let [low, high] = interval_args(interval);
            let share = ("share", section.share.to_string().into());
            i18n::text_with(language, "report-share-interval", &[share, low, high])
        }
        None => section.share.to_string(),
    }
}

/// A poll run in several chats: the combined tally stacked by chat, and a
/// row per chat (its voters, its votes and shares per option); people are
/// never named. Nothing for a poll of one chat.
pub(super) fn campaign(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let (Some(campaign), Some(png)) = (&page.data.campaign, page.charts.campaign) else {
        return Ok(());
    };
    let language = page.language;
    section(out, page, "chats", None, |out| {
        image(out, png, language, "report-section-chats")?;
        writeln!(out, "<div class=\"scroll\"><table>")?;
        write!(
            out,
            "<thead><tr><th>{}</th><th class=\"n\">{}</th>",
            t(language, "report-table-chat", &[]),
            t(language, "report-method-voters", &[])
        )?;
        for option in campaign.viewer.options.iter() {
            write!(out, "<th class=\"n\">{}</th>", escape_html(option.as_str()))?;
        }
        writeln!(out, "</tr></thead><tbody>")?;
        chat_rows(out, campaign, page)?;
        writeln!(out, "</tbody></table></div>")?;
        campaign_notes(out, campaign, page)
    })
}

/// The campaign's combined row, then a row per chat.
fn chat_rows(out: &mut dyn Write, campaign: &CampaignReport, page: &Page) -> io::Result<()> {
    let language = page.language;
    let combined = format!(
        "<b>{}</b>",
        t(
            language,
            "campaign-status",
            &[("chats", campaign.chats.len().into())]
        )
    );
    let tally = &campaign.combined;
    chat_row(
        out,
        combined,
        tally.voters,
        &tally.counts,
        campaign.shares(),
    )?;
    for (index, chat) in campaign.chats.iter().enumerate() {
        let name = format!(
            "{}{}",
            chat_swatch(index),
            escape_html(&chat.name(index, language))
        );
        let tally = &chat.tally;
        chat_row(out, name, tally.voters, &tally.counts, chat.shares())?;
    }
    Ok(())
}

fn chat_row(
    out: &mut dyn Write,
    name: String,
    voters: u64,
    counts: &[u64],
    shares: Vec<Share>,
) -> io::Result<()> {
    write!(
        out,
        "<tr><td>{}</td><td class=\"n\">{}</td>",
        name,
        format_count(voters)
    )?;
    for (count, share) in counts.iter().zip(shares) {
        write!(
            out,
            "<td class=\"n\">{} ({share})</td>",
            format_count(*count)
        )?;
    }
    writeln!(out, "</tr>")
}

/// Who voted in several chats, and whether a chat's poll is anonymous.
fn campaign_notes(out: &mut dyn Write, campaign: &CampaignReport, page: &Page) -> io::Result<()> {
    let language = page.language;
    let several = campaign.combined.in_several_chats;
    if several > 0 {
        let note = t(
            language,
            "campaign-deduplicated",
            &[
                ("count", several.into()),
                ("count_text", format_count(several).into()),
            ],
        );
        meta(out, &note)?;
    }
    if campaign.has_anonymous_chat() {
        meta(out, &t(language, "campaign-anonymous-note", &[]))?;
    }
    Ok(())
}

/// One article per option, most votes first.
pub(super) fn options(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    section(out, page, "options", None, |out| {
        if page.data.report.poll.anonymous {
            meta(out, &t(page.language, "report-options-anonymous", &[]))?;
        }
        for (rank, section) in page.data.sections.iter().enumerate() {
            option(out, page, rank, section)?;
        }
        Ok(())
    })
}

/// An option: its rank and text, its figures, its most approved comments.
fn option(
    out: &mut dyn Write,
    page: &Page,
    rank: usize,
    section: &OptionSection,
) -> io::Result<()> {
    let (data, language) = (page.data, page.language);
    writeln!(
        out,
        "<article class=\"option\" id=\"option-{}\">",
        section.index + 1
    )?;
    writeln!(
        out,
        "<h3>{}. {}{}</h3>",
        rank + 1,
        swatch(section.index),
        escape_html(option_text(data, section.index))
    )?;
    let stats = t(
        language,
        "report-option-stats",
        &[
            ("count", section.count.into()),
            ("count_text", format_count(section.count).into()),
            ("share", share_with_interval(language, section).into()),
            ("comments", section.comments.into()),
            ("comments_text", format_count(section.comments).into()),
        ],
    );
    meta(out, &stats)?;
    if section.top.is_empty() {
        writeln!(
            out,
            "<p>{}</p>",
            t(language, "report-option-no-comments", &[])
        )?;
    }
    for comment in &section.top {
        writeln!(out, "<div class=\"comment\">")?;
        writeln!(
            out,
            "<blockquote>{}</blockquote>",
            escape_html(&comment.text)
        )?;
        let approvals = comment.approvals();
        let about = t(
            language,
            "report-comment-meta",
            &[
                ("author", author_name(comment, language).into()),
                ("approvals", approvals.into()),
                ("approvals_text", format_count(u64::from(approvals)).into()),
                (
                    "date",
                    i18n::format_date_in(language, comment.posted_at, page.data.report.zone).into(),
                ),
            ],
        );
        writeln!(out, "<div class=\"meta\">{about}</div>")?;
        writeln!(out, "</div>")?;
    }
    writeln!(out, "</article>")
}

/// The timeline chart and what its buckets are.
pub(super) fn timeline(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let (data, language) = (page.data, page.language);
    section(out, page, "timeline", None, |out| {
        image(
            out,
            page.charts.timeline,
            language,
            "report-section-timeline",
        )?;
        let caption = match data.timeline.unit {
            BucketUnit::Day => "report-timeline-caption-day",
            BucketUnit::Hour => "report-timeline-caption-hour",
        };
        meta(out, &t(language, caption, &[]))?;
        if data.report.poll.multiple {
            meta(out, &t(language, "report-timeline-several", &[]))?;
        }
        Ok(())
    })
}

/// How the figures were counted: dates, totals, visibility, rounding.
pub(super) fn methodology(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let language = page.language;
    section(out, page, "methodology", None, |out| {
        writeln!(out, "<dl>")?;
        for (key, value) in method_rows(page) {
            writeln!(out, "<dt>{}</dt><dd>{}</dd>", t(language, key, &[]), value)?;
        }
        writeln!(out, "</dl>")?;
        if page.data.report.poll.anonymous {
            meta(out, &t(language, "report-options-anonymous", &[]))?;
        }
        meta(out, &t(language, "report-method-definitions", &[]))
    })
}

/// The methodology's rows: a locale key and its value, escaped.
fn method_rows(page: &Page) -> Vec<(&'static str, String)> {
    let (data, language) = (page.data, page.language);
    let (poll, tally) = (&data.report.poll, &data.report.tally);
    let either =
        |yes: bool, if_yes: &str, if_no: &str| t(language, if yes { if_yes } else { if_no }, &[]);
    vec![
        (
            "report-method-period",
            escape_html(&data.report.period_text(language)),
        ),
        (
            "report-method-first-vote",
            date(language, data.report.zone, data.first_vote),
        ),
        (
            "report-method-last-vote",
            date(language, data.report.zone, data.last_vote),
        ),
        ("report-method-voters", format_count(tally.voters)),
        ("report-method-changers", format_count(tally.changers)),
        ("report-method-withdrawn", format_count(tally.withdrawals)),
        ("report-method-comments", format_count(data.comments)),
        ("report-method-approvals", format_count(data.approvals)),
        ("report-method-approvers", format_count(tally.approvers)),
        (
            "report-method-visibility",
            either(
                poll.anonymous,
                "report-method-anonymous",
                "report-method-public",
            ),
        ),
        (
            "report-method-answers",
            either(
                poll.multiple,
                "report-method-several-answers",
                "report-method-one-answer",
            ),
        ),
        (
            "report-method-rounding",
            either(
                poll.multiple,
                "report-method-rounding-several",
                "report-method-rounding-one",
            ),
        ),
        (
            "report-method-interval",
            t(language, "report-method-interval-text", &[]),
        ),
    ]
    .into_iter()
    .chain(super::turnout::method_rows(page))
    .collect()
}

/// The profile chart and its table, or why there is none.
pub(super) fn profile(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let language = page.language;
    section(out, page, "profile", None, |out| {
        match (&page.data.profile, page.charts.profile) {
            (Some(profile), Some(png)) => profile_table(out, page, profile, png),
            _ if page.data.report.poll.anonymous => {
                meta(out, &t(language, "error-by-own-anonymous", &[]))
            }
            _ => meta(out, &t(language, "report-profile-none", &[])),
        }
    })
}

/// The profile's caption, chart and cross-tab of this poll's options by
/// the other poll's answers.
fn profile_table(
    out: &mut dyn Write,
    page: &Page,
    profile: &Profile,
    png: &[u8],
) -> io::Result<()> {
    let (data, language) = (page.data, page.language);
    let caption = t(
        language,
        "report-profile-caption",
        &[
            ("by_number", profile.by.id.number.to_string().into()),
            ("by_question", profile.by.question.as_str().into()),
            ("voters", profile.voters.into()),
            ("voters_text", format_count(profile.voters).into()),
        ],
    );
    writeln!(out, "<p>{caption}</p>")?;
    image(out, png, language, "report-section-profile")?;
    writeln!(out, "<div class=\"scroll\"><table>")?;
    write!(out, "<thead><tr><th></th>")?;
    for (c, answer) in profile.by.all_options().enumerate() {
        write!(
            out,
            "<th class=\"n\">{}{}</th>",
            swatch(c),
            escape_html(answer.text)
        )?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for section in &data.sections {
        write!(
            out,
            "<tr><td>{} ({})</td>",
            escape_html(option_text(data, section.index)),
            format_count(profile.row_voters[section.index])
        )?;
        for cell in profile.row(section.index) {
            match cell {
                Cell::Small => write!(
                    out,
                    "<td class=\"n\">{}</td>",
                    escape_html(&super::chart_inputs::cell_text(cell))
                )?,
                // The count under the share keeps the columns narrow on a phone.
                Cell::Shown { count, share } => write!(
                    out,
                    "<td class=\"n\">{share}<br><span class=\"meta\">{}</span></td>",
                    format_count(count)
                )?,
            }
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")?;
    meta(out, &t(language, "report-profile-rule", &[]))
}
