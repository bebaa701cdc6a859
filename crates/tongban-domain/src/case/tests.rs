//! Cases through their acts, on the 食品经营许可 guide (committed limit 5 working days) and
//! the real 2026 calendar.

use jiff::civil::{Date, date};

use super::*;
use crate::access::{Actor, Role};
use crate::calendar::Calendar;
use crate::guide::Guide;
use crate::guide::lint::tests::food_licence;
use crate::message::Bilingual;
use crate::time_limit::{AlertLevel, TimeLimitSettings};

const MARKET: i64 = 7;
const HEALTH: i64 = 9;

fn actor(username: &str, role: Role, department_id: Option<i64>) -> Actor {
    Actor {
        user_id: 1,
        username: username.into(),
        display_name: format!("{username}（姓名）"),
        roles: vec![role],
        department_id,
    }
}

struct People {
    citizen: Actor,
    window: Actor,
    reviewer: Actor,
    other_reviewer: Actor,
    approver: Actor,
    head: Actor,
    health: Actor,
}

fn people() -> People {
    People {
        citizen: actor("citizen", Role::Citizen, None),
        window: actor("clerk", Role::WindowClerk, Some(1)),
        reviewer: actor("reviewer", Role::DepartmentReviewer, Some(MARKET)),
        other_reviewer: actor("reviewer2", Role::DepartmentReviewer, Some(MARKET)),
        approver: actor("approver", Role::DepartmentApprover, Some(MARKET)),
        head: actor("head", Role::DepartmentHead, Some(MARKET)),
        health: actor("health", Role::DepartmentReviewer, Some(HEALTH)),
    }
}

fn acting(actor: &Actor, on: Date) -> Acting<'_> {
    Acting {
        actor,
        role: actor.roles[0],
        at_millis: 0,
        on,
    }
}

fn file(name: &str) -> MaterialEntry {
    MaterialEntry {
        name: name.into(),
        provided: Provided::File {
            sha256: "ab".repeat(32),
        },
    }
}

fn complete_materials() -> Vec<MaterialEntry> {
    [
        "食品经营许可申请书",
        "经营场所平面布局图及主要设备设施布局、操作流程说明",
        "食品安全管理制度文本",
        "从业人员健康证明",
    ]
    .into_iter()
    .map(file)
    .collect()
}

/// The 食品经营许可 guide with this back-office process.
fn licence(process: Process) -> Guide {
    Guide {
        back_office: Some(process),
        ..food_licence()
    }
}

fn submission(channel: Channel, materials: Vec<MaterialEntry>) -> Submission {
    Submission {
        implementation_code: "11511301008778220W4510100100100".into(),
        implementation_version: 3,
        department_id: MARKET,
        channel,
        applicant_kind: ApplicantKind::Organisation,
        materials,
    }
}

/// A case and its history, acting as the store would: make the event, append, apply.
struct Story {
    case: Case,
    events: Vec<CaseEvent>,
}

impl Story {
    fn submit(guide: &Guide, submission: Submission, by: &Actor, on: Date) -> Story {
        let event = Case::submit(guide, submission, &acting(by, on)).expect("submitted");
        Story {
            case: Case::submitted(&event).unwrap(),
            events: vec![event],
        }
    }

    /// A complete online application, accepted at the window.
    fn accepted(p: &People, process: Process, submitted_on: Date, accepted_on: Date) -> Story {
        let mut story = Story::submit(
            &licence(process),
            submission(Channel::Online, complete_materials()),
            &p.citizen,
            submitted_on,
        );
        story.ok(|c| c.accept(&acting(&p.window, accepted_on), "N1", Acceptance::Normal));
        story
    }

    fn act(
        &mut self,
        act: impl FnOnce(&Case) -> Result<CaseEvent, CaseError>,
    ) -> Result<(), CaseError> {
        let event = act(&self.case)?;
        self.case.apply(&event);
        self.events.push(event);
        Ok(())
    }

    fn ok(&mut self, act: impl FnOnce(&Case) -> Result<CaseEvent, CaseError>) {
        self.act(act).expect("the act is allowed");
    }
}

fn on(m: i8, d: i8) -> Date {
    date(2026, m, d)
}

fn settings() -> TimeLimitSettings {
    TimeLimitSettings::default()
}

