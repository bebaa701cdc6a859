//! Channel renderings of a guide (办事指南): PDF for print and QR codes. One source, every
//! channel (seed 000: 同源管理、同源发布): the web pages show a [`Guide`]; this crate prints
//! the same value as an A4 guide ([`guide_pdf`]), as the one-time notification sheet a clerk
//! hands over the counter ([`notification_sheet_pdf`]), and as the QR code kiosks and print
//! views show ([`qr_svg`]). Each printout carries the QR code of the guide's web address, so a
//! sheet that has gone stale leads to the current guide.
//!
//! Like the domain, this crate does no I/O and reads no clock: the print date and the
//! address come in a [`GuideHeader`]; the same inputs give the same bytes. Rendering is
//! synchronous CPU work (about 50 ms a PDF in the dev profile): async callers should run it
//! with `tokio::task::spawn_blocking`.
//!
//! # The font
//!
//! Chinese text needs a CJK font, and no font can be assumed on a server or a CI machine, so
//! one is compiled in: `fonts/wqy-microhei.ttc`, WenQuanYi Micro Hei 0.2.0-beta (文泉驿微米黑),
//! copied unchanged from Debian's `fonts-wqy-microhei` package
//! (`/usr/share/fonts/truetype/wqy/wqy-microhei.ttc`, 5 177 387 bytes, sha256
//! `2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3`). Its licence is
//! Apache-2.0 or GPL-3+ with the font exception; Debian's copyright file is beside it as
//! `fonts/LICENSE-wqy-microhei.txt`. krilla reads the TrueType collection directly (face 0,
//! the proportional Micro Hei; face 1, Mono, is unused), so the file needed no conversion and
//! is not cut down. The face covers 34 600 code points: every character of GB2312 (a test
//! checks all 7 445), every one of GBK's but three symbols (☉ ɑ ɡ) and so all 20 902 of its
//! ideographs, CJK punctuation, full-width forms and ASCII. Characters outside it (CJK
//! extensions B and later, e.g. U+20000) print as the font's missing-glyph box and do not
//! reliably copy back out of the PDF (they all share that one glyph); the rest of the text is
//! unaffected.
//!
//! The font is embedded with `include_bytes!`: it adds about 5 MB to a binary that links this
//! crate. The PDFs stay small because krilla subsets it to the glyphs a document uses.
//!
//! # Typesetting
//!
//! A4, 20 mm side margins; body 10.5 pt (五号), titles 18 pt, section headings 14 pt (12 pt on
//! the notification sheet, to keep it to one page), dense tables and footers 9 pt (小五). Lines
//! break anywhere in Chinese text, except that closing punctuation never starts a line and
//! opening punctuation never ends one (module `linebreak`); tables wrap their cells, repeat
//! their header on each page and move a row that does not fit to the next page; a heading
//! moves with what follows it; every page's footer says "第 n 页 / 共 m 页". A notification
//! sheet that would take two pages is set tighter when that keeps it on one.

use std::fmt;

pub use tongban_domain::guide::Guide;
use tongban_domain::message::Bilingual;

mod case_notice;
mod document;
mod font;
mod guide_pdf;
mod labels;
mod layout;
mod linebreak;
mod qr;
mod render;
mod sheet;

pub use qr::MAX_MODULE_PX;

/// What a printout needs besides the guide itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuideHeader {
    /// The implementation's code (实施编码).
    pub implementation_code: String,
    /// The department that handles the item, as printed on the sheet.
    pub department: String,
    /// The guide's web address, encoded in the QR code: absolute, http:// or https://.
    pub qr_url: String,
    /// The print date shown in the footer, e.g. "2026-11-22" (passed in: no clock here).
    pub printed_on: String,
}

/// Why a rendering failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishError {
    /// The address for the QR code is not an absolute http(s) address.
    QrUrl { url: String },
    /// The address is too long for any QR code at error-correction level M.
    QrTooLong { bytes: usize },
    /// Any other failure of the QR encoder.
    Qr { reason: String },
    /// `qr_svg`'s module size is outside 1..=[`MAX_MODULE_PX`].
    ModuleSize { px: u32 },
    /// The embedded font could not be read (a build defect, never the input's fault).
    Font,
    /// krilla could not write the PDF.
    Pdf { reason: String },
}

impl Bilingual for PublishError {
    fn zh(&self) -> String {
        match self {
            PublishError::QrUrl { url } => {
                format!("二维码网址须为以 http:// 或 https:// 开头的完整网址：「{url}」")
            }
            PublishError::QrTooLong { bytes } => {
                format!("网址过长（{bytes} 字节），无法生成二维码")
            }
            PublishError::Qr { reason } => format!("无法生成二维码：{reason}"),
            PublishError::ModuleSize { px } => {
                format!("二维码模块尺寸应为 1 至 {MAX_MODULE_PX} 像素，收到 {px}")
            }
            PublishError::Font => "内置字体无法读取".to_owned(),
            PublishError::Pdf { reason } => format!("无法生成 PDF：{reason}"),
        }
    }

