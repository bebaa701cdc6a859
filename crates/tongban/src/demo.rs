//! The demo city (云溪市): regions, departments, published implementations with full guides,
//! demo accounts, and a little change history, loaded into an empty database through the
//! same store operations the API uses.

use serde::Deserialize;
use tongban_domain::access::{Actor, Role};
use tongban_domain::bundle::{BundleDefinition, BundleMember};
use tongban_domain::case::{Process, Stage, StepAction, StepDefinition, StepDepartment};
use tongban_domain::catalog::{
    ChangeDecision, ChangeKind, ImplementationSnapshot, ImplementationStatus, RegionLevel,
};
use tongban_domain::clock::Clock;
use tongban_domain::guide::Guide;
use tongban_store::accounts::{self, AccountKind, NewAccount};
use tongban_store::audit::{self, AuditEntry};
use tongban_store::catalog::{self, NewDepartment, Proposal, Region};
use tongban_store::guides::{self, ReferenceEntry, ReferenceList};
use tongban_store::{Store, bundles};

const CITY: &str = include_str!("../demo/city.json");
pub const DEMO_PASSWORD: &str = "demo12345";
/// Where a demo account works.
#[derive(Clone, Copy)]
enum Post {
    Nowhere,
    /// the demo department (市场监管局)
    Department,
    /// the township hall (松溪镇便民服务中心)
    Hall,
}

/// The demo accounts, one or more per role: username, name, kind, post, roles.
const DEMO_ACCOUNTS: [(&str, &str, AccountKind, Post, &[Role]); 12] = [
    (
        "admin",
        "系统管理员",
        AccountKind::Staff,
        Post::Nowhere,
        &[Role::Admin],
    ),
    (
        "reform",
        "审改办 王审核",
        AccountKind::Staff,
        Post::Nowhere,
        &[Role::ReformOffice],
    ),
    (
        "clerk",
        "综合窗口 李受理",
        AccountKind::Staff,
        Post::Nowhere,
        &[Role::WindowClerk],
    ),
    (
        "songxi",
        "松溪镇便民服务中心 周窗口",
        AccountKind::Staff,
        Post::Hall,
        &[Role::WindowClerk],
    ),
    (
        "hall",
        "松溪镇便民服务中心 吴主任",
        AccountKind::Staff,
        Post::Hall,
        &[Role::HallManager],
    ),
    (
        "reviewer",
        "市场监管局 张审核",
        AccountKind::Staff,
        Post::Department,
        &[Role::DepartmentReviewer],
    ),
    (
        "approver",
        "市场监管局 陈审批",
        AccountKind::Staff,
        Post::Department,
        &[Role::DepartmentApprover],
    ),
    (
        "head",
        "市场监管局 孙局长",
        AccountKind::Staff,
        Post::Department,
        &[Role::DepartmentHead],
    ),
    (
        "supervisor",
        "电子监察 赵监察",
        AccountKind::Staff,
        Post::Nowhere,
        &[Role::Supervisor],
    ),
    (
        "hotline",
        "12345热线 钱坐席",
        AccountKind::Staff,
        Post::Nowhere,
        &[Role::HotlineAgent],
    ),
    (
        "citizen",
        "刘市民",
        AccountKind::Citizen,
        Post::Nowhere,
        &[Role::Citizen],
    ),
    (
        "enterprise",
        "云溪市青禾餐饮有限公司",
        AccountKind::Enterprise,
        Post::Nowhere,
        &[Role::Enterprise],
    ),
];

/// The demo accounts' usernames, in the order above.
pub fn demo_usernames() -> impl Iterator<Item = &'static str> {
    DEMO_ACCOUNTS.iter().map(|(username, ..)| *username)
}
/// The department whose staff are the demo reviewer and approver.
const DEMO_DEPARTMENT_KEY: &str = "yx-market";
/// The township hall whose window the demo's `songxi` clerk works at.
const DEMO_HALL_KEY: &str = "sx-songxi";

#[derive(Debug, Deserialize)]
pub struct City {
    pub city: CityInfo,
    pub regions: Vec<RegionData>,
    pub departments: Vec<DepartmentData>,
    pub implementations: Vec<ImplementationData>,
    /// reference lists (retained proofs, intermediaries, fees, sharing sources) for the guide checks
    #[serde(default)]
    pub reference_lists: serde_json::Value,
    /// bundles (一件事) the reform office publishes, members named by department and item
    #[serde(default)]
    pub bundles: Vec<DemoBundle>,
    /// what the public asked, complained about or suggested, waiting for an answer
    #[serde(default)]
    pub work_orders: Vec<DemoWorkOrder>,
}