#[test]
fn an_online_application_runs_to_delivery() {
    let p = people();
    let calendar = Calendar::built_in();
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 1),
    );
    // The shared materials are recorded as fetched, never asked for.
    assert!(
        story
            .case
            .materials
            .iter()
            .any(|m| m.name == "营业执照" && matches!(m.provided, Provided::Sharing { .. }))
    );
    story.ok(|c| {
        c.accept(
            &acting(&p.window, on(3, 2)),
            "YX20260302000001",
            Acceptance::Normal,
        )
    });
    assert_eq!(story.case.phase, Phase::InProgress);
    let clock = story.case.clock.clone().unwrap();
    let reading = clock.read(&calendar, on(3, 2), &settings()).unwrap();
    assert_eq!(reading.due_on, Some(on(3, 9)));
    assert_eq!(reading.remaining_days, 5);

    story.ok(|c| c.claim(&acting(&p.reviewer, on(3, 3)), "undertake"));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "undertake", "材料齐全"));
    story.ok(|c| c.approve(&acting(&p.other_reviewer, on(3, 4)), "review", "同意"));
    story.ok(|c| c.approve(&acting(&p.approver, on(3, 5)), "approve", "准予许可"));
    assert_eq!(story.case.phase, Phase::Decided { approved: true });
    assert_eq!(story.case.passed_steps.len(), 3);
    assert_eq!(story.case.passed_steps[1].actor, "reviewer2");

    let wrong = story.act(|c| {
        c.close(
            &acting(&p.window, on(3, 5)),
            CaseResult::RefusalDecision { number: "1".into() },
        )
    });
    assert!(matches!(wrong, Err(CaseError::Invalid(e)) if e.field == "result"));
    story.ok(|c| {
        c.close(
            &acting(&p.window, on(3, 5)),
            CaseResult::Licence {
                number: "JY15113010000123".into(),
            },
        )
    });
    assert_eq!(
        story.case.phase,
        Phase::Closed {
            code: ClosingCode::IssuedClosed
        }
    );
    let final_reading = story
        .case
        .clock
        .as_ref()
        .unwrap()
        .read(&calendar, on(3, 20), &settings())
        .unwrap();
    assert!(final_reading.closed);
    assert_eq!(final_reading.elapsed_days, 3, "3, 4 and 5 March");
    assert_eq!(final_reading.level, AlertLevel::None);

    let missing = story.act(|c| {
        c.deliver(
            &acting(&p.window, on(3, 6)),
            Delivery::Mail {
                tracking_number: " ".into(),
            },
        )
    });
    assert!(matches!(missing, Err(CaseError::Invalid(e)) if e.field == "tracking_number"));
    story.ok(|c| {
        c.deliver(
            &acting(&p.window, on(3, 6)),
            Delivery::Mail {
                tracking_number: "EMS1234567890".into(),
            },
        )
    });
    assert_eq!(story.case.phase, Phase::Delivered);
    assert!(story.case.phase.is_final());

    // The state is a function of the history, also after a trip through JSON.
    let json = serde_json::to_string(&story.events).unwrap();
    let events: Vec<CaseEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(Case::replay(&events).unwrap(), story.case);
    assert_eq!(story.case.version, story.events.len() as u64);
}

#[test]
fn bad_applications_are_refused_naming_the_field() {
    let p = people();
    let guide = food_licence();
    let online = |materials| submission(Channel::Online, materials);
    let missing = Case::submit(
        &guide,
        online(vec![file("食品经营许可申请书")]),
        &acting(&p.citizen, on(3, 2)),
    )
    .unwrap_err();
    let CaseError::Invalid(error) = missing else {
        panic!("{missing:?}")
    };
    assert_eq!(error.field, "materials");
    assert!(error.zh.contains("从业人员健康证明"));
    assert!(
        !error.zh.contains("营业执照"),
        "shared material is never demanded"
    );
    assert!(
        !error.zh.contains("食品安全管理制度文本"),
        "deferrable material may come later"
    );

    let mut unknown = complete_materials();
    unknown.push(file("户口本"));
    let error = Case::submit(&guide, online(unknown), &acting(&p.citizen, on(3, 2))).unwrap_err();
    assert!(matches!(error, CaseError::Invalid(e) if e.field == "materials[4].name"));

    let mut person_only = guide.clone();
    person_only.service_objects = vec!["自然人".into()];
    let error = Case::submit(
        &person_only,
        online(complete_materials()),
        &acting(&p.citizen, on(3, 2)),
    )
    .unwrap_err();
    assert!(matches!(error, CaseError::Invalid(e) if e.field == "applicant_kind"));

    let error = Case::submit(
        &licence(Process::standard(20)),
        submission(Channel::Online, complete_materials()),
        &acting(&p.citizen, on(3, 2)),
    )
    .unwrap_err();
    assert!(
        matches!(error, CaseError::Invalid(e) if e.field == "stages"),
        "a process longer than the committed limit"
    );

    // At a window the clerk takes in an incomplete application and issues the notice.
    assert!(
        Case::submit(
            &guide,
            submission(Channel::Window, vec![file("食品经营许可申请书")]),
            &acting(&p.window, on(3, 2)),
        )
        .is_ok()
    );
}

