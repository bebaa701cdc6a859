//! Standardization figures (seed 003 sets guide coverage ≥ 80%): per department and
//! overall, how many implementations have a guide that is complete (no missing element)
//! and error-free, and how often each rule fires.

use std::collections::BTreeMap;

use super::lint::{Finding, Severity};

/// The rule that reports missing elements: a guide without it is complete.
const MISSING_ELEMENT_RULE: &str = "G001";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub implementations: usize,
    /// with a published guide
    pub with_guide: usize,
    /// guide with no missing element
    pub complete: usize,
    /// guide complete and without any error: counts toward coverage
    pub standard: usize,
    pub errors: usize,
    pub warnings: usize,
    /// findings per rule id
    pub by_rule: BTreeMap<&'static str, usize>,
}

impl Figures {
    /// Adds one implementation: `findings` is None when it has no guide.
    pub fn add(&mut self, findings: Option<&[Finding]>) {
        self.implementations += 1;
        let Some(findings) = findings else { return };
        self.with_guide += 1;
        let complete = !findings.iter().any(|f| f.rule == MISSING_ELEMENT_RULE);
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.complete += usize::from(complete);
        self.standard += usize::from(complete && errors == 0);
        self.errors += errors;
        self.warnings += findings.len() - errors;
        for finding in findings {
            *self.by_rule.entry(finding.rule).or_default() += 1;
        }
    }

    /// The share of implementations whose guide is standard, in per mille (so integers
    /// suffice and 80.0% is 800).
    pub fn coverage_per_mille(&self) -> u32 {
        if self.implementations == 0 {
            return 0;
        }
        u32::try_from(self.standard * 1000 / self.implementations).unwrap_or(1000)
    }
}

/// Figures overall and per group (e.g. per department), from each implementation's group
/// and findings.
pub fn figures<'a, K: Ord + Clone>(
    items: impl IntoIterator<Item = (K, Option<&'a [Finding]>)>,
) -> (Figures, BTreeMap<K, Figures>) {
    let mut overall = Figures::default();
    let mut groups: BTreeMap<K, Figures> = BTreeMap::new();
    for (group, findings) in items {
        overall.add(findings);
        groups.entry(group).or_default().add(findings);
    }
    (overall, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            element: "x".into(),
            zh: "问题".into(),
            en: "problem".into(),
            hint_zh: "改正".into(),
            hint_en: "fix".into(),
        }
    }

    #[test]
    fn coverage_counts_complete_error_free_guides() {
        let clean: Vec<Finding> = vec![];
        let warned = vec![finding("G007", Severity::Warning)];
        let incomplete = vec![finding("G001", Severity::Error)];
        let wrong = vec![
            finding("G002", Severity::Error),
            finding("G007", Severity::Warning),
        ];
        let items = [
            ("市场监管局", Some(clean.as_slice())),
            ("市场监管局", Some(warned.as_slice())),
            ("民政局", Some(incomplete.as_slice())),
            ("民政局", Some(wrong.as_slice())),
            ("民政局", None),
        ];
        let (overall, by_department) = figures(items);
        assert_eq!(
            (
                overall.implementations,
                overall.with_guide,
                overall.complete,
                overall.standard
            ),
            (5, 4, 3, 2)
        );
        assert_eq!((overall.errors, overall.warnings), (2, 2));
        assert_eq!(overall.coverage_per_mille(), 400);
        assert_eq!(overall.by_rule.get("G007"), Some(&2));
        assert_eq!(by_department["市场监管局"].coverage_per_mille(), 1000);
        assert_eq!(by_department["民政局"].coverage_per_mille(), 0);
        assert_eq!(Figures::default().coverage_per_mille(), 0);
    }
}
