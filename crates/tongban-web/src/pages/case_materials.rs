//! A case's materials beside its guide (材料与指南对照): for each material the guide the
//! case was applied under asks for, what the guide requires (form, copies, specification,
//! required or not) next to what was handed in, so a reviewer checks one against the other
//! without opening the guide; then anything handed in that the guide does not list
//! (a correction's extra document).

use tongban_domain::case::{MaterialEntry, Provided};
use tongban_domain::guide::Guide;

use super::catalog::material_form_name;
use crate::i18n::Lang;

/// One handed-in material: how it came, and a link when it is an uploaded file.
pub struct HandedIn {
    pub how: String,
    pub link: Option<String>,
}

/// A row of the comparison.
pub struct MaterialRow {
    pub name: String,
    /// what the guide asks for; none for a material beyond the guide
    pub asked: Option<String>,
    /// the guide requires it (a required material missing is marked)
    pub required: bool,
    pub handed_in: Vec<HandedIn>,
}

fn handed_in(case_id: i64, entry: &MaterialEntry, lang: Lang) -> HandedIn {
    let t = lang.texts();
    match &entry.provided {
        Provided::File { sha256 } => HandedIn {
            how: lang.pick("上传文件", "uploaded file").to_owned(),
            link: Some(format!("/api/v1/cases/{case_id}/files/{sha256}")),
        },
        Provided::Sharing { provider } => HandedIn {
            how: format!("{}（{provider}）", t.material_sharing),
            link: None,
        },
        Provided::Paper => HandedIn {
            how: t.material_paper.to_owned(),
            link: None,
        },
    }
}

/// The guide's materials, each with what was handed in for it, then the others handed in.
pub fn compare(
    case_id: i64,
    guide: Option<&Guide>,
    entries: &[MaterialEntry],
    lang: Lang,
) -> Vec<MaterialRow> {
    let t = lang.texts();
    let listed = guide.map(|g| g.materials.as_slice()).unwrap_or_default();
    let mut rows: Vec<MaterialRow> = listed
        .iter()
        .map(|m| {
            let mut asked = vec![
                material_form_name(m.form, lang).to_owned(),
                match lang {
                    Lang::Zh => format!("{}份", m.copies),
                    Lang::En => format!("copies: {}", m.copies),
                },
            ];
            if !m.spec.is_empty() {
                asked.push(m.spec.clone());
            }
            asked.push(
                if m.required {
                    t.required_yes
                } else {
                    t.required_no
                }
                .to_owned(),
            );
            if m.deferrable {
                asked.push(t.deferrable.to_owned());
            }
            if let Some(source) = &m.sharing_source {
                asked.push(format!("{}（{source}）", t.shared_source));
            }
            MaterialRow {
                name: m.name.clone(),
                asked: Some(asked.join(" · ")),
                required: m.required && m.sharing_source.is_none(),
                handed_in: entries
                    .iter()
                    .filter(|e| e.name == m.name)
                    .map(|e| handed_in(case_id, e, lang))
                    .collect(),
            }
        })
        .collect();
    for entry in entries {
        if listed.iter().any(|m| m.name == entry.name) {
            continue;
        }
        match rows
            .iter_mut()
            .find(|r| r.asked.is_none() && r.name == entry.name)
        {
            Some(row) => row.handed_in.push(handed_in(case_id, entry, lang)),
            None => rows.push(MaterialRow {
                name: entry.name.clone(),
                asked: None,
                required: false,
                handed_in: vec![handed_in(case_id, entry, lang)],
            }),
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_domain::guide::Material;

    fn guide() -> Guide {
        Guide {
            materials: vec![
                Material {
                    name: "申请书".to_owned(),
                    ..Material::default()
                },
                Material {
                    name: "营业执照".to_owned(),
                    sharing_source: Some("市场主体登记".to_owned()),
                    ..Material::default()
                },
                Material {
                    name: "场所平面图".to_owned(),
                    required: false,
                    ..Material::default()
                },
            ],
            ..Guide::default()
        }
    }

    fn file(name: &str, sha: &str) -> MaterialEntry {
        MaterialEntry {
            name: name.to_owned(),
            provided: Provided::File {
                sha256: sha.to_owned(),
            },
        }
    }

    #[test]
    fn each_guide_material_sits_beside_what_was_handed_in() {
        let entries = [
            file("申请书", "aa"),
            file("补充说明", "bb"),
            file("申请书", "cc"),
        ];
        let rows = compare(7, Some(&guide()), &entries, Lang::Zh);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["申请书", "营业执照", "场所平面图", "补充说明"]);
        assert_eq!(rows[0].asked.as_deref(), Some("原件 · 1份 · A4纸 · 必须"));
        assert_eq!(
            rows[0].handed_in.len(),
            2,
            "a corrected file stands beside the first"
        );
        assert_eq!(
            rows[0].handed_in[1].link.as_deref(),
            Some("/api/v1/cases/7/files/cc")
        );
        assert!(!rows[1].required, "a shared material is never missing");
        assert!(rows[1].asked.as_deref().unwrap().contains("市场主体登记"));
        assert!(rows[2].handed_in.is_empty() && !rows[2].required);
        assert_eq!(rows[3].asked, None, "beyond the guide");
    }

    #[test]
    fn without_a_guide_the_handed_in_materials_are_listed() {
        let rows = compare(1, None, &[file("申请书", "aa")], Lang::En);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].handed_in[0].how, "uploaded file");
    }
}