#[test]
fn acts_out_of_order_change_nothing() {
    let p = people();
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 2),
    );
    let before = story.case.clone();
    let early = story.act(|c| c.approve(&acting(&p.reviewer, on(3, 2)), "undertake", ""));
    assert!(matches!(early, Err(CaseError::OutOfOrder { .. })));
    let error = early.unwrap_err();
    assert!(error.zh().contains("待受理"), "{}", error.zh());
    assert!(error.is_conflict());
    assert!(matches!(
        story.act(|c| c.close(
            &acting(&p.window, on(3, 2)),
            CaseResult::Licence { number: "1".into() }
        )),
        Err(CaseError::OutOfOrder { .. })
    ));
    assert_eq!(story.case, before);

    story.ok(|c| c.accept(&acting(&p.window, on(3, 2)), "N1", Acceptance::Normal));
    let twice = story.act(|c| c.accept(&acting(&p.window, on(3, 2)), "N2", Acceptance::Normal));
    assert!(matches!(twice, Err(CaseError::OutOfOrder { .. })));
    assert_eq!(story.case.case_number.as_deref(), Some("N1"));
    // Another department's reviewer, or the approver at a reviewer's step, may not act.
    assert!(matches!(
        story.act(|c| c.approve(&acting(&p.health, on(3, 3)), "undertake", "")),
        Err(CaseError::NotYours { .. })
    ));
    assert!(matches!(
        story.act(|c| c.approve(&acting(&p.approver, on(3, 3)), "undertake", "")),
        Err(CaseError::NotYours { .. })
    ));
    assert!(matches!(
        story.act(|c| c.approve(&acting(&p.approver, on(3, 3)), "approve", "")),
        Err(CaseError::NoSuchStep { .. })
    ));
    // Not an action the step allows.
    assert!(matches!(
        story.act(|c| c.reject(&acting(&p.reviewer, on(3, 3)), "undertake", "不符合条件")),
        Err(CaseError::ActionNotAllowed { .. })
    ));
}

#[test]
fn a_claimed_step_is_the_claimers_until_released() {
    let p = people();
    let mut story = Story::accepted(&p, Process::standard(5), on(3, 2), on(3, 2));
    story.ok(|c| c.claim(&acting(&p.reviewer, on(3, 3)), "undertake"));
    let taken = story
        .act(|c| c.approve(&acting(&p.other_reviewer, on(3, 3)), "undertake", ""))
        .unwrap_err();
    assert!(matches!(&taken, CaseError::ClaimedByAnother { by, .. } if by == "reviewer"));
    assert!(taken.is_conflict());
    assert!(
        story
            .act(|c| c.claim(&acting(&p.other_reviewer, on(3, 3)), "undertake"))
            .is_err()
    );
    story.ok(|c| c.release(&acting(&p.reviewer, on(3, 3)), "undertake"));
    story.ok(|c| c.approve(&acting(&p.other_reviewer, on(3, 3)), "undertake", "通过"));
    assert_eq!(story.case.open_steps[0].key, "review");
}

#[test]
fn corrections_at_intake_are_asked_for_once() {
    let p = people();
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Window, vec![file("食品经营许可申请书")]),
        &p.window,
        on(3, 2),
    );
    let items = vec![
        Correction {
            material: "从业人员健康证明".into(),
            problem: "未提交".into(),
        },
        Correction {
            material: "经营场所平面布局图及主要设备设施布局、操作流程说明".into(),
            problem: "未提交".into(),
        },
    ];
    let empty =
        story.act(|c| c.request_corrections(&acting(&p.window, on(3, 2)), None, vec![], on(3, 9)));
    assert!(matches!(empty, Err(CaseError::Invalid(e)) if e.field == "items"));
    story
        .ok(|c| c.request_corrections(&acting(&p.window, on(3, 2)), None, items.clone(), on(3, 9)));
    assert_eq!(story.case.phase, Phase::AwaitingCorrections);
    assert!(story.case.clock.is_none(), "the clock starts at acceptance");
    let partial = story.act(|c| {
        c.supply_corrections(
            &acting(&p.citizen, on(3, 3)),
            vec![file("从业人员健康证明")],
        )
    });
    assert!(matches!(partial, Err(CaseError::Invalid(e)) if e.zh.contains("平面布局图")));
    story.ok(|c| {
        c.supply_corrections(
            &acting(&p.citizen, on(3, 4)),
            vec![
                file("从业人员健康证明"),
                file("经营场所平面布局图及主要设备设施布局、操作流程说明"),
            ],
        )
    });
    assert_eq!(story.case.phase, Phase::Submitted);
    let second = story.act(|c| {
        c.request_corrections(&acting(&p.window, on(3, 4)), None, items.clone(), on(3, 11))
    });
    assert!(
        matches!(second, Err(CaseError::Invalid(e)) if e.zh.contains("一次性")),
        "never a second partial list"
    );
    story.ok(|c| c.accept(&acting(&p.window, on(3, 4)), "N1", Acceptance::Normal));
}

#[test]
fn unanswered_corrections_time_out_after_the_deadline() {
    let p = people();
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Window, vec![]),
        &p.window,
        on(3, 2),
    );
    let items = vec![Correction {
        material: "食品经营许可申请书".into(),
        problem: "未提交".into(),
    }];
    story.ok(|c| c.request_corrections(&acting(&p.window, on(3, 2)), None, items, on(3, 9)));
    let system = actor("system", Role::Admin, None);
    assert!(
        story
            .act(|c| c.time_out_corrections(&acting(&system, on(3, 9))))
            .is_err()
    );
    story.ok(|c| c.time_out_corrections(&acting(&system, on(3, 10))));
    assert_eq!(
        story.case.phase,
        Phase::Closed {
            code: ClosingCode::CorrectionsTimeout
        }
    );
    assert!(story.case.phase.is_final());
}