#[derive(Debug, Deserialize)]
pub struct DemoWorkOrder {
    pub kind: String,
    /// the department's key
    pub department: String,
    /// an item of that department it is about, by name
    pub item: Option<String>,
    pub subject: String,
    pub text: String,
    pub contact_name: String,
    pub contact_phone: String,
}

#[derive(Debug, Deserialize)]
pub struct DemoBundle {
    pub key: String,
    pub name: String,
    /// the lead department's key
    pub lead: String,
    pub members: Vec<DemoBundleMember>,
}

#[derive(Debug, Deserialize)]
pub struct DemoBundleMember {
    pub department: String,
    pub name: String,
    /// names of the members approved before this one starts
    #[serde(default)]
    pub after: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct CityInfo {
    pub name: String,
    pub name_en: String,
    pub hall: String,
    pub hall_address: String,
    pub hotline: String,
}

#[derive(Debug, Deserialize)]
pub struct RegionData {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DepartmentData {
    pub key: String,
    pub name: String,
    pub uscc: String,
    pub region: String,
    pub phone: String,
    pub address: String,
}

#[derive(Debug, Deserialize)]
pub struct ImplementationData {
    pub department: String,
    pub status: String,
    pub guide: Guide,
    /// the guide's back-office process, stage by stage, with departments named by key (the
    /// ids they get are known only once they are created)
    #[serde(default)]
    pub back_office: Vec<Vec<DemoStep>>,
}

#[derive(Debug, Deserialize)]
pub struct DemoStep {
    pub key: String,
    pub name: String,
    pub role: Role,
    /// a department key; absent: the owning department
    pub department: Option<String>,
    pub limit_days: u32,
    pub actions: Vec<StepAction>,
}

pub fn city() -> anyhow::Result<City> {
    Ok(serde_json::from_str(CITY)?)
}

/// Loads the demo city unless the database already has a catalog.
pub async fn load_if_empty(store: &Store, clock: &dyn Clock) -> anyhow::Result<bool> {
    if !catalog::departments(store).await?.is_empty() {
        return Ok(false);
    }
    let city = city()?;
    let at = clock.now_millis();
    let mut tx = store.write().await?;
    for region in &city.regions {
        let level = RegionLevel::parse(&region.level)
            .ok_or_else(|| anyhow::anyhow!("region level {}", region.level))?;
        let data = Region {
            code: region.code.clone(),
            name: region.name.clone(),
            level,
            parent_code: region.parent.clone(),
        };
        catalog::upsert_region(&mut tx, &data).await?;
    }
    let mut department_ids = std::collections::HashMap::new();
    for d in &city.departments {
        let id = catalog::create_department(
            &mut tx,
            &NewDepartment {
                name: &d.name,
                region_code: &d.region,
                uscc: Some(&d.uscc),
                source_code: None,
                phone: &d.phone,
                address: &d.address,
            },
        )
        .await?;
        department_ids.insert(d.key.as_str(), (id, d));
    }
    let change_set = catalog::open_change_set(&mut tx, "demo", None, "demo city", at).await?;
    for implementation in &city.implementations {
        let (department_id, department) = department_ids
            .get(implementation.department.as_str())
            .ok_or_else(|| {
                anyhow::anyhow!("unknown demo department {}", implementation.department)
            })?;
        let snapshot = snapshot_of(implementation, *department_id, department, &|key| {
            department_ids.get(key).map(|(id, _)| *id)
        })?;
        snapshot
            .validate()
            .map_err(|e| anyhow::anyhow!("demo item {}: {e}", snapshot.name))?;
        catalog::publish(&mut tx, &snapshot, None, change_set, None, at).await?;
    }
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis: at,
            actor: "system",
            role: "admin",
            action: "catalog.demo_load",
            subject: &format!("change_set:{change_set}"),
            detail: &serde_json::json!({ "implementations": city.implementations.len() })
                .to_string(),
        },
    )
    .await?;
    tx.commit().await?;

