//! Service-item codes (GB/T 39554.1-2020): basic, implementation and handling-item codes
//! parsed strictly, and the other layouts real catalogs contain kept as opaque text so one odd
//! row never sinks an import.

use super::normalize::fold_full_width;
use super::uscc::{Uscc, UsccError};
use crate::message::Bilingual;

/// Longest text accepted as an item code; real layouts seen so far stay under 60.
const MAX_LEN: usize = 64;
const BASIC_LEN: usize = 12;
const USCC_LEN: usize = 18;
const IMPLEMENTATION_LEN: usize = USCC_LEN + 1 + BASIC_LEN;
const HANDLING_ITEM_LEN: usize = IMPLEMENTATION_LEN + 2;

/// Names of code parts in [`ItemCodeError`].
const BASIC_PART: &str = "basic_code";
const IMPLEMENTATION_PART: &str = "implementation_code";
const HANDLING_ITEM_PART: &str = "handling_item_code";

/// Trim, fold full-width characters, upper-case: what every item-code parser starts with.
/// Hyphens stay, because real non-standard layouts use them.
fn canonical(input: &str) -> Vec<char> {
    input
        .trim()
        .chars()
        .map(|c| fold_full_width(c).to_ascii_uppercase())
        .collect()
}

fn all_digits(chars: &[char]) -> bool {
    chars.iter().all(char::is_ascii_digit)
}

/// 事项类型: the kind of power or service an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemType {
    /// 01 行政许可
    AdministrativeLicence,
    /// 02 行政处罚
    AdministrativePenalty,
    /// 03 行政强制
    AdministrativeCoercion,
    /// 04 行政征收
    AdministrativeLevy,
    /// 05 行政给付
    AdministrativePayment,
    /// 06 行政检查
    AdministrativeInspection,
    /// 07 行政确认
    AdministrativeConfirmation,
    /// 08 行政奖励
    AdministrativeReward,
    /// 09 行政裁决
    AdministrativeAdjudication,
    /// 10 其他行政权力
    OtherAdministrativePower,
    /// 20 公共服务
    PublicService,
    /// Any other code 1–99 a province defines (e.g. 99). [`ItemType::from_code`] never puts a
    /// standard code here.
    Local(u8),
}

impl ItemType {
    /// The national types, in code order.
    pub const STANDARD: [ItemType; 11] = [
        Self::AdministrativeLicence,
        Self::AdministrativePenalty,
        Self::AdministrativeCoercion,
        Self::AdministrativeLevy,
        Self::AdministrativePayment,
        Self::AdministrativeInspection,
        Self::AdministrativeConfirmation,
        Self::AdministrativeReward,
        Self::AdministrativeAdjudication,
        Self::OtherAdministrativePower,
        Self::PublicService,
    ];

    /// Accepts one or two digits ("1" and "01" alike: spreadsheets drop the leading zero),
    /// full-width digits and surrounding spaces included; 0 and anything else is rejected.
    pub fn from_code(code: &str) -> Result<ItemType, ItemCodeError> {
        let digits = canonical(code);
        if digits.is_empty() || digits.len() > 2 || !all_digits(&digits) {
            return Err(ItemCodeError::BadItemType {
                found: code.trim().to_string(),
            });
        }
        let number = digits.iter().fold(0u8, |n, &c| n * 10 + (c as u8 - b'0'));
        match number {
            0 => Err(ItemCodeError::BadItemType {
                found: code.trim().to_string(),
            }),
            20 => Ok(Self::PublicService),
            n @ 1..=10 => Ok(Self::STANDARD[usize::from(n) - 1]),
            n => Ok(Self::Local(n)),
        }
    }

    fn number(&self) -> u8 {
        match self {
            Self::AdministrativeLicence => 1,
            Self::AdministrativePenalty => 2,
            Self::AdministrativeCoercion => 3,
            Self::AdministrativeLevy => 4,
            Self::AdministrativePayment => 5,
            Self::AdministrativeInspection => 6,
            Self::AdministrativeConfirmation => 7,
            Self::AdministrativeReward => 8,
            Self::AdministrativeAdjudication => 9,
            Self::OtherAdministrativePower => 10,
            Self::PublicService => 20,
            Self::Local(n) => *n,
        }
    }

    /// Two digits, as in a basic code: "01", "20", "99".
    pub fn code(&self) -> String {
        format!("{:02}", self.number())
    }

