//! `report.html`: the full report as one self-contained page (inline CSS,
//! the charts as `data:` URIs, no script, nothing fetched), readable on a
//! phone. Every word comes from the locale files; every piece of user text
//! (question, options, chat title, names, comments) goes through
//! [`escape_html`].

use std::io::{self, Write};

use base64::Engine as _;
use chrono::{DateTime, Timelike, Utc};

use super::breakdown::{self, ProfileBar, ProfileGroup, ProfileInput, TimelineInput};
use super::full::{BucketUnit, Cell, FullReportData, OptionSection, Profile};
use super::summary::{state_text, voters_text};
use crate::i18n::{self, Arg, Language, format_count};
use crate::poll::Comment;

/// The page's style: one column, fluid images, tables that scroll
/// sideways rather than widen the page.
const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;overflow-wrap:anywhere}\
main{max-width:820px;margin:0 auto;padding:16px 16px 32px;background:#fff}\
h1{font-size:1.45rem;line-height:1.3;margin:.1em 0 .3em}\
h2{font-size:1.2rem;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:2px solid #e5e7eb}\
h3{font-size:1.05rem;margin:1.2em 0 .3em}\
.number{color:#2563eb;font-weight:700;font-size:1.1rem}\
.meta{color:#6b7280;font-size:.9em}\
img{display:block;max-width:100%;height:auto;margin:.6em 0}\
.scroll{overflow-x:auto}\
table{border-collapse:collapse;width:100%;font-size:.95em}\
th,td{padding:5px 6px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top;overflow-wrap:normal}\
td:first-child{min-width:6em}\
td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}th.n{white-space:normal}\
blockquote{margin:.6em 0 .2em;padding:.5em .8em;border-left:4px solid #2563eb;background:#f9fafb;white-space:pre-wrap}\
.comment{margin-bottom:.8em}\
.swatch{display:inline-block;width:.75em;height:.75em;border-radius:2px;margin-right:.35em}\
dl{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:.3em 1em;margin:0}\
dt{color:#4b5563}dd{margin:0}\
.headline p{margin:.3em 0;font-size:1.05em}\
footer{margin-top:2em;color:#9ca3af;font-size:.85em}";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The PNGs the page embeds.
pub struct Charts<'a> {
    pub results: &'a [u8],
    pub timeline: &'a [u8],
    pub profile: Option<&'a [u8]>,
    /// The stacked chart of a poll run in several chats.
    pub campaign: Option<&'a [u8]>,
}

/// Localized text, escaped for HTML.
fn t(language: Language, key: &str, args: &[(&'static str, Arg)]) -> String {
    escape_html(&i18n::text_with(language, key, args))
}

fn option_text(data: &FullReportData, index: usize) -> &str {
    u8::try_from(index)
        .ok()
        .and_then(|i| data.report.poll.option_text(i))
        .unwrap_or("")
}

fn author_name(comment: &Comment, language: Language) -> String {
    comment
        .author
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_else(|| i18n::text(language, "anonymous-author"))
}

/// The leader, the most-discussed option and the totals, as sentences (not
/// escaped: the caption of the bot's photo).
pub fn headline(data: &FullReportData, language: Language) -> String {
    let poll = &data.report.poll;
    let mut parts = vec![format!("{} {}", poll.id.number, poll.question.as_str())];
    match data.leader() {
        Some(leader) => parts.push(i18n::text_with(
            language,
            "report-headline-leader",
            &[
                ("option", option_text(data, leader.index).into()),
                ("share", leader.share.to_string().into()),
            ],
        )),
        None => parts.push(i18n::text(language, "report-headline-no-votes")),
    }
    if let Some(most) = data.most_discussed() {
        parts.push(i18n::text_with(
            language,
            "report-headline-discussion",
            &[
                ("option", option_text(data, most.index).into()),
                ("count", most.comments.into()),
                ("count_text", format_count(most.comments).into()),
            ],
        ));
    }
    parts.push(i18n::text_with(
        language,
        "report-headline-totals",
        &[
            ("comments", data.comments.into()),
            ("comments_text", format_count(data.comments).into()),
            ("approvals", data.approvals.into()),
            ("approvals_text", format_count(data.approvals).into()),
        ],
    ));
    parts.join("\n")
}

/// A timeline bucket's label: `14 Mar`, or `09:00` (with the day at
/// midnight) for hours.
fn bucket_label(unit: BucketUnit, at: DateTime<Utc>, language: Language) -> String {
    let day = || {
        i18n::text_with(
            language,
            "date-short",
            &[
                ("day", chrono::Datelike::day(&at).into()),
                (
                    "month",
                    i18n::text(language, &format!("month-{}", chrono::Datelike::month(&at))).into(),
                ),
                ("month_number", chrono::Datelike::month(&at).into()),
            ],
        )
    };
    match unit {
        BucketUnit::Day => day(),
        BucketUnit::Hour if at.hour() == 0 => day(),
        BucketUnit::Hour => at.format("%H:%M").to_string(),
    }
}

/// The timeline chart's contents.
pub fn timeline_input(data: &FullReportData, language: Language) -> TimelineInput {
    let poll = &data.report.poll;
    let timeline = &data.timeline;
    let title_key = match timeline.unit {
        BucketUnit::Day => "report-timeline-title-day",
        BucketUnit::Hour => "report-timeline-title-hour",
    };
    TimelineInput {
        title: i18n::text_with(
            language,
            title_key,
            &[("number", poll.id.number.to_string().into())],
        ),
        series: poll.all_options().map(|o| o.text.to_owned()).collect(),
        buckets: timeline.buckets.clone(),
        labels: (0..timeline.buckets.len())
            .map(|i| bucket_label(timeline.unit, timeline.bucket_start(i), language))
            .collect(),
        footer: format!(
            "{} · {}",
            voters_text(language, data.report.tally.voters),
            data.report.period_text(language)
        ),
        empty_note: i18n::text(language, "report-timeline-empty"),
    }
}

/// `35.2% (120)` or `<5`.
fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Small => format!("<{}", super::full::SMALL_CELL),
        Cell::Shown { count, share } => format!("{share} ({})", format_count(count)),
    }
}

/// The profile chart's contents.
pub fn profile_input(data: &FullReportData, profile: &Profile, language: Language) -> ProfileInput {
    let poll = &data.report.poll;
    ProfileInput {
        title: i18n::text_with(
            language,
            "report-profile-title",
            &[
                ("number", poll.id.number.to_string().into()),
                ("by_number", profile.by.id.number.to_string().into()),
                ("by_question", profile.by.question.as_str().into()),
            ],
        ),
        series: profile
            .by
            .all_options()
            .map(|o| o.text.to_owned())
            .collect(),
        groups: data
            .sections
            .iter()
            .map(|section| ProfileGroup {
                label: format!(
                    "{} ({})",
                    option_text(data, section.index),
                    format_count(profile.row_voters[section.index])
                ),
                bars: profile
                    .row(section.index)
                    .into_iter()
                    .map(|cell| ProfileBar {
                        share: match cell {
                            Cell::Small => None,
                            Cell::Shown { share, .. } => Some(share.0),
                        },
                        text: cell_text(cell),
                    })
                    .collect(),
            })
            .collect(),
        footer: i18n::text_with(
            language,
            "report-profile-footer",
            &[
                ("voters", profile.voters.into()),
                ("voters_text", format_count(profile.voters).into()),
            ],
        ),
    }
}

/// The per-chat section of a poll run in several chats: the combined
/// tally stacked by chat, and a row per chat (its voters, its votes and
/// shares per option); people are never named.
fn write_chats(
    out: &mut impl Write,
    campaign: &super::CampaignReport,
    png: &[u8],
    language: Language,
) -> io::Result<()> {
    let poll = &campaign.viewer;
    writeln!(out, "<section id=\"chats\">")?;
    writeln!(out, "<h2>{}</h2>", t(language, "report-section-chats", &[]))?;
    writeln!(
        out,
        "<img src=\"{}\" alt=\"{}\">",
        data_uri(png),
        t(language, "report-section-chats", &[])
    )?;
    writeln!(out, "<div class=\"scroll\"><table>")?;
    write!(
        out,
        "<thead><tr><th>{}</th><th class=\"n\">{}</th>",
        t(language, "report-table-chat", &[]),
        t(language, "report-method-voters", &[])
    )?;
    for option in poll.options.iter() {
        write!(out, "<th class=\"n\">{}</th>", escape_html(option.as_str()))?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    let row = |out: &mut dyn Write,
               name: String,
               voters: u64,
               counts: &[u64],
               shares: Vec<crate::poll::Share>|
     -> io::Result<()> {
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
    };
    row(
        out,
        format!(
            "<b>{}</b>",
            t(
                language,
                "campaign-status",
                &[("chats", campaign.chats.len().into())]
            )
        ),
        campaign.combined.voters,
        &campaign.combined.counts,
        campaign.shares(),
    )?;
    for (index, chat) in campaign.chats.iter().enumerate() {
        let name = format!(
            "{}{}",
            chat_swatch(index),
            escape_html(&chat.name(index, language))
        );
        row(
            out,
            name,
            chat.tally.voters,
            &chat.tally.counts,
            chat.shares(),
        )?;
    }
    writeln!(out, "</tbody></table></div>")?;
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
        writeln!(out, "<p class=\"meta\">{note}</p>")?;
    }
    if campaign.has_anonymous_chat() {
        let note = t(language, "campaign-anonymous-note", &[]);
        writeln!(out, "<p class=\"meta\">{note}</p>")?;
    }
    writeln!(out, "</section>")
}

/// A chat's colour in the stacked chart.
fn chat_swatch(index: usize) -> String {
    let c = super::campaign_chart::chat_color(index);
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>",
        c.0, c.1, c.2
    )
}

fn data_uri(png: &[u8]) -> String {
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

fn swatch(index: usize) -> String {
    let c = breakdown::PALETTE[index % breakdown::PALETTE.len()];
    format!(
        "<span class=\"swatch\" style=\"background:#{:02x}{:02x}{:02x}\"></span>",
        c.0, c.1, c.2
    )
}

fn date(language: Language, at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => escape_html(&i18n::format_date_time(language, at)),
        None => "—".to_owned(),
    }
}

/// Writes the whole page.
pub fn write_page(
    data: &FullReportData,
    charts: &Charts,
    language: Language,
    out: &mut impl Write,
) -> io::Result<()> {
    let poll = &data.report.poll;
    let number = poll.id.number.to_string();
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, "<html lang=\"{}\">", language.code())?;
    writeln!(out, "<head><meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>{} {}</title>",
        escape_html(&number),
        escape_html(poll.question.as_str())
    )?;
    writeln!(out, "<style>{STYLE}</style></head>")?;
    writeln!(out, "<body><main>")?;

    // 1. Header
    writeln!(out, "<header id=\"header\">")?;
    writeln!(
        out,
        "<div class=\"number\">{}</div><h1>{}</h1>",
        escape_html(&number),
        escape_html(poll.question.as_str())
    )?;
    if let Some(title) = &data.chat_title {
        writeln!(
            out,
            "<div class=\"chat\">{}</div>",
            t(language, "report-chat", &[("title", title.as_str().into())])
        )?;
    }
    let mut status = vec![state_text(poll, language)];
    if poll.anonymous {
        status.push(i18n::text(language, "state-anonymous"));
    }
    status.push(data.report.period_text(language));
    status.push(voters_text(language, data.report.tally.voters));
    writeln!(
        out,
        "<div class=\"meta\">{}</div>",
        escape_html(&status.join(" · "))
    )?;
    writeln!(out, "</header>")?;

    // 2. Headline
    writeln!(out, "<section id=\"headline\" class=\"headline\">")?;
    writeln!(
        out,
        "<h2>{}</h2>",
        t(language, "report-section-headline", &[])
    )?;
    for line in headline(data, language).lines().skip(1) {
        writeln!(out, "<p>{}</p>", escape_html(line))?;
    }
    writeln!(out, "</section>")?;

    // 3. Tally
    writeln!(out, "<section id=\"tally\">")?;
    writeln!(out, "<h2>{}</h2>", t(language, "report-section-tally", &[]))?;
    writeln!(
        out,
        "<img src=\"{}\" alt=\"{}\">",
        data_uri(charts.results),
        t(language, "report-section-tally", &[])
    )?;
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
            section.share
        )?;
    }
    writeln!(out, "</tbody></table></div>")?;
    if poll.multiple {
        writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            t(language, "shares-of-voters", &[])
        )?;
    }
    writeln!(out, "</section>")?;

    // A poll run in several chats: each chat's part.
    if let (Some(campaign), Some(png)) = (&data.campaign, charts.campaign) {
        write_chats(out, campaign, png, language)?;
    }

    // 4. One section per option
    writeln!(out, "<section id=\"options\">")?;
    writeln!(
        out,
        "<h2>{}</h2>",
        t(language, "report-section-options", &[])
    )?;
    if poll.anonymous {
        writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            t(language, "report-options-anonymous", &[])
        )?;
    }
    for (rank, section) in data.sections.iter().enumerate() {
        write_option(out, data, rank, section, language)?;
    }
    writeln!(out, "</section>")?;

    // 5. Timeline
    writeln!(out, "<section id=\"timeline\">")?;
    writeln!(
        out,
        "<h2>{}</h2>",
        t(language, "report-section-timeline", &[])
    )?;
    writeln!(
        out,
        "<img src=\"{}\" alt=\"{}\">",
        data_uri(charts.timeline),
        t(language, "report-section-timeline", &[])
    )?;
    let caption = match data.timeline.unit {
        BucketUnit::Day => "report-timeline-caption-day",
        BucketUnit::Hour => "report-timeline-caption-hour",
    };
    writeln!(out, "<p class=\"meta\">{}</p>", t(language, caption, &[]))?;
    if poll.multiple {
        writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            t(language, "report-timeline-several", &[])
        )?;
    }
    writeln!(out, "</section>")?;

    // 6. Methodology
    write_methodology(out, data, language)?;

    // 7. Profile
    writeln!(out, "<section id=\"profile\">")?;
    writeln!(
        out,
        "<h2>{}</h2>",
        t(language, "report-section-profile", &[])
    )?;
    match (&data.profile, charts.profile) {
        (Some(profile), Some(png)) => write_profile(out, data, profile, png, language)?,
        _ if poll.anonymous => writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            t(language, "error-by-own-anonymous", &[])
        )?,
        _ => writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            t(language, "report-profile-none", &[])
        )?,
    }
    writeln!(out, "</section>")?;

    writeln!(
        out,
        "<footer>{}</footer>",
        t(
            language,
            "report-generated",
            &[("date", i18n::format_date_time(language, Utc::now()).into())]
        )
    )?;
    writeln!(out, "</main></body></html>")?;
    Ok(())
}

