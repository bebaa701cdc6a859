//! What electronic supervision (电子监察) watches on a case: its whole clock and each open
//! step's own clock, with the days their alert levels will rise if nothing happens.

use super::{Case, Phase, StepStatus};
use crate::calendar::Calendar;
use crate::time_limit::{LevelDates, TimeLimitSettings};

/// One clock under watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// None: the whole case; else the step's key
    pub step: Option<String>,
    /// the step's name (e.g. 审核), empty for the whole case
    pub step_name: String,
    pub department_id: i64,
    /// who holds the step, if anyone (else the department is responsible)
    pub responsible: Option<String>,
    /// None while the clock is stopped, or when the calendar cannot say (a year not loaded)
    pub dates: Option<LevelDates>,
}

impl Case {
    /// The clocks supervision watches now: none before acceptance or after closing.
    pub fn watches(&self, calendar: &Calendar, settings: &TimeLimitSettings) -> Vec<Watch> {
        let running = matches!(
            self.phase,
            Phase::InProgress | Phase::AwaitingCorrections | Phase::Decided { .. }
        );
        let Some(clock) = self.clock.as_ref().filter(|_| running) else {
            return Vec::new();
        };
        let mut watches = vec![Watch {
            step: None,
            step_name: String::new(),
            department_id: self.department_id,
            responsible: None,
            dates: clock.level_dates(calendar, settings).ok().flatten(),
        }];
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
                step: Some(open.key.clone()),
                step_name: definition.name.clone(),
                department_id: self.step_department(definition),
                responsible,
                dates: open.clock.level_dates(calendar, settings).ok().flatten(),
            });
        }
        watches
    }
}