    pub fn name_zh(&self) -> &'static str {
        match self {
            Self::AdministrativeLicence => "行政许可",
            Self::AdministrativePenalty => "行政处罚",
            Self::AdministrativeCoercion => "行政强制",
            Self::AdministrativeLevy => "行政征收",
            Self::AdministrativePayment => "行政给付",
            Self::AdministrativeInspection => "行政检查",
            Self::AdministrativeConfirmation => "行政确认",
            Self::AdministrativeReward => "行政奖励",
            Self::AdministrativeAdjudication => "行政裁决",
            Self::OtherAdministrativePower => "其他行政权力",
            Self::PublicService => "公共服务",
            Self::Local(_) => "地方其他类型",
        }
    }

    pub fn name_en(&self) -> &'static str {
        match self {
            Self::AdministrativeLicence => "administrative licence",
            Self::AdministrativePenalty => "administrative penalty",
            Self::AdministrativeCoercion => "administrative coercion",
            Self::AdministrativeLevy => "administrative levy",
            Self::AdministrativePayment => "administrative payment",
            Self::AdministrativeInspection => "administrative inspection",
            Self::AdministrativeConfirmation => "administrative confirmation",
            Self::AdministrativeReward => "administrative reward",
            Self::AdministrativeAdjudication => "administrative adjudication",
            Self::OtherAdministrativePower => "other administrative power",
            Self::PublicService => "public service",
            Self::Local(_) => "local type",
        }
    }
}

/// 行使层级: the level of government that exercises an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExerciseLevel {
    National = 1,
    Provincial = 2,
    Municipal = 3,
    County = 4,
    Township = 5,
    /// Public services only.
    Village = 6,
}

impl ExerciseLevel {
    pub const ALL: [ExerciseLevel; 6] = [
        Self::National,
        Self::Provincial,
        Self::Municipal,
        Self::County,
        Self::Township,
        Self::Village,
    ];

    pub fn from_digit(d: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.digit() == d)
    }

    pub fn digit(&self) -> u8 {
        *self as u8
    }

    pub fn name_zh(&self) -> &'static str {
        match self {
            Self::National => "国家级",
            Self::Provincial => "省级",
            Self::Municipal => "市级",
            Self::County => "县级",
            Self::Township => "乡(镇、街道)级",
            Self::Village => "村(社区)级",
        }
    }

    pub fn name_en(&self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Provincial => "provincial",
            Self::Municipal => "municipal",
            Self::County => "county",
            Self::Township => "township (town, subdistrict)",
            Self::Village => "village (community)",
        }
    }

    fn from_char(c: char) -> Option<Self> {
        c.to_digit(10)
            .and_then(|d| Self::from_digit(u8::try_from(d).ok()?))
    }
}

/// 基本编码: 12 digits, source (00 national or a province) + type + main item + sub-item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BasicCode {
    code: String,
    /// Derived from `code`; kept so the accessor need not re-parse.
    item_type: ItemType,
}

impl BasicCode {
    /// Trims and folds full-width digits, then requires exactly 12 digits with a type 01–99.
    pub fn parse(input: &str) -> Result<BasicCode, ItemCodeError> {
        Self::parse_canonical(&canonical(input))
    }

    fn parse_canonical(chars: &[char]) -> Result<BasicCode, ItemCodeError> {
        if chars.is_empty() {
            return Err(ItemCodeError::Empty);
        }
        if chars.len() != BASIC_LEN {
            return Err(ItemCodeError::Length {
                part: BASIC_PART,
                expected: BASIC_LEN,
                found: chars.len(),
            });
        }
        let code: String = chars.iter().collect();
        if !all_digits(chars) {
            return Err(ItemCodeError::NotDigits {
                part: BASIC_PART,
                found: code,
            });
        }
        let item_type = ItemType::from_code(&code[2..4])?;
        Ok(BasicCode { code, item_type })
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// Digits 1–2: "00" for the national catalog, else the province that defined the item.
    pub fn source(&self) -> &str {
        &self.code[..2]
    }

    /// Digits 3–4.
    pub fn item_type(&self) -> ItemType {
        self.item_type
    }

    /// Digits 5–9.
    pub fn main_item(&self) -> &str {
        &self.code[4..9]
    }

    /// Digits 10–12; "000" when the item has no sub-items.
    pub fn sub_item(&self) -> &str {
        &self.code[9..]
    }

    pub fn is_national(&self) -> bool {
        self.source() == "00"
    }
}

/// 实施编码: the organ's USCC (18) + exercise level (1) + basic code (12).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImplementationCode {
    organ: Uscc,
    level: ExerciseLevel,
    basic: BasicCode,
}