fn write_option(
    out: &mut impl Write,
    data: &FullReportData,
    rank: usize,
    section: &OptionSection,
    language: Language,
) -> io::Result<()> {
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
    writeln!(
        out,
        "<p class=\"meta\">{}</p>",
        t(
            language,
            "report-option-stats",
            &[
                ("count", section.count.into()),
                ("count_text", format_count(section.count).into()),
                ("share", section.share.to_string().into()),
                ("comments", section.comments.into()),
                ("comments_text", format_count(section.comments).into()),
            ]
        )
    )?;
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
        writeln!(
            out,
            "<div class=\"meta\">{}</div>",
            t(
                language,
                "report-comment-meta",
                &[
                    ("author", author_name(comment, language).into()),
                    ("approvals", comment.approvals().into()),
                    (
                        "approvals_text",
                        format_count(u64::from(comment.approvals())).into()
                    ),
                    (
                        "date",
                        i18n::format_date(language, comment.posted_at).into()
                    ),
                ]
            )
        )?;
        writeln!(out, "</div>")?;
    }
    writeln!(out, "</article>")
}

fn write_methodology(
    out: &mut impl Write,
    data: &FullReportData,
    language: Language,
) -> io::Result<()> {
    let poll = &data.report.poll;
    let tally = &data.report.tally;
    writeln!(out, "<section id=\"methodology\">")?;
    writeln!(
        out,
        "<h2>{}</h2>",
        t(language, "report-section-methodology", &[])
    )?;
    let count = |n: u64| format_count(n);
    let rows: Vec<(&str, String)> = vec![
        ("report-method-first-vote", date(language, data.first_vote)),
        ("report-method-last-vote", date(language, data.last_vote)),
        ("report-method-voters", count(tally.voters)),
        ("report-method-changers", count(tally.changers)),
        ("report-method-withdrawn", count(tally.withdrawals)),
        ("report-method-comments", count(data.comments)),
        ("report-method-approvals", count(data.approvals)),
        ("report-method-approvers", count(tally.approvers)),
        (
            "report-method-visibility",
            t(
                language,
                if poll.anonymous {
                    "report-method-anonymous"
                } else {
                    "report-method-public"
                },
                &[],
            ),
        ),
        (
            "report-method-answers",
            t(
                language,
                if poll.multiple {
                    "report-method-several-answers"
                } else {
                    "report-method-one-answer"
                },
                &[],
            ),
        ),
        (
            "report-method-rounding",
            t(
                language,
                if poll.multiple {
                    "report-method-rounding-several"
                } else {
                    "report-method-rounding-one"
                },
                &[],
            ),
        ),
    ];
    writeln!(out, "<dl>")?;
    for (key, value) in rows {
        writeln!(out, "<dt>{}</dt><dd>{}</dd>", t(language, key, &[]), value)?;
    }
    writeln!(out, "</dl>")?;
    if poll.anonymous {
        writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            t(language, "report-options-anonymous", &[])
        )?;
    }
    writeln!(
        out,
        "<p class=\"meta\">{}</p>",
        t(language, "report-method-definitions", &[])
    )?;
    writeln!(out, "</section>")
}

fn write_profile(
    out: &mut impl Write,
    data: &FullReportData,
    profile: &Profile,
    png: &[u8],
    language: Language,
) -> io::Result<()> {
    writeln!(
        out,
        "<p>{}</p>",
        t(
            language,
            "report-profile-caption",
            &[
                ("by_number", profile.by.id.number.to_string().into()),
                ("by_question", profile.by.question.as_str().into()),
                ("voters", profile.voters.into()),
                ("voters_text", format_count(profile.voters).into()),
            ]
        )
    )?;
    writeln!(
        out,
        "<img src=\"{}\" alt=\"{}\">",
        data_uri(png),
        t(language, "report-section-profile", &[])
    )?;
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
                    escape_html(&cell_text(cell))
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
    writeln!(
        out,
        "<p class=\"meta\">{}</p>",
        t(language, "report-profile-rule", &[])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        assert_eq!(
            escape_html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape_html("\"><img src=x onerror='a'>&"),
            "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;"
        );
        assert_eq!(escape_html("能源 — Энергия"), "能源 — Энергия");
    }
}
