//! A ranked poll's sections of `report.html`: the instant runoff round by
//! round, the Borda scores and the head-to-head matrix. Each writes
//! nothing for a poll without ranked results, so other polls' pages are
//! as they were.

use std::io::{self, Write};

use super::{Page, escape_html, image, meta, section, swatch, t};
use crate::i18n::format_count;
use crate::poll::{Poll, RankedResults};
use crate::report::ranked::{Fate, borda_order, condorcet_text, option_name, standings};

/// Highlights a head-to-head cell whose row wins the pair (inline: the
/// page's style sheet is the same for every poll).
const WIN_CELL: &str = " style=\"background:#dbeafe\"";

/// Lines a name up with the counts above it, but lets it wrap (unlike
/// the `n` class).
const ALIGN_RIGHT: &str = " style=\"text-align:right\"";

/// An option's name with its colour, escaped; bold for the winner.
fn name_cell(poll: &Poll, index: u8, bold: bool) -> String {
    let name = escape_html(&option_name(poll, index));
    let name = if bold { format!("<b>{name}</b>") } else { name };
    format!("{}{name}", swatch(usize::from(index)))
}

/// The rounds chart, the winner, and a table of each option's votes round
/// by round, the exhausted ballots and who was eliminated in each round.
pub(super) fn rounds(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let Some(ranked) = &page.data.ranked else {
        return Ok(());
    };
    let (poll, language) = (&page.data.report.poll, page.language);
    section(out, page, "rounds", None, |out| {
        if let Some(png) = page.charts.rounds {
            image(out, png, language, "report-section-rounds")?;
        }
        let winner = match ranked.runoff.winner {
            Some(index) => t(
                language,
                "ranked-winner",
                &[
                    ("option", option_name(poll, index).into()),
                    ("rounds", ranked.runoff.rounds.len().into()),
                ],
            ),
            None => t(language, "ranked-no-winner", &[]),
        };
        writeln!(out, "<p>{winner}</p>")?;
        if !ranked.runoff.rounds.is_empty() {
            rounds_table(out, page, ranked)?;
        }
        meta(out, &t(language, "report-rounds-rule", &[]))
    })
}

fn rounds_table(out: &mut dyn Write, page: &Page, ranked: &RankedResults) -> io::Result<()> {
    let (poll, language) = (&page.data.report.poll, page.language);
    let rounds = &ranked.runoff.rounds;
    writeln!(out, "<div class=\"scroll\"><table>")?;
    write!(
        out,
        "<thead><tr><th>{}</th>",
        t(language, "report-table-option", &[])
    )?;
    for round in 1..=rounds.len() {
        let name = t(language, "ranked-round", &[("round", round.into())]);
        write!(out, "<th class=\"n\">{name}</th>")?;
    }
    writeln!(out, "</tr></thead><tbody>")?;
    for standing in standings(ranked) {
        let index = usize::from(standing.index);
        let winner = standing.fate == Fate::Winner;
        write!(
            out,
            "<tr><td>{}</td>",
            name_cell(poll, standing.index, winner)
        )?;
        for round in rounds {
            match round.counts.get(index).copied().flatten() {
                Some(count) => write!(out, "<td class=\"n\">{}</td>", format_count(count))?,
                None => write!(out, "<td class=\"n\">—</td>")?,
            }
        }
        writeln!(out, "</tr>")?;
    }
    write!(
        out,
        "<tr><td>{}</td>",
        t(language, "report-rounds-exhausted", &[])
    )?;
    for round in rounds {
        write!(
            out,
            "<td class=\"n\">{}</td>",
            format_count(round.exhausted)
        )?;
    }
    writeln!(out, "</tr>")?;
    write!(
        out,
        "<tr><td>{}</td>",
        t(language, "report-rounds-eliminated", &[])
    )?;
    for round in rounds {
        match round.eliminated {
            Some(index) => write!(
                out,
                "<td{ALIGN_RIGHT}>{}</td>",
                name_cell(poll, index, false)
            )?,
            None => write!(out, "<td{ALIGN_RIGHT}>—</td>")?,
        }
    }
    writeln!(out, "</tr>")?;
    writeln!(out, "</tbody></table></div>")
}

