//! The full guide for print: every element of the guide under numbered headings (basic
//! information, conditions, materials, process, fees, special procedures, time limits, result,
//! where and when, phones, legal basis, FAQs), with the QR code of the online guide. Empty
//! elements print as 无 / 不收费 rather than vanish, so a reader sees they were considered.

use std::rc::Rc;

use tongban_domain::guide::{Guide, Material, MaterialSource};

use crate::document::{QR_CAPTION, Sections, head, key_values};
use crate::font::Metrics;
use crate::labels::{
    DASH, NONE, exercise_level, item_type, list, material_form, material_source, non_empty, online,
    or_dash, or_none, result_kind, sharing_source, working_days, yes_no,
};
use crate::layout::{Align, BODY, CONTENT_W, Cell, Column, Flow, HEADING, SMALL, Table};
use crate::qr::QrMatrix;
use crate::render::{DocumentInfo, render};
use crate::{GuideHeader, PublishError};

const LABEL_W: f32 = 104.0;

pub(crate) fn build(guide: &Guide, header: &GuideHeader) -> Result<Vec<u8>, PublishError> {
    let metrics = Metrics::load()?;
    let qr = Rc::new(QrMatrix::encode(&header.qr_url)?);
    let mut flow = Flow::new(&metrics);
    let name = or_dash(&guide.name);

    head(
        &mut flow,
        &name,
        Some("办事指南"),
        &[
            format!("实施编码：{}", or_dash(&header.implementation_code)),
            format!("实施部门：{}", or_dash(&header.department)),
            format!("打印日期：{}", or_dash(&header.printed_on)),
        ],
        (qr, QR_CAPTION),
    );

    let mut sections = Sections::new(HEADING);

    sections.heading(&mut flow, "基本信息");
    let visits = match guide.visits_reason.as_deref().map(str::trim) {
        Some(reason) if !reason.is_empty() => format!("{}次（{reason}）", guide.visits),
        _ => format!("{}次", guide.visits),
    };
    key_values(
        &mut flow,
        vec![
            ("事项名称", name.clone()),
            ("基本编码", or_dash(&guide.basic_code)),
            ("实施编码", or_dash(&header.implementation_code)),
            ("权力来源", or_dash(&guide.power_source)),
            ("事项类型", item_type(&guide.item_type)),
            ("办件类型", guide.case_kind.name_zh().to_owned()),
            ("行使层级", exercise_level(guide.exercise_level)),
            ("实施主体", or_dash(&guide.implementing_organ)),
            ("服务对象", list(&guide.service_objects)),
            ("中介服务", list(&guide.intermediary_services)),
            ("网办深度", online(guide.online).to_owned()),
            ("到办事现场次数", visits),
        ],
        LABEL_W,
    );

    sections.heading(&mut flow, "受理条件");
    numbered_or_none(&mut flow, &guide.conditions);

    sections.heading(&mut flow, "申请材料");
    materials(&mut flow, &guide.materials);

    sections.heading(&mut flow, "办理流程");
    if guide.process.is_empty() {
        flow.paragraph(NONE, BODY);
    } else {
        flow.table(&Table {
            columns: vec![
                Column::fixed(28.0).center(),
                Column::fixed(80.0).center(),
                Column::fixed(72.0).center(),
                Column::flex(),
            ],
            header: Some(vec![
                "序号".into(),
                "办理环节".into(),
                "环节时限".into(),
                "办理说明".into(),
            ]),
            rows: guide
                .process
                .iter()
                .enumerate()
                .map(|(index, step)| {
                    vec![
                        Cell::Text((index + 1).to_string()),
                        Cell::Text(or_dash(&step.name)),
                        Cell::Text(working_days(step.limit_days, "即时")),
                        Cell::Text(or_dash(&step.description)),
                    ]
                })
                .collect(),
            size: BODY,
        });
    }

    sections.heading(&mut flow, "收费标准");
    if guide.fees.is_empty() {
        flow.paragraph("不收费。", BODY);
    } else {
        flow.table(&Table {
            columns: vec![Column::fixed(110.0), Column::fixed(120.0), Column::flex()],
            header: Some(vec![
                "收费项目".into(),
                "收费标准".into(),
                "收费依据".into(),
            ]),
            rows: guide
                .fees
                .iter()
                .map(|fee| {
                    vec![
                        Cell::Text(or_dash(&fee.name)),
                        Cell::Text(or_dash(&fee.standard)),
                        Cell::Text(or_dash(&fee.basis)),
                    ]
                })
                .collect(),
            size: BODY,
        });
        flow.gap(2.0);
        flow.paragraph(
            if guide.online_payment {
                "支持网上缴费。"
            } else {
                "不支持网上缴费。"
            },
            BODY,
        );
    }

    sections.heading(&mut flow, "特别程序");
    if guide.special_procedures.is_empty() {
        flow.paragraph(NONE, BODY);
    } else {
        flow.table(&Table {
            columns: vec![
                Column::fixed(84.0),
                Column::fixed(72.0).center(),
                Column::flex(),
                Column::fixed(52.0).center(),
                Column::fixed(64.0).center(),
            ],
            header: Some(vec![
                "程序名称".into(),
                "所需时限".into(),
                "法定依据".into(),
                "是否收费".into(),
                "计入办结时限".into(),
            ]),
            rows: guide
                .special_procedures
                .iter()
                .map(|procedure| {
                    vec![
                        Cell::Text(or_dash(&procedure.name)),
                        Cell::Text(working_days(procedure.limit_days, DASH)),
                        Cell::Text(or_dash(&procedure.basis)),
                        Cell::Text(yes_no(procedure.charged).into()),
                        Cell::Text(yes_no(procedure.counted_in_limit).into()),
                    ]
                })
                .collect(),
            size: BODY,
        });
    }

    sections.heading(&mut flow, "办结时限");
    let mut limits = vec![
        ("法定办结时限", working_days(guide.legal_limit_days, "即办")),
        (
            "承诺办结时限",
            working_days(guide.committed_limit_days, "即办"),
        ),
    ];
    if guide.special_procedures.iter().any(|p| !p.counted_in_limit) {
        limits.push(("说明", "特别程序所需时间不计入办结时限。".to_owned()));
    }
    key_values(&mut flow, limits, LABEL_W);

    sections.heading(&mut flow, "办理结果");
    key_values(
        &mut flow,
        vec![
            ("结果名称", or_dash(&guide.result.name)),
            ("结果类型", result_kind(guide.result.kind).to_owned()),
            (
                "结果样本",
                or_none(guide.result.sample.as_deref().unwrap_or_default()),
            ),
        ],
        LABEL_W,
    );

    sections.heading(&mut flow, "办理地点和时间");
    let locations = non_empty(&guide.locations);
    let locations = match locations.len() {
        0 => DASH.to_owned(),
        1 => locations[0].clone(),
        _ => locations
            .iter()
            .enumerate()
            .map(|(index, l)| format!("{}. {l}", index + 1))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    key_values(
        &mut flow,
        vec![
            ("办理地点", locations),
            ("办理时间", or_dash(&guide.office_hours)),
        ],
        LABEL_W,
    );

    sections.heading(&mut flow, "咨询和监督投诉");
    key_values(
        &mut flow,
        vec![
            ("咨询电话", or_dash(&guide.consultation_phone)),
            ("监督投诉电话", or_dash(&guide.complaint_phone)),
        ],
        LABEL_W,
    );

    sections.heading(&mut flow, "设定依据");
    numbered_or_none(&mut flow, &guide.legal_basis);

    sections.heading(&mut flow, "常见问题");
    if guide.faqs.is_empty() {
        flow.paragraph(NONE, BODY);
    }
    for (index, faq) in guide.faqs.iter().enumerate() {
        if index > 0 {
            flow.gap(3.0);
        }
        // A question is kept with the first lines of its answer.
        flow.ensure(BODY * 1.5 * 3.0);
        flow.paragraph_at(
            &format!("问{}：{}", index + 1, or_dash(&faq.question)),
            (0.0, CONTENT_W),
            BODY,
            (true, Align::Left),
        );
        flow.paragraph(&format!("答：{}", or_dash(&faq.answer)), BODY);
    }

    let outline = flow.outline();
    let pages = flow.finish(
        &format!("办事指南·{name}"),
        &format!("打印日期：{}", header.printed_on.trim()),
    );
    render(
        &pages,
        &metrics,
        &DocumentInfo {
            title: format!("{name} 办事指南"),
            date: header.printed_on.clone(),
            outline,
        },
    )
}

fn numbered_or_none(flow: &mut Flow<'_>, items: &[String]) {
    let items = non_empty(items);
    if items.is_empty() {
        flow.paragraph(NONE, BODY);
    } else {
        flow.numbered(&items, BODY);
    }
}

/// The name cell: the name, then whatever else the applicant should know about it.
fn material_name(material: &Material) -> String {
    let mut text = or_dash(&material.name);
    if material.source != MaterialSource::Applicant {
        text.push_str(&format!("\n来源：{}", material_source(material.source)));
    }
    if material.electronic_required {
        text.push_str("\n需同时提交电子材料");
    }
    let extras = [
        ("示范文本", &material.sample),
        ("空白表格", &material.blank_form),
        ("依据", &material.basis),
        ("备注", &material.note),
    ];
    for (label, value) in extras {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            text.push_str(&format!("\n{label}：{value}"));
        }
    }
    text
}