impl ImplementationCode {
    /// Trims, folds full-width characters and upper-cases, then requires exactly 31 characters:
    /// a valid USCC, a level digit 1–6 and a valid basic code.
    pub fn parse(input: &str) -> Result<ImplementationCode, ItemCodeError> {
        Self::parse_canonical(&canonical(input))
    }

    fn parse_canonical(chars: &[char]) -> Result<ImplementationCode, ItemCodeError> {
        if chars.is_empty() {
            return Err(ItemCodeError::Empty);
        }
        if chars.len() != IMPLEMENTATION_LEN {
            return Err(ItemCodeError::Length {
                part: IMPLEMENTATION_PART,
                expected: IMPLEMENTATION_LEN,
                found: chars.len(),
            });
        }
        let organ_text: String = chars[..USCC_LEN].iter().collect();
        let organ = Uscc::parse_normalized(&organ_text).map_err(ItemCodeError::Organ)?;
        let level_char = chars[USCC_LEN];
        let level = ExerciseLevel::from_char(level_char)
            .ok_or(ItemCodeError::BadLevel { found: level_char })?;
        let basic = BasicCode::parse_canonical(&chars[USCC_LEN + 1..])?;
        Ok(Self::new(organ, level, basic))
    }

    pub fn new(organ: Uscc, level: ExerciseLevel, basic: BasicCode) -> Self {
        ImplementationCode {
            organ,
            level,
            basic,
        }
    }

    pub fn as_string(&self) -> String {
        format!(
            "{}{}{}",
            self.organ.as_str(),
            self.level.digit(),
            self.basic.as_str()
        )
    }

    /// The implementing organ (实施主体).
    pub fn organ(&self) -> &Uscc {
        &self.organ
    }

    pub fn level(&self) -> ExerciseLevel {
        self.level
    }

    pub fn basic(&self) -> &BasicCode {
        &self.basic
    }
}

/// 业务办理项编码: an implementation code + a 2-digit sequence 01–99.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HandlingItemCode {
    implementation: ImplementationCode,
    sequence: u8,
}

impl HandlingItemCode {
    /// Like [`ImplementationCode::parse`], followed by a sequence 01–99 (33 characters).
    pub fn parse(input: &str) -> Result<HandlingItemCode, ItemCodeError> {
        Self::parse_canonical(&canonical(input))
    }

    fn parse_canonical(chars: &[char]) -> Result<HandlingItemCode, ItemCodeError> {
        if chars.is_empty() {
            return Err(ItemCodeError::Empty);
        }
        if chars.len() != HANDLING_ITEM_LEN {
            return Err(ItemCodeError::Length {
                part: HANDLING_ITEM_PART,
                expected: HANDLING_ITEM_LEN,
                found: chars.len(),
            });
        }
        let implementation = ImplementationCode::parse_canonical(&chars[..IMPLEMENTATION_LEN])?;
        let sequence: String = chars[IMPLEMENTATION_LEN..].iter().collect();
        Self::new(implementation, sequence_number(&sequence)?)
    }

    /// Builds a handling-item code; the sequence must be 1–99.
    pub fn new(implementation: ImplementationCode, sequence: u8) -> Result<Self, ItemCodeError> {
        if !(1..=99).contains(&sequence) {
            return Err(ItemCodeError::BadSequence {
                found: sequence.to_string(),
            });
        }
        Ok(HandlingItemCode {
            implementation,
            sequence,
        })
    }

    pub fn as_string(&self) -> String {
        format!("{}{:02}", self.implementation.as_string(), self.sequence)
    }

    pub fn implementation(&self) -> &ImplementationCode {
        &self.implementation
    }

    pub fn sequence(&self) -> u8 {
        self.sequence
    }
}

fn sequence_number(text: &str) -> Result<u8, ItemCodeError> {
    let bad = || ItemCodeError::BadSequence {
        found: text.to_string(),
    };
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match text.parse::<u8>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(bad()),
    }
}

/// A code in a layout other than the national standard, kept as given (trimmed only) so it can
/// be stored, shown and reported, though nothing in it is interpreted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OpaqueCode {
    raw: String,
}