/// Each option's Borda score, highest first, and how it is counted.
pub(super) fn borda(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let Some(ranked) = &page.data.ranked else {
        return Ok(());
    };
    let (poll, language) = (&page.data.report.poll, page.language);
    section(out, page, "borda", None, |out| {
        writeln!(out, "<div class=\"scroll\"><table>")?;
        writeln!(
            out,
            "<thead><tr><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
            t(language, "report-table-option", &[]),
            t(language, "report-table-borda", &[])
        )?;
        for (index, score) in borda_order(ranked) {
            writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                name_cell(poll, index, false),
                format_count(score)
            )?;
        }
        writeln!(out, "</tbody></table></div>")?;
        let options = ranked.borda.len();
        meta(
            out,
            &t(
                language,
                "report-borda-rule",
                &[("options", options.into())],
            ),
        )
    })
}

/// The head-to-head matrix (rows over columns, the row's winning cells
/// highlighted) and the Condorcet winner, or that there is none.
pub(super) fn head_to_head(out: &mut dyn Write, page: &Page) -> io::Result<()> {
    let Some(ranked) = &page.data.ranked else {
        return Ok(());
    };
    let (poll, language) = (&page.data.report.poll, page.language);
    let above = &ranked.head_to_head.above;
    let count = |a: usize, b: usize| above.get(a).and_then(|row| row.get(b)).copied();
    section(out, page, "head-to-head", None, |out| {
        writeln!(out, "<div class=\"scroll\"><table>")?;
        write!(out, "<thead><tr><th></th>")?;
        for column in 0..above.len() {
            write!(
                out,
                "<th class=\"n\">{}</th>",
                name_cell(poll, column as u8, false)
            )?;
        }
        writeln!(out, "</tr></thead><tbody>")?;
        for row in 0..above.len() {
            write!(out, "<tr><td>{}</td>", name_cell(poll, row as u8, false))?;
            for column in 0..above.len() {
                match (count(row, column), count(column, row)) {
                    _ if row == column => write!(out, "<td class=\"n\">—</td>")?,
                    (Some(n), Some(m)) if n > m => write!(
                        out,
                        "<td class=\"n\"{WIN_CELL}><b>{}</b></td>",
                        format_count(n)
                    )?,
                    (n, _) => write!(out, "<td class=\"n\">{}</td>", format_count(n.unwrap_or(0)))?,
                }
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</tbody></table></div>")?;
        meta(out, &t(language, "report-head-to-head-rule", &[]))?;
        let condorcet = condorcet_text(poll, ranked, language);
        writeln!(out, "<p>{}</p>", escape_html(&condorcet))
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Charts, write_page};
    use super::*;
    use crate::i18n::Language;
    use crate::report::full::{FullReportData, Timeline};
    use crate::report::ranked::tests::{OPTIONS, election, report};

    fn data(ranked: Option<RankedResults>) -> FullReportData {
        let report = report(&OPTIONS);
        let poll = &report.poll;
        let timeline = Timeline::new(poll.created_at, poll.closed_at.unwrap(), 4);
        FullReportData {
            report,
            chat_title: None,
            sections: Vec::new(),
            comments: 0,
            approvals: 0,
            first_vote: None,
            last_vote: None,
            timeline,
            profile: None,
            campaign: None,
            ranked,
        }
    }

    fn page_html(data: &FullReportData, language: Language) -> String {
        let charts = Charts {
            results: b"",
            timeline: b"",
            profile: None,
            campaign: None,
            rounds: Some(b"rounds"),
        };
        let mut out = Vec::new();
        write_page(data, &charts, language, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The section `id` of `html`, from its opening tag to its end.
    fn section_of<'a>(html: &'a str, id: &str) -> &'a str {
        let start = html
            .find(&format!("<section id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no section {id}"));
        let end = start + html[start..].find("</section>").unwrap();
        &html[start..end]
    }

    /// The cells of each row of the first table of `html`, tags stripped.
    fn rows(html: &str) -> Vec<Vec<String>> {
        let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
        body.split("<tr>")
            .skip(1)
            .map(|row| {
                row.split("<td")
                    .skip(1)
                    .map(|cell| {
                        let cell = &cell[cell.find('>').unwrap() + 1..];
                        let cell = &cell[..cell.find("</td>").unwrap()];
                        strip_tags(cell)
                    })
                    .collect()
            })
            .collect()
    }

    fn strip_tags(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_rounds_table_has_each_round_s_counts_exhausted_and_eliminated() {
        let html = page_html(&data(Some(election())), Language::English);
        let rounds = section_of(&html, "rounds");
        assert!(rounds.contains("<h2>Instant runoff, round by round</h2>"));
        assert!(rounds.contains("data:image/png;base64,cm91bmRz"));
        assert!(rounds.contains("<p>Winner: Energy, after 3 rounds of instant runoff</p>"));
        assert!(rounds.contains(
            "<th class=\"n\">Round 1</th><th class=\"n\">Round 2</th><th class=\"n\">Round 3</th>"
        ));
        assert_eq!(
            rows(rounds),
            [
                ["Energy", "40", "42", "52"],
                ["Trade", "30", "33", "38"],
                ["Military", "20", "22", "—"],
                ["Food", "10", "—", "—"],
                ["Exhausted", "0", "3", "10"],
                ["Eliminated", "Food", "Military", "—"],
            ]
        );
    }

    #[test]
    fn the_borda_table_lists_scores_highest_first() {
        let html = page_html(&data(Some(election())), Language::English);
        let borda = section_of(&html, "borda");
        assert!(borda.contains("<h2>Borda scores</h2>"));
        assert_eq!(
            rows(borda),
            [
                ["Energy", "250"],
                ["Trade", "230"],
                ["Military", "120"],
                ["Food", "60"]
            ]
        );
        assert!(borda.contains("With 4 options, an option ranked r-th on a ballot scores 4 − r"));
    }

    #[test]
    fn the_head_to_head_matrix_marks_winning_cells_and_names_the_condorcet_winner() {
        let html = page_html(&data(Some(election())), Language::English);
        let matrix = section_of(&html, "head-to-head");
        assert_eq!(
            rows(matrix),
            [
                ["Energy", "—", "55", "70", "80"],
                ["Trade", "45", "—", "62", "75"],
                ["Military", "30", "38", "—", "58"],
                ["Food", "20", "25", "42", "—"],
            ]
        );
        // Rows beat columns: Energy beats all three, Food none.
        let wins = |row: &str| row.matches(WIN_CELL).count();
        let lines: Vec<&str> = matrix.lines().filter(|l| l.starts_with("<tr>")).collect();
        assert_eq!(
            lines.iter().map(|l| wins(l)).collect::<Vec<_>>(),
            [3, 2, 1, 0]
        );
        assert!(matrix.contains(&format!("<td class=\"n\"{WIN_CELL}><b>55</b></td>")));
        assert!(
            matrix.contains(
                "<p>Condorcet winner: Energy (beats every other option head to head)</p>"
            )
        );
        let mut cycle = election();
        cycle.condorcet_winner = None;
        let html = page_html(&data(Some(cycle)), Language::Chinese);
        let matrix = section_of(&html, "head-to-head");
        assert!(matrix.contains("<h2>两两对决</h2>"));
        assert!(matrix.contains("<p>没有孔多塞胜者：没有一个选项在两两对决中胜过其他所有选项</p>"));
    }

    #[test]
    fn sections_come_after_the_tally_and_only_for_a_ranked_poll() {
        let html = page_html(&data(Some(election())), Language::English);
        let at = |id: &str| html.find(&format!("<section id=\"{id}\"")).unwrap();
        assert!(at("tally") < at("rounds"));
        assert!(at("rounds") < at("borda"));
        assert!(at("borda") < at("head-to-head"));
        assert!(at("head-to-head") < at("options"));
        let native = page_html(&data(None), Language::English);
        for id in ["rounds", "borda", "head-to-head"] {
            assert!(!native.contains(&format!("<section id=\"{id}\"")), "{id}");
        }
    }

    /// Writes whole pages to look at in a browser: `cargo test --lib
    /// report::html::ranked -- --ignored`.
    #[test]
    #[ignore]
    fn write_ranked_reports_to_tmp() {
        for language in [Language::English, Language::Chinese] {
            let path = format!("/tmp/rr-report-{}.html", language.code());
            let file = std::fs::File::create(&path).unwrap();
            crate::report::write_full_report(&data(Some(election())), language, file).unwrap();
        }
    }

    #[test]
    fn option_names_are_escaped() {
        let mut data = data(Some(election()));
        data.report = report(&["<b>Energy</b>", "Trade", "Military", "Food"]);
        let html = page_html(&data, Language::English);
        for id in ["rounds", "borda", "head-to-head"] {
            let part = section_of(&html, id);
            assert!(part.contains("&lt;b&gt;Energy&lt;/b&gt;"), "{id}");
            assert!(!part.contains("<b><b>Energy"), "{id}");
        }
    }
}