#[test]
fn refusal_needs_reason_and_basis() {
    let p = people();
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Window, complete_materials()),
        &p.window,
        on(3, 2),
    );
    let bare = story.act(|c| c.refuse(&acting(&p.window, on(3, 2)), "不属于本部门职权", " "));
    assert!(matches!(bare, Err(CaseError::Invalid(e)) if e.field == "legal_basis"));
    story.ok(|c| {
        c.refuse(
            &acting(&p.window, on(3, 2)),
            "申请事项依法不需要取得行政许可",
            "《中华人民共和国行政许可法》第三十二条第一款第（一）项",
        )
    });
    assert_eq!(story.case.phase, Phase::Refused);
    assert!(story.case.phase.is_final());
}

#[test]
fn back_office_corrections_and_special_procedures_stop_the_clock() {
    let p = people();
    let calendar = Calendar::built_in();
    let mut story = Story::accepted(&p, Process::standard(5), on(3, 1), on(3, 2));
    let items = vec![Correction {
        material: "从业人员健康证明".into(),
        problem: "已过期".into(),
    }];
    story.ok(|c| {
        c.request_corrections(
            &acting(&p.reviewer, on(3, 4)),
            Some("undertake"),
            items,
            on(3, 13),
        )
    });
    let clock = story.case.clock.clone().unwrap();
    let stopped = clock.read(&calendar, on(3, 6), &settings()).unwrap();
    assert!(stopped.suspended);
    assert_eq!(stopped.due_on, None);
    assert!(
        story.case.open_steps[0]
            .clock
            .read(&calendar, on(3, 6), &settings())
            .unwrap()
            .suspended,
        "the step clock waits too"
    );
    story.ok(|c| {
        c.supply_corrections(
            &acting(&p.citizen, on(3, 6)),
            vec![file("从业人员健康证明")],
        )
    });
    assert_eq!(story.case.phase, Phase::InProgress);
    // 3 March counted; 4–6 March stopped; counting resumes on 9 March: due 12 March.
    let clock = story.case.clock.clone().unwrap();
    assert_eq!(
        clock.read(&calendar, on(3, 9), &settings()).unwrap().due_on,
        Some(on(3, 12))
    );

    story.ok(|c| {
        c.start_special_procedure(
            &acting(&p.reviewer, on(3, 9)),
            "undertake",
            "现场核查",
            true,
        )
    });
    assert!(
        story
            .act(|c| c.approve(&acting(&p.reviewer, on(3, 10)), "undertake", ""))
            .is_err(),
        "no decision while a procedure runs"
    );
    story.ok(|c| c.end_special_procedure(&acting(&p.reviewer, on(3, 10)), "undertake"));
    let clock = story.case.clock.clone().unwrap();
    assert_eq!(
        clock
            .read(&calendar, on(3, 11), &settings())
            .unwrap()
            .due_on,
        Some(on(3, 16)),
        "9–10 March not counted"
    );
}

#[test]
fn the_head_extends_once_by_the_statutory_days() {
    let p = people();
    let calendar = Calendar::built_in();
    let mut story = Story::accepted(&p, Process::standard(5), on(3, 1), on(3, 2));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "undertake", ""));
    for not_the_head in [&p.reviewer, &p.approver] {
        assert!(
            matches!(
                story.act(|c| c.extend(
                    &acting(not_the_head, on(3, 4)),
                    "review",
                    "需要现场核实",
                    &settings()
                )),
                Err(CaseError::NotYours { .. })
            ),
            "only the head extends"
        );
    }
    let no_reason = story.act(|c| c.extend(&acting(&p.head, on(3, 4)), "review", "", &settings()));
    assert!(matches!(no_reason, Err(CaseError::Invalid(e)) if e.field == "reason"));
    story.ok(|c| {
        c.extend(
            &acting(&p.head, on(3, 4)),
            "review",
            "需要现场核实",
            &settings(),
        )
    });
    let clock = story.case.clock.clone().unwrap();
    assert_eq!(clock.extensions[0].days, 10);
    assert_eq!(clock.extensions[0].approver, "head（姓名）");
    assert_eq!(
        clock.read(&calendar, on(3, 4), &settings()).unwrap().due_on,
        Some(on(3, 23))
    );
    let again = story.act(|c| c.extend(&acting(&p.head, on(3, 5)), "review", "再次", &settings()));
    assert!(matches!(again, Err(CaseError::Invalid(e)) if e.field == "extension"));
}

fn parallel_process() -> Process {
    use StepAction::*;
    let step = |key: &str, name: &str, department, limit_days| StepDefinition {
        key: key.into(),
        name: name.into(),
        role: Role::DepartmentReviewer,
        department,
        limit_days,
        actions: vec![Approve, Reject, RequestCorrections],
    };
    Process {
        stages: vec![
            Stage {
                steps: vec![step("undertake", "承办", StepDepartment::Owner, 1)],
            },
            Stage {
                steps: vec![
                    step("market", "市场监管审查", StepDepartment::Owner, 2),
                    step(
                        "health",
                        "卫生健康审查",
                        StepDepartment::Department(HEALTH),
                        1,
                    ),
                ],
            },
        ],
    }
}

