//! Time limits (法定时限 / 承诺时限) as clocks: a limit of working days that starts at
//! acceptance, stops while corrections are awaited or a special procedure runs (when the law
//! excludes that time), grows by approved extensions, and ends at closing. The same clock
//! serves a whole case and each of its steps (环节时限).
//!
//! Counting follows 行政许可法: the day of acceptance is not counted (期间开始之日不计算在内),
//! so a limit of n days is due on the n-th working day after it; an immediate case (即办件,
//! limit 0) is due the same working day. "Elapsed" is the working days completed before the
//! day asked about, "remaining" the working days left including that day: on the due date
//! one day remains, the day after none.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::calendar::{Calendar, CalendarError};
use crate::message::FieldError;

#[cfg(test)]
mod tests;

/// Local rules for clocks and alerts: settings, not code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimitSettings {
    /// after a stop, counting resumes the next working day (true) or the same day (false)
    pub restart_next_day: bool,
    /// a head's extension (行政许可法 art. 42: 10 working days)
    pub extension_days: u32,
    /// the extension for joint or unified handling (art. 42: 15 working days)
    pub joint_extension_days: u32,
    /// 预警 when this many working days or fewer remain (domain §6: 5)
    pub warning_within_days: i64,
    /// 黄牌 when this many or fewer remain (§6: 1); 红牌 when none remain
    pub yellow_within_days: i64,
    /// a refusal reason shorter than this (in characters) is flagged as no reason at all
    pub refusal_reason_min_chars: usize,
    /// past the correction deadline, supervision closes the case as 补正超时 (else it only
    /// raises the alert and a clerk closes it)
    pub close_on_corrections_timeout: bool,
    /// 告知承诺: the pledge is checked within this many working days of approval (a local
    /// rule; the policy texts here name no number)
    pub post_check_days: u32,
}

impl Default for TimeLimitSettings {
    fn default() -> Self {
        Self {
            restart_next_day: true,
            extension_days: 10,
            joint_extension_days: 15,
            warning_within_days: 5,
            yellow_within_days: 1,
            refusal_reason_min_chars: 10,
            close_on_corrections_timeout: true,
            post_check_days: 20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopKind {
    /// 补齐补正: waiting for the applicant's corrections
    Corrections,
    /// 特别程序: hearing, inspection, testing, expert review… (art. 45)
    SpecialProcedure,
}

/// A stop of the clock, recorded with its reason and whether the law excludes its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub kind: StopKind,
    pub reason: String,
    pub started_on: Date,
    /// None while the stop lasts
    pub ended_on: Option<Date>,
    /// only time the law excludes stops the clock; other stops are recorded, not deducted
    pub excluded_by_law: bool,
}

/// An extension approved by the department head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub days: u32,
    pub approver: String,
    pub reason: String,
    pub granted_on: Date,
}

impl Extension {
    /// The statutory extension (joint handling: the longer one), with who approved it and why.
    pub fn statutory(
        settings: &TimeLimitSettings,
        joint_handling: bool,
        approver: &str,
        reason: &str,
        granted_on: Date,
    ) -> Result<Extension, FieldError> {
        if approver.trim().is_empty() {
            return Err(FieldError::new(
                "approver",
                "延期须由负责人批准，请填写批准人",
                "an extension needs the approving head",
            ));
        }
        if reason.trim().is_empty() {
            return Err(FieldError::new(
                "reason",
                "请填写延期理由",
                "give the reason for the extension",
            ));
        }
        Ok(Extension {
            days: if joint_handling {
                settings.joint_extension_days
            } else {
                settings.extension_days
            },
            approver: approver.trim().to_owned(),
            reason: reason.trim().to_owned(),
            granted_on,
        })
    }
}

/// How urgent a running clock is (domain §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertLevel {
    None,
    /// 预警: approaching the limit
    Warning,
    /// 黄牌: at the limit
    Yellow,
    /// 红牌: past the limit
    Red,
}

