//! Turns uploaded text bytes into a `String`: UTF-8 (with or without BOM) as is, otherwise GB18030,
//! which is what Chinese Excel writes when a user picks plain "CSV" — and refuses anything else.

use std::fmt;

use encoding_rs::{DecoderResult, GB18030};
use tongban_domain::Bilingual;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The encoding a text file turned out to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    Utf8,
    /// GB18030, a superset of GBK and GB2312
    Gb18030,
}

impl TextEncoding {
    /// The usual name, for reports ("UTF-8", "GB18030").
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Bytes that are neither UTF-8 nor GB18030 text. `offset` (0-based, counted in the bytes as
/// given, BOM included) and `line` (1-based) point at the first byte that does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    pub offset: usize,
    pub line: usize,
    pub zh: String,
    pub en: String,
}

impl Bilingual for EncodingError {
    fn zh(&self) -> String {
        self.zh.clone()
    }
    fn en(&self) -> String {
        self.en.clone()
    }
}

impl fmt::Display for EncodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh, self.en)
    }
}

impl std::error::Error for EncodingError {}

/// Strips a UTF-8 BOM; valid UTF-8 → `Utf8`; otherwise decodes as GB18030 if that decodes with
/// no malformed sequence and the result looks like text (no NULs, mostly printable); otherwise
/// an error naming where the first bad sequence is and saying to save as UTF-8.
pub fn decode_text(bytes: &[u8]) -> Result<(String, TextEncoding), EncodingError> {
    let (body, skipped) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    if let Some(error) = known_binary(body) {
        return Err(error);
    }
    // NUL is never part of a multi-byte sequence in either encoding, and never in real text;
    // UTF-16 without a BOM is otherwise "valid UTF-8" full of them.
    if let Some(at) = body.iter().position(|&b| b == 0) {
        return Err(contains_nul(bytes, skipped + at));
    }
    let utf8_error = match std::str::from_utf8(body) {
        Ok(text) => return Ok((text.to_owned(), TextEncoding::Utf8)),
        Err(error) => error,
    };
    let utf8_bad = skipped + utf8_error.valid_up_to();
    // A BOM says the writer meant UTF-8, so the broken byte is the thing to report.
    if skipped > 0 {
        return Err(undecodable(bytes, utf8_bad));
    }
    match decode_gb18030(body) {
        Ok(text) if looks_like_text(&text) => Ok((text, TextEncoding::Gb18030)),
        Ok(_) => Err(undecodable(bytes, utf8_bad)),
        // The encoding that got further is more likely the one the file was written in.
        Err(gb_bad) => Err(undecodable(bytes, utf8_bad.max(gb_bad))),
    }
}

/// Decodes strictly; `Err` holds the offset of the first malformed sequence.
fn decode_gb18030(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = GB18030.new_decoder_without_bom_handling();
    // None only on arithmetic overflow for absurd lengths; treat as undecodable at the start.
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .ok_or(0usize)?;
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, after) => {
            Err(read.saturating_sub(usize::from(bad) + usize::from(after)))
        }
        // Cannot happen with the capacity above; report the place it stopped.
        DecoderResult::OutputFull => Err(read),
    }
}

/// GB18030 maps almost every byte pair to some character, so binary data often "decodes";
/// real text has few control or private-use characters (NULs are refused earlier). A handful
/// of private-use characters is allowed: GBK user-defined areas carry rare characters in names.
fn looks_like_text(text: &str) -> bool {
    let mut total = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        total += 1;
        let control = c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C');
        if control || ('\u{E000}'..='\u{F8FF}').contains(&c) {
            odd += 1;
        }
    }
    odd <= 2 || odd * 100 <= total
}

/// Recognises files that are plainly not text so the message can say what they are.
fn known_binary(body: &[u8]) -> Option<EncodingError> {
    let (zh, en) = if body.starts_with(b"PK\x03\x04") {
        (
            "这是一个压缩文件（很可能是XLSX工作簿），不是CSV文本；请按XLSX格式上传",
            "this is a ZIP file (most likely an XLSX workbook), not CSV text; upload it as XLSX",
        )
    } else if body.starts_with(b"\xD0\xCF\x11\xE0") {
        (
            "这是旧版Excel（.xls）文件，不是CSV文本；请在Excel中另存为“CSV UTF-8（逗号分隔）”或 .xlsx",
            "this is an old Excel (.xls) file, not CSV text; in Excel save it as \"CSV UTF-8 (Comma delimited)\" or .xlsx",
        )
    } else if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        (
            "这是UTF-16文本（Excel的“Unicode文本”）；请在Excel中另存为“CSV UTF-8（逗号分隔）”",
            "this is UTF-16 text (Excel's \"Unicode Text\"); in Excel save it as \"CSV UTF-8 (Comma delimited)\"",
        )
    } else {
        return None;
    };
    Some(EncodingError {
        offset: 0,
        line: 1,
        zh: zh.to_owned(),
        en: en.to_owned(),
    })
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes.iter().take(offset).filter(|&&b| b == b'\n').count()
}

fn contains_nul(bytes: &[u8], offset: usize) -> EncodingError {
    let line = line_of(bytes, offset);
    EncodingError {
        offset,
        line,
        zh: format!(
            "第{line}行（第{offset}字节）处有空字符（NUL），这不是CSV文本文件。若是Excel的“Unicode文本”，\
             请在Excel中“另存为”并选择“CSV UTF-8（逗号分隔）”后重新上传"
        ),
        en: format!(
            "there is a NUL byte on line {line} (byte offset {offset}), so this is not CSV text. If it is \
             Excel's \"Unicode Text\", use \"Save As\" with \"CSV UTF-8 (Comma delimited)\" and upload again"
        ),
    }
}

fn undecodable(bytes: &[u8], offset: usize) -> EncodingError {
    let offset = offset.min(bytes.len());
    let line = line_of(bytes, offset);
    EncodingError {
        offset,
        line,
        zh: format!(
            "无法识别文件编码：第{line}行（第{offset}字节）处的内容既不是UTF-8也不是GBK/GB18030文本。\
             请在Excel中“另存为”并选择“CSV UTF-8（逗号分隔）”后重新上传"
        ),
        en: format!(
            "cannot recognise the file's encoding: the bytes on line {line} (byte offset {offset}) are \
             neither UTF-8 nor GBK/GB18030 text. In Excel use \"Save As\" with \"CSV UTF-8 (Comma delimited)\" \
             and upload again"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_offset_points_at_the_bad_byte() {
        // 0x80 alone is not a GB18030 byte; 0xFF never is.
        assert_eq!(decode_gb18030(b"ab\xFFcd"), Err(2));
        assert_eq!(decode_gb18030(b"a\xD6\xD0b"), Ok("a中b".to_owned()));
    }

    #[test]
    fn text_heuristic() {
        assert!(looks_like_text("部门,名称\n区民政局,婚姻登记\n"));
        assert!(!looks_like_text("\u{1}\u{2}\u{3}\u{4}ab"));
        // a couple of private-use characters (rare name characters) are fine
        assert!(looks_like_text("张\u{E001}、李\u{E002}"));
    }
}