    let (market_id, _) = department_ids
        .get(DEMO_DEPARTMENT_KEY)
        .ok_or_else(|| anyhow::anyhow!("the demo city needs department {DEMO_DEPARTMENT_KEY}"))?;
    // A township hall's window (便民服务中心): it takes in for the city's departments too
    // (跨区通办), and hands their results over here.
    let (hall_id, _) = department_ids
        .get(DEMO_HALL_KEY)
        .ok_or_else(|| anyhow::anyhow!("the demo city needs department {DEMO_HALL_KEY}"))?;
    for (username, name, kind, post, roles) in DEMO_ACCOUNTS {
        let department_id = match post {
            Post::Nowhere => None,
            Post::Department => Some(*market_id),
            Post::Hall => Some(*hall_id),
        };
        let account = NewAccount {
            username,
            display_name: name,
            password: DEMO_PASSWORD,
            kind,
            department_id,
            roles,
            // the demo sends no email
            email: None,
        };
        accounts::create(store, &account, at).await?;
    }
    load_reference_lists(store, &city.reference_lists, at).await?;
    load_bundles(store, &city, &department_ids, at).await?;
    add_change_history(store, *market_id, at).await?;
    tracing::info!(
        implementations = city.implementations.len(),
        "loaded the demo city"
    );
    Ok(true)
}

fn snapshot_of(
    data: &ImplementationData,
    department_id: i64,
    department: &DepartmentData,
    department_id_of: &dyn Fn(&str) -> Option<i64>,
) -> anyhow::Result<ImplementationSnapshot> {
    let mut guide = data.guide.clone();
    if !data.back_office.is_empty() {
        let mut stages = Vec::new();
        for steps in &data.back_office {
            let mut definitions = Vec::new();
            for step in steps {
                let department = match &step.department {
                    None => StepDepartment::Owner,
                    Some(key) => StepDepartment::Department(
                        department_id_of(key)
                            .ok_or_else(|| anyhow::anyhow!("unknown demo department {key}"))?,
                    ),
                };
                definitions.push(StepDefinition {
                    key: step.key.clone(),
                    name: step.name.clone(),
                    role: step.role,
                    department,
                    limit_days: step.limit_days,
                    actions: step.actions.clone(),
                });
            }
            stages.push(Stage { steps: definitions });
        }
        guide.back_office = Some(Process { stages });
    }
    let guide = &guide;
    let code = code_of(department, guide);
    Ok(ImplementationSnapshot {
        code,
        basic_code: guide.basic_code.clone(),
        name: guide.name.clone(),
        item_type: guide.item_type.clone(),
        department_id,
        region_code: department.region.clone(),
        exercise_level: guide.exercise_level,
        case_kind: guide.case_kind,
        power_source: guide.power_source.clone(),
        legal_basis: guide.legal_basis.join("\n"),
        status: ImplementationStatus::parse(&data.status)
            .ok_or_else(|| anyhow::anyhow!("status {}", data.status))?,
        guide: Some(guide.clone()),
    })
}

/// The implementation code the demo gives an item: the department's USCC, the level, the
/// basic code.
fn code_of(department: &DepartmentData, guide: &Guide) -> String {
    format!(
        "{}{}{}",
        department.uscc, guide.exercise_level, guide.basic_code
    )
}

/// A demo account, signed in with the demo password.
pub(crate) async fn demo_account(store: &Store, username: &str) -> anyhow::Result<Actor> {
    accounts::authenticate(store, username, DEMO_PASSWORD)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {username}"))
}

/// The demo city's bundles, published by the reform office.
async fn load_bundles(
    store: &Store,
    city: &City,
    department_ids: &std::collections::HashMap<&str, (i64, &DepartmentData)>,
    at: i64,
) -> anyhow::Result<()> {
    let reform = demo_account(store, "reform").await?;
    let reviewer = reform
        .catalog_reviewer()
        .ok_or_else(|| anyhow::anyhow!("demo reform office"))?;
    for bundle in &city.bundles {
        let code = |department: &str, name: &str| -> anyhow::Result<String> {
            let (_, data) = department_ids
                .get(department)
                .ok_or_else(|| anyhow::anyhow!("unknown demo department {department}"))?;
            city.implementations
                .iter()
                .find(|i| i.department == department && i.guide.name == name)
                .map(|i| code_of(data, &i.guide))
                .ok_or_else(|| anyhow::anyhow!("no demo item {name} of {department}"))
        };
        let mut members = Vec::new();
        for member in &bundle.members {
            let mut after = Vec::new();
            for before in &member.after {
                let before = bundle
                    .members
                    .iter()
                    .find(|m| &m.name == before)
                    .ok_or_else(|| anyhow::anyhow!("bundle {}: no member {before}", bundle.key))?;
                after.push(code(&before.department, &before.name)?);
            }
            members.push(BundleMember {
                implementation_code: code(&member.department, &member.name)?,
                after,
            });
        }
        let (lead_department_id, _) = department_ids
            .get(bundle.lead.as_str())
            .ok_or_else(|| anyhow::anyhow!("unknown demo department {}", bundle.lead))?;
        let definition = BundleDefinition {
            key: bundle.key.clone(),
            name: bundle.name.clone(),
            lead_department_id: *lead_department_id,
            members,
        };
        bundles::publish(store, &reviewer, &definition, at).await?;
    }
    Ok(())
}