impl AlertLevel {
    pub fn for_remaining(remaining_days: i64, settings: &TimeLimitSettings) -> AlertLevel {
        if remaining_days <= 0 {
            AlertLevel::Red
        } else if remaining_days <= settings.yellow_within_days {
            AlertLevel::Yellow
        } else if remaining_days <= settings.warning_within_days {
            AlertLevel::Warning
        } else {
            AlertLevel::None
        }
    }

    /// Its name in Chinese and in English.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            AlertLevel::None => ("正常", "on time"),
            AlertLevel::Warning => ("预警", "warning"),
            AlertLevel::Yellow => ("黄牌", "yellow card"),
            AlertLevel::Red => ("红牌", "red card"),
        }
    }

    /// A level from its stored name (`as_str`).
    pub fn parse(text: &str) -> Option<AlertLevel> {
        [
            AlertLevel::None,
            AlertLevel::Warning,
            AlertLevel::Yellow,
            AlertLevel::Red,
        ]
        .into_iter()
        .find(|l| l.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AlertLevel::None => "none",
            AlertLevel::Warning => "warning",
            AlertLevel::Yellow => "yellow",
            AlertLevel::Red => "red",
        }
    }
}

/// When a running clock's alert level rises, if nothing changes: each the first day of
/// that level (warning ≤ yellow ≤ red).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelDates {
    pub warning_on: Date,
    pub yellow_on: Date,
    pub red_on: Date,
}

impl LevelDates {
    /// A plain deadline (the applicant's, for corrections): nothing before, red from the day
    /// after it — after the next working day when it falls on a rest day, which moves a
    /// deadline to the next working day (民法典 art. 203).
    pub fn past(deadline: Date, calendar: &Calendar) -> Result<LevelDates, CalendarError> {
        let last = calendar.add_workdays(deadline, 0)?;
        let red_on = last.tomorrow().unwrap_or(last);
        Ok(LevelDates {
            warning_on: red_on,
            yellow_on: red_on,
            red_on,
        })
    }

    /// The level dates of a promise: a limit from `started_on` that runs out on `due_on`
    /// (see [`TimeLimit::until`]).
    pub fn until(
        started_on: Date,
        due_on: Date,
        calendar: &Calendar,
        settings: &TimeLimitSettings,
    ) -> Result<Option<LevelDates>, CalendarError> {
        TimeLimit::until(started_on, due_on, calendar)?.level_dates(calendar, settings)
    }

    /// The last day within the limit (红牌 comes the day after).
    pub fn due_on(&self) -> Date {
        self.red_on.yesterday().unwrap_or(self.red_on)
    }

    /// Working days left to act on a day, that day and the due day included: 1 on the due
    /// day, 0 once past it. This is what the clock reads, except on the days the limit does
    /// not count (its first day, and the day it restarts after a stop), which this counts
    /// as days to act.
    pub fn remaining_on(&self, day: Date, calendar: &Calendar) -> Result<i64, CalendarError> {
        Ok(calendar.workdays_between(day, self.red_on)?.max(0))
    }

    /// The level on a day, as the clock would read it.
    pub fn level_on(&self, day: Date) -> AlertLevel {
        if day >= self.red_on {
            AlertLevel::Red
        } else if day >= self.yellow_on {
            AlertLevel::Yellow
        } else if day >= self.warning_on {
            AlertLevel::Warning
        } else {
            AlertLevel::None
        }
    }
}

/// What a clock says on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// working days counted before the day asked about
    pub elapsed_days: i64,
    /// working days left including that day; 0 or less is past the limit
    pub remaining_days: i64,
    /// None while a stop lasts (the due date is not known until counting resumes)
    pub due_on: Option<Date>,
    pub suspended: bool,
    /// the day is on or after closing: the reading is the final one
    pub closed: bool,
    /// None for a suspended or closed clock: nothing to supervise
    pub level: AlertLevel,
}

/// A limit of working days from a start, with its stops, extensions and closing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeLimit {
    pub started_on: Date,
    /// 0: immediate (即办)
    pub limit_days: u32,
    pub stops: Vec<Stop>,
    pub extensions: Vec<Extension>,
    pub closed_on: Option<Date>,
}

