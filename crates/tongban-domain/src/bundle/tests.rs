//! A restaurant bundle: company registration first (前置), then the food licence and the
//! public-place hygiene licence in parallel.

use jiff::civil::date;

use super::*;
use crate::access::{Actor, Role};
use crate::case::{Acting, ApplicantKind, Channel, ClosingCode, Submission};
use crate::guide::lint::tests::food_licence;
use crate::guide::{Guide, Material};

const COMPANY: &str = "company";
const FOOD: &str = "food";
const HYGIENE: &str = "hygiene";

fn restaurant() -> BundleDefinition {
    let member = |code: &str, after: &[&str]| BundleMember {
        implementation_code: code.into(),
        after: after.iter().map(|s| (*s).to_owned()).collect(),
    };
    BundleDefinition {
        key: "open-restaurant".into(),
        name: "开办餐饮店一件事".into(),
        lead_department_id: 7,
        members: vec![
            member(FOOD, &[COMPANY]),
            member(HYGIENE, &[COMPANY]),
            member(COMPANY, &[]),
        ],
    }
}

/// A case of the food licence guide in the given phase.
fn case_in(phase: Phase, result: Option<CaseResult>) -> Case {
    let actor = Actor {
        user_id: 1,
        username: "enterprise".into(),
        display_name: "企业".into(),
        roles: vec![Role::Enterprise],
        department_id: None,
    };
    let event = Case::submit(
        &food_licence(),
        Submission {
            implementation_code: FOOD.into(),
            implementation_version: 1,
            department_id: 7,
            channel: Channel::Window,
            applicant_kind: ApplicantKind::Organisation,
            materials: vec![],
        },
        &Acting {
            actor: &actor,
            role: Role::Enterprise,
            at_millis: 0,
            on: date(2026, 3, 2),
        },
    )
    .unwrap();
    let mut case = Case::submitted(&event).unwrap();
    case.phase = phase;
    case.result = result;
    case
}

fn licence() -> Option<CaseResult> {
    Some(CaseResult::Licence {
        number: "L1".into(),
    })
}

#[test]
fn a_bundle_is_checked_before_it_is_published() {
    assert_eq!(restaurant().validate(), Ok(()));
    let field = |change: fn(&mut BundleDefinition)| {
        let mut bundle = restaurant();
        change(&mut bundle);
        bundle.validate().unwrap_err().field
    };
    assert_eq!(field(|b| b.key = "开办".into()), "key");
    assert_eq!(field(|b| b.name = " ".into()), "name");
    assert_eq!(field(|b| b.members.truncate(1)), "members");
    assert_eq!(
        field(|b| b.members[1].implementation_code = FOOD.into()),
        "members[1].implementation_code"
    );
    assert_eq!(
        field(|b| b.members[0].after = vec!["elsewhere".into()]),
        "members[0].after[0]"
    );
    assert_eq!(
        field(|b| b.members[2].after = vec![FOOD.into()]),
        "members",
        "company after food after company: a cycle"
    );
}

#[test]
fn members_start_after_their_prerequisites_are_approved() {
    let bundle = restaurant();
    assert_eq!(bundle.first_members(), [COMPANY]);
    let order: Vec<&str> = bundle
        .start_order()
        .iter()
        .map(|m| m.implementation_code.as_str())
        .collect();
    assert_eq!(order, [COMPANY, FOOD, HYGIENE]);

    let in_review = case_in(Phase::InProgress, None);
    assert!(bundle.ready_to_start(&[(COMPANY, &in_review)]).is_empty());
    assert_eq!(
        bundle.states(&[(COMPANY, &in_review)]),
        [
            (COMPANY.into(), MemberState::Started(Phase::InProgress)),
            (FOOD.into(), MemberState::Waiting),
            (HYGIENE.into(), MemberState::Waiting),
        ]
    );

    // Approved (decided, or closed with a licence): both dependants start, in parallel.
    let decided = case_in(Phase::Decided { approved: true }, None);
    assert_eq!(
        bundle.ready_to_start(&[(COMPANY, &decided)]),
        [FOOD, HYGIENE]
    );
    let closed = case_in(
        Phase::Closed {
            code: ClosingCode::IssuedClosed,
        },
        licence(),
    );
    assert_eq!(
        bundle.ready_to_start(&[(COMPANY, &closed)]),
        [FOOD, HYGIENE]
    );
    let started = [(COMPANY, &closed), (FOOD, &in_review)];
    assert_eq!(
        bundle.ready_to_start(&started),
        [HYGIENE],
        "food runs already"
    );
    assert!(!bundle.is_settled(&started));
}

#[test]
fn a_refused_prerequisite_blocks_its_dependants_and_settles_the_bundle() {
    let bundle = restaurant();
    let refused = case_in(Phase::Refused, None);
    assert!(bundle.ready_to_start(&[(COMPANY, &refused)]).is_empty());
    let states = bundle.states(&[(COMPANY, &refused)]);
    assert_eq!(states[1].1, MemberState::Blocked);
    assert_eq!(states[2].1, MemberState::Blocked);
    assert!(bundle.is_settled(&[(COMPANY, &refused)]));

    let rejected = case_in(
        Phase::Closed {
            code: ClosingCode::ReturnedClosed,
        },
        Some(CaseResult::RefusalDecision {
            number: "R1".into(),
        }),
    );
    assert!(bundle.ready_to_start(&[(COMPANY, &rejected)]).is_empty());
    assert_eq!(
        bundle.states(&[(COMPANY, &rejected)])[1].1,
        MemberState::Blocked
    );
    assert!(
        !bundle.is_settled(&[(COMPANY, &rejected)]),
        "the refusal decision is still to be delivered"
    );
    let mut handed_over = rejected.clone();
    handed_over.phase = Phase::Delivered;
    assert!(bundle.is_settled(&[(COMPANY, &handed_over)]));

    let delivered = case_in(Phase::Delivered, licence());
    let all = [
        (COMPANY, &delivered),
        (FOOD, &delivered),
        (HYGIENE, &delivered),
    ];
    assert!(bundle.is_settled(&all));
}

#[test]
fn the_merged_list_asks_each_material_once() {
    let food = food_licence();
    let mut hygiene = Guide {
        name: "公共场所卫生许可".into(),
        materials: vec![
            Material {
                name: "从业人员健康证明".into(),
                required: true,
                ..Material::default()
            },
            Material {
                name: "食品安全管理制度 文本".into(),
                required: true,
                deferrable: false,
                ..Material::default()
            },
            Material {
                name: "卫生设施平面布局图".into(),
                required: true,
                ..Material::default()
            },
        ],
        ..Guide::default()
    };
    hygiene.materials[0].deferrable = false;
    let merged = merged_materials(&[(FOOD, &food), (HYGIENE, &hygiene)]);
    let names: Vec<&str> = merged.iter().map(|m| m.name.as_str()).collect();
    let unique: std::collections::HashSet<&&str> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "each once: {names:?}");
    assert_eq!(
        merged.len(),
        food.materials.len() + 1,
        "only the layout plan is new"
    );
    let health = merged
        .iter()
        .find(|m| m.name == "从业人员健康证明")
        .unwrap();
    assert_eq!(health.used_by, [FOOD, HYGIENE]);
    let rules = merged
        .iter()
        .find(|m| m.name == "食品安全管理制度文本")
        .unwrap();
    assert!(rules.required);
    assert!(
        !rules.deferrable,
        "deferrable for food, but hygiene needs it at intake"
    );
    let shared = merged.iter().find(|m| m.sharing_source.is_some()).unwrap();
    assert!(!shared.required, "what sharing provides is never demanded");
}