fn materials(flow: &mut Flow<'_>, materials: &[Material]) {
    if materials.is_empty() {
        flow.paragraph("无需提交材料。", BODY);
        return;
    }
    flow.table(&Table {
        columns: vec![
            Column::fixed(28.0).center(),
            Column::flex(),
            Column::fixed(62.0).center(),
            Column::fixed(28.0).center(),
            Column::fixed(44.0).center(),
            Column::fixed(36.0).center(),
            Column::fixed(32.0).center(),
            Column::fixed(90.0),
        ],
        header: Some(vec![
            "序号".into(),
            "材料名称".into(),
            "材料形式".into(),
            "份数".into(),
            "材料规格".into(),
            "必要性".into(),
            "容缺".into(),
            "免提交（共享来源）".into(),
        ]),
        rows: materials
            .iter()
            .enumerate()
            .map(|(index, material)| {
                let shared = sharing_source(material)
                    .map_or_else(|| DASH.to_owned(), |s| format!("免提交：{s}"));
                vec![
                    Cell::Text((index + 1).to_string()),
                    Cell::Text(material_name(material)),
                    Cell::Text(material_form(material.form).into()),
                    Cell::Text(material.copies.to_string()),
                    Cell::Text(or_dash(&material.spec)),
                    Cell::Text(
                        if material.required {
                            "必要"
                        } else {
                            "非必要"
                        }
                        .into(),
                    ),
                    Cell::Text(yes_no(material.deferrable).into()),
                    Cell::Text(shared),
                ]
            })
            .collect(),
        size: SMALL,
    });
    flow.gap(2.0);
    flow.paragraph(
        "注：“容缺”为“是”的材料可在受理后补齐；列明共享来源的材料由部门通过数据共享获取，\
         申请人无需提交。",
        SMALL,
    );
}
