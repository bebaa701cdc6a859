//! Browsing the catalog, an item with its guide, and an item's version history.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_domain::access::Role;
use tongban_domain::catalog::{ImplementationStatus, diff_snapshots};
use tongban_domain::codes::{ExerciseLevel, ItemCode, ItemType};
use tongban_domain::guide::{CaseKind, Guide, MaterialForm, OnlineDepth};
use tongban_store::catalog::{self, ImplementationFilter, Page};

use super::fields::field_label;
use super::{Choice, Chrome, display_time, render};
use crate::auth::{Viewer, urlencode};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::state::AppState;

const PAGE_SIZE: i64 = 20;

pub fn item_type_label(lang: Lang, code: &str) -> String {
    match ItemType::from_code(code) {
        Ok(t) => lang.pick(t.name_zh(), t.name_en()).to_owned(),
        Err(_) => code.to_owned(),
    }
}

pub fn level_label(lang: Lang, digit: u8) -> String {
    ExerciseLevel::from_digit(digit).map_or_else(
        || digit.to_string(),
        |l| lang.pick(l.name_zh(), l.name_en()).to_owned(),
    )
}

pub fn status_label(lang: Lang, status: ImplementationStatus) -> String {
    lang.pick(status.name_zh(), status.as_str()).to_owned()
}

pub fn case_kind_label(lang: Lang, kind: CaseKind) -> String {
    lang.pick(kind.name_zh(), kind.name_en()).to_owned()
}

#[derive(Deserialize, Default)]
pub struct BrowseQuery {
    q: Option<String>,
    department: Option<String>,
    item_type: Option<String>,
    level: Option<String>,
    region: Option<String>,
    status: Option<String>,
    page: Option<i64>,
}

impl BrowseQuery {
    fn link(&self, page: i64) -> String {
        let mut pairs = vec![];
        for (key, value) in [
            ("q", &self.q),
            ("department", &self.department),
            ("item_type", &self.item_type),
            ("level", &self.level),
            ("region", &self.region),
            ("status", &self.status),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                pairs.push(format!("{key}={}", urlencode(v)));
            }
        }
        pairs.push(format!("page={page}"));
        format!("/catalog?{}", pairs.join("&"))
    }
}

