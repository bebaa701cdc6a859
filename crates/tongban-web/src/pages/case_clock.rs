//! A case's time as the pages show it: its due date and the working days left with the alert
//! level, or that the clock is stopped, or why it cannot be read. The case page shows it in
//! full, the applicant's list of cases in a line.

use crate::api::cases::ClockDto;
use crate::i18n::Lang;

/// The case's time as its page shows it.
pub enum ClockView {
    Running {
        due_on: String,
        remaining_days: i64,
        /// none | warning | yellow | red
        level: String,
    },
    Stopped,
    Unavailable(String),
}

impl ClockView {
    /// The view of a case's clock, or none once the case is closed.
    pub fn of(clock: ClockDto) -> Option<ClockView> {
        if clock.closed {
            return None;
        }
        if let Some(why) = clock.unavailable {
            return Some(ClockView::Unavailable(why));
        }
        if clock.suspended {
            return Some(ClockView::Stopped);
        }
        Some(ClockView::Running {
            due_on: clock.due_on?,
            remaining_days: clock.remaining_days?,
            level: clock.level.unwrap_or_else(|| "none".to_owned()),
        })
    }
}

impl ClockView {
    /// The clock in one line, as the applicant's list of cases shows it.
    pub fn summary(&self, lang: Lang) -> String {
        let t = lang.texts();
        match self {
            ClockView::Running {
                due_on,
                remaining_days,
                ..
            } => format!("{due_on}（{} {remaining_days}）", t.case_remaining),
            ClockView::Stopped => t.case_clock_stopped.to_owned(),
            ClockView::Unavailable(why) => why.clone(),
        }
    }
}
