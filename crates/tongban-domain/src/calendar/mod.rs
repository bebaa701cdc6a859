//! The working-day calendar (工作日): Monday to Friday, minus statutory holidays, plus the
//! make-up working days (调休) of the State Council's yearly notice. Every limit in the
//! platform counts these days.
//!
//! A calendar knows only the years whose notice it was given, and refuses to answer for any
//! other year rather than guess. Answers are O(1) (`is_workday`, `workdays_between`) or
//! O(1) after one lookup (`add_workdays`), from prefix counts over the covered span.

mod notice;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::{Date, Weekday};

pub use notice::{HolidayNotice, NoticeDay, NoticeError};

use crate::message::{Bilingual, FieldError};

/// The official notices shipped with Tongban (2019–2026). More years are added at run time.
pub const BUILT_IN_NOTICES: [&str; 8] = [
    include_str!("../../data/holidays/2019.json"),
    include_str!("../../data/holidays/2020.json"),
    include_str!("../../data/holidays/2021.json"),
    include_str!("../../data/holidays/2022.json"),
    include_str!("../../data/holidays/2023.json"),
    include_str!("../../data/holidays/2024.json"),
    include_str!("../../data/holidays/2025.json"),
    include_str!("../../data/holidays/2026.json"),
];

/// Reads an ISO `YYYY-MM-DD` date given in `field`.
pub fn parse_date(field: &str, text: &str) -> Result<Date, FieldError> {
    text.trim().parse().map_err(|_| {
        FieldError::new(
            field,
            format!("“{text}”不是 YYYY-MM-DD 格式的日期"),
            format!("\"{text}\" is not a YYYY-MM-DD date"),
        )
    })
}

/// The shipped notices, read.
pub fn built_in_notices() -> impl Iterator<Item = HolidayNotice> {
    BUILT_IN_NOTICES
        .iter()
        .map(|text| HolidayNotice::parse(text).expect("the shipped holiday notices are valid"))
}

/// A question the calendar cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("no working-day calendar for {year}")]
    YearNotLoaded { year: i16 },
}

impl Bilingual for CalendarError {
    fn zh(&self) -> String {
        match self {
            CalendarError::YearNotLoaded { year } => format!(
                "尚未载入{year}年的节假日安排，无法计算工作日；请审改办导入该年的国务院节假日通知"
            ),
        }
    }
    fn en(&self) -> String {
        match self {
            CalendarError::YearNotLoaded { year } => format!(
                "the {year} holiday notice is not loaded, so working days cannot be counted; the reform office must import it"
            ),
        }
    }
}

/// Working days for the loaded years.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// years whose notice is loaded
    years: BTreeSet<i16>,
    /// January 1 of the first loaded year
    start: Date,
    /// `before[i]`: working days in [start, start + i); one entry past the last day
    before: Vec<u32>,
    /// offsets from `start` of the working days, in order
    workdays: Vec<u32>,
    /// the notices' days, for display and export
    notices: BTreeMap<i16, HolidayNotice>,
}

impl Calendar {
    /// The calendar of the shipped notices.
    pub fn built_in() -> Calendar {
        Calendar::from_notices(built_in_notices())
    }

    /// A calendar of the given notices; a later notice for the same year replaces an earlier.
    pub fn from_notices(notices: impl IntoIterator<Item = HolidayNotice>) -> Calendar {
        let notices: BTreeMap<i16, HolidayNotice> =
            notices.into_iter().map(|n| (n.year, n)).collect();
        let years: BTreeSet<i16> = notices.keys().copied().collect();
        let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
            return Calendar {
                years,
                start: Date::constant(2000, 1, 1),
                before: vec![0],
                workdays: Vec::new(),
                notices,
            };
        };
        let start = Date::new(first, 1, 1).expect("January 1");
        let end = Date::new(last, 12, 31).expect("December 31");
        // A notice may name days of the previous December; every notice's days apply.
        let overrides: BTreeMap<Date, bool> = notices
            .values()
            .flat_map(|n| n.days.iter().map(|d| (d.date, d.is_off_day)))
            .collect();
        let span = usize::try_from((end - start).get_days()).unwrap_or(0) + 1;
        let mut before = Vec::with_capacity(span + 1);
        let mut workdays = Vec::with_capacity(span * 5 / 7 + 1);
        let mut count = 0u32;
        let mut day = start;
        for offset in 0..span as u32 {
            before.push(count);
            let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
            let off = overrides.get(&day).copied().unwrap_or(weekend);
            if !off {
                workdays.push(offset);
                count += 1;
            }
            day = day.tomorrow().expect("within the supported range");
        }
        before.push(count);
        Calendar {
            years,
            start,
            before,
            workdays,
            notices,
        }
    }

    /// The years this calendar can answer for.
    pub fn years(&self) -> impl Iterator<Item = i16> + '_ {
        self.years.iter().copied()
    }

    pub fn notice(&self, year: i16) -> Option<&HolidayNotice> {
        self.notices.get(&year)
    }

    /// All notices, to build a calendar with one more.
    pub fn notices(&self) -> impl Iterator<Item = &HolidayNotice> {
        self.notices.values()
    }

    fn require(&self, year: i16) -> Result<(), CalendarError> {
        if self.years.contains(&year) {
            Ok(())
        } else {
            Err(CalendarError::YearNotLoaded { year })
        }
    }

    /// Every year from `from` to `to` must be loaded (a gap year is refused, not guessed).
    fn require_span(&self, from: i16, to: i16) -> Result<(), CalendarError> {
        (from..=to)
            .find(|year| !self.years.contains(year))
            .map_or(Ok(()), |year| Err(CalendarError::YearNotLoaded { year }))
    }

    fn offset(&self, date: Date) -> usize {
        // Only called for dates in loaded years, which lie within [start, end].
        (date - self.start).get_days() as usize
    }

    fn date_at(&self, offset: u32) -> Date {
        self.start
            .checked_add(jiff::Span::new().days(i64::from(offset)))
            .expect("within the covered span")
    }

    pub fn is_workday(&self, date: Date) -> Result<bool, CalendarError> {
        self.require(date.year())?;
        let i = self.offset(date);
        Ok(self.before[i + 1] > self.before[i])
    }

    /// Working days in the half-open range [from, to); negative when `to` is before `from`.
    pub fn workdays_between(&self, from: Date, to: Date) -> Result<i64, CalendarError> {
        if to < from {
            return self.workdays_between(to, from).map(|n| -n);
        }
        // [from, to) touches the years of from and of the day before to.
        let last_day = to.yesterday().unwrap_or(to).max(from);
        self.require_span(from.year(), last_day.year())?;
        if to == from {
            return Ok(0);
        }
        // The last day's year is loaded, so `to` is at most the day after the covered span.
        let end = self.before[self.offset(to)];
        Ok(i64::from(end) - i64::from(self.before[self.offset(from)]))
    }

    /// The `n`-th working day after `date`; for n = 0, `date` itself if it is a working day,
    /// else the next working day. Counting starts the day after (期间开始之日不计算在内).
    pub fn add_workdays(&self, date: Date, n: u32) -> Result<Date, CalendarError> {
        self.require(date.year())?;
        let offset = self.offset(date);
        let index = if n == 0 {
            self.before[offset] as usize
        } else {
            self.before[offset + 1] as usize + n as usize - 1
        };
        let Some(&found) = self.workdays.get(index) else {
            let year = self.years.last().copied().unwrap_or(date.year()) + 1;
            return Err(CalendarError::YearNotLoaded { year });
        };
        let result = self.date_at(found);
        self.require_span(date.year(), result.year())?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests;