struct ItemRow {
    code_path: String,
    name: String,
    department: String,
    item_type: String,
    level: String,
    case_kind: String,
    status: String,
    status_key: &'static str,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    chrome: Chrome,
    q: String,
    department_options: Vec<Choice>,
    type_options: Vec<Choice>,
    level_options: Vec<Choice>,
    region_options: Vec<Choice>,
    status_options: Vec<Choice>,
    total: i64,
    items: Vec<ItemRow>,
    prev_link: Option<String>,
    next_link: Option<String>,
    page_label: String,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub async fn browse(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<BrowseQuery>,
) -> Response {
    let lang = viewer.prefs.lang;
    let status = match non_empty(&query.status) {
        Some("all") => None,
        Some(text) => ImplementationStatus::parse(text).or(Some(ImplementationStatus::Published)),
        None => Some(ImplementationStatus::Published),
    };
    let filter = ImplementationFilter {
        basic_code: None,
        department_id: non_empty(&query.department).and_then(|d| d.parse().ok()),
        item_type: non_empty(&query.item_type)
            .and_then(|t| ItemType::from_code(t).ok())
            .map(|t| t.code()),
        exercise_level: non_empty(&query.level).and_then(|l| l.parse().ok()),
        region_code: non_empty(&query.region).map(str::to_owned),
        status,
        name_contains: non_empty(&query.q).map(str::to_owned),
    };
    let page_number = query.page.unwrap_or(1).max(1);
    let page = Page {
        limit: PAGE_SIZE,
        offset: (page_number - 1) * PAGE_SIZE,
    };
    let store = &state.store;
    let (listing, departments, regions, facets) = match tokio::try_join!(
        catalog::list_implementations(store, &filter, page),
        catalog::departments(store),
        catalog::regions(store),
        catalog::facets(store),
    ) {
        Ok(all) => all,
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let (items, total) = listing;
    let selected = |value: &Option<String>, key: &str| non_empty(value) == Some(key);
    let choice = |key: String, label: String, chosen: bool| Choice {
        key,
        label,
        count: 0,
        selected: chosen,
    };
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let status_key = status.map_or("all", ImplementationStatus::as_str);
    let view = CatalogPage {
        chrome: Chrome::new(
            &viewer,
            lang.texts().catalog_title,
            &query.link(page_number),
        ),
        q: non_empty(&query.q).unwrap_or_default().to_owned(),
        department_options: departments
            .iter()
            .filter(|d| facets.by_department.iter().any(|(id, _, _)| *id == d.id))
            .map(|d| {
                choice(
                    d.id.to_string(),
                    d.name.clone(),
                    selected(&query.department, &d.id.to_string()),
                )
            })
            .collect(),
        type_options: facets
            .by_type
            .iter()
            .map(|(t, _)| {
                choice(
                    t.clone(),
                    item_type_label(lang, t),
                    filter.item_type.as_deref() == Some(t),
                )
            })
            .collect(),
        level_options: ExerciseLevel::ALL
            .iter()
            .map(|l| {
                let key = l.digit().to_string();
                choice(
                    key.clone(),
                    lang.pick(l.name_zh(), l.name_en()).to_owned(),
                    selected(&query.level, &key),
                )
            })
            .collect(),
        region_options: regions
            .iter()
            .map(|r| {
                choice(
                    r.code.clone(),
                    r.name.clone(),
                    selected(&query.region, &r.code),
                )
            })
            .collect(),
        status_options: ImplementationStatus::ALL
            .iter()
            .map(|s| {
                choice(
                    s.as_str().to_owned(),
                    status_label(lang, *s),
                    status_key == s.as_str(),
                )
            })
            .chain(std::iter::once(choice(
                "all".into(),
                lang.texts().filter_all.to_owned(),
                status_key == "all",
            )))
            .collect(),
        total,
        items: items
            .iter()
            .map(|i| ItemRow {
                code_path: urlencode(&i.code),
                name: i.name.clone(),
                department: i.department_name.clone(),
                item_type: item_type_label(lang, &i.item_type),
                level: level_label(lang, i.exercise_level),
                case_kind: case_kind_label(lang, i.case_kind),
                status: status_label(lang, i.status),
                status_key: i.status.as_str(),
            })
            .collect(),
        prev_link: (page_number > 1).then(|| query.link(page_number - 1)),
        next_link: (page_number < pages).then(|| query.link(page_number + 1)),
        page_label: match lang {
            Lang::Zh => format!("第 {page_number} / {} 页", pages.max(1)),
            Lang::En => format!("Page {page_number} of {}", pages.max(1)),
        },
    };
    render(&view)
}

struct ItemView {
    code: String,
    code_path: String,
    standard_code: bool,
    basic_code: String,
    name: String,
    department: String,
    item_type: String,
    level: String,
    case_kind: String,
    power_source: String,
    status: String,
    status_key: &'static str,
    version: i64,
}

pub struct MaterialView {
    pub name: String,
    pub form: String,
    pub copies: u32,
    pub spec: String,
    pub required: String,
    pub deferrable: bool,
    pub shared_from: Option<String>,
    pub blank_form: Option<FileView>,
    pub sample: Option<FileView>,
}

/// A named file of a guide; a link where the file itself was uploaded.
pub struct FileView {
    pub name: String,
    pub href: Option<String>,
}

fn file_view(name: &Option<String>, attachment: &Option<String>) -> Option<FileView> {
    Some(FileView {
        name: name.clone()?,
        href: attachment
            .as_ref()
            .map(|sha256| format!("/attachments/{sha256}")),
    })
}

pub struct StepView {
    pub name: String,
    pub limit: String,
    pub description: String,
}

pub struct GuideView {
    pub implementing_organ: String,
    pub service_objects: String,
    pub legal_limit: String,
    pub committed_limit: String,
    pub visits: u8,
    pub visits_reason: Option<String>,
    pub online: String,
    pub fees: Vec<String>,
    pub intermediary: String,
    pub result: String,
    pub result_sample: Option<FileView>,
    pub office_hours: String,
    pub locations: Vec<String>,
    pub consultation_phone: String,
    pub complaint_phone: String,
    pub conditions: Vec<String>,
    pub materials: Vec<MaterialView>,
    pub process: Vec<StepView>,
    pub special_procedures: Vec<String>,
    pub legal_basis: Vec<String>,
    pub faqs: Vec<tongban_domain::guide::Faq>,
}

fn days(lang: Lang, n: u32) -> String {
    let t = lang.texts();
    if n == 0 {
        t.immediate.to_owned()
    } else {
        format!("{n} {}", t.working_days)
    }
}

pub fn guide_view(lang: Lang, guide: &Guide) -> GuideView {
    let t = lang.texts();
    GuideView {
        implementing_organ: guide.implementing_organ.clone(),
        service_objects: guide.service_objects.join("、"),
        legal_limit: days(lang, guide.legal_limit_days),
        committed_limit: days(lang, guide.committed_limit_days),
        visits: guide.visits,
        visits_reason: guide.visits_reason.clone().filter(|r| !r.is_empty()),
        online: match guide.online {
            OnlineDepth::FullyOnline => lang.pick("全程网办", "fully online"),
            OnlineDepth::PartlyOnline => {
                lang.pick("网上申请、现场核验", "apply online, visit once")
            }
            OnlineDepth::Offline => lang.pick("窗口办理", "at a window"),
        }
        .to_owned(),
        fees: guide
            .fees
            .iter()
            .map(|f| format!("{}：{}（{}）", f.name, f.standard, f.basis))
            .collect(),
        intermediary: guide.intermediary_services.join("、"),
        result: guide.result.name.clone(),
        result_sample: file_view(&guide.result.sample, &guide.result.sample_attachment),
        office_hours: guide.office_hours.clone(),
        locations: guide.locations.clone(),
        consultation_phone: guide.consultation_phone.clone(),
        complaint_phone: guide.complaint_phone.clone(),
        conditions: guide.conditions.clone(),
        materials: guide
            .materials
            .iter()
            .map(|m| MaterialView {
                name: m.name.clone(),
                form: material_form_name(m.form, lang).to_owned(),
                copies: m.copies,
                spec: m.spec.clone(),
                required: if m.required {
                    t.required_yes
                } else {
                    t.required_no
                }
                .to_owned(),
                deferrable: m.deferrable,
                shared_from: m.sharing_source.clone(),
                blank_form: file_view(&m.blank_form, &m.blank_form_attachment),
                sample: file_view(&m.sample, &m.sample_attachment),
            })
            .collect(),
        process: guide
            .process
            .iter()
            .map(|s| StepView {
                name: s.name.clone(),
                limit: days(lang, s.limit_days),
                description: s.description.clone(),
            })
            .collect(),
        special_procedures: guide
            .special_procedures
            .iter()
            .map(|s| {
                let counted = if s.counted_in_limit {
                    t.counted_in_limit
                } else {
                    t.not_counted_in_limit
                };
                format!(
                    "{}：{}，{}（{}）",
                    s.name,
                    days(lang, s.limit_days),
                    counted,
                    s.basis
                )
            })
            .collect(),
        legal_basis: guide.legal_basis.clone(),
        faqs: guide.faqs.clone(),
    }
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    chrome: Chrome,
    can_edit: bool,
    /// published with a guide, and the viewer applies online (or may sign in to)
    can_apply: bool,
    item: ItemView,
    guide: Option<GuideView>,
}

pub async fn item(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    let lang = viewer.prefs.lang;
    let version = match catalog::current(&state.store, &code).await {
        Ok(Some(version)) => version,
        Ok(None) => return PageError::not_found(viewer.prefs).into_response(),
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let s = &version.snapshot;
    let department = match catalog::department(&state.store, s.department_id).await {
        Ok(d) => d.map(|d| d.name).unwrap_or_default(),
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let item = ItemView {
        code: s.code.clone(),
        code_path: urlencode(&s.code),
        standard_code: ItemCode::parse(&s.code).is_ok_and(|c| c.is_standard()),
        basic_code: s.basic_code.clone(),
        name: s.name.clone(),
        department,
        item_type: item_type_label(lang, &s.item_type),
        level: level_label(lang, s.exercise_level),
        case_kind: case_kind_label(lang, s.case_kind),
        power_source: s.power_source.clone(),
        status: status_label(lang, s.status),
        status_key: s.status.as_str(),
        version: version.version,
    };
    let can_edit = viewer
        .actor
        .as_ref()
        .and_then(|a| a.department_staff())
        .is_some_and(|staff| staff.department_id == s.department_id);
    let can_apply = s.status == ImplementationStatus::Published
        && s.guide.is_some()
        && viewer
            .actor
            .as_ref()
            .is_none_or(|a| a.has(Role::Citizen) || a.has(Role::Enterprise));
    let page = ItemPage {
        can_edit,
        can_apply,
        chrome: Chrome::new(
            &viewer,
            &s.name,
            &format!("/catalog/items/{}", urlencode(&s.code)),
        ),
        guide: s.guide.as_ref().map(|g| guide_view(lang, g)),
        item,
    };
    render(&page)
}

pub struct ChangeRow {
    pub field: String,
    pub before: String,
    pub after: String,
}

struct VersionView {
    version: i64,
    published_at: String,
    note: Option<String>,
    changes: Vec<ChangeRow>,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    chrome: Chrome,
    code_path: String,
    name: String,
    versions: Vec<VersionView>,
}

pub async fn history(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Response {
    let lang = viewer.prefs.lang;
    let versions = match catalog::versions(&state.store, &code).await {
        Ok(v) if !v.is_empty() => v,
        Ok(_) => return PageError::not_found(viewer.prefs).into_response(),
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    let name = versions
        .last()
        .map(|v| v.snapshot.name.clone())
        .unwrap_or_default();
    let mut views: Vec<VersionView> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionView {
            version: v.version,
            published_at: display_time(v.published_at),
            note: v.change_request_id.map(|id| format!("#{id}")),
            changes: diff_snapshots(i.checked_sub(1).map(|p| &versions[p].snapshot), &v.snapshot)
                .into_iter()
                .map(|c| ChangeRow {
                    field: field_label(lang, &c.field),
                    before: c.before,
                    after: c.after,
                })
                .collect(),
        })
        .collect();
    views.reverse();
    let path = format!("/catalog/items/{}/history", urlencode(&code));
    let page = HistoryPage {
        chrome: Chrome::new(&viewer, viewer.prefs.lang.texts().history, &path),
        code_path: urlencode(&code),
        name,
        versions: views,
    };
    render(&page)
}

/// How a material is handed in (原件, 复印件…), as the guide page and the case page name it.
pub(super) fn material_form_name(form: MaterialForm, lang: Lang) -> &'static str {
    match form {
        MaterialForm::Original => lang.pick("原件", "original"),
        MaterialForm::Copy => lang.pick("复印件", "copy"),
        MaterialForm::OriginalAndCopy => lang.pick("原件和复印件", "original and copy"),
        MaterialForm::Electronic => lang.pick("电子材料", "electronic"),
    }
}
