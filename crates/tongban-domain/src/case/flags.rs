//! What electronic supervision (电子监察) flags in an act itself, whatever the clocks say.

use super::event::Change;
use crate::time_limit::TimeLimitSettings;

/// A flagged act: raised as a red card (红牌) on the case at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// 不予受理未说明理由: a refusal whose reason is too short to tell the applicant why, or
    /// that names no legal basis
    RefusalWithoutReason,
    /// 承诺不实: the check after approval on pledge found the pledge false; the approval is
    /// to be revoked, and supervision follows it up
    PledgeFalse,
}

impl Flag {
    /// The key its alert is stored under, beside the clocks' keys (see `WatchedClock::key`).
    pub fn key(self) -> &'static str {
        match self {
            Flag::RefusalWithoutReason => "@refusal",
            Flag::PledgeFalse => "@pledge_false",
        }
    }

    pub fn from_key(key: &str) -> Option<Flag> {
        [Flag::RefusalWithoutReason, Flag::PledgeFalse]
            .into_iter()
            .find(|flag| flag.key() == key)
    }

    /// What the alert is about, in Chinese and in English.
    pub fn subject(self) -> (&'static str, &'static str) {
        match self {
            Flag::RefusalWithoutReason => ("不予受理未说明理由", "refusal without reason"),
            Flag::PledgeFalse => ("告知承诺不实", "pledge found false"),
        }
    }
}

impl Change {
    /// The flags this act raises.
    pub fn flags(&self, settings: &TimeLimitSettings) -> Vec<Flag> {
        match self {
            Change::Refused {
                reason,
                legal_basis,
            } if reason.trim().chars().count() < settings.refusal_reason_min_chars
                || legal_basis.trim().is_empty() =>
            {
                vec![Flag::RefusalWithoutReason]
            }
            Change::PostCheckCompleted {
                compliant: false, ..
            } => vec![Flag::PledgeFalse],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(reason: &str, legal_basis: &str) -> Change {
        Change::Refused {
            reason: reason.into(),
            legal_basis: legal_basis.into(),
        }
    }

    #[test]
    fn a_boilerplate_refusal_is_flagged_and_a_reasoned_one_is_not() {
        let settings = TimeLimitSettings::default();
        assert_eq!(
            refused("不符合条件", "《行政许可法》第三十二条").flags(&settings),
            vec![Flag::RefusalWithoutReason]
        );
        assert_eq!(
            refused("经营场所证明载明的地址位于住宅区，不得用作餐饮经营", "  ").flags(&settings),
            vec![Flag::RefusalWithoutReason]
        );
        assert!(
            refused(
                "经营场所证明载明的地址位于住宅区，不得用作餐饮经营",
                "《食品经营许可管理办法》第十一条"
            )
            .flags(&settings)
            .is_empty()
        );
    }

    #[test]
    fn the_shortest_reason_is_a_setting() {
        let settings = TimeLimitSettings {
            refusal_reason_min_chars: 3,
            ..TimeLimitSettings::default()
        };
        assert!(
            refused("不符合条件", "第三十二条")
                .flags(&settings)
                .is_empty()
        );
        assert!(Change::CorrectionsTimedOut.flags(&settings).is_empty());
    }
}