/// A half-open span of days during which the clock does not count; `None` end: still stopped.
#[derive(Debug, Clone, Copy)]
struct Pause {
    from: Date,
    until: Option<Date>,
}

impl TimeLimit {
    pub fn new(started_on: Date, limit_days: u32) -> TimeLimit {
        TimeLimit {
            started_on,
            limit_days,
            stops: Vec::new(),
            extensions: Vec::new(),
            closed_on: None,
        }
    }

    /// A limit that runs out on `due_on` (a promised date), or on the next working day when
    /// that is a rest day: the working days after `started_on` up to and including it; the
    /// day itself when there are none.
    pub fn until(
        started_on: Date,
        due_on: Date,
        calendar: &Calendar,
    ) -> Result<TimeLimit, CalendarError> {
        let after = |d: Date| d.tomorrow().unwrap_or(d);
        let due_on = calendar.add_workdays(due_on, 0)?;
        let days = if due_on > started_on {
            calendar.workdays_between(after(started_on), after(due_on))?
        } else {
            0
        };
        Ok(TimeLimit::new(
            started_on,
            u32::try_from(days).unwrap_or(u32::MAX),
        ))
    }

    /// The first counted day and the number of days to count.
    fn span(&self) -> (Date, i64) {
        let extended: i64 = self.extensions.iter().map(|e| i64::from(e.days)).sum();
        if self.limit_days == 0 {
            // 即办: the day itself (or the next working day) is the one day there is.
            (self.started_on, 1 + extended)
        } else {
            (
                self.started_on.tomorrow().unwrap_or(self.started_on),
                i64::from(self.limit_days) + extended,
            )
        }
    }

