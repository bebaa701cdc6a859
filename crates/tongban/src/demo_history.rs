//! The demo city's case history: a few hundred applications to the market department over
//! the recent weeks, in every state, made through the same domain acts and store operations
//! the API uses (never raw inserts), so inboxes, clocks, supervision and the audit chain
//! show something true. Then one supervision tick, so the dashboard has live alerts.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use tongban_domain::access::Actor;
use tongban_domain::calendar::Calendar;
use tongban_domain::case::{
    Acceptance, Acting, Applicant, ApplicantKind, Case, CaseError, CaseEvent, CaseResult, Channel,
    Correction, Delivery, MaterialEntry, Provided, Submission,
};
use tongban_domain::clock::Clock;
use tongban_domain::time_limit::local_date;
use tongban_domain::work_order::{WorkOrderInput, WorkOrderSubmission};
use tongban_store::cases::{self, ActContext, StoredCase};
use tongban_store::sealed::DataKey;
use tongban_store::{Store, bundles, case_files, catalog, supervision, work_orders};

/// Synthetic applicants (valid check characters, fictional people and companies).
const PEOPLE: [(&str, &str, &str); 6] = [
    ("王秀兰", "51990019780312041X", "13908391234"),
    ("李建国", "519901198507210526", "13708392345"),
    ("张静", "519902199201050639", "15808393456"),
    ("刘德明", "519900196009180744", "13608394567"),
    ("陈晓燕", "519901198812300851", "18808395678"),
    ("杨帆", "519902200106110969", "17708396789"),
];
const COMPANIES: [(&str, &str); 4] = [
    ("云溪市青禾餐饮有限公司", "1"),
    ("云溪市城南便利店", "2"),
    ("云溪市百味食品厂", "3"),
    ("云溪市康宁药房有限公司", "4"),
];

/// How many cases the history holds (besides the bundles' members).
pub const CASES: usize = 300;
/// How many applications each demo bundle gets.
const BUNDLE_APPLICATIONS: usize = 4;

struct Staff {
    clerk: Actor,
    /// a township hall's window, receiving for the city's departments (跨区通办)
    hall_clerk: Actor,
    reviewer: Actor,
    approver: Actor,
    citizen: Actor,
    enterprise: Actor,
}

async fn staff(store: &Store) -> anyhow::Result<Staff> {
    let get = |name: &'static str| crate::demo::demo_account(store, name);
    Ok(Staff {
        clerk: get("clerk").await?,
        hall_clerk: get("songxi").await?,
        reviewer: get("reviewer").await?,
        approver: get("approver").await?,
        citizen: get("citizen").await?,
        enterprise: get("enterprise").await?,
    })
}

/// A person or an organisation, as the item's guide allows (organisations every third case
/// where both may apply).
fn applicant(i: usize, guide: &tongban_domain::guide::Guide) -> anyhow::Result<Applicant> {
    let person = guide.service_objects.iter().any(|o| o == "自然人");
    let organisation = guide.service_objects.iter().any(|o| o != "自然人");
    Ok(if organisation && (i.is_multiple_of(3) || !person) {
        let (name, serial) = COMPANIES[i % COMPANIES.len()];
        let uscc = tongban_domain::codes::Uscc::with_check_character(&format!(
            "92519900MA6{serial}{:05}",
            i % 100_000
        ))
        .map_err(|e| anyhow::anyhow!("demo USCC: {e}"))?;
        Applicant::parse(
            ApplicantKind::Organisation,
            name,
            uscc.as_str(),
            "08393300000",
        )?
    } else {
        let (name, id, phone) = PEOPLE[i % PEOPLE.len()];
        Applicant::parse(ApplicantKind::Person, name, id, phone)?
    })
}