#[test]
fn parallel_steps_pass_together_and_each_keeps_its_own_limit() {
    let p = people();
    let calendar = Calendar::built_in();
    let mut story = Story::accepted(&p, parallel_process(), on(3, 1), on(3, 2));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "undertake", ""));
    assert_eq!(story.case.open_steps.len(), 2);
    assert!(
        matches!(
            story.act(|c| c.approve(&acting(&p.reviewer, on(3, 4)), "health", "")),
            Err(CaseError::NotYours { .. })
        ),
        "the other department's step"
    );
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 4)), "market", ""));
    assert_eq!(
        story.case.phase,
        Phase::InProgress,
        "waits for the parallel step"
    );
    // The health step (1 day from 3 March: due 4 March) is approved on 6 March: over its
    // own limit, while the case (due 9 March) is on time.
    story.ok(|c| c.approve(&acting(&p.health, on(3, 6)), "health", ""));
    assert_eq!(story.case.phase, Phase::Decided { approved: true });
    let health = story
        .case
        .passed_steps
        .iter()
        .find(|s| s.key == "health")
        .unwrap();
    assert_eq!(health.actor, "health");
    assert!(
        health
            .clock
            .is_over(&calendar, on(3, 6), &settings())
            .unwrap()
    );
    let market = story
        .case
        .passed_steps
        .iter()
        .find(|s| s.key == "market")
        .unwrap();
    assert!(
        !market
            .clock
            .is_over(&calendar, on(3, 6), &settings())
            .unwrap()
    );
    assert!(
        !story
            .case
            .clock
            .as_ref()
            .unwrap()
            .is_over(&calendar, on(3, 6), &settings())
            .unwrap()
    );
}

#[test]
fn a_rejection_closes_with_a_refusal_decision() {
    let p = people();
    let mut story = Story::accepted(&p, parallel_process(), on(3, 1), on(3, 2));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "undertake", ""));
    let bare = story.act(|c| c.reject(&acting(&p.health, on(3, 4)), "health", ""));
    assert!(matches!(bare, Err(CaseError::Invalid(e)) if e.field == "reason"));
    story.ok(|c| c.reject(&acting(&p.health, on(3, 4)), "health", "卫生条件不符合要求"));
    assert_eq!(story.case.phase, Phase::Decided { approved: false });
    story.ok(|c| {
        c.close(
            &acting(&p.window, on(3, 5)),
            CaseResult::RefusalDecision {
                number: "云市监不许〔2026〕3号".into(),
            },
        )
    });
    assert_eq!(
        story.case.phase,
        Phase::Closed {
            code: ClosingCode::ReturnedClosed
        }
    );
}

#[test]
fn deferrable_materials_may_follow_acceptance() {
    let p = people();
    let mut materials = complete_materials();
    materials.retain(|m| m.name != "食品安全管理制度文本");
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Online, materials),
        &p.citizen,
        on(3, 1),
    );
    let not_deferrable = story.act(|c| {
        c.accept(
            &acting(&p.window, on(3, 2)),
            "N1",
            Acceptance::WithDeficiencies {
                materials: vec!["从业人员健康证明".into()],
                promised_on: on(3, 6),
            },
        )
    });
    assert!(matches!(not_deferrable, Err(CaseError::Invalid(e)) if e.field == "deficiencies"));
    let pledge = story.act(|c| {
        c.accept(
            &acting(&p.window, on(3, 2)),
            "N1",
            Acceptance::OnPledge {
                post_check_by: Some(on(3, 30)),
            },
        )
    });
    assert!(matches!(pledge, Err(CaseError::Invalid(e)) if e.field == "acceptance"));
    story.ok(|c| {
        c.accept(
            &acting(&p.window, on(3, 2)),
            "N1",
            Acceptance::WithDeficiencies {
                materials: vec!["食品安全管理制度文本".into()],
                promised_on: on(3, 6),
            },
        )
    });
    assert_eq!(
        story.case.deficiencies,
        vec!["食品安全管理制度文本".to_owned()]
    );
    // The promise is supervised like a limit: from Monday 2 March to Friday 6 March is 4
    // working days, so 预警 at once, 黄牌 on the promised day, 红牌 the day after.
    let calendar = Calendar::built_in();
    let promise = |case: &Case| {
        case.watches(&calendar, &settings())
            .into_iter()
            .find(|w| w.clock == WatchedClock::DeficienciesPromise)
    };
    let dates = promise(&story.case).unwrap().dates.unwrap();
    assert_eq!(
        (dates.warning_on, dates.yellow_on, dates.red_on),
        (on(3, 2), on(3, 6), on(3, 7))
    );
    story.ok(|c| {
        c.supply_deficiencies(
            &acting(&p.citizen, on(3, 5)),
            vec![file("食品安全管理制度文本")],
        )
    });
    assert!(story.case.deficiencies.is_empty());
    assert_eq!(promise(&story.case), None, "kept: no longer watched");
}

