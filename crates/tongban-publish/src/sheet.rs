//! 一次性告知单: the one-time notification sheet a clerk hands over the counter, telling the
//! applicant in one go everything to bring. Kept to one page where the guide allows: 12 pt
//! headings, the checklist in 9 pt, and set tighter still (line height 1.25, 11 pt headings)
//! when that saves a page.

use std::rc::Rc;

use tongban_domain::guide::{Guide, Material};

use crate::document::{QR_CAPTION, Sections, head};
use crate::font::Metrics;
use crate::labels::{DASH, material_form, non_empty, or_dash, sharing_source, working_days};
use crate::layout::{
    Align, BODY, Bookmarks, Cell, Column, Flow, Item, MARGIN_X, Page, SMALL, Table,
};
use crate::qr::QrMatrix;
use crate::render::{DocumentInfo, render};
use crate::{GuideHeader, PublishError};

pub(crate) const TITLE: &str = "一次性告知单";

/// How tightly the sheet is set: normally, and tighter when that saves a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Density {
    Normal,
    Compact,
}

impl Density {
    fn leading(self) -> f32 {
        match self {
            Density::Normal => 1.4,
            Density::Compact => 1.25,
        }
    }
    fn heading(self) -> f32 {
        match self {
            Density::Normal => 12.0,
            Density::Compact => 11.0,
        }
    }
    fn signature_row(self) -> f32 {
        match self {
            Density::Normal => 26.0,
            Density::Compact => 22.0,
        }
    }
}

pub(crate) fn build(guide: &Guide, header: &GuideHeader) -> Result<Vec<u8>, PublishError> {
    let metrics = Metrics::load()?;
    let qr = Rc::new(QrMatrix::encode(&header.qr_url)?);
    let mut laid = lay_out(guide, header, &metrics, &qr, Density::Normal);
    if laid.0.len() > 1 {
        let compact = lay_out(guide, header, &metrics, &qr, Density::Compact);
        if compact.0.len() < laid.0.len() {
            laid = compact;
        }
    }
    let (pages, outline) = laid;
    let name = or_dash(&guide.name);
    render(
        &pages,
        &metrics,
        &DocumentInfo {
            title: format!("{name} {TITLE}"),
            date: header.printed_on.clone(),
            outline,
        },
    )
}

type Laid = (Vec<Page>, Bookmarks);

fn lay_out(
    guide: &Guide,
    header: &GuideHeader,
    metrics: &Metrics,
    qr: &Rc<QrMatrix>,
    density: Density,
) -> Laid {
    let mut flow = Flow::new(metrics);
    flow.set_leading(density.leading());
    let name = or_dash(&guide.name);

    head(
        &mut flow,
        TITLE,
        None,
        &[
            format!("事项名称：{name}"),
            format!("实施部门：{}", or_dash(&header.department)),
            format!("事项编码：{}", or_dash(&header.implementation_code)),
        ],
        (Rc::clone(qr), QR_CAPTION),
    );
    flow.paragraph(
        "申请人您好！根据一次性告知制度，现将办理本事项需要提交的材料及有关事项一次性告知如下：",
        BODY,
    );

    let (to_bring, shared): (Vec<&Material>, Vec<&Material>) = guide
        .materials
        .iter()
        .partition(|m| sharing_source(m).is_none());
    let mut sections = Sections::new(density.heading());

    sections.heading(
        &mut flow,
        &format!("需要提交的材料（共{}项，请逐项核对）", to_bring.len()),
    );
    if to_bring.is_empty() {
        flow.paragraph("无需提交材料。", BODY);
    } else {
        checklist(&mut flow, &to_bring);
    }

    sections.heading(&mut flow, "无需提交的材料（由部门通过数据共享获取）");
    if shared.is_empty() {
        flow.paragraph("无。", BODY);
    } else {
        let items: Vec<String> = shared
            .iter()
            .map(|m| {
                format!(
                    "{}（共享来源：{}）",
                    or_dash(&m.name),
                    sharing_source(m).unwrap_or(DASH)
                )
            })
            .collect();
        flow.numbered(&items, BODY);
    }

    sections.heading(&mut flow, "办理时限");
    flow.paragraph(
        &format!(
            "承诺办结时限：{}；法定办结时限：{}。自受理之日起计算{}。",
            working_days(guide.committed_limit_days, "即办"),
            working_days(guide.legal_limit_days, "即办"),
            if guide.special_procedures.iter().any(|p| !p.counted_in_limit) {
                "，特别程序所需时间不计入办结时限"
            } else {
                ""
            }
        ),
        BODY,
    );

    sections.heading(&mut flow, "收费标准");
    if guide.fees.is_empty() {
        flow.paragraph("不收费。", BODY);
    } else {
        for fee in &guide.fees {
            flow.paragraph(
                &format!("{}：{}", or_dash(&fee.name), or_dash(&fee.standard)),
                BODY,
            );
        }
    }

    sections.heading(&mut flow, "办理地点和时间");
    let locations = non_empty(&guide.locations);
    flow.paragraph(
        &format!(
            "办理地点：{}",
            if locations.is_empty() {
                DASH.to_owned()
            } else {
                locations.join("；")
            }
        ),
        BODY,
    );
    flow.paragraph(&format!("办理时间：{}", or_dash(&guide.office_hours)), BODY);

    sections.heading(&mut flow, "咨询电话");
    flow.paragraph(
        &format!(
            "咨询电话：{}　　监督投诉电话：{}",
            or_dash(&guide.consultation_phone),
            or_dash(&guide.complaint_phone)
        ),
        BODY,
    );

    signatures(&mut flow, density.signature_row());

    let outline = flow.outline();
    let pages = flow.finish(
        &format!("{TITLE}·{name}"),
        &format!("打印日期：{}", header.printed_on.trim()),
    );
    (pages, outline)
}