/// A one-page PDF standing for a scanned material: valid (every offset in its cross-reference
/// table is right), so that viewers open it.
fn demo_pdf() -> Vec<u8> {
    let text = "BT /F1 18 Tf 72 720 Td (Tongban demo material) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Loads the history unless the database already has cases. Returns how many it made.
pub async fn load_if_empty(
    store: &Store,
    clock: &dyn Clock,
    zone: &TimeZone,
    key: &DataKey,
) -> anyhow::Result<usize> {
    if cases::count(store).await? > 0 {
        return Ok(0);
    }
    let staff = staff(store).await?;
    let calendar = tongban_store::calendar::load(store).await?.1;
    let settings = cases::time_limit_settings(store).await?;
    let context = ActContext {
        key,
        calendar: &calendar,
        settings: &settings,
        // the demo's applicants are fictional: no text messages
        sms: false,
    };
    let today = local_date(clock.now(), zone);
    let now = (today, clock.now_millis());
    let market = staff
        .reviewer
        .department_id
        .ok_or_else(|| anyhow::anyhow!("the demo reviewer has a department"))?;
    let mut items = Vec::new();
    for snapshot in catalog::all_current(store).await? {
        if snapshot.department_id == market
            && snapshot.guide.is_some()
            && let Ok(published) = catalog::require_published(store, &snapshot.code).await
        {
            items.push(published);
        }
    }
    anyhow::ensure!(
        !items.is_empty(),
        "the demo market department has published items"
    );
    // The online applicants' uploaded material: one real (if plain) PDF each, kept privately
    // under their accounts as the portal keeps every upload.
    let mut uploaded = std::collections::HashMap::new();
    for account in [&staff.citizen, &staff.enterprise] {
        let file = case_files::keep(
            store,
            key,
            &account.username,
            account.roles[0].as_str(),
            "materials",
            "申请材料.pdf",
            &demo_pdf(),
            now.1,
        )
        .await?;
        uploaded.insert(account.username.clone(), file.sha256);
    }
    let mut made = 0;
    for i in 0..CASES {
        let published = &items[i % items.len()];
        let guide = published.snapshot().guide.clone().expect("filtered");
        let applicant = applicant(i, &guide)?;
        // Spread over the last six weeks, on working days.
        let back = 1 + (i * 7) % 42;
        let submitted_on = working_day_on_or_after(
            &calendar,
            today.checked_sub(jiff::Span::new().days(back as i64))?,
        )
        .filter(|d| *d <= today)
        .unwrap_or(today);
        let online = i % 2 == 0;
        let (by, channel) = match (online, applicant.kind) {
            // One walk-in in six comes in at the township hall.
            (false, _) if i % 6 == 3 => (&staff.hall_clerk, Channel::Window),
            (false, _) => (&staff.clerk, Channel::Window),
            (true, ApplicantKind::Person) => (&staff.citizen, Channel::Online),
            (true, ApplicantKind::Organisation) => (&staff.enterprise, Channel::Online),
        };
        let story = i % 10;
        // Story 1 comes in incomplete at a window, to get the correction notice.
        let materials: Vec<MaterialEntry> = guide
            .materials
            .iter()
            .filter(|m| m.required && m.sharing_source.is_none())
            .filter(|m| !(story == 1 && m.deferrable))
            .enumerate()
            .filter(|(n, _)| !(story == 1 && *n == 0))
            .map(|(_, m)| MaterialEntry {
                name: m.name.clone(),
                provided: if channel == Channel::Window {
                    Provided::Paper
                } else {
                    Provided::File {
                        sha256: uploaded[&by.username].clone(),
                    }
                },
            })
            .collect();
        let (by, channel) = if story == 1 {
            (&staff.clerk, Channel::Window)
        } else {
            (by, channel)
        };
        let submission = Submission {
            implementation_code: published.snapshot().code.clone(),
            implementation_version: published.version(),
            department_id: published.snapshot().department_id,
            channel,
            applicant_kind: applicant.kind,
            materials,
        };
        let mut event = Case::submit(&guide, submission, &at(by, submitted_on))?;
        event.at_millis = event.at_millis.min(now.1);
        let user = (channel == Channel::Online).then_some(by.user_id);
        let (id, _) = cases::submit(store, key, published, &event, &applicant, user, None).await?;
        made += 1;
        let mut day = submitted_on;
        let mut next_day = |step: i64| {
            day = calendar
                .add_workdays(day, u32::try_from(step).unwrap_or(1))
                .unwrap_or(day);
            day
        };
        let s = &staff;
        match story {
            0 => {}
            1 => {
                let on = next_day(0);
                let missing = guide
                    .materials
                    .iter()
                    .find(|m| m.required && m.sharing_source.is_none())
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                act_on(store, &context, now, id, on, "clerk", move |st, on| {
                    st.case.request_corrections(
                        &at(&s.clerk, on),
                        None,
                        vec![Correction {
                            material: missing.clone(),
                            problem: "未提交原件".to_owned(),
                        }],
                        on.checked_add(jiff::Span::new().days(15)).unwrap_or(on),
                    )
                })
                .await?;
            }
            2 => {
                let on = next_day(0);
                // Every other refusal gives no real reason, as supervision exists to catch.
                let reason = if i % 20 == 12 {
                    "不符合条件"
                } else {
                    "申请人不具备申请资格（营业执照已注销）"
                };
                act_on(store, &context, now, id, on, "clerk", move |st, on| {
                    st.case.refuse(
                        &at(&s.clerk, on),
                        reason,
                        "《中华人民共和国行政许可法》第三十二条第一款",
                    )
                })
                .await?;
            }
            _ => {
                let on = next_day(0);
                let accepted = act_on(store, &context, now, id, on, "clerk", |st, on| {
                    st.case.accept(
                        &at(&s.clerk, on),
                        &cases::case_number(st.id, on),
                        Acceptance::Normal,
                    )
                })
                .await?;
                // Later stories go further; each act on a later working day, never past today.
                let steps: &[(&'static str, &'static str)] = match story {
                    3 => &[],
                    4 => &[("reviewer", "claim")],
                    5 => &[("reviewer", "undertake")],
                    6 => &[("reviewer", "undertake"), ("reviewer", "review")],
                    _ => &[
                        ("reviewer", "undertake"),
                        ("reviewer", "review"),
                        ("approver", "approve"),
                    ],
                };
                let mut going = accepted;
                for (who, step) in steps {
                    if !going {
                        break;
                    }
                    let on = next_day(1 + (i % 3) as i64);
                    going = if *step == "claim" {
                        act_on(store, &context, now, id, on, "reviewer", |st, on| {
                            st.case.claim(&at(&s.reviewer, on), "undertake")
                        })
                        .await?
                    } else {
                        let actor = if *who == "approver" {
                            &s.approver
                        } else {
                            &s.reviewer
                        };
                        act_on(store, &context, now, id, on, who, move |st, on| {
                            st.case
                                .approve(&at(actor, on), step, "经审查，符合法定条件")
                        })
                        .await?
                    };
                }
                if going && story >= 8 {
                    let on = next_day(1);
                    going = act_on(store, &context, now, id, on, "clerk", move |st, on| {
                        st.case.close(
                            &at(&s.clerk, on),
                            CaseResult::Licence {
                                number: format!("JY{}{:06}", on.strftime("%Y%m%d"), i),
                            },
                        )
                    })
                    .await?;
                }
                if going && story == 9 {
                    let on = next_day(1);
                    let delivery = match i % 3 {
                        0 => Delivery::Electronic,
                        1 => Delivery::Mail {
                            tracking_number: format!("EMS98{:09}", i),
                        },
                        _ => Delivery::Window {
                            signed_by: applicant.masked_name(),
                        },
                    };
                    act_on(store, &context, now, id, on, "clerk", move |st, on| {
                        st.case.deliver(&at(&s.clerk, on), delivery.clone())
                    })
                    .await?;
                }
            }
        }
    }
    made += bundle_applications(store, &context, &staff, &calendar, now).await?;
    work_orders_waiting(store, key, &calendar, now).await?;
    supervision::tick(store, today, clock.now_millis()).await?;
    Ok(made)
}

/// The public's work orders of the demo city, sent today and waiting for their departments.
async fn work_orders_waiting(
    store: &Store,
    key: &DataKey,
    calendar: &Calendar,
    (today, at): (Date, i64),
) -> anyhow::Result<()> {
    let city = crate::demo::city()?;
    let departments = catalog::departments(store).await?;
    let items = catalog::all_current(store).await?;
    for order in &city.work_orders {
        let department_id = city
            .departments
            .iter()
            .find(|d| d.key == order.department)
            .and_then(|d| departments.iter().find(|stored| stored.name == d.name))
            .map(|d| d.id)
            .ok_or_else(|| anyhow::anyhow!("demo work order: department {}", order.department))?;
        let item_code = order.item.as_ref().and_then(|name| {
            items
                .iter()
                .find(|v| v.name == *name && v.department_id == department_id)
                .map(|v| v.code.clone())
        });
        let submission = WorkOrderSubmission::parse(&WorkOrderInput {
            kind: &order.kind,
            subject: &order.subject,
            text: &order.text,
            department_id: Some(department_id),
            item_code: item_code.as_deref(),
            contact_name: &order.contact_name,
            contact_phone: &order.contact_phone,
        })
        .map_err(|e| anyhow::anyhow!("demo work order {}: {e}", order.subject))?;
        let received = work_orders::Received {
            submitter: None,
            channel: "web",
            on: today,
            at_millis: at,
        };
        work_orders::submit(store, key, calendar, &submission, received).await?;
    }
    Ok(())
}

/// Applications for the demo bundles, half done: some waiting for intake, some with the
/// prerequisite approved and the parallel members started. Returns how many cases they made.
async fn bundle_applications(
    store: &Store,
    context: &ActContext<'_>,
    staff: &Staff,
    calendar: &Calendar,
    now: (Date, i64),
) -> anyhow::Result<usize> {
    let (today, _) = now;
    let mut made = 0;
    for bundle in bundles::list(store).await? {
        let guides = bundles::member_guides(store, &bundle).await?;
        let named: Vec<(&str, &tongban_domain::guide::Guide)> = guides
            .iter()
            .map(|(p, g)| (p.snapshot().code.as_str(), g))
            .collect();
        let materials: Vec<MaterialEntry> = tongban_domain::bundle::merged_materials(&named)
            .into_iter()
            .filter(|m| m.required)
            .map(|m| MaterialEntry {
                name: m.name,
                provided: Provided::Paper,
            })
            .collect();
        for i in 0..BUNDLE_APPLICATIONS {
            let on = working_day_on_or_after(
                calendar,
                today
                    .checked_sub(jiff::Span::new().days(3 + 4 * i as i64))
                    .unwrap_or(today),
            )
            .filter(|d| *d <= today)
            .unwrap_or(today);
            let (name, id, phone) = PEOPLE[(i + 2) % PEOPLE.len()];
            let applicant = Applicant::parse(ApplicantKind::Person, name, id, phone)?;
            let application = bundles::NewBundleApplication {
                applicant: &applicant,
                applicant_user_id: None,
                applicant_kind: ApplicantKind::Person,
                channel: Channel::Window,
                materials: materials.clone(),
                acting: at(&staff.clerk, on),
            };
            let (id, _) = bundles::apply(store, context.key, &bundle, &application, None).await?;
            let first = bundles::load(store, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo bundle application {id}"))?;
            made += first.cases.len();
            // Every other application has its first member accepted and approved.
            if i % 2 == 1 {
                continue;
            }
            for (_, stored) in &first.cases {
                let case = stored.id;
                act_on(store, context, now, case, on, "clerk", |s, on| {
                    s.case.accept(
                        &at(&staff.clerk, on),
                        &cases::case_number(s.id, on),
                        Acceptance::Normal,
                    )
                })
                .await?;
                for (actor, step) in [
                    (&staff.reviewer, "undertake"),
                    (&staff.reviewer, "review"),
                    (&staff.approver, "approve"),
                ] {
                    act_on(store, context, now, case, on, &actor.username, |s, on| {
                        s.case.approve(&at(actor, on), step, "符合条件，同意")
                    })
                    .await?;
                }
            }
            let at_millis = at(&staff.clerk, on).at_millis;
            made += bundles::advance(store, id, at_millis, on)
                .await?
                .started
                .len();
        }
    }
    Ok(made)
}

/// Does one act on `on`, unless that day is still to come; whether it acted.
async fn act_on(
    store: &Store,
    context: &ActContext<'_>,
    (today, now_millis): (Date, i64),
    id: i64,
    on: Date,
    by: &str,
    decide: impl FnOnce(&StoredCase, Date) -> Result<CaseEvent, CaseError>,
) -> anyhow::Result<bool> {
    if on > today {
        return Ok(false);
    }
    // Today's acts happen at 10:00 unless that is still to come.
    cases::act(store, context, id, by, None, |s| {
        decide(s, on).map(|mut event| {
            event.at_millis = event.at_millis.min(now_millis);
            event
        })
    })
    .await
    .map_err(|e| anyhow::anyhow!("demo case {id}: {e:?}"))?;
    Ok(true)
}

/// An act at 10:00 on a day (the history's acts happen in office hours).
fn at(actor: &Actor, on: Date) -> Acting<'_> {
    let at_millis = on
        .at(10, 0, 0, 0)
        .to_zoned(TimeZone::fixed(jiff::tz::offset(8)))
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or_default();
    Acting {
        actor,
        role: actor.roles[0],
        at_millis,
        on,
    }
}

fn working_day_on_or_after(calendar: &Calendar, day: Date) -> Option<Date> {
    calendar.add_workdays(day, 0).ok()
}