    fn en(&self) -> String {
        match self {
            PublishError::QrUrl { url } => {
                format!(
                    "the QR address must be a full address starting with http:// or https://: {url:?}"
                )
            }
            PublishError::QrTooLong { bytes } => {
                format!("the address is too long for a QR code ({bytes} bytes)")
            }
            PublishError::Qr { reason } => format!("cannot make the QR code: {reason}"),
            PublishError::ModuleSize { px } => {
                format!("the QR module size must be 1 to {MAX_MODULE_PX} pixels, not {px}")
            }
            PublishError::Font => "the embedded font cannot be read".to_owned(),
            PublishError::Pdf { reason } => format!("cannot write the PDF: {reason}"),
        }
    }
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh(), self.en())
    }
}

impl std::error::Error for PublishError {}

/// The full guide as a printable A4 PDF: title, code, every element in the order of §3
/// (basic information table, conditions, materials table with form/copies/spec/required/
/// 容缺/免提交 (sharing source), process steps with limits, fees, special procedures, time
/// limits, result, where/when, phones, legal basis, FAQs), page numbers "第 n 页 / 共 m 页",
/// and the QR code with a caption "扫码查看最新办事指南".
pub fn guide_pdf(guide: &Guide, header: &GuideHeader) -> Result<Vec<u8>, PublishError> {
    guide_pdf::build(guide, header)
}

/// 一次性告知单 (one-time notification sheet): what the applicant must bring, on one page
/// where possible: item name, department, a numbered checklist of every material to bring
/// with form, copies, spec and whether it may be supplied later (容缺), the materials NOT to
/// bring because the department obtains them by sharing, time limit, fees, where/when, phones,
/// lines for the clerk's signature and date (and the applicant's receipt), and the QR code.
pub fn notification_sheet_pdf(
    guide: &Guide,
    header: &GuideHeader,
) -> Result<Vec<u8>, PublishError> {
    sheet::build(guide, header)
}

/// A written notice of an intake decision, as data: everything printed comes in here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNotice {
    pub kind: NoticeKind,
    /// the document's number: the case number, or the application's reference before one
    pub reference: String,
    /// as shown to staff (masked)
    pub applicant: String,
    pub item_name: String,
    /// the deciding department, over whose seal the notice goes out
    pub department: String,
    pub complaint_phone: String,
    /// "YYYY-MM-DD"
    pub submitted_on: String,
    pub issued_on: String,
    /// the case's progress page, encoded in the QR code: absolute http(s)
    pub progress_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeKind {
    /// 受理通知书
    Acceptance {
        case_number: String,
        accepted_on: String,
        committed_limit_days: u32,
        due_on: Option<String>,
        /// printed only on the notice made at acceptance: it is not stored readable
        query_password: Option<String>,
        /// 容缺: the materials to come and the promised date
        deferred: Option<(Vec<String>, String)>,
    },
    /// 不予受理通知书: reason and legal basis, and the applicant's rights of appeal
    Refusal { reason: String, basis: String },
    /// 补齐补正告知书: every material at once (material, what is wrong), and the deadline
    Corrections {
        items: Vec<(String, String)>,
        deadline: String,
    },
    /// 办理结果通知书: the case closed with its result — the licence, certificate or approval
    /// document and its number, or a decision against the applicant with its reason and the
    /// rights of appeal; with electronic delivery, this is what the applicant downloads
    Result {
        /// what was issued, e.g. "许可证"
        result_name: String,
        number: String,
        approved: bool,
        /// why, when not approved
        reason: Option<String>,
    },
}

/// A notice of an intake decision as an A4 PDF with the case's QR code.
pub fn case_notice_pdf(notice: &CaseNotice) -> Result<Vec<u8>, PublishError> {
    case_notice::build(notice)
}

/// The QR code of `url` as an SVG string (for kiosk and print web views), with the standard
/// four-module quiet zone on a white background; `module_px` is the size of one module, so the
/// image is `(modules + 8) × module_px` pixels square. The same input gives the same string.
pub fn qr_svg(url: &str, module_px: u32) -> Result<String, PublishError> {
    qr::QrMatrix::encode(url)?.to_svg(module_px)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_explain_themselves_in_both_languages() {
        let error = PublishError::ModuleSize { px: 0 };
        assert_eq!(
            error.to_string(),
            "二维码模块尺寸应为 1 至 100 像素，收到 0 (the QR module size must be 1 to 100 pixels, not 0)"
        );
        let error = qr_svg("guides/1", 4).unwrap_err();
        assert!(error.to_string().contains("https://"));
        let _: &dyn std::error::Error = &error;
    }
}