#[test]
fn an_immediate_case_is_decided_and_closed_at_the_window() {
    let p = people();
    let calendar = Calendar::built_in();
    let mut guide = food_licence();
    guide.case_kind = crate::guide::CaseKind::Immediate;
    guide.back_office = Some(Process { stages: vec![] });
    let event = Case::submit(
        &guide,
        submission(Channel::Window, complete_materials()),
        &acting(&p.window, on(3, 2)),
    )
    .unwrap();
    let mut story = Story {
        case: Case::submitted(&event).unwrap(),
        events: vec![event],
    };
    story.ok(|c| c.accept(&acting(&p.window, on(3, 2)), "N1", Acceptance::Normal));
    assert_eq!(story.case.phase, Phase::Decided { approved: true });
    let due = story
        .case
        .clock
        .as_ref()
        .unwrap()
        .read(&calendar, on(3, 2), &settings())
        .unwrap()
        .due_on;
    assert_eq!(due, Some(on(3, 2)), "due the same working day");
    story.ok(|c| {
        c.close(
            &acting(&p.window, on(3, 2)),
            CaseResult::Certificate {
                number: "C-1".into(),
            },
        )
    });
    story.ok(|c| {
        c.deliver(
            &acting(&p.window, on(3, 2)),
            Delivery::Window {
                signed_by: "张三".into(),
            },
        )
    });
    assert_eq!(story.case.phase, Phase::Delivered);
}

#[test]
fn a_first_stage_return_goes_back_to_intake() {
    let p = people();
    let mut story = Story::accepted(&p, Process::standard(5), on(3, 1), on(3, 2));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "undertake", ""));
    let forward = story.act(|c| {
        c.return_to(
            &acting(&p.reviewer, on(3, 4)),
            "review",
            Some(1),
            "重新审查",
        )
    });
    assert!(matches!(forward, Err(CaseError::Invalid(e)) if e.field == "to_stage"));
    story.ok(|c| {
        c.return_to(
            &acting(&p.reviewer, on(3, 4)),
            "review",
            Some(0),
            "材料需重新核对",
        )
    });
    assert_eq!(story.case.open_steps[0].key, "undertake");
    story.ok(|c| {
        c.return_to(
            &acting(&p.reviewer, on(3, 4)),
            "undertake",
            None,
            "受理有误",
        )
    });
    assert_eq!(story.case.phase, Phase::Submitted);
    assert!(story.case.clock.is_none());
}

#[test]
fn a_misrouted_case_is_transferred_to_its_department() {
    let p = people();
    let mut story = Story::accepted(&p, Process::standard(5), on(3, 1), on(3, 2));
    story.ok(|c| c.claim(&acting(&p.reviewer, on(3, 3)), "undertake"));
    story.ok(|c| {
        c.transfer(
            &acting(&p.reviewer, on(3, 3)),
            "undertake",
            HEALTH,
            "属于卫健部门职责",
        )
    });
    assert_eq!(story.case.department_id, HEALTH);
    assert_eq!(story.case.open_steps[0].status, StepStatus::Waiting);
    story.ok(|c| c.approve(&acting(&p.health, on(3, 4)), "undertake", ""));
}

#[test]
fn process_definitions_are_checked() {
    assert!(Process::standard(20).validate(20).is_ok());
    assert_eq!(Process::standard(20).critical_path_days(), 20);
    assert_eq!(parallel_process().critical_path_days(), 3);
    let mut repeated = parallel_process();
    repeated.stages[1].steps[1].key = "market".into();
    assert_eq!(
        repeated.validate(5).unwrap_err().field,
        "stages[1].steps[1].key"
    );
    let mut citizen = parallel_process();
    citizen.stages[0].steps[0].role = Role::Citizen;
    assert_eq!(
        citizen.validate(5).unwrap_err().field,
        "stages[0].steps[0].role"
    );
    let mut endless = parallel_process();
    endless.stages[0].steps[0].actions = vec![StepAction::Return];
    assert_eq!(
        endless.validate(5).unwrap_err().field,
        "stages[0].steps[0].actions"
    );
    let mut empty = parallel_process();
    empty.stages[1].steps.clear();
    assert_eq!(empty.validate(5).unwrap_err().field, "stages[1].steps");
    assert_eq!(parallel_process().validate(2).unwrap_err().field, "stages");
    let json = serde_json::to_string(&parallel_process()).unwrap();
    assert!(
        json.contains("\"department\":{\"kind\":\"department\",\"id\":9}"),
        "{json}"
    );
    let back: Process = serde_json::from_str(&json).unwrap();
    assert_eq!(back, parallel_process());
}