impl OpaqueCode {
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The layout with the values blanked out, for grouping unknown layouts in import reports:
    /// digits become `9`, Latin letters `A` (after full-width folding), everything else stays.
    /// E.g. `511A0138000000-511602000000-000-…` → `999A9999999999-999999999999-999-…`.
    pub fn layout_hint(&self) -> String {
        self.raw
            .chars()
            .map(|c| match fold_full_width(c) {
                d if d.is_ascii_digit() => '9',
                a if a.is_ascii_alphabetic() => 'A',
                other => other,
            })
            .collect()
    }
}

/// Any item code found in a catalog: one of the three standard kinds, or an opaque other layout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemCode {
    Basic(BasicCode),
    Implementation(ImplementationCode),
    HandlingItem(HandlingItemCode),
    Opaque(OpaqueCode),
}

impl ItemCode {
    /// Trim + full-width→ASCII + upper-case (NOT hyphen removal: real opaque layouts contain
    /// hyphens). Standard shapes are parsed strictly: 12 digits → basic; 31 characters
    /// `[0-9A-Z]{18}[0-9]{13}` → implementation; 33 characters, the same plus 2 digits →
    /// handling item. Text of a standard shape that fails (bad USCC check, level 0 or 7–9,
    /// type 00, sequence 00) is an error naming what is wrong, never opaque: a typo in a
    /// standard code must not slip through as "some other layout". Anything else non-empty is
    /// opaque. Empty text, more than 64 characters or control characters are errors.
    pub fn parse(input: &str) -> Result<ItemCode, ItemCodeError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ItemCodeError::Empty);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(ItemCodeError::ControlCharacter);
        }
        let found = trimmed.chars().count();
        if found > MAX_LEN {
            return Err(ItemCodeError::TooLong {
                found,
                max: MAX_LEN,
            });
        }
        let chars = canonical(trimmed);
        let implementation_shape = |c: &[char]| {
            c[..USCC_LEN]
                .iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                && all_digits(&c[USCC_LEN..])
        };
        Ok(match chars.len() {
            BASIC_LEN if all_digits(&chars) => Self::Basic(BasicCode::parse_canonical(&chars)?),
            IMPLEMENTATION_LEN if implementation_shape(&chars) => {
                Self::Implementation(ImplementationCode::parse_canonical(&chars)?)
            }
            HANDLING_ITEM_LEN if implementation_shape(&chars) => {
                Self::HandlingItem(HandlingItemCode::parse_canonical(&chars)?)
            }
            _ => Self::Opaque(OpaqueCode {
                raw: trimmed.to_string(),
            }),
        })
    }

    pub fn as_string(&self) -> String {
        match self {
            Self::Basic(code) => code.as_str().to_string(),
            Self::Implementation(code) => code.as_string(),
            Self::HandlingItem(code) => code.as_string(),
            Self::Opaque(code) => code.as_str().to_string(),
        }
    }

    /// Whether the code follows GB/T 39554.1 (and was therefore fully checked).
    pub fn is_standard(&self) -> bool {
        !matches!(self, Self::Opaque(_))
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Basic(_) => "basic",
            Self::Implementation(_) => "implementation",
            Self::HandlingItem(_) => "handling_item",
            Self::Opaque(_) => "opaque",
        }
    }
}

/// Why text is not a valid item code (or part of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemCodeError {
    Empty,
    /// Counted in characters.
    TooLong {
        found: usize,
        max: usize,
    },
    ControlCharacter,
    /// The item type (digits 3–4 of a basic code, or a type code given alone) is not 01–99.
    BadItemType {
        found: String,
    },
    /// The exercise level, character 19 of an implementation code, is not 1–6.
    BadLevel {
        found: char,
    },
    /// The last two characters of a handling-item code are not 01–99.
    BadSequence {
        found: String,
    },
    /// The implementing organ's USCC (first 18 characters of an implementation code) is invalid.
    Organ(UsccError),
    /// A part that must be all digits is not; `part` is "basic_code".
    NotDigits {
        part: &'static str,
        found: String,
    },
    /// Only from the parsers of one kind ([`BasicCode::parse`], [`ImplementationCode::parse`],
    /// [`HandlingItemCode::parse`]); `part` is "basic_code", "implementation_code" or
    /// "handling_item_code".
    Length {
        part: &'static str,
        expected: usize,
        found: usize,
    },
}

