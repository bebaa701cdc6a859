//! Reasons chosen from the reform office's lists (常用理由): a window's refusal takes a
//! reason and its legal basis from 不予受理常用理由, the back office's rejection, return,
//! transfer and extension a reason from 审批常用意见, each list entry saying which acts it
//! suits. Chosen in the page, the reason fills the field to be edited; without JavaScript the
//! server fills what was left empty.

use tongban_store::guides::{self, ReferenceEntry, ReferenceList};
use tongban_store::{Store, StoreError};

/// A common reason: its text and, for a refusal, its legal basis.
pub struct CommonReason {
    pub text: String,
    pub basis: String,
}

/// The back office's acts that take a reason from 审批常用意见.
const DECISION_ACTS: [&str; 4] = ["reject", "return", "transfer", "extend"];

fn detail<'a>(entry: &'a ReferenceEntry, column: &str) -> &'a str {
    entry
        .detail
        .get(column)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// Whether a decision reason suits `act`: its `acts` column names it (separated by spaces,
/// commas or 、), or is empty.
fn suits(entry: &ReferenceEntry, act: &str) -> bool {
    let acts = detail(entry, "acts");
    acts.trim().is_empty()
        || acts
            .split([' ', ',', '，', '、', ';', '；'])
            .any(|a| a.trim() == act)
}

/// The common reasons for `act` (refuse, reject, return, transfer, extend); none for others.
pub async fn for_act(store: &Store, act: &str) -> Result<Vec<CommonReason>, StoreError> {
    let list = match act {
        "refuse" => ReferenceList::RefusalReason,
        _ if DECISION_ACTS.contains(&act) => ReferenceList::DecisionReason,
        _ => return Ok(Vec::new()),
    };
    let entries = guides::reference_entries(store, list).await?;
    Ok(suiting(
        &entries,
        (list == ReferenceList::DecisionReason).then_some(act),
    ))
}

/// The entries as reasons, those that suit `act` when the list says which acts they suit.
fn suiting(entries: &[ReferenceEntry], act: Option<&str>) -> Vec<CommonReason> {
    entries
        .iter()
        .filter(|e| act.is_none_or(|act| suits(e, act)))
        .map(|e| CommonReason {
            text: e.name.clone(),
            basis: detail(e, "basis").to_owned(),
        })
        .collect()
}

/// The back office's reasons by act, read once for a case page.
#[derive(Default)]
pub struct DecisionReasons {
    pub reject: Vec<CommonReason>,
    pub return_to: Vec<CommonReason>,
    pub transfer: Vec<CommonReason>,
    pub extend: Vec<CommonReason>,
}

impl DecisionReasons {
    pub async fn load(store: &Store) -> Result<DecisionReasons, StoreError> {
        let entries = guides::reference_entries(store, ReferenceList::DecisionReason).await?;
        Ok(DecisionReasons {
            reject: suiting(&entries, Some("reject")),
            return_to: suiting(&entries, Some("return")),
            transfer: suiting(&entries, Some("transfer")),
            extend: suiting(&entries, Some("extend")),
        })
    }
}

/// For an act whose reason (or a refusal's basis) was left empty: the text and basis of the
/// common reason chosen by its place in the act's list (`template`), if any.
pub async fn chosen(
    store: &Store,
    act: &str,
    template: &str,
) -> Result<Option<CommonReason>, StoreError> {
    let Ok(place) = template.parse::<usize>() else {
        return Ok(None);
    };
    Ok(for_act(store, act).await?.into_iter().nth(place))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(acts: &str) -> ReferenceEntry {
        ReferenceEntry::from_cells(
            ReferenceList::DecisionReason,
            vec!["理由".to_owned(), acts.to_owned()],
        )
    }

    #[test]
    fn a_reason_suits_the_acts_it_names_or_all_when_none() {
        assert!(suits(&entry("reject"), "reject"));
        assert!(!suits(&entry("reject"), "return"));
        assert!(suits(&entry("return、transfer"), "transfer"));
        assert!(suits(&entry("reject, extend"), "extend"));
        assert!(suits(&entry(""), "return"));
    }
}