fn checklist(flow: &mut Flow<'_>, materials: &[&Material]) {
    flow.table(&Table {
        columns: vec![
            Column::fixed(28.0).center(),
            Column::flex(),
            Column::fixed(62.0).center(),
            Column::fixed(28.0).center(),
            Column::fixed(48.0).center(),
            Column::fixed(48.0).center(),
            Column::fixed(30.0).center(),
        ],
        header: Some(vec![
            "序号".into(),
            "材料名称".into(),
            "材料形式".into(),
            "份数".into(),
            "材料规格".into(),
            "容缺受理".into(),
            "核对".into(),
        ]),
        rows: materials
            .iter()
            .enumerate()
            .map(|(index, material)| {
                let mut name = or_dash(&material.name);
                if !material.required {
                    name.push_str("（非必要，按实际情况提交）");
                }
                if material.electronic_required {
                    name.push_str("\n需同时提交电子材料");
                }
                if let Some(note) = material
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                {
                    name.push_str(&format!("\n备注：{note}"));
                }
                vec![
                    Cell::Text((index + 1).to_string()),
                    Cell::Text(name),
                    Cell::Text(material_form(material.form).into()),
                    Cell::Text(material.copies.to_string()),
                    Cell::Text(or_dash(&material.spec)),
                    Cell::Text(
                        if material.deferrable {
                            "可容缺"
                        } else {
                            "否"
                        }
                        .into(),
                    ),
                    Cell::Checkbox,
                ]
            })
            .collect(),
        size: SMALL,
    });
    flow.gap(2.0);
    flow.paragraph(
        "注：“可容缺”的材料可在受理后补齐，补齐前不影响受理。",
        SMALL,
    );
}

enum Part<'a> {
    Text(&'a str),
    /// Empty space, this wide.
    Gap(f32),
    /// An underlined blank to write on, this wide.
    Blank(f32),
}

/// The clerk's signature and date, and the applicant's receipt.
fn signatures(flow: &mut Flow<'_>, row_height: f32) {
    flow.gap(8.0);
    flow.ensure(row_height * 2.0);
    let date = |label| {
        [
            Part::Gap(22.0),
            Part::Text(label),
            Part::Blank(44.0),
            Part::Text("年"),
            Part::Blank(24.0),
            Part::Text("月"),
            Part::Blank(24.0),
            Part::Text("日"),
        ]
    };
    let label_w = flow.width("窗口工作人员（签字）：", BODY);
    let rows = [
        ("窗口工作人员（签字）：", date("告知日期：")),
        ("申请人（签收）：", date("签收日期：")),
    ];
    for (label, date) in rows {
        let top = flow.y();
        flow.text_in_box(
            label,
            (MARGIN_X, label_w),
            top,
            row_height,
            BODY,
            (false, Align::Left),
        );
        let mut x = MARGIN_X + label_w;
        let underline = top + row_height / 2.0 + BODY * 0.55;
        let parts = std::iter::once(Part::Blank(120.0)).chain(date);
        for part in parts {
            match part {
                Part::Text(text) => {
                    let w = flow.width(text, BODY);
                    flow.text_in_box(text, (x, w), top, row_height, BODY, (false, Align::Left));
                    x += w;
                }
                Part::Blank(w) => {
                    flow.push(Item::Line {
                        x1: x + 2.0,
                        y1: underline,
                        x2: x + w - 2.0,
                        y2: underline,
                        width: 0.6,
                    });
                    x += w;
                }
                Part::Gap(w) => x += w,
            }
        }
        flow.set_y(top + row_height);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide(materials: usize) -> Guide {
        Guide {
            name: "食品经营许可".into(),
            materials: (1..=materials)
                .map(|n| Material {
                    name: format!("第{n}项申请材料"),
                    ..Material::default()
                })
                .collect(),
            ..Guide::default()
        }
    }

    #[test]
    fn a_sheet_that_would_spill_is_set_tighter_to_stay_on_one_page() {
        let metrics = Metrics::load().unwrap();
        let header = GuideHeader {
            qr_url: "https://zwfw.example.gov.cn/guides/1".into(),
            ..GuideHeader::default()
        };
        let qr = Rc::new(QrMatrix::encode(&header.qr_url).unwrap());
        let pages = |n, density| lay_out(&guide(n), &header, &metrics, &qr, density).0.len();
        let saved = (1..60)
            .filter(|n| pages(*n, Density::Normal) == 2 && pages(*n, Density::Compact) == 1)
            .count();
        assert!(
            saved >= 3,
            "compact setting saves a page for only {saved} lengths"
        );
        for n in [1, 20, 59] {
            assert!(pages(n, Density::Compact) <= pages(n, Density::Normal));
        }
    }
}
