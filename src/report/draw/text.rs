//! Text on a chart: the bundled font, measured and laid out with kerning,
//! wrapped by width (between words, between CJK characters, inside a word
//! only when it alone is too wide), and placed line by line.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};

use super::{ChartError, MARGIN_X};

/// The bundled font: WenQuanYi Micro Hei (a TrueType collection; face 0 is used).
static FONT_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/wqy-microhei.ttc"
));

/// Distance from the top of a line box to the baseline, as a share of the font size.
const ASCENT: f64 = 0.82;

/// The embedded font, parsed once (thread-safe); `None` if it does not parse.
pub(in crate::report) fn face() -> Result<&'static FontRef<'static>, ChartError> {
    static FACE: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| FontRef::try_from_slice_and_index(FONT_BYTES, 0).ok())
        .as_ref()
        .ok_or(ChartError::Font)
}

/// Calls `f(glyph, pen_x)` for each character of `text` laid out from x = 0
/// (with kerning) and returns the total advance.
pub(super) fn lay_out_line(
    font: &FontRef<'static>,
    text: &str,
    size: f64,
    mut f: impl FnMut(GlyphId, f32),
) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size as f32));
    let mut pen = 0f32;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        f(id, pen);
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    pen
}

/// Measured advance width of `text` in pixels, rounded up.
pub(in crate::report) fn text_width(text: &str, size: f64) -> Result<i32, ChartError> {
    let font = face()?;
    Ok(lay_out_line(font, text, size, |_, _| {}).ceil() as i32)
}

/// Characters between which a line may break without a space (CJK ideographs,
/// kana, fullwidth forms…).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Punctuation that must not start a line; it sticks to what precedes it.
fn no_break_before(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '？'
            | '！'
            | '、'
            | '；'
            | '：'
            | '）'
            | '》'
            | '」'
            | '』'
            | '】'
            | '”'
            | '’'
            | ','
            | '.'
            | '?'
            | '!'
            | ';'
            | ':'
            | ')'
            | '%'
            | '·'
    )
}

/// Splits text into pieces between which a line may break: words, runs of
/// whitespace, and single CJK characters (with trailing closing punctuation
/// attached).
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Whether the last token may still grow (a word in progress).
    let mut open = false;
    for c in text.chars() {
        if c.is_whitespace() {
            match out.last_mut() {
                Some(last) if last.chars().all(char::is_whitespace) => last.push(' '),
                _ => out.push(" ".to_owned()),
            }
            open = false;
        } else if no_break_before(c) && out.last().is_some_and(|l| !l.trim().is_empty()) {
            if let Some(last) = out.last_mut() {
                last.push(c);
            }
        } else if is_cjk(c) {
            out.push(c.to_string());
            open = false;
        } else if open && let Some(last) = out.last_mut() {
            last.push(c);
        } else {
            out.push(c.to_string());
            open = true;
        }
    }
    out
}

/// Wraps `text` into lines no wider than `max_width` pixels at font `size`,
/// breaking between words, between CJK characters, and inside a word only
/// when the word alone is too wide. Never drops characters (only the
/// whitespace at line breaks).
fn wrap(text: &str, size: f64, max_width: i32) -> Result<Vec<String>, ChartError> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for token in tokens(text) {
        let is_space = token.trim().is_empty();
        if is_space && line.is_empty() {
            continue;
        }
        let candidate = format!("{line}{token}");
        if text_width(candidate.trim_end(), size)? <= max_width {
            line = candidate;
            continue;
        }
        if is_space {
            // The break falls here; the space itself is dropped.
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line).trim_end().to_owned());
        }
        line.clear();
        if text_width(&token, size)? <= max_width {
            line = token;
            continue;
        }
        break_word(&token, size, max_width, &mut line, &mut lines)?;
    }
    let last = line.trim_end();
    if !last.is_empty() {
        lines.push(last.to_owned());
    }
    Ok(lines)
}

/// A single word wider than the line: broken by characters onto `line`,
/// pushing each full line to `lines`.
fn break_word(
    word: &str,
    size: f64,
    max_width: i32,
    line: &mut String,
    lines: &mut Vec<String>,
) -> Result<(), ChartError> {
    for c in word.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if line.is_empty() || text_width(&candidate, size)? <= max_width {
            *line = candidate;
        } else {
            lines.push(std::mem::replace(line, c.to_string()));
        }
    }
    Ok(())
}

/// `text` cut by characters, with an ellipsis, to at most `width` pixels.
pub(in crate::report) fn fit(text: &str, size: f64, width: i32) -> Result<String, ChartError> {
    if text_width(text, size)? <= width {
        return Ok(text.to_owned());
    }
    let mut cut: String = text.to_owned();
    while !cut.is_empty() && text_width(&format!("{cut}…"), size)? > width {
        cut.pop();
    }
    Ok(format!("{}…", cut.trim_end()))
}

/// A line of text placed on the chart.
#[derive(Debug, Clone)]
pub(in crate::report) struct Placed {
    pub(in crate::report) text: String,
    pub(in crate::report) x: i32,
    pub(in crate::report) baseline: i32,
}

impl Placed {
    /// `text` at `x` in a line box whose top is `top`.
    pub(in crate::report) fn at(text: impl Into<String>, x: i32, top: i32, size: f64) -> Self {
        Placed {
            text: text.into(),
            x,
            baseline: baseline_for(top, size),
        }
    }
}

fn baseline_for(top: i32, size: f64) -> i32 {
    top + (size * ASCENT).round() as i32
}

/// Wraps `text` to `width` and places its lines from `*y` down, one every
/// `line_height`; `*y` ends below the last line.
pub(in crate::report) fn place_lines(
    text: &str,
    size: f64,
    line_height: i32,
    width: i32,
    y: &mut i32,
) -> Result<Vec<Placed>, ChartError> {
    let mut placed = Vec::new();
    for line in wrap(text, size, width)? {
        placed.push(Placed::at(line, MARGIN_X, *y, size));
        *y += line_height;
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::draw::LABEL_SIZE;

    #[test]
    fn wrap_breaks_words_and_chinese() {
        let lines = wrap("hello world", LABEL_SIZE, 10_000).unwrap();
        assert_eq!(lines, ["hello world"]);
        let width = text_width("hello", LABEL_SIZE)
            .unwrap()
            .max(text_width("world", LABEL_SIZE).unwrap())
            + 2;
        assert_eq!(
            wrap("hello world", LABEL_SIZE, width).unwrap(),
            ["hello", "world"]
        );
        let width = text_width("两国应", LABEL_SIZE).unwrap() + 2;
        // The fullwidth question mark stays with the character before it.
        assert_eq!(
            wrap("两国应在哪个？", LABEL_SIZE, width).unwrap(),
            ["两国应", "在哪", "个？"]
        );
        assert!(wrap("", LABEL_SIZE, width).unwrap().is_empty());
    }

    #[test]
    fn a_word_wider_than_the_line_breaks_by_characters() {
        let width = text_width("abcd", LABEL_SIZE).unwrap() + 1;
        let lines = wrap("abcdefghij", LABEL_SIZE, width).unwrap();
        assert_eq!(lines.concat(), "abcdefghij");
        assert!(lines.len() >= 3, "{lines:?}");
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("short", LABEL_SIZE, 10_000).unwrap(), "short");
        let width = text_width("abc…", LABEL_SIZE).unwrap();
        assert_eq!(fit("abcdefgh", LABEL_SIZE, width).unwrap(), "abc…");
    }
}
