//! Draws laid-out pages with krilla. Text is placed glyph by glyph with the advances layout
//! measured, through krilla's glyph API (`Surface::draw_glyphs`), so krilla embeds only the
//! glyphs used (a subset of the font) and writes a ToUnicode map: the text copies and extracts
//! as the original characters. Headings are set in a "fake bold" (fill plus a thin stroke), as
//! the font has a single weight.

use krilla::Document;
use krilla::color::luma;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use crate::PublishError;
use crate::font::{FONT_DATA, FONT_INDEX, Metrics};
use crate::layout::{Bookmarks, Item, PAGE_H, PAGE_W, Page};
use crate::qr::QUIET_ZONE;

/// Document-level information.
pub(crate) struct DocumentInfo {
    pub(crate) title: String,
    /// "YYYY-MM-DD" when known; becomes the PDF's creation date.
    pub(crate) date: String,
    pub(crate) outline: Bookmarks,
}

fn black_fill() -> Fill {
    Fill {
        paint: luma::Color::black().into(),
        ..Fill::default()
    }
}

fn grey_fill(level: u8) -> Fill {
    Fill {
        paint: luma::Color::new(level).into(),
        ..Fill::default()
    }
}

fn stroke(width: f32) -> Stroke {
    Stroke {
        paint: luma::Color::black().into(),
        width,
        ..Stroke::default()
    }
}

/// "2026-11-22" → a PDF date; anything else → none.
fn parse_date(date: &str) -> Option<DateTime> {
    let mut parts = date.trim().split('-');
    let year: u16 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(DateTime::new(year).month(month).day(day))
}

pub(crate) fn render(
    pages: &[Page],
    metrics: &Metrics,
    info: &DocumentInfo,
) -> Result<Vec<u8>, PublishError> {
    let font = Font::new(FONT_DATA.into(), FONT_INDEX).ok_or(PublishError::Font)?;
    let mut document = Document::new();
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PublishError::Pdf {
        reason: "invalid page size".into(),
    })?;
    for page in pages {
        let mut pdf_page = document.start_page_with(settings.clone());
        let mut surface = pdf_page.surface();
        for item in &page.items {
            draw(&mut surface, item, &font, metrics);
        }
        surface.finish();
        pdf_page.finish();
    }
    let mut metadata = Metadata::new()
        .title(info.title.clone())
        .language("zh-CN".into())
        .creator("Tongban".into());
    if let Some(date) = parse_date(&info.date) {
        metadata = metadata.creation_date(date);
    }
    document.set_metadata(metadata);
    if !info.outline.is_empty() {
        let mut outline = Outline::new();
        for (title, page, y) in &info.outline {
            outline.push_child(OutlineNode::new(
                title.clone(),
                XyzDestination::new(*page, Point::from_xy(0.0, *y)),
            ));
        }
        document.set_outline(outline);
    }
    document.finish().map_err(|error| PublishError::Pdf {
        reason: format!("{error:?}"),
    })
}

fn draw(surface: &mut Surface<'_>, item: &Item, font: &Font, metrics: &Metrics) {
    match item {
        Item::Text {
            x,
            baseline,
            size,
            bold,
            text,
        } => {
            let glyphs: Vec<KrillaGlyph> = text
                .char_indices()
                .map(|(offset, c)| {
                    let (glyph, advance) = metrics.glyph(c);
                    KrillaGlyph::new(
                        GlyphId::new(glyph),
                        advance,
                        0.0,
                        0.0,
                        0.0,
                        offset..offset + c.len_utf8(),
                        None,
                    )
                })
                .collect();
            surface.set_fill(Some(black_fill()));
            surface.set_stroke(bold.then(|| stroke(size * 0.035)));
            surface.draw_glyphs(
                Point::from_xy(*x, *baseline),
                &glyphs,
                font.clone(),
                text,
                *size,
                false,
            );
            surface.set_stroke(None);
        }
        Item::Rect {
            x,
            y,
            w,
            h,
            fill,
            stroke: line,
        } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            let mut builder = PathBuilder::new();
            builder.push_rect(rect);
            if let Some(path) = builder.finish() {
                surface.set_fill(fill.map(grey_fill));
                surface.set_stroke(line.map(stroke));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Item::Line {
            x1,
            y1,
            x2,
            y2,
            width,
        } => {
            let mut builder = PathBuilder::new();
            builder.move_to(*x1, *y1);
            builder.line_to(*x2, *y2);
            if let Some(path) = builder.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(stroke(*width)));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Item::Qr { x, y, size, matrix } => {
            let module = size / (matrix.width() + 2 * QUIET_ZONE) as f32;
            let mut builder = PathBuilder::new();
            for (column, row, length) in matrix.dark_runs() {
                let left = x + (column + QUIET_ZONE) as f32 * module;
                let top = y + (row + QUIET_ZONE) as f32 * module;
                if let Some(rect) = Rect::from_xywh(left, top, length as f32 * module, module) {
                    builder.push_rect(rect);
                }
            }
            if let Some(path) = builder.finish() {
                surface.set_fill(Some(black_fill()));
                surface.set_stroke(None);
                surface.draw_path(&path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_date("2026-11-22").is_some());
        assert!(parse_date(" 2026-1-2 ").is_some());
        for bad in ["", "2026", "2026-13-01", "2026-11-22-1", "二〇二六年"] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
