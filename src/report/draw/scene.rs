//! Drawing: a [`Scene`] of filled rectangles and text, rendered on a white
//! image and encoded as PNG.

use ab_glyph::{Font, FontRef, PxScale, point};
use plotters::prelude::*;
use plotters::style::RGBColor;

use super::text::{face, lay_out_line};
use super::{
    BACKGROUND, ChartError, FOOTER_COLOR, FOOTER_SIZE, LABEL_COLOR, LABEL_SIZE, LEGEND_SIZE,
    LegendItem, MARGIN_X, OptionRow, Placed, RULE_COLOR, Rect, TITLE_COLOR, TITLE_SIZE,
    VALUE_COLOR, VALUE_SIZE, WIDTH,
};

/// What a chart is made of: filled rectangles, then text over them, each
/// drawn in the order it was added.
#[derive(Default)]
pub(in crate::report) struct Scene {
    rects: Vec<(Rect, RGBColor)>,
    texts: Vec<(Placed, f64, RGBColor)>,
}

impl Scene {
    pub(in crate::report) fn rect(&mut self, area: Rect, color: RGBColor) {
        self.rects.push((area, color));
    }

    /// A full-width rule at `y`.
    pub(in crate::report) fn rule(&mut self, y: i32) {
        self.rect((MARGIN_X, y, WIDTH as i32 - MARGIN_X, y + 2), RULE_COLOR);
    }

    pub(in crate::report) fn text(&mut self, placed: Placed, size: f64, color: RGBColor) {
        self.texts.push((placed, size, color));
    }

    /// One line of `text` at `x` in a line box whose top is `top`.
    pub(in crate::report) fn text_at(
        &mut self,
        text: impl Into<String>,
        (x, top): (i32, i32),
        size: f64,
        color: RGBColor,
    ) {
        self.text(Placed::at(text, x, top, size), size, color);
    }

    /// Text that is bold when `bold`: the face has no bold variant, so it is
    /// drawn twice, a pixel apart.
    pub(in crate::report) fn styled(
        &mut self,
        placed: &Placed,
        size: f64,
        color: RGBColor,
        bold: bool,
    ) {
        self.text(placed.clone(), size, color);
        if bold {
            let shifted = Placed {
                x: placed.x + 1,
                ..placed.clone()
            };
            self.text(shifted, size, color);
        }
    }

    pub(in crate::report) fn lines(&mut self, lines: &[Placed], size: f64, color: RGBColor) {
        for line in lines {
            self.styled(line, size, color, false);
        }
    }

    /// The title, bold, with its rule.
    pub(in crate::report) fn title(&mut self, lines: &[Placed], rule_y: i32) {
        for line in lines {
            self.styled(line, TITLE_SIZE, TITLE_COLOR, true);
        }
        self.rule(rule_y);
    }

    /// The footer with the rule above it.
    pub(in crate::report) fn footer(&mut self, lines: &[Placed], rule_y: i32) {
        self.rule(rule_y);
        self.lines(lines, FOOTER_SIZE, FOOTER_COLOR);
    }

    /// An option's label and value, strong if it leads (its value then in
    /// `leading_value`).
    pub(in crate::report) fn option_row(&mut self, row: &OptionRow, leading_value: RGBColor) {
        for line in &row.label {
            self.styled(line, LABEL_SIZE, LABEL_COLOR, row.leading);
        }
        let color = match row.leading {
            true => leading_value,
            false => VALUE_COLOR,
        };
        self.styled(&row.value, VALUE_SIZE, color, row.leading);
    }

    /// The legend, each swatch in the colour `color` gives its index.
    pub(in crate::report) fn legend(
        &mut self,
        items: &[LegendItem],
        color: impl Fn(usize) -> RGBColor,
    ) {
        for (i, item) in items.iter().enumerate() {
            self.rect(item.swatch, color(i));
            self.text(item.name.clone(), LEGEND_SIZE, LABEL_COLOR);
        }
    }

    /// Draws the scene on a white image [`WIDTH`] x `height` (a height
    /// [`super::place_footer`] checked) and encodes it as PNG.
    pub(in crate::report) fn render(self, height: u32) -> Result<Vec<u8>, ChartError> {
        let font = face()?;
        let mut rgb = vec![255u8; WIDTH as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area();
            root.fill(&BACKGROUND).map_err(draw_err)?;
            for ((l, t, r, b), color) in &self.rects {
                // plotters' opaque fills exclude the bottom-right corner, like `Rect`.
                root.draw(&Rectangle::new([(*l, *t), (*r, *b)], color.filled()))
                    .map_err(draw_err)?;
            }
            root.present().map_err(draw_err)?;
        }
        let mut canvas = Canvas {
            rgb: &mut rgb,
            width: WIDTH as i32,
            height: height as i32,
        };
        for (placed, size, color) in &self.texts {
            canvas.text(font, placed, *size, *color);
        }
        encode_png(&rgb, WIDTH, height)
    }
}

fn draw_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// An RGB image buffer that text is blended into.
struct Canvas<'a> {
    rgb: &'a mut [u8],
    width: i32,
    height: i32,
}

impl Canvas<'_> {
    /// Draws one line of text with its baseline at `p.baseline`, starting at `p.x`.
    fn text(&mut self, font: &FontRef<'static>, p: &Placed, size: f64, color: RGBColor) {
        let scale = PxScale::from(size as f32);
        let (x0, y0) = (p.x as f32, p.baseline as f32);
        lay_out_line(font, &p.text, size, |id, pen| {
            let glyph = id.with_scale_and_position(scale, point(x0 + pen, y0));
            let Some(outline) = font.outline_glyph(glyph) else {
                return; // e.g. a space
            };
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            outline.draw(|gx, gy, coverage| {
                self.blend(left + gx as i32, top + gy as i32, color, coverage);
            });
        });
    }

    fn blend(&mut self, x: i32, y: i32, color: RGBColor, alpha: f32) {
        if x < 0 || y < 0 || x >= self.width || y >= self.height {
            return;
        }
        let alpha = alpha.clamp(0.0, 1.0);
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (channel, value) in self.rgb[i..i + 3]
            .iter_mut()
            .zip([color.0, color.1, color.2])
        {
            let mixed = f32::from(*channel) * (1.0 - alpha) + f32::from(value) * alpha;
            *channel = mixed.round() as u8;
        }
    }
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(rgb.len() / 16);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Default);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}
