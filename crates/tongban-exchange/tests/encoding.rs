//! Encoding detection on the kinds of bytes departments upload: UTF-8 with and without BOM,
//! GBK/GB18030 from Chinese Excel, and things that are not text at all.

use encoding_rs::{GB18030, GBK};
use tongban_exchange::encoding::{EncodingError, TextEncoding, decode_text};

const SAMPLE: &str =
    "department,name\n区民政局,婚姻登记（内地居民）\n区教科体局,适龄儿童入学审批\n";

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = GBK.encode(text);
    assert!(!unmappable, "test text must be representable in GBK");
    bytes.into_owned()
}

/// Bytes that look like noise: a fixed linear congruential sequence, so failures reproduce.
fn noise(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_F491;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8
        })
        .collect()
}

#[test]
fn text_decodes_in_its_encoding() {
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), SAMPLE.as_bytes()].concat();
    // 𠀀 (U+20000) is outside GBK: only GB18030's four-byte form carries it
    let beyond_gbk = "name\n𠀀字号\n";
    let cases: Vec<(&str, Vec<u8>, &str, TextEncoding)> = vec![
        (
            "utf-8",
            SAMPLE.as_bytes().to_vec(),
            SAMPLE,
            TextEncoding::Utf8,
        ),
        ("utf-8 with BOM", with_bom, SAMPLE, TextEncoding::Utf8),
        ("gbk", gbk(SAMPLE), SAMPLE, TextEncoding::Gb18030),
        (
            "gb18030 four-byte",
            GB18030.encode(beyond_gbk).0.into_owned(),
            beyond_gbk,
            TextEncoding::Gb18030,
        ),
        (
            "ascii",
            b"a,b\n1,2\n".to_vec(),
            "a,b\n1,2\n",
            TextEncoding::Utf8,
        ),
        ("empty", Vec::new(), "", TextEncoding::Utf8),
    ];
    for (name, bytes, text, encoding) in cases {
        match decode_text(&bytes) {
            Ok(decoded) => assert_eq!(decoded, (text.to_owned(), encoding), "{name}"),
            Err(error) => panic!("{name}: {error}"),
        }
    }
}

#[test]
fn non_text_is_refused_with_a_bilingual_message() {
    let mut gbk_cut = gbk("a,b\n区民政局,1\n");
    gbk_cut.extend_from_slice(b"x,\xD6"); // lead byte with no trail at the very end, line 3
    let mut utf8_broken = "a,b\n民政,1\n".as_bytes().to_vec();
    utf8_broken.extend_from_slice(b"\xFF\xFEab");
    let mut bom_then_gbk = b"\xEF\xBB\xBF".to_vec();
    bom_then_gbk.extend(gbk("区民政局\n"));
    let cases: Vec<(&str, Vec<u8>, Option<usize>, &str)> = vec![
        ("random binary", noise(4096), None, "UTF-8"),
        (
            "random binary without NULs",
            noise(4096).into_iter().map(|b| b.max(1)).collect(),
            None,
            "GBK",
        ),
        (
            "control characters",
            "a,b\n"
                .repeat(3)
                .bytes()
                .chain(noise(64).into_iter().map(|b| b % 31 + 1))
                .chain(*b"\xD6\xD0") // valid GBK, not UTF-8
                .collect(),
            None,
            "GBK",
        ),
        ("nul-laden", b"a\0b\0c\0\xC0".to_vec(), Some(1), "NUL"),
        (
            "utf-16 without BOM",
            "a,b\n".encode_utf16().flat_map(u16::to_le_bytes).collect(),
            Some(1),
            "NUL",
        ),
        ("gbk cut short", gbk_cut, Some(3), "UTF-8"),
        ("utf-8 broken", utf8_broken, Some(3), "UTF-8"),
        ("BOM but not UTF-8", bom_then_gbk, Some(1), "UTF-8"),
        (
            "xlsx uploaded as csv",
            b"PK\x03\x04\x14\x00".to_vec(),
            Some(1),
            "XLSX",
        ),
        (
            "old xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1".to_vec(),
            Some(1),
            ".xls",
        ),
        ("utf-16", b"\xFF\xFEa\x00b\x00".to_vec(), Some(1), "UTF-16"),
    ];
    for (name, bytes, line, mentions) in cases {
        let error: EncodingError = match decode_text(&bytes) {
            Ok((text, encoding)) => panic!("{name}: decoded as {encoding}: {text:?}"),
            Err(error) => error,
        };
        if let Some(line) = line {
            assert_eq!(error.line, line, "{name}: {error}");
        }
        assert!(error.offset <= bytes.len(), "{name}");
        assert!(
            error.zh.contains(mentions) && error.en.contains(mentions),
            "{name}: {error}"
        );
        let shown = error.to_string();
        assert!(
            shown.find(&error.zh) < shown.find(&error.en),
            "{name}: Chinese comes first"
        );
    }
}

#[test]
fn bad_byte_offset_is_exact() {
    let mut bytes = "ab\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"\xFF\xFFab"); // 0xFF starts no sequence in either encoding
    let error = decode_text(&bytes).err();
    assert_eq!(error.as_ref().map(|e| (e.offset, e.line)), Some((3, 2)));
    let text = error.map(|e| e.zh).unwrap_or_default();
    assert!(text.contains("第2行") && text.contains("第3字节"), "{text}");
}