/// Chinese and English names of a code part; unknown names are shown as they are.
fn part_names(part: &'static str) -> (&'static str, &'static str) {
    match part {
        BASIC_PART => ("基本编码", "the basic code"),
        IMPLEMENTATION_PART => ("实施编码", "the implementation code"),
        HANDLING_ITEM_PART => ("业务办理项编码", "the handling-item code"),
        other => (other, other),
    }
}

/// What a part consists of, to tell people what a correct one looks like.
fn part_layout(part: &'static str) -> (&'static str, &'static str) {
    match part {
        BASIC_PART => (
            "（2位来源＋2位事项类型＋5位主项＋3位子项）",
            " (2 source + 2 item type + 5 main item + 3 sub-item)",
        ),
        IMPLEMENTATION_PART => (
            "（18位实施主体统一社会信用代码＋1位行使层级＋12位基本编码）",
            " (18-character organ USCC + 1 level digit + 12-digit basic code)",
        ),
        HANDLING_ITEM_PART => (
            "（31位实施编码＋2位业务办理项序号）",
            " (31-character implementation code + 2-digit sequence)",
        ),
        _ => ("", ""),
    }
}

impl Bilingual for ItemCodeError {
    fn zh(&self) -> String {
        match self {
            Self::Empty => "事项编码为空".to_string(),
            Self::TooLong { found, max } => {
                format!("事项编码过长：最多{max}个字符，实为{found}个")
            }
            Self::ControlCharacter => "事项编码含有换行、制表符等控制字符".to_string(),
            Self::BadItemType { found } if found.is_empty() => "事项类型代码为空".to_string(),
            Self::BadItemType { found } => {
                format!("事项类型代码“{found}”无效：应为01至99，如01行政许可、20公共服务")
            }
            Self::BadLevel { found } => format!(
                "行使层级“{}”无效：应为1国家级、2省级、3市级、4县级、5乡(镇、街道)级或6村(社区)级",
                found.escape_debug()
            ),
            Self::BadSequence { found } => {
                format!("业务办理项序号“{found}”无效：应为01至99")
            }
            Self::Organ(error) => format!(
                "实施编码中的实施主体统一社会信用代码（前18位）有误：{}",
                error.zh()
            ),
            Self::NotDigits { part, found } => {
                let (name, _) = part_names(part);
                let (layout, _) = part_layout(part);
                format!("{name}只能由数字组成{layout}，实为“{found}”")
            }
            Self::Length {
                part,
                expected,
                found,
            } => {
                let (name, _) = part_names(part);
                let (layout, _) = part_layout(part);
                format!("{name}应为{expected}位{layout}，实为{found}位")
            }
        }
    }

    fn en(&self) -> String {
        match self {
            Self::Empty => "the item code is empty".to_string(),
            Self::TooLong { found, max } => {
                format!("the item code is too long: at most {max} characters, found {found}")
            }
            Self::ControlCharacter => {
                "the item code contains a control character such as a line break or tab".to_string()
            }
            Self::BadItemType { found } if found.is_empty() => {
                "the item type code is empty".to_string()
            }
            Self::BadItemType { found } => format!(
                "invalid item type code '{found}': must be 01 to 99, e.g. 01 administrative \
                 licence, 20 public service"
            ),
            Self::BadLevel { found } => format!(
                "invalid exercise level '{}': must be 1 national, 2 provincial, 3 municipal, \
                 4 county, 5 township or 6 village",
                found.escape_debug()
            ),
            Self::BadSequence { found } => {
                format!("invalid handling-item sequence '{found}': must be 01 to 99")
            }
            Self::Organ(error) => format!(
                "the implementing organ's unified social credit code inside the implementation \
                 code (its first 18 characters) is wrong: {}",
                error.en()
            ),
            Self::NotDigits { part, found } => {
                let (_, name) = part_names(part);
                let (_, layout) = part_layout(part);
                format!("{name} must consist of digits only{layout}, found '{found}'")
            }
            Self::Length {
                part,
                expected,
                found,
            } => {
                let (_, name) = part_names(part);
                let (_, layout) = part_layout(part);
                format!("{name} must be {expected} characters{layout}, found {found}")
            }
        }
    }
}

bilingual_display!(ItemCodeError);

