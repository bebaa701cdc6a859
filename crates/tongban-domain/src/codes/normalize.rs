//! Turns identifiers as people really type or paste them into the canonical form the
//! check-character algorithms expect.

/// Canonical form of a resident id or USCC: full-width characters folded to ASCII, lower-case
/// letters upper-cased, and all whitespace (including the ideographic space U+3000 and the
/// zero-width characters that come along with copy-paste), hyphens and dash look-alikes removed.
///
/// Nothing is rejected here; the parsers report whatever is still wrong afterwards.
pub fn normalize_identifier(input: &str) -> String {
    input
        .chars()
        .filter(|&c| !is_separator(c))
        .map(|c| fold_full_width(c).to_ascii_uppercase())
        .collect()
}

/// Maps the full-width forms of ASCII (U+FF01–U+FF5E: `０`, `Ａ`, `ｘ`, `－`…) to ASCII, which
/// Chinese input methods produce whenever full-width mode is on. Other characters are unchanged.
pub(crate) fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Characters people put between groups of digits, or that arrive invisibly with pasted text.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            // Zero-width space, non-joiner, joiner, word joiner, byte-order mark: not White_Space
            // in Unicode, yet common in text copied from web pages and Word documents.
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
            // Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash,
            // horizontal bar, minus sign, small and full-width hyphen-minus.
            | '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(normalize_identifier(input), expected, "input {input:?}");
    }

    #[test]
    fn normalizes_what_people_type() {
        let cases = [
            ("11010519491231002X", "11010519491231002X"),
            ("11010519491231002x", "11010519491231002X"),
            (
                "１１０１０５ １９４９１２３１ ００２ｘ",
                "11010519491231002X",
            ),
            (
                "１１０１０５\u{3000}１９４９１２３１\u{3000}００２Ｘ",
                "11010519491231002X",
            ),
            ("110105-19491231-002X", "11010519491231002X"),
            ("110105‐19491231‑002X", "11010519491231002X"),
            ("110105–19491231—002X", "11010519491231002X"),
            ("110105－19491231－002X", "11010519491231002X"),
            ("110105―19491231−002X", "11010519491231002X"),
            ("\t110105 19491231\n002X\r\n", "11010519491231002X"),
            (
                "\u{FEFF}9111\u{200B}0000\u{00A0}600037341l",
                "91110000600037341L",
            ),
            ("ｍｂ", "MB"),
            ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
            ("", ""),
            ("  \u{3000}\t", ""),
            // Not foldable: left for the parser to report with the character the user sees.
            ("身份证", "身份证"),
            ("ß", "ß"),
            // Full-width punctuation other than dashes folds to ASCII and stays.
            ("１２．３", "12.3"),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn folds_exactly_the_full_width_block() {
        assert_eq!(fold_full_width('０'), '0');
        assert_eq!(fold_full_width('９'), '9');
        assert_eq!(fold_full_width('Ａ'), 'A');
        assert_eq!(fold_full_width('ｚ'), 'z');
        assert_eq!(fold_full_width('！'), '!');
        assert_eq!(fold_full_width('～'), '~');
        assert_eq!(fold_full_width('\u{FF00}'), '\u{FF00}');
        assert_eq!(fold_full_width('\u{FF5F}'), '\u{FF5F}');
        assert_eq!(fold_full_width('中'), '中');
    }

    proptest! {
        #[test]
        fn normalizing_is_idempotent(input in any::<String>()) {
            let once = normalize_identifier(&input);
            prop_assert_eq!(normalize_identifier(&once), once);
        }

        #[test]
        fn output_has_no_separators_or_ascii_lower_case(input in any::<String>()) {
            let out = normalize_identifier(&input);
            prop_assert!(!out.chars().any(|c| is_separator(c) || c.is_ascii_lowercase()));
        }

        #[test]
        fn full_width_equals_ascii(ascii in "[0-9A-Za-z]{0,20}") {
            let wide: String = ascii
                .chars()
                .map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap())
                .collect();
            prop_assert_eq!(normalize_identifier(&wide), ascii.to_ascii_uppercase());
        }
    }
}