#[test]
fn supervision_watches_the_case_and_its_open_steps() {
    let p = people();
    let calendar = Calendar::built_in();
    let mut story = Story::submit(
        &licence(parallel_process()),
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 1),
    );
    assert!(
        story.case.watches(&calendar, &settings()).is_empty(),
        "not before acceptance"
    );
    story.ok(|c| c.accept(&acting(&p.window, on(3, 2)), "N1", Acceptance::Normal));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "undertake", ""));
    story.ok(|c| c.claim(&acting(&p.health, on(3, 3)), "health"));
    let watches = story.case.watches(&calendar, &settings());
    assert_eq!(
        watches.len(),
        3,
        "the case, the market step, the health step"
    );
    let case = &watches[0];
    assert_eq!(case.clock, WatchedClock::Case);
    // 5 days from 2 March: due Monday 9 March; 预警 at once (5 left); 黄牌 once one day
    // is left, from the weekend before; 红牌 the day after the due date.
    let dates = case.dates.unwrap();
    assert_eq!(dates.warning_on, on(3, 2));
    assert_eq!(dates.yellow_on, on(3, 7));
    assert_eq!(dates.red_on, on(3, 10));
    assert_eq!(dates.due_on(), on(3, 9), "the last day within the limit");
    let health = watches
        .iter()
        .find(|w| w.clock == WatchedClock::Step("health".into()))
        .unwrap();
    assert_eq!(health.department_id, HEALTH);
    assert_eq!(health.responsible.as_deref(), Some("health"));
    // 1 day from 3 March: 黄牌 on 4 March, 红牌 on 5 March.
    assert_eq!(health.dates.unwrap().red_on, on(3, 5));
    // A back-office correction stops every clock: nothing rises while it waits.
    let items = vec![Correction {
        material: "从业人员健康证明".into(),
        problem: "已过期".into(),
    }];
    story.ok(|c| {
        c.request_corrections(
            &acting(&p.health, on(3, 4)),
            Some("health"),
            items,
            on(3, 13),
        )
    });
    // …and the applicant's deadline is watched instead: 红牌 the day after it.
    let watches = story.case.watches(&calendar, &settings());
    assert!(
        watches
            .iter()
            .filter(|w| w.clock != WatchedClock::CorrectionsDeadline)
            .all(|w| w.dates.is_none())
    );
    let deadline = watches
        .iter()
        .find(|w| w.clock == WatchedClock::CorrectionsDeadline)
        .unwrap();
    assert_eq!(
        deadline.dates.unwrap().level_on(on(3, 13)),
        AlertLevel::None
    );
    assert_eq!(deadline.dates.unwrap().level_on(on(3, 14)), AlertLevel::Red);
}

#[test]
fn clock_keys_round_trip_and_never_take_a_step_key() {
    for clock in [
        WatchedClock::Case,
        WatchedClock::Step("health".into()),
        WatchedClock::CorrectionsDeadline,
        WatchedClock::DeficienciesPromise,
    ] {
        assert_eq!(WatchedClock::from_key(clock.key()), clock);
    }
    // '@' is not allowed in a step key, so no step can be mistaken for these
    let mut process = Process::standard(5);
    process.stages[0].steps[0].key = "@corrections".into();
    assert_eq!(
        process.validate(5).unwrap_err().field,
        "stages[0].steps[0].key"
    );
    assert_eq!(
        alert_subject("@refusal", "").0,
        "不予受理未说明理由".to_owned()
    );
    assert_eq!(alert_subject("review", "审核").0, "审核".to_owned());
}

#[test]
fn a_case_runs_the_process_and_pledge_rule_its_guide_publishes() {
    let p = people();
    let standard = Story::submit(
        &food_licence(),
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 2),
    );
    assert_eq!(standard.case.process, Process::standard(5));
    assert!(!standard.case.joint_handling);
    assert!(!standard.case.pledge_allowed);

    let mut guide = licence(parallel_process());
    guide.pledge_allowed = true;
    let joint = Story::submit(
        &guide,
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 2),
    );
    assert_eq!(joint.case.process, parallel_process());
    assert!(joint.case.joint_handling, "a step in another department");
    assert!(joint.case.pledge_allowed);
}

#[test]
fn a_file_is_traced_to_whoever_handed_it_in() {
    let p = people();
    let scan = |name: &str, sha: &str| MaterialEntry {
        name: name.into(),
        provided: Provided::File {
            sha256: sha.repeat(32),
        },
    };
    let mut materials = complete_materials();
    materials.pop();
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Window, materials),
        &p.window,
        on(3, 2),
    );
    story.ok(|c| {
        c.request_corrections(
            &acting(&p.window, on(3, 2)),
            None,
            vec![Correction {
                material: "从业人员健康证明".into(),
                problem: "未提交".into(),
            }],
            on(3, 9),
        )
    });
    story.ok(|c| {
        c.supply_corrections(
            &acting(&p.citizen, on(3, 3)),
            vec![scan("从业人员健康证明", "cd")],
        )
    });
    let (by, material) = file_handed_in_by(&story.events, &"cd".repeat(32)).unwrap();
    assert_eq!(
        (by, material.name.as_str()),
        ("citizen", "从业人员健康证明")
    );
    let (by, _) = file_handed_in_by(&story.events, &"ab".repeat(32)).unwrap();
    assert_eq!(by, "clerk");
    assert!(file_handed_in_by(&story.events, &"ef".repeat(32)).is_none());
}

