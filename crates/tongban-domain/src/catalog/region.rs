//! Administrative regions (行政区划): 12-digit codes and their levels.

use crate::codes::ExerciseLevel;
use crate::message::FieldError;

/// A 12-digit region code: province 2 + city 2 + county 2 + township 3 + village 3.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(input: &str) -> Result<RegionCode, FieldError> {
        let code = input.trim();
        if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                "region",
                format!("行政区划代码应为12位数字，收到“{code}”"),
                format!("a region code is 12 digits, got \"{code}\""),
            ));
        }
        Ok(RegionCode(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part of the code that names the region, without the zero-filled rest
    /// (`511602000000` → `511602`): every region under it starts with it.
    pub fn significant(&self) -> &str {
        let length = match self.implied_level() {
            RegionLevel::Provincial => 2,
            RegionLevel::Municipal => 4,
            RegionLevel::County => 6,
            RegionLevel::Township => 9,
            RegionLevel::Village => 12,
        };
        &self.0[..length]
    }

    /// The level implied by which parts of the code are filled in.
    pub fn implied_level(&self) -> RegionLevel {
        let c = &self.0;
        if &c[9..] != "000" {
            RegionLevel::Village
        } else if &c[6..9] != "000" {
            RegionLevel::Township
        } else if &c[4..6] != "00" {
            RegionLevel::County
        } else if &c[2..4] != "00" {
            RegionLevel::Municipal
        } else {
            RegionLevel::Provincial
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionLevel {
    Provincial,
    Municipal,
    County,
    Township,
    Village,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 5] = [
        RegionLevel::Provincial,
        RegionLevel::Municipal,
        RegionLevel::County,
        RegionLevel::Township,
        RegionLevel::Village,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Provincial => "provincial",
            RegionLevel::Municipal => "municipal",
            RegionLevel::County => "county",
            RegionLevel::Township => "township",
            RegionLevel::Village => "village",
        }
    }

    pub fn parse(text: &str) -> Option<RegionLevel> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RegionLevel::Provincial => "省级",
            RegionLevel::Municipal => "市级",
            RegionLevel::County => "县级",
            RegionLevel::Township => "乡镇（街道）级",
            RegionLevel::Village => "村（社区）级",
        }
    }

    /// The exercise level (行使层级) of an organ seated at this level.
    pub fn exercise_level(self) -> ExerciseLevel {
        match self {
            RegionLevel::Provincial => ExerciseLevel::Provincial,
            RegionLevel::Municipal => ExerciseLevel::Municipal,
            RegionLevel::County => ExerciseLevel::County,
            RegionLevel::Township => ExerciseLevel::Township,
            RegionLevel::Village => ExerciseLevel::Village,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(code: &str, expected: Option<RegionLevel>) {
        assert_eq!(
            RegionCode::parse(code).ok().map(|c| c.implied_level()),
            expected,
            "{code}"
        );
    }

    #[test]
    fn levels_follow_the_filled_parts() {
        check("510000000000", Some(RegionLevel::Provincial));
        check("519900000000", Some(RegionLevel::Municipal));
        check("519902000000", Some(RegionLevel::County));
        check("519902001000", Some(RegionLevel::Township));
        check("519902001001", Some(RegionLevel::Village));
        check("51990200100", None);
        check("5199020010AB", None);
    }
}
