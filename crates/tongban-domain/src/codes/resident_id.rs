//! Citizen identity numbers (公民身份号码, GB 11643): parsing with date and check-character
//! validation, and masking so the full number is not shown where it is not needed.

use super::normalize::normalize_identifier;
use crate::message::Bilingual;

const LEN: usize = 18;
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS: &[u8; 11] = b"10X98765432";
const MASK: &str = "********";

/// A valid 18-character resident id number, upper-case, with its check character verified.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

impl ResidentId {
    /// Parses a resident id as typed: normalized first (full-width, lower-case x, spaces,
    /// hyphens), then checked for length, characters, birth date and check character.
    pub fn parse(input: &str) -> Result<ResidentId, ResidentIdError> {
        let id = normalize_identifier(input);
        let chars: Vec<char> = id.chars().collect();
        match chars.len() {
            0 => return Err(ResidentIdError::Empty),
            15 if chars.iter().all(char::is_ascii_digit) => {
                return Err(ResidentIdError::OldFifteenDigit);
            }
            LEN => {}
            found => return Err(ResidentIdError::Length { found }),
        }
        for (i, &c) in chars.iter().enumerate() {
            if !(c.is_ascii_digit() || (i == LEN - 1 && c == 'X')) {
                return Err(ResidentIdError::BadCharacter {
                    position: i + 1,
                    found: c,
                });
            }
        }
        // All ASCII from here on, so byte offsets are character offsets.
        let date = &id[6..14];
        if !is_birth_date(date) {
            return Err(ResidentIdError::BadDate {
                date: date.to_string(),
            });
        }
        let expected = check_character(&id[..LEN - 1]);
        let found = chars[LEN - 1];
        if expected != found {
            return Err(ResidentIdError::BadCheck { expected, found });
        }
        Ok(ResidentId(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The administrative division where the number was first issued (first 6 digits).
    pub fn area_code(&self) -> &str {
        &self.0[..6]
    }

    /// Year, month, day of birth (digits 7–14), always a real calendar date from 1900 on.
    pub fn birth_date(&self) -> (i32, u8, u8) {
        let (y, m, d) = split_date(&self.0[6..14]);
        (y as i32, m as u8, d as u8)
    }

    /// The sequence number's last digit (17th character) is odd for men, even for women.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes()[16] % 2 == 1
    }

    /// For display: first 6 and last 4 characters kept, e.g. `110105********002X`.
    pub fn masked(&self) -> String {
        format!("{}{MASK}{}", &self.0[..6], &self.0[14..])
    }
}

/// Masks text that should be a resident id but may not be valid (import rows, error reports):
/// with 10 or more characters, the first 6 and last 4 are kept around 8 stars, exactly like
/// [`ResidentId::masked`]; shorter text becomes one star per character.
///
/// The star count is fixed so the output does not reveal the input's length, but text of
/// 10–17 characters still shows everything except what the stars replace (nothing, at 10).
pub fn mask_resident_id_text(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let n = chars.len();
    // Below the full length the visible ends would reveal most of the number.
    if n < 18 {
        return "*".repeat(n);
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{MASK}{tail}")
}

/// Debug output is masked too, so an id never reaches a log in full.
impl std::fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ResidentId").field(&self.masked()).finish()
    }
}

/// The check character for a 17-digit body; the caller guarantees ASCII digits.
pub(crate) fn check_character(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    char::from(CHECK_CHARACTERS[(sum % 11) as usize])
}

/// Splits 8 ASCII digits `YYYYMMDD` into numbers.
fn split_date(date: &str) -> (u32, u32, u32) {
    let number = |s: &str| {
        s.bytes()
            .fold(0u32, |n, b| n * 10 + u32::from(b.wrapping_sub(b'0')))
    };
    (number(&date[..4]), number(&date[4..6]), number(&date[6..8]))
}

/// A real calendar date, year 1900 or later. No upper bound: that would need a clock.
fn is_birth_date(date: &str) -> bool {
    let (y, m, d) = split_date(date);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1900 && (1..=days).contains(&d)
}

/// Why text is not a valid resident id number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResidentIdError {
    Empty,
    /// The pre-1999 15-digit format, which has no century and no check character.
    OldFifteenDigit,
    Length {
        found: usize,
    },
    /// Digits only in positions 1–17; a digit or X in position 18. `position` is 1-based.
    BadCharacter {
        position: usize,
        found: char,
    },
    /// Digits 7–14 (given here) are not a calendar date, or the year is before 1900.
    BadDate {
        date: String,
    },
    BadCheck {
        expected: char,
        found: char,
    },
}

