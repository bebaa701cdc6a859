//! Unified social credit codes (统一社会信用代码, GB 32100), the 18-character id of every
//! organisation, parsed with their check character.

use super::normalize::normalize_identifier;
use crate::message::Bilingual;

const LEN: usize = 18;
/// The 31 characters a USCC may use; a character's value is its index. I, O, S, V and Z are
/// left out because they are easily confused with 1, 0, 5, U and 2.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A valid unified social credit code, upper-case, with its check character verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Parses a USCC as typed: normalized first (full-width, lower case, spaces, hyphens).
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        Self::parse_normalized(&normalize_identifier(input))
    }

    /// Parses text that is already in canonical form, without removing anything, so a code
    /// embedded in a longer code is checked exactly as it stands there.
    pub(crate) fn parse_normalized(code: &str) -> Result<Uscc, UsccError> {
        let chars: Vec<char> = code.chars().collect();
        match chars.len() {
            0 => return Err(UsccError::Empty),
            LEN => {}
            found => return Err(UsccError::Length { found }),
        }
        let body = body_values(&chars[..LEN - 1])?;
        let found = chars[LEN - 1];
        value(found).ok_or(UsccError::BadCharacter {
            position: LEN,
            found,
        })?;
        let expected = check_character(&body);
        if expected != found {
            return Err(UsccError::BadCheck { expected, found });
        }
        Ok(Uscc(code.to_string()))
    }

    /// Appends the right check character to a 17-character body (for generating demo data and
    /// tests). The body is normalized like [`Uscc::parse`] input.
    pub fn with_check_character(body17: &str) -> Result<Uscc, UsccError> {
        let body = normalize_identifier(body17);
        let chars: Vec<char> = body.chars().collect();
        match chars.len() {
            0 => return Err(UsccError::Empty),
            n if n == LEN - 1 => {}
            found => return Err(UsccError::BodyLength { found }),
        }
        let check = check_character(&body_values(&chars)?);
        Ok(Uscc(format!("{body}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Character 1: the registration authority (e.g. 1 机构编制, 5 民政, 9 市场监管, Y 其他).
    pub fn registration_authority(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    /// Character 2: the kind of organisation within that authority (e.g. 91 = enterprise).
    pub fn organisation_kind(&self) -> char {
        char::from(self.0.as_bytes()[1])
    }

    /// Characters 3–8: the administrative division of the registering authority.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Characters 9–17: the organisation code (the former 组织机构代码 without its check).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

fn value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    ALPHABET.iter().position(|&a| a == byte).map(|i| i as u32)
}

/// Values of the body characters, or the first one outside the alphabet (1-based position).
fn body_values(body: &[char]) -> Result<Vec<u32>, UsccError> {
    body.iter()
        .enumerate()
        .map(|(i, &c)| {
            value(c).ok_or(UsccError::BadCharacter {
                position: i + 1,
                found: c,
            })
        })
        .collect()
}

fn check_character(body: &[u32]) -> char {
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    char::from(ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// Why text is not a valid unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsccError {
    Empty,
    Length {
        found: usize,
    },
    /// Not a digit or one of the 21 capital letters used; `position` is 1-based.
    BadCharacter {
        position: usize,
        found: char,
    },
    BadCheck {
        expected: char,
        found: char,
    },
    /// Only from [`Uscc::with_check_character`]: the body must be 17 characters.
    BodyLength {
        found: usize,
    },
}

impl Bilingual for UsccError {
    fn zh(&self) -> String {
        match self {
            Self::Empty => "统一社会信用代码为空".to_string(),
            Self::Length { found } => format!("统一社会信用代码应为18位，实为{found}位"),
            Self::BadCharacter { position, found } => format!(
                "统一社会信用代码第{position}位“{}”无效：只能是数字或大写字母，且不使用I、O、S、V、Z",
                found.escape_debug()
            ),
            Self::BadCheck { expected, found } => format!(
                "统一社会信用代码校验码不符：按前17位应为“{expected}”，实为“{found}”，请核对代码是否有误"
            ),
            Self::BodyLength { found } => {
                format!("统一社会信用代码去掉校验码应为17位，实为{found}位")
            }
        }
    }

    fn en(&self) -> String {
        match self {
            Self::Empty => "the unified social credit code is empty".to_string(),
            Self::Length { found } => {
                format!("the unified social credit code must be 18 characters, found {found}")
            }
            Self::BadCharacter { position, found } => format!(
                "character {position} of the unified social credit code, '{}', is not allowed: \
                 only digits and capital letters are used, never I, O, S, V or Z",
                found.escape_debug()
            ),
            Self::BadCheck { expected, found } => format!(
                "the unified social credit code's check character does not match: from the \
                 first 17 characters it should be '{expected}', found '{found}'; please check \
                 the code for a typo"
            ),
            Self::BodyLength { found } => format!(
                "a unified social credit code without its check character must be 17 \
                 characters, found {found}"
            ),
        }
    }
}

bilingual_display!(UsccError);

impl std::error::Error for UsccError {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(input: &str, expected: Result<&str, UsccError>) {
        let got = Uscc::parse(input);
        assert_eq!(
            got.as_ref().map(Uscc::as_str).map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_valid_and_rejects_invalid_codes() {
        use UsccError::*;
        let cases: Vec<(&str, Result<&str, UsccError>)> = vec![
            // The example in domain.md §5, and the organ in its implementation-code example.
            ("91110000600037341L", Ok("91110000600037341L")),
            ("11370800MB28559184", Ok("11370800MB28559184")),
            ("91110000600037341l", Ok("91110000600037341L")),
            (
                "９１１１００００６０００３７３４１Ｌ",
                Ok("91110000600037341L"),
            ),
            ("9111 0000 6000 3734 1L", Ok("91110000600037341L")),
            ("911100-00600037341-L", Ok("91110000600037341L")),
            ("11370800mb28559184", Ok("11370800MB28559184")),
            ("", Err(Empty)),
            ("\u{3000} ", Err(Empty)),
            ("91110000600037341", Err(Length { found: 17 })),
            ("91110000600037341LL", Err(Length { found: 19 })),
            (
                "91110000600O37341L",
                Err(BadCharacter {
                    position: 12,
                    found: 'O',
                }),
            ),
            (
                "I1110000600037341L",
                Err(BadCharacter {
                    position: 1,
                    found: 'I',
                }),
            ),
            (
                "91110000600037341Z",
                Err(BadCharacter {
                    position: 18,
                    found: 'Z',
                }),
            ),
            (
                "9111000060003734.L",
                Err(BadCharacter {
                    position: 17,
                    found: '.',
                }),
            ),
            (
                "91110000600037341M",
                Err(BadCheck {
                    expected: 'L',
                    found: 'M',
                }),
            ),
            (
                "11370800MB28559185",
                Err(BadCheck {
                    expected: '4',
                    found: '5',
                }),
            ),
            // Transposed digits 9 and 1 at the start.
            (
                "19110000600037341L",
                Err(BadCheck {
                    expected: '4',
                    found: 'L',
                }),
            ),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn reads_parts() {
        let code = Uscc::parse("91110000600037341L").unwrap();
        assert_eq!(code.registration_authority(), '9');
        assert_eq!(code.organisation_kind(), '1');
        assert_eq!(code.region_code(), "110000");
        assert_eq!(code.organisation_code(), "600037341");
        let organ = Uscc::parse("11370800MB28559184").unwrap();
        assert_eq!(organ.region_code(), "370800");
        assert_eq!(organ.organisation_code(), "MB2855918");
    }

    #[test]
    fn appends_check_character() {
        let cases: Vec<(&str, Result<&str, UsccError>)> = vec![
            ("91110000600037341", Ok("91110000600037341L")),
            ("11370800mb2855918", Ok("11370800MB28559184")),
            ("", Err(UsccError::Empty)),
            ("9111000060003734", Err(UsccError::BodyLength { found: 16 })),
            (
                "91110000600037341L",
                Err(UsccError::BodyLength { found: 18 }),
            ),
            (
                "9111000060003734S",
                Err(UsccError::BadCharacter {
                    position: 17,
                    found: 'S',
                }),
            ),
        ];
        for (body, expected) in cases {
            let got = Uscc::with_check_character(body);
            assert_eq!(
                got.as_ref().map(Uscc::as_str).map_err(Clone::clone),
                expected,
                "body {body:?}"
            );
        }
    }

    #[test]
    fn messages_are_bilingual() {
        let e = Uscc::parse("91110000600037341M").unwrap_err();
        assert_eq!(e.to_string(), format!("{} ({})", e.zh(), e.en()));
        assert!(e.zh().contains("应为“L”"));
        assert!(e.en().contains("should be 'L'"));
        let e = Uscc::parse("91110000600O37341L").unwrap_err();
        for letter in ["I", "O", "S", "V", "Z"] {
            assert!(e.zh().contains(letter) && e.en().contains(letter));
        }
    }

    /// GB 32100 detects every single-character substitution: 31 is prime and every weight is
    /// non-zero mod 31, so changing one value by d (1..=30) changes the sum by w·d ≢ 0 (mod 31),
    /// and the check maps sums to distinct characters. Verified here for every case.
    #[test]
    fn every_single_substitution_changes_the_check() {
        for w in WEIGHTS {
            for d in 1..31 {
                assert_ne!(w * d % 31, 0, "weight {w}, difference {d}");
            }
        }
        let mut seen = ALPHABET.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 31, "alphabet characters are distinct");
    }

    const ALPHABET_REGEX: &str = "[0-9A-HJ-NP-RTUW-Y]{17}";

    proptest! {
        #[test]
        fn body_plus_computed_check_always_parses(body in ALPHABET_REGEX) {
            let code = Uscc::with_check_character(&body).unwrap();
            prop_assert_eq!(&code.as_str()[..17], body.as_str());
            prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));
            prop_assert_eq!(Uscc::parse(&code.as_str().to_lowercase()), Ok(code));
        }

        #[test]
        fn changing_any_single_character_fails_the_check(body in ALPHABET_REGEX) {
            let code = Uscc::with_check_character(&body).unwrap();
            for position in 0..LEN {
                for &a in ALPHABET {
                    let mut chars: Vec<char> = code.as_str().chars().collect();
                    if chars[position] == char::from(a) {
                        continue;
                    }
                    chars[position] = char::from(a);
                    let changed: String = chars.into_iter().collect();
                    let result = Uscc::parse(&changed);
                    prop_assert!(
                        matches!(result, Err(UsccError::BadCheck { .. })),
                        "{} gave {:?}", changed, result
                    );
                }
            }
        }

        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = Uscc::parse(&input);
        }
    }
}
