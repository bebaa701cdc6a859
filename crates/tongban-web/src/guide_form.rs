//! The guide editor's form: every element of a guide as flat form fields
//! (`materials.2.name`, `process.0.limit_days`…) and back. Repeated groups get blank rows to
//! fill in; rows left blank are dropped. Numbers that do not parse are errors naming the
//! field; nothing else is checked here (the linter does that when the draft is proposed).

use std::collections::BTreeMap;

use tongban_domain::FieldError;
use tongban_domain::access::Role;
use tongban_domain::case::{Process, Stage, StepAction, StepDefinition, StepDepartment};
use tongban_domain::guide::attachment::is_attachment_id;
use tongban_domain::guide::{
    CaseKind, Faq, Fee, Guide, Material, MaterialForm, MaterialSource, OnlineDepth, ProcessStep,
    ResultInfo, ResultKind, SpecialProcedure,
};

/// Blank rows offered after the filled ones in each repeated group.
pub const BLANK_ROWS: usize = 2;

type Pairs = [(String, String)];

fn value<'a>(pairs: &'a Pairs, key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.trim())
}

fn flag(pairs: &Pairs, key: &str) -> bool {
    matches!(value(pairs, key), "on" | "true" | "1")
}

fn lines(pairs: &Pairs, key: &str) -> Vec<String> {
    value(pairs, key)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn optional(pairs: &Pairs, key: &str) -> Option<String> {
    Some(value(pairs, key).to_owned()).filter(|v| !v.is_empty())
}

/// The uploaded file behind a file-name field (`{key}_attachment`); clearing the name
/// removes the file from the guide, and anything that is not an attachment id is ignored.
fn attachment(pairs: &Pairs, key: &str) -> Option<String> {
    optional(pairs, key)?;
    Some(value(pairs, &format!("{key}_attachment")).to_owned()).filter(|v| is_attachment_id(v))
}

fn number<T: std::str::FromStr + Default>(pairs: &Pairs, key: &str) -> Result<T, FieldError> {
    match value(pairs, key) {
        "" => Ok(T::default()),
        text => text.parse().map_err(|_| {
            FieldError::new(
                key,
                format!("“{text}”不是有效的非负整数"),
                format!("\"{text}\" is not a whole number of 0 or more"),
            )
        }),
    }
}

/// The row indices present for a group (`materials.0.name` → 0), in order.
fn rows(pairs: &Pairs, group: &str) -> Vec<usize> {
    let prefix = format!("{group}.");
    let mut found: Vec<usize> = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(&prefix)?.split('.').next()?.parse().ok())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

fn row_is_blank(pairs: &Pairs, group: &str, row: usize, text_fields: &[&str]) -> bool {
    text_fields
        .iter()
        .all(|f| value(pairs, &format!("{group}.{row}.{f}")).is_empty())
}

/// Reads a submitted editor form into a guide.
pub fn guide_from_form(pairs: &Pairs) -> Result<Guide, FieldError> {
    let mut guide = Guide {
        name: value(pairs, "name").to_owned(),
        basic_code: value(pairs, "basic_code").to_owned(),
        power_source: value(pairs, "power_source").to_owned(),
        item_type: value(pairs, "item_type").to_owned(),
        case_kind: CaseKind::parse(value(pairs, "case_kind")).unwrap_or_default(),
        exercise_level: number(pairs, "exercise_level")?,
        implementing_organ: value(pairs, "implementing_organ").to_owned(),
        service_objects: lines(pairs, "service_objects"),
        intermediary_services: lines(pairs, "intermediary_services"),
        visits: number(pairs, "visits")?,
        visits_reason: optional(pairs, "visits_reason"),
        legal_limit_days: number(pairs, "legal_limit_days")?,
        committed_limit_days: number(pairs, "committed_limit_days")?,
        result: ResultInfo {
            name: value(pairs, "result.name").to_owned(),
            kind: match value(pairs, "result.kind") {
                "licence" => ResultKind::Licence,
                "approval_document" => ResultKind::ApprovalDocument,
                "certificate" => ResultKind::Certificate,
                _ => ResultKind::Other,
            },
            sample: optional(pairs, "result.sample"),
            sample_attachment: attachment(pairs, "result.sample"),
        },
        office_hours: value(pairs, "office_hours").to_owned(),
        consultation_phone: value(pairs, "consultation_phone").to_owned(),
        complaint_phone: value(pairs, "complaint_phone").to_owned(),
        locations: lines(pairs, "locations"),
        conditions: lines(pairs, "conditions"),
        legal_basis: lines(pairs, "legal_basis"),
        online: match value(pairs, "online") {
            "fully_online" => OnlineDepth::FullyOnline,
            "partly_online" => OnlineDepth::PartlyOnline,
            _ => OnlineDepth::Offline,
        },
        online_payment: flag(pairs, "online_payment"),
        pledge_allowed: flag(pairs, "pledge_allowed"),
        back_office: back_office_from_form(pairs)?,
        ..Guide::default()
    };
    for row in rows(pairs, "materials") {
        if row_is_blank(
            pairs,
            "materials",
            row,
            &[
                "name",
                "sharing_source",
                "sample",
                "blank_form",
                "basis",
                "note",
            ],
        ) {
            continue;
        }
        let key = |f: &str| format!("materials.{row}.{f}");
        guide.materials.push(Material {
            name: value(pairs, &key("name")).to_owned(),
            form: match value(pairs, &key("form")) {
                "copy" => MaterialForm::Copy,
                "original_and_copy" => MaterialForm::OriginalAndCopy,
                "electronic" => MaterialForm::Electronic,
                _ => MaterialForm::Original,
            },
            copies: number(pairs, &key("copies"))?,
            spec: value(pairs, &key("spec")).to_owned(),
            required: flag(pairs, &key("required")),
            deferrable: flag(pairs, &key("deferrable")),
            electronic_required: flag(pairs, &key("electronic_required")),
            source: match value(pairs, &key("source")) {
                "department" => MaterialSource::Department,
                "intermediary" => MaterialSource::Intermediary,
                _ => MaterialSource::Applicant,
            },
            sharing_source: optional(pairs, &key("sharing_source")),
            sample: optional(pairs, &key("sample")),
            blank_form: optional(pairs, &key("blank_form")),
            sample_attachment: attachment(pairs, &key("sample")),
            blank_form_attachment: attachment(pairs, &key("blank_form")),
            basis: optional(pairs, &key("basis")),
            note: optional(pairs, &key("note")),
        });
    }
    for row in rows(pairs, "process") {
        if row_is_blank(pairs, "process", row, &["name", "description"]) {
            continue;
        }
        let key = |f: &str| format!("process.{row}.{f}");
        guide.process.push(ProcessStep {
            name: value(pairs, &key("name")).to_owned(),
            limit_days: number(pairs, &key("limit_days"))?,
            description: value(pairs, &key("description")).to_owned(),
        });
    }
    for row in rows(pairs, "fees") {
        if row_is_blank(pairs, "fees", row, &["name", "standard", "basis"]) {
            continue;
        }
        let key = |f: &str| format!("fees.{row}.{f}");
        guide.fees.push(Fee {
            name: value(pairs, &key("name")).to_owned(),
            standard: value(pairs, &key("standard")).to_owned(),
            basis: value(pairs, &key("basis")).to_owned(),
        });
    }
    for row in rows(pairs, "special_procedures") {
        if row_is_blank(pairs, "special_procedures", row, &["name", "basis"]) {
            continue;
        }
        let key = |f: &str| format!("special_procedures.{row}.{f}");
        guide.special_procedures.push(SpecialProcedure {
            name: value(pairs, &key("name")).to_owned(),
            limit_days: number(pairs, &key("limit_days"))?,
            basis: value(pairs, &key("basis")).to_owned(),
            charged: flag(pairs, &key("charged")),
            counted_in_limit: flag(pairs, &key("counted_in_limit")),
        });
    }
    for row in rows(pairs, "faqs") {
        if row_is_blank(pairs, "faqs", row, &["question", "answer"]) {
            continue;
        }
        let key = |f: &str| format!("faqs.{row}.{f}");
        guide.faqs.push(Faq {
            question: value(pairs, &key("question")).to_owned(),
            answer: value(pairs, &key("answer")).to_owned(),
        });
    }
    Ok(guide)
}

/// The back-office process: one row per step, grouped into stages by their stage number
/// (steps with the same number run in parallel). No rows: the standard process.
fn back_office_from_form(pairs: &Pairs) -> Result<Option<Process>, FieldError> {
    let mut stages: BTreeMap<u32, Vec<StepDefinition>> = BTreeMap::new();
    for row in rows(pairs, "back_office") {
        if row_is_blank(pairs, "back_office", row, &["key", "name"]) {
            continue;
        }
        let key = |f: &str| format!("back_office.{row}.{f}");
        let role = Role::parse(value(pairs, &key("role"))).ok_or_else(|| {
            FieldError::new(key("role"), "请选择办理角色", "choose the role that acts")
        })?;
        let department = match value(pairs, &key("department")) {
            "" => StepDepartment::Owner,
            _ => StepDepartment::Department(number(pairs, &key("department"))?),
        };
        let step = StepDefinition {
            key: value(pairs, &key("key")).to_owned(),
            name: value(pairs, &key("name")).to_owned(),
            role,
            department,
            limit_days: number(pairs, &key("limit_days"))?,
            actions: StepAction::ALL
                .into_iter()
                .filter(|a| flag(pairs, &key(a.as_str())))
                .collect(),
        };
        let stage = number::<u32>(pairs, &key("stage"))?.max(1);
        stages.entry(stage).or_default().push(step);
    }
    Ok((!stages.is_empty()).then(|| Process {
        stages: stages.into_values().map(|steps| Stage { steps }).collect(),
    }))
}

fn back_office_to_pairs(process: &Process, put: &mut impl FnMut(String, String)) {
    let steps = process
        .stages
        .iter()
        .enumerate()
        .flat_map(|(s, stage)| stage.steps.iter().map(move |step| (s + 1, step)));
    for (i, (stage, step)) in steps.enumerate() {
        let key = |f: &str| format!("back_office.{i}.{f}");
        put(key("stage"), stage.to_string());
        put(key("key"), step.key.clone());
        put(key("name"), step.name.clone());
        put(key("role"), step.role.as_str().to_owned());
        let department = match step.department {
            StepDepartment::Owner => String::new(),
            StepDepartment::Department(id) => id.to_string(),
        };
        put(key("department"), department);
        put(key("limit_days"), step.limit_days.to_string());
        for action in &step.actions {
            put(key(action.as_str()), "on".to_owned());
        }
    }
}

/// A guide as the editor's fields, so one view renders both a stored guide and a
/// submission that failed (showing exactly what was typed).
pub fn guide_to_pairs(guide: &Guide) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut put = |key: String, value: String| out.push((key, value));
    let on = |b: bool| if b { "on".to_owned() } else { String::new() };
    put("name".into(), guide.name.clone());
    put("basic_code".into(), guide.basic_code.clone());
    put("power_source".into(), guide.power_source.clone());
    put("item_type".into(), guide.item_type.clone());
    put("case_kind".into(), guide.case_kind.as_str().into());
    put("exercise_level".into(), guide.exercise_level.to_string());
    put(
        "implementing_organ".into(),
        guide.implementing_organ.clone(),
    );
    put("service_objects".into(), guide.service_objects.join("\n"));
    put(
        "intermediary_services".into(),
        guide.intermediary_services.join("\n"),
    );
    put("visits".into(), guide.visits.to_string());
    put(
        "visits_reason".into(),
        guide.visits_reason.clone().unwrap_or_default(),
    );
    put(
        "legal_limit_days".into(),
        guide.legal_limit_days.to_string(),
    );
    put(
        "committed_limit_days".into(),
        guide.committed_limit_days.to_string(),
    );
    put("result.name".into(), guide.result.name.clone());
    let kind = match guide.result.kind {
        ResultKind::Licence => "licence",
        ResultKind::ApprovalDocument => "approval_document",
        ResultKind::Certificate => "certificate",
        ResultKind::Other => "other",
    };
    put("result.kind".into(), kind.into());
    put(
        "result.sample".into(),
        guide.result.sample.clone().unwrap_or_default(),
    );
    put(
        "result.sample_attachment".into(),
        guide.result.sample_attachment.clone().unwrap_or_default(),
    );
    put("office_hours".into(), guide.office_hours.clone());
    put(
        "consultation_phone".into(),
        guide.consultation_phone.clone(),
    );
    put("complaint_phone".into(), guide.complaint_phone.clone());
    put("locations".into(), guide.locations.join("\n"));
    put("conditions".into(), guide.conditions.join("\n"));
    put("legal_basis".into(), guide.legal_basis.join("\n"));
    let online = match guide.online {
        OnlineDepth::FullyOnline => "fully_online",
        OnlineDepth::PartlyOnline => "partly_online",
        OnlineDepth::Offline => "offline",
    };
    put("online".into(), online.into());
    put("online_payment".into(), on(guide.online_payment));
    put("pledge_allowed".into(), on(guide.pledge_allowed));
    if let Some(process) = &guide.back_office {
        back_office_to_pairs(process, &mut put);
    }
    for (i, m) in guide.materials.iter().enumerate() {
        let key = |f: &str| format!("materials.{i}.{f}");
        let form = match m.form {
            MaterialForm::Original => "original",
            MaterialForm::Copy => "copy",
            MaterialForm::OriginalAndCopy => "original_and_copy",
            MaterialForm::Electronic => "electronic",
        };
        let source = match m.source {
            MaterialSource::Applicant => "applicant",
            MaterialSource::Department => "department",
            MaterialSource::Intermediary => "intermediary",
        };
        for (field, v) in [
            ("name", m.name.clone()),
            ("form", form.to_owned()),
            ("copies", m.copies.to_string()),
            ("spec", m.spec.clone()),
            ("required", on(m.required)),
            ("deferrable", on(m.deferrable)),
            ("electronic_required", on(m.electronic_required)),
            ("source", source.to_owned()),
            (
                "sharing_source",
                m.sharing_source.clone().unwrap_or_default(),
            ),
            ("sample", m.sample.clone().unwrap_or_default()),
            ("blank_form", m.blank_form.clone().unwrap_or_default()),
            (
                "sample_attachment",
                m.sample_attachment.clone().unwrap_or_default(),
            ),
            (
                "blank_form_attachment",
                m.blank_form_attachment.clone().unwrap_or_default(),
            ),
            ("basis", m.basis.clone().unwrap_or_default()),
            ("note", m.note.clone().unwrap_or_default()),
        ] {
            put(key(field), v);
        }
    }
    for (i, step) in guide.process.iter().enumerate() {
        put(format!("process.{i}.name"), step.name.clone());
        put(
            format!("process.{i}.limit_days"),
            step.limit_days.to_string(),
        );
        put(format!("process.{i}.description"), step.description.clone());
    }
    for (i, fee) in guide.fees.iter().enumerate() {
        put(format!("fees.{i}.name"), fee.name.clone());
        put(format!("fees.{i}.standard"), fee.standard.clone());
        put(format!("fees.{i}.basis"), fee.basis.clone());
    }
    for (i, p) in guide.special_procedures.iter().enumerate() {
        put(format!("special_procedures.{i}.name"), p.name.clone());
        put(
            format!("special_procedures.{i}.limit_days"),
            p.limit_days.to_string(),
        );
        put(format!("special_procedures.{i}.basis"), p.basis.clone());
        put(format!("special_procedures.{i}.charged"), on(p.charged));
        put(
            format!("special_procedures.{i}.counted_in_limit"),
            on(p.counted_in_limit),
        );
    }
    for (i, faq) in guide.faqs.iter().enumerate() {
        put(format!("faqs.{i}.question"), faq.question.clone());
        put(format!("faqs.{i}.answer"), faq.answer.clone());
    }
    out
}

