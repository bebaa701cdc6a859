//! What electronic supervision (电子监察) watches on a case: its whole clock, each open
//! step's own clock, the applicant's correction deadline and a 容缺 promise, with the days
//! their alert levels will rise if nothing happens.

use jiff::civil::Date;

use super::{Acceptance, Case, Flag, Phase, StepStatus};
use crate::calendar::Calendar;
use crate::time_limit::{LevelDates, TimeLimitSettings};

/// Which clock of a case is watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchedClock {
    /// the whole case against its committed limit
    Case,
    /// one step against its own limit
    Step(String),
    /// the applicant's correction deadline: past it the case times out (补正超时)
    CorrectionsDeadline,
    /// the date promised for deferred materials (容缺受理), supervised like a limit
    DeficienciesPromise,
    /// the check of a pledge after approval (告知承诺的事后核查), due by its date
    PostCheck,
}

impl WatchedClock {
    /// Its stable key: "" for the case, the step's key (letters, digits, `_`, `-`), or a
    /// name starting with `@`, which no step key can.
    pub fn key(&self) -> &str {
        match self {
            WatchedClock::Case => "",
            WatchedClock::Step(key) => key,
            WatchedClock::CorrectionsDeadline => "@corrections",
            WatchedClock::DeficienciesPromise => "@deficiencies",
            WatchedClock::PostCheck => "@post_check",
        }
    }

    pub fn from_key(key: &str) -> WatchedClock {
        match key {
            "" => WatchedClock::Case,
            "@corrections" => WatchedClock::CorrectionsDeadline,
            "@deficiencies" => WatchedClock::DeficienciesPromise,
            "@post_check" => WatchedClock::PostCheck,
            step => WatchedClock::Step(step.to_owned()),
        }
    }
}

/// What an alert is about, in Chinese and in English, from its stored key: the step's own
/// name for a step, else the clock or the flag.
pub fn alert_subject(key: &str, step_name: &str) -> (String, String) {
    if let Some(flag) = Flag::from_key(key) {
        let (zh, en) = flag.subject();
        return (zh.into(), en.into());
    }
    match WatchedClock::from_key(key) {
        WatchedClock::Case => ("办件总时限".into(), "whole case".into()),
        WatchedClock::Step(_) => (step_name.to_owned(), step_name.to_owned()),
        WatchedClock::CorrectionsDeadline => ("补正期限".into(), "correction deadline".into()),
        WatchedClock::DeficienciesPromise => (
            "容缺材料承诺期限".into(),
            "deferred materials promised".into(),
        ),
        WatchedClock::PostCheck => ("事后核查".into(), "post-check of a pledge".into()),
    }
}

/// One clock under watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub clock: WatchedClock,
    /// the step's name (e.g. 审核), empty for the other clocks
    pub step_name: String,
    pub department_id: i64,
    /// who holds the step, if anyone (else the department is responsible)
    pub responsible: Option<String>,
    /// None while the clock is stopped, or when the calendar cannot say (a year not loaded)
    pub dates: Option<LevelDates>,
}

impl Case {
    /// The clocks supervision watches now: the case's and its steps' from acceptance to
    /// closing; the applicant's correction deadline from intake on; a 容缺 promise until kept.
    pub fn watches(&self, calendar: &Calendar, settings: &TimeLimitSettings) -> Vec<Watch> {
        let running = matches!(
            self.phase,
            Phase::InProgress | Phase::AwaitingCorrections | Phase::Decided { .. }
        );
        let mut watches = Vec::new();
        if let (Phase::AwaitingCorrections, Some(pending)) = (&self.phase, &self.corrections) {
            watches.push(Watch {
                clock: WatchedClock::CorrectionsDeadline,
                step_name: String::new(),
                department_id: self.department_id,
                responsible: None,
                dates: LevelDates::past(pending.deadline, calendar).ok(),
            });
        }
        // A promise is kept or broken by the applicant: it is watched, whatever the case's
        // phase, until the deferred materials come in.
        if let (Some(promised_on), Some(clock)) = (self.promised_on(), &self.clock)
            && !self.deficiencies.is_empty()
        {
            watches.push(Watch {
                clock: WatchedClock::DeficienciesPromise,
                step_name: String::new(),
                department_id: self.department_id,
                responsible: None,
                dates: LevelDates::until(clock.started_on, promised_on, calendar, settings)
                    .ok()
                    .flatten(),
            });
        }
        // The department owes the check of a pledge whatever the case's phase, until done.
        if let (Some(check), Some(clock)) = (&self.post_check, &self.clock)
            && check.outcome.is_none()
        {
            watches.push(Watch {
                clock: WatchedClock::PostCheck,
                step_name: "事后核查".to_owned(),
                department_id: self.department_id,
                responsible: None,
                dates: LevelDates::until(clock.started_on, check.by, calendar, settings)
                    .ok()
                    .flatten(),
            });
        }
        let Some(clock) = self.clock.as_ref().filter(|_| running) else {
            return watches;
        };
        watches.push(Watch {
            clock: WatchedClock::Case,
            step_name: String::new(),
            department_id: self.department_id,
            responsible: None,
            dates: clock.level_dates(calendar, settings).ok().flatten(),
        });
        for open in &self.open_steps {
            let responsible = match &open.status {
                StepStatus::ApprovedBy(_) => continue,
                StepStatus::ClaimedBy(by) => Some(by.clone()),
                StepStatus::Waiting => None,
            };
            let Some(definition) = self
                .process
                .position_of(&open.key)
                .and_then(|p| self.process.step(p))
            else {
                continue;
            };
            watches.push(Watch {
                clock: WatchedClock::Step(open.key.clone()),
                step_name: definition.name.clone(),
                department_id: self.step_department(definition),
                responsible,
                dates: open.clock.level_dates(calendar, settings).ok().flatten(),
            });
        }
        watches
    }

    /// The date deferred materials were promised for, if accepted with deficiencies.
    fn promised_on(&self) -> Option<Date> {
        match &self.acceptance {
            Some(Acceptance::WithDeficiencies { promised_on, .. }) => Some(*promised_on),
            _ => None,
        }
    }
}
