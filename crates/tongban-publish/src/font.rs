//! The one embedded font (WenQuanYi Micro Hei) and what layout needs from it: which glyph
//! shows a character and how wide it is. Shaping is per character: the font has no GSUB
//! features and only Latin kerning, so Chinese text loses nothing, and the widths used to
//! break lines are exactly the advances the PDF is drawn with.

use std::collections::HashMap;

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use crate::PublishError;

/// WenQuanYi Micro Hei 0.2.0-beta, byte for byte Debian's `fonts-wqy-microhei`
/// (`/usr/share/fonts/truetype/wqy/wqy-microhei.ttc`, sha256 `2420e807…c1009b3`). The
/// collection's face 0 is the proportional Micro Hei; face 1 (Mono) is not used.
pub(crate) static FONT_DATA: &[u8] = include_bytes!("../fonts/wqy-microhei.ttc");

/// Index of WenQuanYi Micro Hei in the collection.
pub(crate) const FONT_INDEX: u32 = 0;

/// Glyph lookups and advances for one document, memoised per character.
pub(crate) struct Metrics {
    charmap: skrifa::charmap::Charmap<'static>,
    glyph_metrics: GlyphMetrics<'static>,
    units_per_em: f32,
    cache: std::cell::RefCell<HashMap<char, (u32, f32)>>,
}

impl Metrics {
    pub(crate) fn load() -> Result<Metrics, PublishError> {
        let font = FontRef::from_index(FONT_DATA, FONT_INDEX).map_err(|_| PublishError::Font)?;
        let units_per_em = f32::from(font.head().map_err(|_| PublishError::Font)?.units_per_em());
        Ok(Metrics {
            charmap: font.charmap(),
            glyph_metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
            cache: std::cell::RefCell::new(HashMap::new()),
        })
    }

    /// The glyph for `c` (0, the font's "missing" box, when it has none) and its advance in
    /// em (multiply by the font size for points).
    pub(crate) fn glyph(&self, c: char) -> (u32, f32) {
        if let Some(hit) = self.cache.borrow().get(&c) {
            return *hit;
        }
        let glyph = self.charmap.map(c).unwrap_or(skrifa::GlyphId::new(0));
        let advance = self.glyph_metrics.advance_width(glyph).unwrap_or(0.0) / self.units_per_em;
        let entry = (glyph.to_u32(), advance);
        self.cache.borrow_mut().insert(c, entry);
        entry
    }

    /// Whether the font has a glyph for `c`.
    #[cfg(test)]
    pub(crate) fn covers(&self, c: char) -> bool {
        self.glyph(c).0 != 0
    }

    /// Advance of one character at `size` points.
    pub(crate) fn advance(&self, c: char, size: f32) -> f32 {
        self.glyph(c).1 * size
    }

    /// Width of a single-line text at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_gb2312_punctuation_and_ascii() {
        let metrics = Metrics::load().unwrap();
        for c in
            "食品经营许可一次性告知单第页共，。、；：？！（）《》「」『』“”—…□ABCxyz0123456789-/"
                .chars()
        {
            assert!(metrics.covers(c), "font lacks {c}");
        }
        // Ideographs are one em wide; ASCII is narrower.
        assert!((metrics.advance('食', 10.0) - 10.0).abs() < 0.01);
        assert!(metrics.advance('1', 10.0) < 6.0);
    }

    /// GB2312's assigned positions: (row byte, first cell, last cell).
    const GB2312: &[(u8, u8, u8)] = &[
        (0xA1, 0xA1, 0xFE), // punctuation and symbols
        (0xA2, 0xB1, 0xE2), // ⒈ ⑴ ①
        (0xA2, 0xE5, 0xEE), // ㈠
        (0xA2, 0xF1, 0xFC), // Ⅰ
        (0xA3, 0xA1, 0xFE), // full-width ASCII
        (0xA4, 0xA1, 0xF3), // hiragana
        (0xA5, 0xA1, 0xF6), // katakana
        (0xA6, 0xA1, 0xB8), // Greek
        (0xA6, 0xC1, 0xD8),
        (0xA7, 0xA1, 0xC1), // Cyrillic
        (0xA7, 0xD1, 0xF1),
        (0xA8, 0xA1, 0xBA), // pinyin
        (0xA8, 0xC5, 0xE9), // zhuyin
        (0xA9, 0xA4, 0xEF), // box drawing
    ];

    /// Every character of GB2312 (682 symbols, 6 763 hanzi), as GBK decodes it, has a glyph.
    #[test]
    fn covers_all_of_gb2312() {
        let metrics = Metrics::load().unwrap();
        let hanzi = (0xB0..=0xF7u8).map(|row| (row, 0xA1, if row == 0xD7 { 0xF9 } else { 0xFE }));
        let mut checked = 0;
        for (row, first, last) in GB2312.iter().copied().chain(hanzi) {
            for cell in first..=last {
                let bytes = [row, cell];
                let (text, _, malformed) = encoding_rs::GBK.decode(&bytes);
                assert!(!malformed);
                let c = text.chars().next().unwrap();
                assert!(metrics.covers(c), "font lacks {c} (U+{:04X})", u32::from(c));
                checked += 1;
            }
        }
        assert_eq!(checked, 682 + 6763);
    }

    #[test]
    fn a_character_the_font_lacks_gets_the_missing_glyph_not_a_panic() {
        let metrics = Metrics::load().unwrap();
        assert!(!metrics.covers('\u{20000}'));
        assert!(metrics.width("\u{20000}", 10.0) > 0.0);
    }
}