/// The reform office's reference lists, as the demo city publishes them.
async fn load_reference_lists(
    store: &Store,
    lists: &serde_json::Value,
    at: i64,
) -> anyhow::Result<()> {
    let reform = demo_account(store, "reform").await?;
    let reviewer = reform
        .catalog_reviewer()
        .ok_or_else(|| anyhow::anyhow!("demo reform office"))?;
    for (key, list) in [
        ("retained_proofs", ReferenceList::RetainedProof),
        ("intermediary_services", ReferenceList::IntermediaryService),
        ("fees", ReferenceList::Fee),
        ("sharing_sources", ReferenceList::SharingSource),
        ("refusal_reasons", ReferenceList::RefusalReason),
        ("decision_reasons", ReferenceList::DecisionReason),
    ] {
        let entries: Vec<ReferenceEntry> = lists[key]
            .as_array()
            .ok_or_else(|| anyhow::anyhow!("demo reference list {key} missing"))?
            .iter()
            .filter_map(|entry| {
                let mut detail = entry.as_object()?.clone();
                let name = detail.remove("name")?.as_str()?.to_owned();
                Some(ReferenceEntry { name, detail })
            })
            .collect();
        guides::replace_reference_list(store, &reviewer, list, &entries, at).await?;
    }
    Ok(())
}

/// One approved change and one pending request, made as the demo staff would make them.
async fn add_change_history(store: &Store, market_id: i64, at: i64) -> anyhow::Result<()> {
    let reviewer = demo_account(store, "reviewer").await?;
    let reform = demo_account(store, "reform").await?;
    let staff = reviewer
        .department_staff()
        .ok_or_else(|| anyhow::anyhow!("demo reviewer is not department staff"))?;
    let filter = catalog::ImplementationFilter {
        department_id: Some(market_id),
        ..Default::default()
    };
    let (items, _) =
        catalog::list_implementations(store, &filter, catalog::Page::new(Some(10), None)).await?;
    let mut published = items
        .iter()
        .filter(|i| i.status == ImplementationStatus::Published);
    let (Some(first), Some(second)) = (published.next(), published.next()) else {
        return Ok(());
    };

    let current = catalog::current(store, &first.code)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo item"))?;
    let mut changed = current.snapshot.clone();
    changed.legal_basis = format!("{}\n《优化营商环境条例》", changed.legal_basis);
    let proposal = Proposal {
        kind: ChangeKind::Change,
        implementation_code: first.code.clone(),
        proposed: Some(changed),
        reason: "依据《优化营商环境条例》补充设定依据".into(),
    };
    let id = catalog::propose(store, &staff, &proposal, at).await?;
    let reviewer_capability = reform
        .catalog_reviewer()
        .ok_or_else(|| anyhow::anyhow!("demo reform office"))?;
    catalog::review(
        store,
        &reviewer_capability,
        id,
        &ChangeDecision::new(true, "同意，按程序发布")?,
        at,
    )
    .await?;

    let cancel = Proposal {
        kind: ChangeKind::Cancel,
        implementation_code: second.code.clone(),
        proposed: None,
        reason: "该事项已由上级部门整合办理，申请取消本级实施".into(),
    };
    catalog::propose(store, &staff, &cancel, at).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_city_is_complete() {
        let city = city().expect("city.json parses");
        assert!(
            city.regions
                .iter()
                .map(|r| r.level.as_str())
                .collect::<std::collections::HashSet<_>>()
                .len()
                >= 3
        );
        assert!(city.departments.len() >= 15);
        let published = city
            .implementations
            .iter()
            .filter(|i| i.status == "published")
            .count();
        assert!(published >= 60, "{published} published implementations");
        let types: std::collections::HashSet<_> = city
            .implementations
            .iter()
            .map(|i| i.guide.item_type.as_str())
            .collect();
        assert!(types.len() >= 8, "{types:?}");
        for d in &city.departments {
            tongban_domain::codes::Uscc::parse(&d.uscc)
                .unwrap_or_else(|e| panic!("{}: {e}", d.name));
        }
        assert!(
            city.departments
                .iter()
                .any(|d| d.key == DEMO_DEPARTMENT_KEY)
        );
        for i in &city.implementations {
            let g = &i.guide;
            assert!(
                !g.materials.is_empty() && !g.faqs.is_empty() && !g.legal_basis.is_empty(),
                "{}",
                g.name
            );
        }
    }
}