impl Bilingual for ResidentIdError {
    fn zh(&self) -> String {
        match self {
            Self::Empty => "居民身份证号码为空".to_string(),
            Self::OldFifteenDigit => {
                "这是旧版15位身份证号码，请填写现行的18位公民身份号码".to_string()
            }
            Self::Length { found } => format!("居民身份证号码应为18位，实为{found}位"),
            Self::BadCharacter {
                position: 18,
                found,
            } => format!(
                "居民身份证号码第18位（校验码）只能是数字或X，实为“{}”",
                found.escape_debug()
            ),
            Self::BadCharacter { position, found } => format!(
                "居民身份证号码第{position}位只能是数字，实为“{}”",
                found.escape_debug()
            ),
            Self::BadDate { date } => format!(
                "居民身份证号码第7至14位是出生日期（年月日），“{date}”不是1900年以后的有效日期"
            ),
            Self::BadCheck { expected, found } => format!(
                "居民身份证号码校验码不符：按前17位应为“{expected}”，实为“{found}”，请核对号码是否有误"
            ),
        }
    }

    fn en(&self) -> String {
        match self {
            Self::Empty => "the resident id number is empty".to_string(),
            Self::OldFifteenDigit => "this is an old 15-digit id number; please enter the \
                                      current 18-character citizen id number"
                .to_string(),
            Self::Length { found } => {
                format!("the resident id number must be 18 characters, found {found}")
            }
            Self::BadCharacter {
                position: 18,
                found,
            } => format!(
                "character 18 of the resident id number (the check character) must be a digit \
                 or X, found '{}'",
                found.escape_debug()
            ),
            Self::BadCharacter { position, found } => format!(
                "character {position} of the resident id number must be a digit, found '{}'",
                found.escape_debug()
            ),
            Self::BadDate { date } => format!(
                "characters 7-14 of the resident id number are the birth date (YYYYMMDD); \
                 {date} is not a valid date from 1900 on"
            ),
            Self::BadCheck { expected, found } => format!(
                "the resident id number's check character does not match: from the first 17 \
                 characters it should be '{expected}', found '{found}'; please check the number \
                 for a typo"
            ),
        }
    }
}

bilingual_display!(ResidentIdError);

impl std::error::Error for ResidentIdError {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, ResidentIdError>) {
        let got = ResidentId::parse(input);
        assert_eq!(
            got.as_ref().map(ResidentId::as_str).map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_valid_and_rejects_invalid_ids() {
        use ResidentIdError::*;
        let cases: Vec<(&str, Result<&str, ResidentIdError>)> = vec![
            // The example in domain.md §5, and how people really type it.
            ("11010519491231002X", Ok("11010519491231002X")),
            ("11010519491231002x", Ok("11010519491231002X")),
            (
                "１１０１０５ １９４９１２３１ ００２ｘ",
                Ok("11010519491231002X"),
            ),
            ("110105-19491231-002X", Ok("11010519491231002X")),
            (" 110105 19491231 002X\n", Ok("11010519491231002X")),
            ("440304198501010013", Ok("440304198501010013")),
            // Leap days: 2000 is a leap year (divisible by 400), 1900 is not (by 100).
            ("110105200002291235", Ok("110105200002291235")),
            (
                "110105190002291239",
                Err(BadDate {
                    date: "19000229".into(),
                }),
            ),
            ("11010519000101001X", Ok("11010519000101001X")),
            (
                "110105189912310015",
                Err(BadDate {
                    date: "18991231".into(),
                }),
            ),
            (
                "110105200113010010",
                Err(BadDate {
                    date: "20011301".into(),
                }),
            ),
            (
                "110105200104310015",
                Err(BadDate {
                    date: "20010431".into(),
                }),
            ),
            (
                "110105200100000015",
                Err(BadDate {
                    date: "20010000".into(),
                }),
            ),
            ("", Err(Empty)),
            (" - \u{3000}", Err(Empty)),
            ("110105491231002", Err(OldFifteenDigit)),
            ("１１０１０５ ４９１２３１ ００２", Err(OldFifteenDigit)),
            ("11010549123100X", Err(Length { found: 15 })),
            ("11010519491231002", Err(Length { found: 17 })),
            ("11010519491231002X1", Err(Length { found: 19 })),
            (
                "X10105194912310021",
                Err(BadCharacter {
                    position: 1,
                    found: 'X',
                }),
            ),
            (
                "1101051949123100XX",
                Err(BadCharacter {
                    position: 17,
                    found: 'X',
                }),
            ),
            (
                "11010519491231002Y",
                Err(BadCharacter {
                    position: 18,
                    found: 'Y',
                }),
            ),
            (
                "110105一九491231002X",
                Err(BadCharacter {
                    position: 7,
                    found: '一',
                }),
            ),
            (
                "110105194912310021",
                Err(BadCheck {
                    expected: 'X',
                    found: '1',
                }),
            ),
            (
                "11010519491231003X",
                Err(BadCheck {
                    expected: '8',
                    found: 'X',
                }),
            ),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn reads_area_birth_date_sex_and_masks() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.area_code(), "110105");
        assert_eq!(id.birth_date(), (1949, 12, 31));
        assert!(!id.is_male());
        assert_eq!(id.masked(), "110105********002X");

        let id = ResidentId::parse("440304198501010013").unwrap();
        assert_eq!(id.birth_date(), (1985, 1, 1));
        assert!(id.is_male());
    }

    #[test]
    fn masks_arbitrary_text() {
        assert_eq!(mask_resident_id_text(""), "");
        assert_eq!(mask_resident_id_text("123456789"), "*********");
        assert_eq!(mask_resident_id_text("1234567890"), "**********");
        assert_eq!(
            mask_resident_id_text("11010519491231002X"),
            "110105********002X"
        );
        assert_eq!(mask_resident_id_text("110105491231002"), "*".repeat(15));
        assert_eq!(
            mask_resident_id_text("身份证号码是一二三四五六七八九十甲乙丙"),
            "身份证号码是********十甲乙丙"
        );
        assert_eq!(
            format!("{:?}", ResidentId::parse("11010519491231002X").unwrap()),
            "ResidentId(\"110105********002X\")"
        );
    }

    #[test]
    fn messages_are_bilingual() {
        let e = ResidentId::parse("110105194912310021").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{} ({})", e.zh(), e.en()),
            "Display is zh (en)"
        );
        assert!(e.zh().contains("应为“X”"));
        assert!(e.en().contains("should be 'X'"));
        let e = ResidentIdError::Length { found: 17 };
        assert!(e.zh().contains("应为18位，实为17位"));
        assert!(e.en().contains("must be 18 characters, found 17"));
        assert!(ResidentIdError::OldFifteenDigit.zh().contains("18位"));
        assert!(
            ResidentIdError::OldFifteenDigit
                .en()
                .contains("18-character")
        );
    }