impl std::error::Error for ItemCodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Organ(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ORGAN: &str = "11370800MB28559184";
    const IMPLEMENTATION: &str = "11370800MB285591843370117002011";
    const SICHUAN: &str = "511A0138000000-511602000000-000-115113010833722043-1-00";
    const SICHUAN_G: &str = "G-000007-001-511602000000-000-115113010833722043-1-00";

    /// `Ok((kind_name, as_string))` or the error.
    type Expected<'a> = Result<(&'a str, &'a str), ItemCodeError>;

    fn check(input: &str, expected: Expected) {
        let got = ItemCode::parse(input);
        let got = got
            .as_ref()
            .map(|code| (code.kind_name(), code.as_string()))
            .map_err(Clone::clone);
        let expected = expected.map(|(kind, code)| (kind, code.to_string()));
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn classifies_and_parses_item_codes() {
        use ItemCodeError::*;
        let handling = format!("{IMPLEMENTATION}01");
        let long = "1".repeat(65);
        let cases: Vec<(&str, Expected)> = vec![
            // The examples in domain.md §2.
            ("370117002011", Ok(("basic", "370117002011"))),
            ("312000660000", Ok(("basic", "312000660000"))),
            (IMPLEMENTATION, Ok(("implementation", IMPLEMENTATION))),
            (&handling, Ok(("handling_item", &handling))),
            // What imports really contain.
            (
                " ３７０１１７００２０１１\u{3000}",
                Ok(("basic", "370117002011")),
            ),
            (
                "11370800mb285591843370117002011",
                Ok(("implementation", IMPLEMENTATION)),
            ),
            (
                "１１３７０８００ＭＢ２８５５９１８４３３７０１１７００２０１１",
                Ok(("implementation", IMPLEMENTATION)),
            ),
            ("009900100000", Ok(("basic", "009900100000"))),
            (
                "11370800MB285591843370117002011\u{3000}99",
                Ok(("opaque", "11370800MB285591843370117002011\u{3000}99")),
            ),
            // Other layouts are kept exactly as given, trimmed.
            (SICHUAN, Ok(("opaque", SICHUAN))),
            (SICHUAN_G, Ok(("opaque", SICHUAN_G))),
            ("  g-000007-001  ", Ok(("opaque", "g-000007-001"))),
            ("370117-002011", Ok(("opaque", "370117-002011"))),
            ("37011700201", Ok(("opaque", "37011700201"))),
            ("3701170020111", Ok(("opaque", "3701170020111"))),
            ("许可0001", Ok(("opaque", "许可0001"))),
            (&long[..64], Ok(("opaque", &long[..64]))),
            // Rejected outright.
            ("", Err(Empty)),
            (" \t\u{3000}\n", Err(Empty)),
            (&long, Err(TooLong { found: 65, max: 64 })),
            ("370117\t002011", Err(ControlCharacter)),
            ("3701170\u{0}02011", Err(ControlCharacter)),
            // Standard shapes that fail are errors, never opaque.
            ("370017002011", Err(BadItemType { found: "00".into() })),
            (
                "11370800MB285591853370117002011",
                Err(Organ(UsccError::BadCheck {
                    expected: '4',
                    found: '5',
                })),
            ),
            (
                "11370800MB2855918I3370117002011",
                Err(Organ(UsccError::BadCharacter {
                    position: 18,
                    found: 'I',
                })),
            ),
            (
                "11370800MB285591840370117002011",
                Err(BadLevel { found: '0' }),
            ),
            (
                "11370800MB285591847370117002011",
                Err(BadLevel { found: '7' }),
            ),
            (
                "11370800MB285591849370117002011",
                Err(BadLevel { found: '9' }),
            ),
            (
                "11370800MB285591843370017002011",
                Err(BadItemType { found: "00".into() }),
            ),
            (
                "11370800MB28559184337011700201100",
                Err(BadSequence { found: "00".into() }),
            ),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn single_kind_parsers_reject_other_shapes() {
        use ItemCodeError::*;
        let basic = |s: &str| BasicCode::parse(s).map(|c| c.as_str().to_string());
        let implementation = |s: &str| ImplementationCode::parse(s).map(|c| c.as_string());
        let handling = |s: &str| HandlingItemCode::parse(s).map(|c| c.as_string());
        type Got = Result<String, ItemCodeError>;
        let cases: Vec<(Got, Result<&str, ItemCodeError>)> = vec![
            (basic(" 370117002011 "), Ok("370117002011")),
            (basic(""), Err(Empty)),
            (
                basic("37011700201"),
                Err(Length {
                    part: "basic_code",
                    expected: 12,
                    found: 11,
                }),
            ),
            (
                basic("37011700201A"),
                Err(NotDigits {
                    part: "basic_code",
                    found: "37011700201A".into(),
                }),
            ),
            (
                basic("370117-02011"),
                Err(NotDigits {
                    part: "basic_code",
                    found: "370117-02011".into(),
                }),
            ),
            (implementation(IMPLEMENTATION), Ok(IMPLEMENTATION)),
            (implementation(""), Err(Empty)),
            (
                implementation(ORGAN),
                Err(Length {
                    part: "implementation_code",
                    expected: 31,
                    found: 18,
                }),
            ),
            (
                implementation("11370800MB28559184X370117002011"),
                Err(BadLevel { found: 'X' }),
            ),
            (
                implementation("11370800MB28559184337011700201O"),
                Err(NotDigits {
                    part: "basic_code",
                    found: "37011700201O".into(),
                }),
            ),
            (
                handling(&format!("{IMPLEMENTATION}99")),
                Ok("11370800MB28559184337011700201199"),
            ),
            (
                handling(IMPLEMENTATION),
                Err(Length {
                    part: "handling_item_code",
                    expected: 33,
                    found: 31,
                }),
            ),
            (
                handling(&format!("{IMPLEMENTATION}1A")),
                Err(BadSequence { found: "1A".into() }),
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected.map(str::to_string));
        }
    }

    #[test]
    fn reads_the_parts_of_standard_codes() {
        let basic = BasicCode::parse("370117002011").unwrap();
        assert_eq!(basic.source(), "37");
        assert_eq!(basic.item_type(), ItemType::AdministrativeLicence);
        assert_eq!(basic.main_item(), "17002");
        assert_eq!(basic.sub_item(), "011");
        assert!(!basic.is_national());
        let shanghai = BasicCode::parse("312000660000").unwrap();
        assert_eq!(shanghai.item_type(), ItemType::PublicService);
        assert_eq!(shanghai.sub_item(), "000");
        assert!(BasicCode::parse("000100100000").unwrap().is_national());

        let ItemCode::HandlingItem(handling) =
            ItemCode::parse(&format!("{IMPLEMENTATION}07")).unwrap()
        else {
            panic!("not a handling-item code");
        };
        assert_eq!(handling.sequence(), 7);
        let implementation = handling.implementation();
        assert_eq!(implementation.organ().as_str(), ORGAN);
        assert_eq!(implementation.level(), ExerciseLevel::Municipal);
        assert_eq!(implementation.basic(), &basic);
        assert_eq!(
            ImplementationCode::new(Uscc::parse(ORGAN).unwrap(), ExerciseLevel::Municipal, basic),
            *implementation
        );
        assert_eq!(
            HandlingItemCode::new(implementation.clone(), 0),
            Err(ItemCodeError::BadSequence { found: "0".into() })
        );
        assert_eq!(
            HandlingItemCode::new(implementation.clone(), 100),
            Err(ItemCodeError::BadSequence {
                found: "100".into()
            })
        );
        assert!(ItemCode::parse(IMPLEMENTATION).unwrap().is_standard());
        assert!(!ItemCode::parse(SICHUAN).unwrap().is_standard());
    }

    #[test]
    fn item_types() {
        use ItemType::*;
        let cases: Vec<(&str, Result<ItemType, ItemCodeError>)> = vec![
            ("1", Ok(AdministrativeLicence)),
            ("01", Ok(AdministrativeLicence)),
            (" ０９ ", Ok(AdministrativeAdjudication)),
            ("10", Ok(OtherAdministrativePower)),
            ("20", Ok(PublicService)),
            ("11", Ok(Local(11))),
            ("99", Ok(Local(99))),
            ("", Err(ItemCodeError::BadItemType { found: "".into() })),
            ("0", Err(ItemCodeError::BadItemType { found: "0".into() })),
            ("00", Err(ItemCodeError::BadItemType { found: "00".into() })),
            (
                "100",
                Err(ItemCodeError::BadItemType {
                    found: "100".into(),
                }),
            ),
            ("1A", Err(ItemCodeError::BadItemType { found: "1A".into() })),
            ("-1", Err(ItemCodeError::BadItemType { found: "-1".into() })),
        ];
        for (code, expected) in cases {
            assert_eq!(ItemType::from_code(code), expected, "code {code:?}");
        }
        let codes: Vec<String> = ItemType::STANDARD.iter().map(ItemType::code).collect();
        assert_eq!(
            codes,
            [
                "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"
            ]
        );
        for t in ItemType::STANDARD {
            assert_eq!(ItemType::from_code(&t.code()), Ok(t));
            assert_ne!(t.name_zh(), Local(99).name_zh());
        }
        assert_eq!(AdministrativeLicence.name_zh(), "行政许可");
        assert_eq!(PublicService.name_en(), "public service");
        assert_eq!(Local(99).code(), "99");
        assert_eq!(Local(99).name_zh(), "地方其他类型");
        assert_eq!(Local(99).name_en(), "local type");
    }

    #[test]
    fn exercise_levels() {
        for (i, level) in ExerciseLevel::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(level.digit()), i + 1);
            assert_eq!(ExerciseLevel::from_digit(level.digit()), Some(level));
        }
        assert_eq!(ExerciseLevel::from_digit(0), None);
        assert_eq!(ExerciseLevel::from_digit(7), None);
        assert_eq!(ExerciseLevel::Township.name_zh(), "乡(镇、街道)级");
        assert_eq!(ExerciseLevel::Village.name_zh(), "村(社区)级");
        assert!(ExerciseLevel::National < ExerciseLevel::Village);
    }

    #[test]
    fn layout_hints() {
        let ItemCode::Opaque(code) = ItemCode::parse(SICHUAN).unwrap() else {
            panic!("not opaque");
        };
        assert_eq!(
            code.layout_hint(),
            "999A9999999999-999999999999-999-999999999999999999-9-99"
        );
        let ItemCode::Opaque(code) = ItemCode::parse("ｇ－０７ 许可").unwrap() else {
            panic!("not opaque");
        };
        assert_eq!(code.as_str(), "ｇ－０７ 许可");
        assert_eq!(code.layout_hint(), "A-99 许可");
    }

    #[test]
    fn messages_are_bilingual() {
        let e = ItemCode::parse("11370800MB285591853370117002011").unwrap_err();
        assert_eq!(e.to_string(), format!("{} ({})", e.zh(), e.en()));
        assert!(e.zh().contains("实施主体统一社会信用代码") && e.zh().contains("应为“4”"));
        assert!(e.en().contains("organ") && e.en().contains("should be '4'"));
        let source = std::error::Error::source(&e).expect("organ error is the source");
        assert_eq!(
            source.to_string(),
            UsccError::BadCheck {
                expected: '4',
                found: '5'
            }
            .to_string()
        );
        let e = BasicCode::parse("37011700201").unwrap_err();
        assert!(e.zh().contains("基本编码应为12位") && e.en().contains("basic code must be 12"));
        assert!(ItemType::from_code("").unwrap_err().zh().contains("为空"));
    }

    fn basic_code() -> impl Strategy<Value = String> {
        ("[0-9]{2}", 1u8..=99, "[0-9]{8}")
            .prop_map(|(source, t, rest)| format!("{source}{t:02}{rest}"))
    }

    fn implementation_code() -> impl Strategy<Value = String> {
        ("[0-9A-HJ-NP-RTUW-Y]{17}", 1u8..=6, basic_code()).prop_map(|(body, level, basic)| {
            let organ = Uscc::with_check_character(&body).unwrap();
            format!("{}{level}{basic}", organ.as_str())
        })
    }

    proptest! {
        #[test]
        fn standard_codes_round_trip(
            basic in basic_code(),
            implementation in implementation_code(),
            sequence in 1u8..=99,
        ) {
            let handling = format!("{implementation}{sequence:02}");
            for (text, kind) in [
                (&basic, "basic"),
                (&implementation, "implementation"),
                (&handling, "handling_item"),
            ] {
                let code = ItemCode::parse(text).unwrap();
                prop_assert_eq!(code.kind_name(), kind);
                prop_assert_eq!(&code.as_string(), text);
                prop_assert_eq!(ItemCode::parse(&text.to_lowercase()).unwrap(), code);
            }
        }

        #[test]
        fn parse_never_panics_and_opaque_keeps_the_text(input in "\\PC{0,70}") {
            if let Ok(ItemCode::Opaque(code)) = ItemCode::parse(&input) {
                prop_assert_eq!(code.as_str(), input.trim());
                prop_assert_eq!(code.layout_hint().chars().count(), input.trim().chars().count());
            }
        }

        #[test]
        fn parse_never_panics_on_any_string(input in any::<String>()) {
            let _ = ItemCode::parse(&input);
        }
    }
}
