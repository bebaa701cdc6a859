//! QR codes for a guide's web address: the module matrix (qrcode, error correction level M,
//! which survives a crease or a smudge on a printed sheet) and its SVG rendering. The PDF
//! draws the same matrix as vector rectangles.

use std::fmt::Write as _;

use qrcode::types::QrError;
use qrcode::{Color, EcLevel, QrCode};

use crate::PublishError;

/// Light modules around the symbol, as ISO/IEC 18004 requires.
pub(crate) const QUIET_ZONE: usize = 4;

/// Largest module size `qr_svg` accepts, in pixels.
pub const MAX_MODULE_PX: u32 = 100;

/// The dark and light modules of one QR symbol, without its quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes an absolute http(s) address.
    pub(crate) fn encode(url: &str) -> Result<QrMatrix, PublishError> {
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        let has_scheme = lower.starts_with("https://") || lower.starts_with("http://");
        if !has_scheme || url.len() <= "https://".len() || url.chars().any(char::is_whitespace) {
            return Err(PublishError::QrUrl {
                url: url.to_owned(),
            });
        }
        let code =
            QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|error| {
                match error {
                    QrError::DataTooLong => PublishError::QrTooLong { bytes: url.len() },
                    other => PublishError::Qr {
                        reason: other.to_string(),
                    },
                }
            })?;
        Ok(QrMatrix {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Modules per side, without the quiet zone.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// Horizontal runs of dark modules: (column, row, length), row by row.
    pub(crate) fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for row in 0..self.width {
            let line = &self.dark[row * self.width..(row + 1) * self.width];
            let mut column = 0;
            while column < self.width {
                if line[column] {
                    let start = column;
                    while column < self.width && line[column] {
                        column += 1;
                    }
                    runs.push((start, row, column - start));
                } else {
                    column += 1;
                }
            }
        }
        runs
    }

    /// An SVG image: white background including the quiet zone, one black path, crisp edges.
    pub(crate) fn to_svg(&self, module_px: u32) -> Result<String, PublishError> {
        if module_px == 0 || module_px > MAX_MODULE_PX {
            return Err(PublishError::ModuleSize { px: module_px });
        }
        let modules = self.width + 2 * QUIET_ZONE;
        // At most (177 + 8) × 100 pixels: no overflow.
        let pixels = modules as u64 * u64::from(module_px);
        let mut svg = String::with_capacity(64 + self.dark.len() * 4);
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{pixels}\" \
             height=\"{pixels}\" viewBox=\"0 0 {modules} {modules}\" \
             shape-rendering=\"crispEdges\"><rect width=\"{modules}\" height=\"{modules}\" \
             fill=\"#ffffff\"/><path fill=\"#000000\" d=\""
        );
        for (column, row, length) in self.dark_runs() {
            let _ = write!(
                svg,
                "M{},{}h{length}v1h-{length}z",
                column + QUIET_ZONE,
                row + QUIET_ZONE
            );
        }
        svg.push_str("\"/></svg>\n");
        Ok(svg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_addresses_that_would_print_a_useless_code() {
        for url in [
            "",
            "  ",
            "/guides/123",
            "zwfw.example.gov.cn",
            "https://",
            "ftp://x.cn",
            "https://x.cn/a b",
        ] {
            assert!(
                matches!(QrMatrix::encode(url), Err(PublishError::QrUrl { .. })),
                "{url:?} accepted"
            );
        }
        assert!(QrMatrix::encode("HTTPS://ZWFW.EXAMPLE.GOV.CN/G/1").is_ok());
        assert!(QrMatrix::encode("http://10.0.0.1/g").is_ok());
    }

    #[test]
    fn too_long_for_a_qr_code_is_an_error() {
        let url = format!("https://x.cn/{}", "a".repeat(3000));
        assert!(matches!(
            QrMatrix::encode(&url),
            Err(PublishError::QrTooLong { bytes: 3013 })
        ));
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let matrix = QrMatrix::encode("https://zwfw.example.gov.cn/guides/1").unwrap();
        let mut painted = vec![false; matrix.dark.len()];
        for (column, row, length) in matrix.dark_runs() {
            for c in column..column + length {
                assert!(!painted[row * matrix.width + c]);
                painted[row * matrix.width + c] = true;
            }
        }
        assert_eq!(painted, matrix.dark);
    }

    #[test]
    fn module_size_is_checked() {
        let matrix = QrMatrix::encode("https://x.cn/").unwrap();
        assert!(matches!(
            matrix.to_svg(0),
            Err(PublishError::ModuleSize { px: 0 })
        ));
        assert!(matrix.to_svg(MAX_MODULE_PX + 1).is_err());
        assert!(matrix.to_svg(MAX_MODULE_PX).is_ok());
    }
}