    /// GB 11643 detects every single-character substitution: all weights are non-zero mod 11
    /// and 11 is prime, so changing one digit by d (1..=9) changes the sum by w·d ≢ 0 (mod 11),
    /// and the check maps sums to distinct characters. Verified here for every case.
    #[test]
    fn every_single_substitution_changes_the_check() {
        for w in WEIGHTS {
            for d in 1..=9 {
                assert_ne!(w * d % 11, 0, "weight {w}, difference {d}");
            }
        }
        let mut seen = CHECK_CHARACTERS.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 11, "check characters are distinct");
    }

    /// A valid id from its parts: any area and sequence, any date 1900-01-01..=2099-12-28.
    fn valid_id() -> impl Strategy<Value = String> {
        ("[0-9]{6}", 1900u32..2100, 1u32..=12, 1u32..=28, "[0-9]{3}").prop_map(
            |(area, y, m, d, seq)| {
                let body = format!("{area}{y:04}{m:02}{d:02}{seq}");
                let check = check_character(&body);
                format!("{body}{check}")
            },
        )
    }

    proptest! {
        #[test]
        fn body_plus_computed_check_always_parses(id in valid_id()) {
            let parsed = ResidentId::parse(&id).unwrap();
            prop_assert_eq!(parsed.as_str(), id.as_str());
            let lower_spaced = format!("{} {} {}", &id[..6], &id[6..14], &id[14..].to_lowercase());
            prop_assert_eq!(ResidentId::parse(&lower_spaced).unwrap(), parsed);
        }

        #[test]
        fn changing_any_single_character_fails(id in valid_id()) {
            for position in 0..LEN {
                let alphabet: &[char] = if position == LEN - 1 {
                    &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']
                } else {
                    &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
                };
                for &c in alphabet {
                    let mut chars: Vec<char> = id.chars().collect();
                    if chars[position] == c {
                        continue;
                    }
                    chars[position] = c;
                    let changed: String = chars.into_iter().collect();
                    match ResidentId::parse(&changed) {
                        Err(ResidentIdError::BadCheck { .. }) => {}
                        // A changed date digit may make the date itself invalid first.
                        Err(ResidentIdError::BadDate { .. }) if (6..14).contains(&position) => {}
                        other => prop_assert!(false, "{changed} gave {other:?}"),
                    }
                }
            }
        }

        #[test]
        fn masked_keeps_first_six_and_last_four(id in valid_id()) {
            let masked = ResidentId::parse(&id).unwrap().masked();
            prop_assert_eq!(&masked[..6], &id[..6]);
            prop_assert_eq!(&masked[6..14], MASK);
            prop_assert_eq!(&masked[14..], &id[14..]);
            prop_assert_eq!(mask_resident_id_text(&id), masked);
        }

        #[test]
        fn masked_text_keeps_first_six_and_last_four(raw in "\\PC{18,40}") {
            let chars: Vec<char> = raw.chars().collect();
            let masked: Vec<char> = mask_resident_id_text(&raw).chars().collect();
            prop_assert_eq!(masked.len(), 18);
            prop_assert_eq!(&masked[..6], &chars[..6]);
            prop_assert_eq!(&masked[14..], &chars[chars.len() - 4..]);
        }

        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = ResidentId::parse(&input);
        }
    }
}
