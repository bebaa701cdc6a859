//! Bundles (一件事一次办): several implementations applied for together, with one form and
//! one material list. A bundle's members are linked by prerequisite edges (前置: a member
//! starts once every member it follows is approved); members with no edge between them run
//! in parallel (并联审批). Each member runs as its own case; the bundle is what joins them:
//! which members may start, what to ask the applicant once, and how far the whole has come.
//! Nothing here stores or reads a clock.

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::case::{Case, CaseResult, Phase};
use crate::guide::Guide;
use crate::message::FieldError;

/// A bundle as the reform office publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleDefinition {
    /// stable key, e.g. "open-restaurant"
    pub key: String,
    /// e.g. 开办餐饮店一件事
    pub name: String,
    /// the department that leads (牵头部门): answers the applicant for the whole
    pub lead_department_id: i64,
    pub members: Vec<BundleMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleMember {
    pub implementation_code: String,
    /// the members (by implementation code) that must be approved before this one starts
    #[serde(default)]
    pub after: Vec<String>,
}

/// Where a member of one application stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberState {
    /// a prerequisite is not approved yet
    Waiting,
    /// a prerequisite was refused or rejected: this member will not start
    Blocked,
    /// running (or finished) as this case
    Started(Phase),
}

impl MemberState {
    /// The member will not change any more.
    pub fn is_settled(&self) -> bool {
        match self {
            MemberState::Blocked => true,
            MemberState::Started(phase) => phase.is_final(),
            MemberState::Waiting => false,
        }
    }
}

/// A prerequisite is met once its case is decided in the applicant's favour.
pub fn is_approved(case: &Case) -> bool {
    match &case.phase {
        Phase::Decided { approved } => *approved,
        Phase::Closed { .. } | Phase::Delivered => matches!(
            case.result,
            Some(
                CaseResult::Licence { .. }
                    | CaseResult::ApprovalDocument { .. }
                    | CaseResult::Certificate { .. }
            )
        ),
        _ => false,
    }
}

/// A member's case ended against the applicant (refused, rejected, timed out, void).
fn is_denied(case: &Case) -> bool {
    match &case.phase {
        Phase::Refused => true,
        Phase::Decided { approved } => !approved,
        Phase::Closed { .. } | Phase::Delivered => !is_approved(case),
        _ => false,
    }
}