#[test]
fn a_case_received_at_another_regions_hall_is_decided_there_and_handed_over_here() {
    // 跨区通办: the township hall (department 41) takes in for the market department (7) of
    // another region; the market department decides; the result comes back to the hall.
    const HALL: i64 = 41;
    let p = people();
    let hall_clerk = actor("hall", Role::WindowClerk, Some(HALL));
    let other_hall = actor("other-hall", Role::WindowClerk, Some(HALL + 1));
    let centre = actor("centre", Role::WindowClerk, None);
    let mut story = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Window, complete_materials()),
        &hall_clerk,
        on(3, 2),
    );
    assert_eq!(story.case.received_at, Some(HALL));
    assert_eq!(
        story.case.department_id, MARKET,
        "decided by the item's department"
    );
    story.ok(|c| c.accept(&acting(&hall_clerk, on(3, 2)), "N1", Acceptance::Normal));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "undertake", ""));
    story.ok(|c| c.approve(&acting(&p.reviewer, on(3, 3)), "review", ""));
    story.ok(|c| c.approve(&acting(&p.approver, on(3, 4)), "approve", ""));
    story.ok(|c| {
        c.close(
            &acting(&p.approver, on(3, 4)),
            CaseResult::Licence {
                number: "JY1".into(),
            },
        )
    });
    let at_window = |by: &Actor| {
        story.case.deliver(
            &acting(by, on(3, 5)),
            Delivery::Window {
                signed_by: "张三".into(),
            },
        )
    };
    assert!(matches!(at_window(&other_hall), Err(CaseError::Invalid(e)) if e.field == "delivery"));
    assert!(
        at_window(&centre).is_ok(),
        "the centre's window has every result"
    );
    assert!(at_window(&hall_clerk).is_ok());
    let mailed = story.case.deliver(
        &acting(&other_hall, on(3, 5)),
        Delivery::Mail {
            tracking_number: "EMS1".into(),
        },
    );
    assert!(mailed.is_ok(), "mailing is from anywhere");
    // Online applications have no hall.
    let online = Story::submit(
        &licence(Process::standard(5)),
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 2),
    );
    assert_eq!(online.case.received_at, None);
}

#[test]
fn a_pledge_is_approved_at_once_and_checked_afterwards() {
    let p = people();
    let guide = Guide {
        pledge_allowed: true,
        ..licence(Process::standard(5))
    };
    let mut story = Story::submit(
        &guide,
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 2),
    );
    let undated = story.act(|c| {
        c.accept(
            &acting(&p.window, on(3, 2)),
            "N1",
            Acceptance::OnPledge {
                post_check_by: None,
            },
        )
    });
    assert!(matches!(undated, Err(CaseError::Invalid(e)) if e.field == "post_check_by"));
    story.ok(|c| {
        c.accept(
            &acting(&p.window, on(3, 2)),
            "N1",
            Acceptance::OnPledge {
                post_check_by: Some(on(3, 30)),
            },
        )
    });
    assert_eq!(story.case.phase, Phase::Decided { approved: true });
    assert!(story.case.open_steps.is_empty(), "no back-office stages");
    let calendar = Calendar::built_in();
    let watched = |case: &Case| {
        case.watches(&calendar, &settings())
            .into_iter()
            .any(|w| w.clock == WatchedClock::PostCheck)
    };
    assert!(watched(&story.case));
    story.ok(|c| {
        c.close(
            &acting(&p.window, on(3, 2)),
            CaseResult::Licence {
                number: "JY1".into(),
            },
        )
    });
    assert!(watched(&story.case), "the check is owed after closing too");
    let window = story.act(|c| c.complete_post_check(&acting(&p.window, on(3, 9)), true, "属实"));
    assert!(matches!(window, Err(CaseError::NotYours { .. })));
    let other = story.act(|c| c.complete_post_check(&acting(&p.health, on(3, 9)), true, "属实"));
    assert!(matches!(other, Err(CaseError::NotYours { .. })));
    let blank = story.act(|c| c.complete_post_check(&acting(&p.reviewer, on(3, 9)), true, " "));
    assert!(matches!(blank, Err(CaseError::Invalid(e)) if e.field == "finding"));
    story.ok(|c| {
        c.complete_post_check(
            &acting(&p.reviewer, on(3, 9)),
            false,
            "现场核查：经营场所与承诺不符",
        )
    });
    assert_eq!(story.case.post_check.as_ref().unwrap().outcome, Some(false));
    assert_eq!(
        story.events.last().unwrap().change.flags(&settings()),
        vec![Flag::PledgeFalse],
        "a false pledge is a red card for supervision to follow up"
    );
    assert!(!watched(&story.case));
    let again = story.act(|c| c.complete_post_check(&acting(&p.reviewer, on(3, 10)), true, "复查"));
    assert!(matches!(again, Err(CaseError::OutOfOrder { .. })));
    assert_eq!(Case::replay(&story.events).unwrap(), story.case);
}

#[test]
fn a_pledge_stored_before_the_post_check_replays_through_the_stages() {
    // Events written before the check's date was kept say only {"kind": "on_pledge"}.
    let p = people();
    let guide = Guide {
        pledge_allowed: true,
        ..licence(Process::standard(5))
    };
    let story = Story::submit(
        &guide,
        submission(Channel::Online, complete_materials()),
        &p.citizen,
        on(3, 2),
    );
    let mut accepted: serde_json::Value = serde_json::to_value(
        story
            .case
            .accept(
                &acting(&p.window, on(3, 2)),
                "N1",
                Acceptance::OnPledge {
                    post_check_by: Some(on(3, 30)),
                },
            )
            .unwrap(),
    )
    .unwrap();
    accepted["change"]["acceptance"] = serde_json::json!({"kind": "on_pledge"});
    let old: CaseEvent = serde_json::from_value(accepted).unwrap();
    let case = Case::replay([&story.events[0], &old]).unwrap();
    assert_eq!(case.phase, Phase::InProgress);
    assert_eq!(case.post_check, None);
}
