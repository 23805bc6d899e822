//! `report.html`: the full report as one self-contained page (inline CSS,
//! the charts as `data:` URIs, no script, nothing fetched), readable on a
//! phone. Every word comes from the locale files; every piece of user text
//! (question, options, chat title, names, comments) goes through
//! [`escape_html`].
//!
//! The page is its sections, one function each in `sections.rs`, listed in
//! order in [`SECTIONS`]; the texts of its charts are in `chart_inputs.rs`.

mod chart_inputs;
mod ranked;
mod sections;
mod turnout;

use std::io::{self, Write};

use base64::Engine as _;
use chrono::{DateTime, Utc};

pub use chart_inputs::{headline, profile_input, timeline_input};

use super::breakdown;
use super::full::FullReportData;
use crate::i18n::{self, Arg, Language};
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
    /// A ranked poll's rounds chart.
    pub rounds: Option<&'a [u8]>,
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

fn date(language: Language, zone: crate::poll::Zone, at: Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => escape_html(&i18n::format_date_time_in(language, at, zone)),
        None => "—".to_owned(),
    }
}

/// What every section is written from.
struct Page<'a> {
    data: &'a FullReportData,
    charts: &'a Charts<'a>,
    language: Language,
}

/// A section of the page: writes its part from the [`Page`].
type Section = fn(&mut dyn Write, &Page) -> io::Result<()>;

/// The page's sections, in order. A new section is a function in
/// `sections.rs` and a line here.
const SECTIONS: [Section; 11] = [
    sections::header,
    sections::headline,
    sections::tally,
    ranked::rounds,
    ranked::borda,
    ranked::head_to_head,
    sections::campaign,
    sections::options,
    sections::timeline,
    sections::methodology,
    sections::profile,
];

/// Writes the whole page: the document's head, each of [`SECTIONS`], and
/// a footer saying when it was made.
pub fn write_page(
    data: &FullReportData,
    charts: &Charts,
    language: Language,
    out: &mut impl Write,
) -> io::Result<()> {
    let poll = &data.report.poll;
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
        escape_html(&poll.id.number.to_string()),
        escape_html(poll.question.as_str())
    )?;
    writeln!(out, "<style>{STYLE}</style></head>")?;
    writeln!(out, "<body><main>")?;
    let page = Page {
        data,
        charts,
        language,
    };
    for section in SECTIONS {
        section(out, &page)?;
    }
    writeln!(
        out,
        "<footer>{}</footer>",
        t(
            language,
            "report-generated",
            &[("date", i18n::format_date_time(language, Utc::now()).into())]
        )
    )?;
    writeln!(out, "</main></body></html>")
}

/// A `<section>` with its id, an optional class, and a heading from the
/// locale key `report-section-{id}`, around what `body` writes.
fn section(
    out: &mut dyn Write,
    page: &Page,
    id: &str,
    class: Option<&str>,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match class {
        Some(class) => writeln!(out, "<section id=\"{id}\" class=\"{class}\">")?,
        None => writeln!(out, "<section id=\"{id}\">")?,
    }
    let heading = t(page.language, &format!("report-section-{id}"), &[]);
    writeln!(out, "<h2>{heading}</h2>")?;
    body(out)?;
    writeln!(out, "</section>")
}

/// A paragraph of small print (`text` already escaped).
fn meta(out: &mut dyn Write, text: &str) -> io::Result<()> {
    writeln!(out, "<p class=\"meta\">{text}</p>")
}

/// A chart, inline, described by the locale key `alt`.
fn image(out: &mut dyn Write, png: &[u8], language: Language, alt: &str) -> io::Result<()> {
    writeln!(
        out,
        "<img src=\"{}\" alt=\"{}\">",
        data_uri(png),
        t(language, alt, &[])
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