/// The editor's fields for a template: values by key and the rows of each group.
pub struct GuideFields {
    pairs: Vec<(String, String)>,
}

impl GuideFields {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self { pairs }
    }

    pub fn v(&self, key: &str) -> &str {
        value(&self.pairs, key)
    }

    /// A field of row `row` in `group`.
    pub fn f(&self, group: &str, row: &usize, field: &str) -> &str {
        let key = format!("{group}.{row}.{field}");
        self.pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether a field of a row holds this value (a select's chosen option).
    pub fn is(&self, group: &str, row: &usize, field: &str, value: &str) -> bool {
        self.f(group, row, field) == value
    }

    pub fn checked(&self, group: &str, row: &usize, field: &str) -> bool {
        matches!(self.f(group, row, field), "on" | "true" | "1")
    }

    /// Filled rows, then blank ones to fill in.
    pub fn rows(&self, group: &str) -> Vec<usize> {
        let filled = rows(&self.pairs, group).last().map_or(0, |last| last + 1);
        (0..filled + BLANK_ROWS).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn reads_every_group_and_drops_blank_rows() {
        let form = pairs(&[
            ("name", "食品经营许可"),
            ("case_kind", "committed"),
            ("legal_limit_days", "20"),
            ("committed_limit_days", "10"),
            ("service_objects", "企业法人\r\n\r\n个体工商户\n"),
            ("materials.0.name", "食品经营许可申请书"),
            ("materials.0.copies", "1"),
            ("materials.0.required", "on"),
            ("materials.1.name", ""),
            ("materials.1.copies", "1"),
            ("process.0.name", "受理"),
            ("process.0.limit_days", "1"),
            ("faqs.0.question", "要多久？"),
            ("faqs.0.answer", "10个工作日。"),
            ("online", "fully_online"),
        ]);
        let guide = guide_from_form(&form).unwrap();
        assert_eq!(guide.service_objects, ["企业法人", "个体工商户"]);
        assert_eq!(guide.materials.len(), 1);
        assert!(guide.materials[0].required && !guide.materials[0].deferrable);
        assert_eq!(
            (guide.process.len(), guide.faqs.len(), guide.fees.len()),
            (1, 1, 0)
        );
        assert_eq!(guide.online, OnlineDepth::FullyOnline);
        assert_eq!(
            (guide.legal_limit_days, guide.committed_limit_days),
            (20, 10)
        );
    }

    #[test]
    fn a_guide_survives_the_form() {
        let guide = guide_from_form(&pairs(&[
            ("name", "食品经营许可"),
            ("case_kind", "immediate"),
            ("visits", "1"),
            ("visits_reason", "现场核验"),
            ("result.name", "食品经营许可证"),
            ("result.kind", "licence"),
            ("result.sample", "样本.pdf"),
            ("legal_basis", "《食品安全法》\n《行政许可法》"),
            ("materials.0.name", "申请书"),
            ("materials.0.form", "copy"),
            ("materials.0.copies", "2"),
            ("materials.0.source", "department"),
            ("materials.0.sharing_source", "营业执照"),
            ("fees.0.name", "工本费"),
            ("special_procedures.0.name", "现场核查"),
            ("special_procedures.0.limit_days", "5"),
            ("online_payment", "on"),
        ]))
        .unwrap();
        assert_eq!(guide_from_form(&guide_to_pairs(&guide)).unwrap(), guide);
        let fields = GuideFields::new(guide_to_pairs(&guide));
        assert_eq!(fields.rows("materials"), vec![0, 1, 2]);
        assert_eq!(fields.f("materials", &0, "form"), "copy");
        assert!(!fields.checked("special_procedures", &0, "charged"));
    }

    #[test]
    fn a_back_office_process_is_stages_of_steps() {
        let guide = guide_from_form(&pairs(&[
            ("committed_limit_days", "15"),
            ("pledge_allowed", "on"),
            ("back_office.0.stage", "1"),
            ("back_office.0.key", "undertake"),
            ("back_office.0.name", "承办"),
            ("back_office.0.role", "department_reviewer"),
            ("back_office.0.limit_days", "4"),
            ("back_office.0.approve", "on"),
            ("back_office.0.transfer", "on"),
            ("back_office.1.stage", "2"),
            ("back_office.1.key", "culture"),
            ("back_office.1.name", "文化审核"),
            ("back_office.1.role", "department_reviewer"),
            ("back_office.1.limit_days", "6"),
            ("back_office.1.approve", "on"),
            ("back_office.2.stage", "2"),
            ("back_office.2.key", "police"),
            ("back_office.2.name", "治安审核"),
            ("back_office.2.role", "department_reviewer"),
            ("back_office.2.department", "12"),
            ("back_office.2.limit_days", "6"),
            ("back_office.2.approve", "on"),
            ("back_office.2.reject", "on"),
            ("back_office.3.stage", "2"),
        ]))
        .unwrap();
        assert!(guide.pledge_allowed);
        let process = guide.back_office.clone().expect("a process");
        let keys: Vec<Vec<&str>> = process
            .stages
            .iter()
            .map(|s| s.steps.iter().map(|step| step.key.as_str()).collect())
            .collect();
        assert_eq!(keys, [vec!["undertake"], vec!["culture", "police"]]);
        let police = &process.stages[1].steps[1];
        assert_eq!(police.department, StepDepartment::Department(12));
        assert_eq!(police.actions, [StepAction::Approve, StepAction::Reject]);
        assert_eq!(process.stages[0].steps[0].department, StepDepartment::Owner);
        assert_eq!(guide_from_form(&guide_to_pairs(&guide)).unwrap(), guide);

        let no_rows = guide_from_form(&pairs(&[("back_office.0.stage", "1")])).unwrap();
        assert_eq!(no_rows.back_office, None, "the standard process");
        let error = guide_from_form(&pairs(&[
            ("back_office.0.key", "x"),
            ("back_office.0.role", "citizen2"),
        ]))
        .unwrap_err();
        assert_eq!(error.field, "back_office.0.role");
    }

    #[test]
    fn a_bad_number_names_its_field() {
        let error = guide_from_form(&pairs(&[
            ("materials.3.name", "申请书"),
            ("materials.3.copies", "两份"),
        ]))
        .unwrap_err();
        assert_eq!(error.field, "materials.3.copies");
        let error = guide_from_form(&pairs(&[("committed_limit_days", "-1")])).unwrap_err();
        assert_eq!(error.field, "committed_limit_days");
    }
}
