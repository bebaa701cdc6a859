//! A year's holiday notice (国务院办公厅关于某年部分节假日安排的通知) as data, in the JSON
//! format of the shipped files: `{"year", "papers": [urls], "days": [{"name", "date",
//! "isOffDay"}]}`, where `isOffDay: false` marks a make-up working day (调休上班).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::message::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeDay {
    /// the holiday the day belongs to, e.g. 春节
    pub name: String,
    pub date: Date,
    #[serde(rename = "isOffDay")]
    pub is_off_day: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayNotice {
    pub year: i16,
    /// where the notice is published (gov.cn)
    #[serde(default)]
    pub papers: Vec<String>,
    pub days: Vec<NoticeDay>,
}

pub type NoticeError = FieldError;

/// The years a notice may be for: the calendar's arithmetic is sized for these.
const YEARS: std::ops::RangeInclusive<i16> = 1990..=2200;

impl HolidayNotice {
    /// Reads and checks a notice; errors name the offending field.
    pub fn parse(text: &str) -> Result<HolidayNotice, NoticeError> {
        let notice: HolidayNotice = serde_json::from_str(text).map_err(|e| {
            FieldError::new(
                "notice",
                format!("节假日通知不是有效的JSON（第{}行）：{e}", e.line()),
                format!(
                    "the holiday notice is not valid JSON (line {}): {e}",
                    e.line()
                ),
            )
        })?;
        notice.check()?;
        Ok(notice)
    }

    /// A notice must be for a plausible year and name days of that year (or the December
    /// before, which some notices rearrange), each once. A weekday marked as working is
    /// redundant but real (2020's notice lists 3 February after the extended Spring Festival).
    pub fn check(&self) -> Result<(), NoticeError> {
        let year = self.year;
        if !YEARS.contains(&year) {
            return Err(FieldError::new(
                "year",
                format!("年份{year}不在{}至{}之间", YEARS.start(), YEARS.end()),
                format!(
                    "the year {year} is not between {} and {}",
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
        if self.days.is_empty() {
            return Err(FieldError::new(
                "days",
                "通知中没有任何日期",
                "the notice lists no days",
            ));
        }
        for (i, day) in self.days.iter().enumerate() {
            let field = format!("days[{i}].date");
            let in_range =
                day.date.year() == year || (day.date.year() == year - 1 && day.date.month() == 12);
            if !in_range {
                return Err(FieldError::new(
                    field,
                    format!("{}不属于{year}年（或上年12月）", day.date),
                    format!("{} is not in {year} (or the December before)", day.date),
                ));
            }
            if self.days[..i].iter().any(|d| d.date == day.date) {
                return Err(FieldError::new(
                    field,
                    format!("{}重复出现", day.date),
                    format!("{} appears twice", day.date),
                ));
            }
        }
        Ok(())
    }
}