    /// The law-excluded stops as merged, sorted pauses.
    fn pauses(&self, settings: &TimeLimitSettings) -> Vec<Pause> {
        let mut pauses: Vec<Pause> = self
            .stops
            .iter()
            .filter(|s| s.excluded_by_law)
            .map(|s| Pause {
                from: s.started_on,
                until: s.ended_on.map(|end| {
                    if settings.restart_next_day {
                        end.tomorrow().unwrap_or(end)
                    } else {
                        end
                    }
                }),
            })
            .filter(|p| p.until.is_none_or(|until| until > p.from))
            .collect();
        pauses.sort_by_key(|p| p.from);
        let mut merged: Vec<Pause> = Vec::with_capacity(pauses.len());
        for pause in pauses {
            match merged.last_mut() {
                Some(last) if last.until.is_none_or(|until| pause.from <= until) => {
                    last.until = match (last.until, pause.until) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    };
                }
                _ => merged.push(pause),
            }
        }
        merged
    }

    /// Counted working days in [from, to): working days minus paused ones.
    fn counted(
        calendar: &Calendar,
        pauses: &[Pause],
        from: Date,
        to: Date,
    ) -> Result<i64, CalendarError> {
        if to <= from {
            return Ok(0);
        }
        let mut counted = calendar.workdays_between(from, to)?;
        for pause in pauses {
            let start = pause.from.max(from);
            let end = pause.until.map_or(to, |until| until.min(to));
            if end > start {
                counted -= calendar.workdays_between(start, end)?;
            }
        }
        Ok(counted)
    }

    /// The due date, or None while an open stop begins before it.
    fn due(&self, calendar: &Calendar, pauses: &[Pause]) -> Result<Option<Date>, CalendarError> {
        let (_, total) = self.span();
        self.counted_day(calendar, pauses, total)
    }

    /// The day the k-th counted day falls on (k ≥ 1), or None while an open stop begins
    /// before it.
    fn counted_day(
        &self,
        calendar: &Calendar,
        pauses: &[Pause],
        k: i64,
    ) -> Result<Option<Date>, CalendarError> {
        let (first, _) = self.span();
        let before_first = first.yesterday().unwrap_or(first);
        let mut paused = 0i64;
        loop {
            let days = u32::try_from(k + paused).unwrap_or(u32::MAX);
            let day = calendar.add_workdays(before_first, days)?;
            if pauses.iter().any(|p| p.until.is_none() && p.from <= day) {
                return Ok(None);
            }
            let next = day.tomorrow().unwrap_or(day);
            let now_paused = calendar.workdays_between(first, next)?
                - Self::counted(calendar, pauses, first, next)?;
            // Each round moves the date past more pauses; it stops when none is left behind.
            if now_paused == paused {
                return Ok(Some(day));
            }
            paused = now_paused;
        }
    }

    /// The days on which the clock's alert level will rise — 预警, 黄牌, 红牌 — as long as
    /// nothing happens to the case; None for a stopped or closed clock (it will not rise
    /// until an act changes it, and the act recomputes this). Supervision indexes these, so
    /// its work per tick is the clocks that cross a threshold, not every open clock.
    pub fn level_dates(
        &self,
        calendar: &Calendar,
        settings: &TimeLimitSettings,
    ) -> Result<Option<LevelDates>, CalendarError> {
        if self.closed_on.is_some() {
            return Ok(None);
        }
        let pauses = self.pauses(settings);
        if pauses.iter().any(|p| p.until.is_none()) {
            return Ok(None);
        }
        let (_, total) = self.span();
        // remaining ≤ t from the day after the (total − t)-th counted day; from the start
        // when there are t or fewer days in all.
        let starts_when = |t: i64| -> Result<Date, CalendarError> {
            if total - t <= 0 {
                return Ok(self.started_on);
            }
            let day = self
                .counted_day(calendar, &pauses, total - t)?
                .expect("no open stop");
            Ok(day.tomorrow().unwrap_or(day))
        };
        Ok(Some(LevelDates {
            warning_on: starts_when(settings.warning_within_days)?,
            yellow_on: starts_when(settings.yellow_within_days)?,
            red_on: starts_when(0)?,
        }))
    }

    /// The clock on a day.
    pub fn read(
        &self,
        calendar: &Calendar,
        day: Date,
        settings: &TimeLimitSettings,
    ) -> Result<Reading, CalendarError> {
        let pauses = self.pauses(settings);
        let (first, total) = self.span();
        let closed = self.closed_on.is_some_and(|closed| day >= closed);
        // A closed clock's final reading counts through the closing day.
        let counted_until = match self.closed_on {
            Some(closed_on) if closed => closed_on.tomorrow().unwrap_or(closed_on),
            _ => day,
        };
        let elapsed = Self::counted(calendar, &pauses, first, counted_until)?;
        let remaining = total - elapsed;
        let due_on = self.due(calendar, &pauses)?;
        let suspended = !closed
            && pauses
                .iter()
                .any(|p| p.from <= day && p.until.is_none_or(|until| day < until));
        let level = if closed || suspended {
            AlertLevel::None
        } else {
            AlertLevel::for_remaining(remaining, settings)
        };
        Ok(Reading {
            elapsed_days: elapsed,
            remaining_days: remaining,
            due_on,
            suspended,
            closed,
            level,
        })
    }

    /// Whether the clock ran past its limit: closed after the due date, or still open with
    /// none left. A step over its own limit is flagged even when the case is on time.
    pub fn is_over(
        &self,
        calendar: &Calendar,
        day: Date,
        settings: &TimeLimitSettings,
    ) -> Result<bool, CalendarError> {
        let reading = self.read(calendar, day, settings)?;
        Ok(self.is_over_by(&reading, day))
    }

    /// `is_over` from a reading already taken on `day`, without reading the clock again.
    pub fn is_over_by(&self, reading: &Reading, day: Date) -> bool {
        match (self.closed_on, reading.due_on) {
            (Some(closed), Some(due)) if closed <= day => closed > due,
            _ => reading.remaining_days <= 0 && !reading.suspended,
        }
    }
}

/// The local date of an instant in the configured time zone: clocks count whole days there.
pub fn local_date(instant: jiff::Timestamp, zone: &TimeZone) -> Date {
    instant.to_zoned(zone.clone()).date()
}