impl BundleDefinition {
    /// At least two members, each once; the key a slug; every prerequisite a member; no
    /// cycle (every member can start).
    pub fn validate(&self) -> Result<(), FieldError> {
        let key = self.key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(FieldError::new(
                "key",
                "标识须为字母、数字、下划线或连字符",
                "the key is letters, digits, _ or -",
            ));
        }
        if self.name.trim().is_empty() {
            return Err(FieldError::new(
                "name",
                "请填写一件事名称",
                "name the bundle",
            ));
        }
        if self.members.len() < 2 {
            return Err(FieldError::new(
                "members",
                "一件事至少包含两个事项",
                "a bundle joins at least two items",
            ));
        }
        for (i, member) in self.members.iter().enumerate() {
            let code = &member.implementation_code;
            if self.members[..i]
                .iter()
                .any(|m| &m.implementation_code == code)
            {
                return Err(FieldError::new(
                    format!("members[{i}].implementation_code"),
                    format!("事项“{code}”重复"),
                    format!("the item {code} appears twice"),
                ));
            }
            for (j, before) in member.after.iter().enumerate() {
                if before == code || self.member(before).is_none() {
                    return Err(FieldError::new(
                        format!("members[{i}].after[{j}]"),
                        format!("前置事项“{before}”不是本一件事的其他事项"),
                        format!("the prerequisite {before} is not another item of the bundle"),
                    ));
                }
            }
        }
        if self.start_order().len() < self.members.len() {
            return Err(FieldError::new(
                "members",
                "前置关系成环，有事项永远无法开始",
                "the prerequisites form a cycle, so some item can never start",
            ));
        }
        Ok(())
    }

    pub fn member(&self, implementation_code: &str) -> Option<&BundleMember> {
        self.members
            .iter()
            .find(|m| m.implementation_code == implementation_code)
    }

    /// Members in an order where each comes after its prerequisites (those in a cycle are
    /// left out, which is how `validate` finds one).
    pub fn start_order(&self) -> Vec<&BundleMember> {
        let mut placed: Vec<&BundleMember> = Vec::new();
        loop {
            let before = placed.len();
            for member in &self.members {
                let ready = member
                    .after
                    .iter()
                    .all(|code| placed.iter().any(|p| &p.implementation_code == code));
                if ready && !placed.contains(&member) {
                    placed.push(member);
                }
            }
            if placed.len() == before {
                return placed;
            }
        }
    }

    /// The members that start with the application: those without prerequisites.
    pub fn first_members(&self) -> Vec<&str> {
        self.members
            .iter()
            .filter(|m| m.after.is_empty())
            .map(|m| m.implementation_code.as_str())
            .collect()
    }

    /// Each member's state, given the cases started so far (by implementation code).
    pub fn states(&self, started: &[(&str, &Case)]) -> Vec<(String, MemberState)> {
        let case_of = |code: &str| {
            started
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, case)| *case)
        };
        let mut states: Vec<(String, MemberState)> = Vec::new();
        for member in self.start_order() {
            let code = member.implementation_code.clone();
            let state = match case_of(&code) {
                Some(case) => MemberState::Started(case.phase.clone()),
                None => {
                    let blocked = member.after.iter().any(|before| {
                        case_of(before).is_some_and(is_denied)
                            || states
                                .iter()
                                .any(|(c, s)| c == before && *s == MemberState::Blocked)
                    });
                    if blocked {
                        MemberState::Blocked
                    } else {
                        MemberState::Waiting
                    }
                }
            };
            states.push((code, state));
        }
        states
    }

    /// The members not started whose prerequisites are all approved: start them now.
    pub fn ready_to_start<'a>(&'a self, started: &[(&str, &Case)]) -> Vec<&'a str> {
        self.members
            .iter()
            .filter(|m| !started.iter().any(|(c, _)| *c == m.implementation_code))
            .filter(|m| {
                m.after.iter().all(|before| {
                    started
                        .iter()
                        .any(|(c, case)| c == before && is_approved(case))
                })
            })
            .map(|m| m.implementation_code.as_str())
            .collect()
    }

    /// The application is finished when no member can change any more.
    pub fn is_settled(&self, started: &[(&str, &Case)]) -> bool {
        self.states(started).iter().all(|(_, s)| s.is_settled())
    }
}

/// One material of the merged list: asked once however many members need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedMaterial {
    pub name: String,
    /// some member requires it and no member's guide names a sharing source for it
    pub required: bool,
    /// every member that requires it lets it come after acceptance (容缺)
    pub deferrable: bool,
    /// where a department fetches it, when any member's guide names one: what the government
    /// holds is never asked for again
    pub sharing_source: Option<String>,
    /// the members (implementation codes) that use it
    pub used_by: Vec<String>,
}

/// The one material list for a bundle's members, deduplicated by name (whitespace ignored),
/// in the members' order.
pub fn merged_materials(guides: &[(&str, &Guide)]) -> Vec<MergedMaterial> {
    let same = |a: &str, b: &str| {
        a.chars()
            .filter(|c| !c.is_whitespace())
            .eq(b.chars().filter(|c| !c.is_whitespace()))
    };
    let mut merged: Vec<MergedMaterial> = Vec::new();
    for (code, guide) in guides {
        for material in &guide.materials {
            let entry = match merged
                .iter_mut()
                .position(|m| same(&m.name, &material.name))
            {
                Some(i) => &mut merged[i],
                None => {
                    merged.push(MergedMaterial {
                        name: material.name.trim().to_owned(),
                        required: false,
                        deferrable: true,
                        sharing_source: None,
                        used_by: Vec::new(),
                    });
                    merged.last_mut().expect("just pushed")
                }
            };
            entry.used_by.push((*code).to_owned());
            if entry.sharing_source.is_none() {
                entry.sharing_source = material.sharing_source.clone();
            }
            if material.required {
                entry.required = true;
                entry.deferrable &= material.deferrable;
            }
        }
    }
    for entry in &mut merged {
        entry.required &= entry.sharing_source.is_none();
        entry.deferrable &= entry.required;
    }
    merged
}
