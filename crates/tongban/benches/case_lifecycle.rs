//! Whole case lifecycles through the HTTP API, with BENCH_CASES (default 1,000,000) cases
//! already stored: submit → accept → three parallel approvals (market, health and public
//! security, sent at the same moment) → close → deliver, seven requests, over real TCP to
//! the server as `tongban serve` runs it. BENCH_CLIENTS applicants at once (default 16) run
//! BENCH_LIFECYCLES lifecycles (default 5,000) after a warm-up; reported: lifecycles per
//! second and the latency of every request (p50, p99, max). On SQLite and on PostgreSQL
//! (TONGBAN_TEST_POSTGRES, skipped if unreachable); `BENCH_BACKENDS=sqlite` for one.
//!
//! The stored cases are loaded in bulk (rows as the acts write them, with a real delivered
//! lifecycle's seven events each), not through the API: this measures the lifecycles, not the
//! loading. The implementation runs a published process of one stage with three steps in
//! three departments.
//!
//! Run: `cargo bench -p tongban --bench case_lifecycle`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jiff::civil::Date;
use serde_json::{Value, json};
use sqlx::Connection;
use tongban_domain::access::{Actor, Role};
use tongban_domain::case::{
    Acceptance, Acting, ApplicantKind, Case, CaseEvent, CaseResult, Channel, Delivery,
    MaterialEntry, Process, Provided, Stage, StepAction, StepDefinition, StepDepartment,
    Submission,
};
use tongban_domain::catalog::ChangeDecision;
use tongban_domain::catalog::ChangeKind;
use tongban_domain::clock::{Clock, FixedClock};
use tongban_domain::guide::Guide;
use tongban_store::Store;
use tongban_store::accounts::{self, AccountKind, NewAccount};
use tongban_store::catalog::{self, Proposal};
use tongban_web::{AppState, WebSettings};

mod common;
use common::{fresh, runtime, size};

const PASSWORD: &str = "demo12345";
const ITEM: &str = "食品经营许可";
const MARKET: &str = "云溪市市场监督管理局";
const STEPS: [(&str, &str, &str, &str); 3] = [
    ("market_review", "市场监管审查", MARKET, "bench_market"),
    (
        "health_review",
        "卫生健康审查",
        "云溪市卫生健康委员会",
        "bench_health",
    ),
    ("police_review", "治安审查", "云溪市公安局", "bench_police"),
];
const BATCH: usize = 200;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

fn main() {
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let rt = runtime();
    for backend in backends.split(',') {
        rt.block_on(run(backend.trim()));
    }
}

async fn department_id(store: &Store, name: &str) -> i64 {
    catalog::departments(store)
        .await
        .expect("departments")
        .into_iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("demo department {name}"))
        .id
}

async fn actor(store: &Store, username: &str) -> Actor {
    accounts::authenticate(store, username, PASSWORD)
        .await
        .expect("authenticate")
        .expect("account")
}

/// Publishes a new version of the market's food licence whose process is one stage of three
/// parallel steps in three departments, through proposal and review; returns its code.
async fn publish_parallel_item(store: &Store, at: i64) -> (String, Guide) {
    let market = department_id(store, MARKET).await;
    let filter = catalog::ImplementationFilter {
        department_id: Some(market),
        ..Default::default()
    };
    let code = catalog::list_implementations(store, &filter, catalog::Page::new(Some(500), None))
        .await
        .expect("implementations")
        .0
        .into_iter()
        .find(|i| i.name == ITEM)
        .expect("the market's food licence")
        .code;
    let current = catalog::current(store, &code).await.unwrap().unwrap();
    let mut steps = Vec::new();
    for (key, name, department, _) in STEPS {
        let id = department_id(store, department).await;
        steps.push(StepDefinition {
            key: key.into(),
            name: name.into(),
            role: Role::DepartmentReviewer,
            department: if id == market {
                StepDepartment::Owner
            } else {
                StepDepartment::Department(id)
            },
            limit_days: 5,
            actions: vec![StepAction::Approve, StepAction::Reject],
        });
    }
    let mut guide = current.snapshot.guide.clone().expect("a guide");
    guide.back_office = Some(Process {
        stages: vec![Stage { steps }],
    });
    let reviewer = actor(store, "reviewer").await;
    let staff = reviewer.department_staff().expect("staff");
    let proposal = Proposal {
        kind: ChangeKind::Change,
        implementation_code: code.clone(),
        proposed: Some(tongban_domain::catalog::ImplementationSnapshot {
            guide: Some(guide.clone()),
            ..current.snapshot.clone()
        }),
        reason: "并联审批：市场监管、卫生健康、公安同时审查".into(),
    };
    let id = catalog::propose(store, &staff, &proposal, at)
        .await
        .expect("propose");
    let reform = actor(store, "reform").await;
    catalog::review(
        store,
        &reform.catalog_reviewer().expect("reform"),
        id,
        &ChangeDecision::new(true, "同意").expect("decision"),
        at,
    )
    .await
    .expect("review");
    (code, guide)
}

fn materials_of(guide: &Guide) -> Vec<MaterialEntry> {
    guide
        .materials
        .iter()
        .filter(|m| m.required && m.sharing_source.is_none())
        .map(|m| MaterialEntry {
            name: m.name.clone(),
            provided: Provided::File {
                sha256: "ab".repeat(32),
            },
        })
        .collect()
}

/// One delivered lifecycle's events, made by the domain as the API makes them; the case
/// number inside is `NUMBER`, replaced per stored case.
const NUMBER: &str = "@@NUMBER@@";

async fn template(store: &Store, code: &str, guide: &Guide, on: Date, at: i64) -> Vec<CaseEvent> {
    let published = catalog::require_published(store, code).await.unwrap();
    let enterprise = actor(store, "enterprise").await;
    let clerk = actor(store, "clerk").await;
    fn acting(a: &Actor, at_millis: i64, on: Date) -> Acting<'_> {
        Acting {
            actor: a,
            role: a.roles[0],
            at_millis,
            on,
        }
    }
    let mut events = vec![
        Case::submit(
            guide,
            Submission {
                implementation_code: code.to_owned(),
                implementation_version: published.version(),
                department_id: published.snapshot().department_id,
                channel: Channel::Online,
                applicant_kind: ApplicantKind::Organisation,
                materials: materials_of(guide),
            },
            &acting(&enterprise, at, on),
        )
        .expect("submit"),
    ];
    let mut case = Case::submitted(&events[0]).unwrap();
    let mut push = |case: &mut Case, event: CaseEvent| {
        case.apply(&event);
        events.push(event);
    };
    let event = case
        .accept(&acting(&clerk, at, on), NUMBER, Acceptance::Normal)
        .unwrap();
    push(&mut case, event);
    for (step, _, _, username) in STEPS {
        let staff = actor(store, username).await;
        let event = case.approve(&acting(&staff, at, on), step, "同意").unwrap();
        push(&mut case, event);
    }
    let event = case
        .close(
            &acting(&clerk, at, on),
            CaseResult::Licence {
                number: "JY-SEED".into(),
            },
        )
        .unwrap();
    push(&mut case, event);
    let event = case
        .deliver(&acting(&clerk, at, on), Delivery::Electronic)
        .unwrap();
    push(&mut case, event);
    events
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Stores `n` delivered cases with their seven events each, in bulk.
async fn seed(url: &str, n: usize, code: &str, department: i64, events: &[CaseEvent], on: Date) {
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let started = Instant::now();
    let rows: Vec<(String, String, String, String, i64)> = events
        .iter()
        .map(|e| {
            (
                e.actor.clone(),
                e.role.as_str().to_owned(),
                e.change.kind().to_owned(),
                serde_json::to_string(e).expect("event json"),
                e.at_millis,
            )
        })
        .collect();
    for first in (1..=n).step_by(BATCH) {
        let last = (first + BATCH - 1).min(n);
        let mut cases = String::from(
            "INSERT INTO cases (id, case_number, implementation_code, department_id, applicant_sealed, \
             applicant_name_masked, channel, phase, version, submitted_at, updated_at) VALUES ",
        );
        let mut stored_events = String::from(
            "INSERT INTO case_events (case_id, seq, at, actor, role, kind, event) VALUES ",
        );
        for id in first..=last {
            let number = tongban_store::cases::case_number(id as i64, on);
            let sep = if id == first { "" } else { "," };
            cases.push_str(&format!(
                "{sep}({id}, '{number}', '{code}', {department}, 'seed', '*', 'online', 'delivered', {}, 0, 0)",
                rows.len()
            ));
            for (seq, (actor, role, kind, json, at)) in rows.iter().enumerate() {
                let sep = if id == first && seq == 0 { "" } else { "," };
                stored_events.push_str(&format!(
                    "{sep}({id}, {}, {at}, {}, {}, {}, {})",
                    seq + 1,
                    quoted(actor),
                    quoted(role),
                    quoted(kind),
                    quoted(&json.replace(NUMBER, &number)),
                ));
            }
        }
        let mut tx = conn.begin().await.expect("begin");
        sqlx::raw_sql(sqlx::AssertSqlSafe(cases))
            .execute(&mut *tx)
            .await
            .expect("cases");
        sqlx::raw_sql(sqlx::AssertSqlSafe(stored_events))
            .execute(&mut *tx)
            .await
            .expect("events");
        tx.commit().await.expect("commit");
    }
    if url.starts_with("postgres") {
        // Rows inserted with their ids do not move the identity: move it past them.
        sqlx::raw_sql(
            "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))",
        )
        .execute(&mut conn)
        .await
        .expect("setval");
    }
    sqlx::raw_sql("ANALYZE")
        .execute(&mut conn)
        .await
        .expect("analyze");
    eprintln!(
        "  stored {n} delivered cases ({} events) in {:.1} s",
        n * rows.len(),
        started.elapsed().as_secs_f64()
    );
}

struct Api {
    client: HttpClient,
    base: String,
}

impl Api {
    /// One request; answers the status, the body and how long it took.
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Value,
    ) -> (u16, Bytes, Duration) {
        let request = hyper::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("request");
        let started = Instant::now();
        let response = self.client.request(request).await.expect("response");
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, bytes, started.elapsed())
    }
}

/// What a lifecycle reads of an answer. The rest of the case is checked to be JSON and
/// skipped, as a client that shows only the progress would: building the whole document as
/// a `Value` cost the benchmark's clients 7% of the machine's time, beside the server's.
#[derive(serde::Deserialize)]
struct Answer {
    id: Option<i64>,
    phase: Option<String>,
}

struct Tokens {
    enterprise: String,
    clerk: String,
    steps: Vec<(String, String)>,
}

/// Runs one lifecycle; returns the latency of each request, or what went wrong.
async fn lifecycle(
    api: &Api,
    tokens: &Tokens,
    application: &Value,
) -> Result<Vec<Duration>, String> {
    let mut latencies = Vec::with_capacity(7);
    let expect = |(status, body, took): (u16, Bytes, Duration), want: u16, what: &str| {
        if status != want {
            return Err(format!(
                "{what}: {status} {}",
                String::from_utf8_lossy(&body)
            ));
        }
        let answer: Answer =
            serde_json::from_slice(&body).map_err(|e| format!("{what}: not a case: {e}"))?;
        Ok((answer, took))
    };
    let (case, took) = expect(
        api.call(
            "POST",
            "/api/v1/cases",
            &tokens.enterprise,
            application.clone(),
        )
        .await,
        201,
        "submit",
    )?;
    latencies.push(took);
    let id = case.id.ok_or("no case id")?;
    let acts = format!("/api/v1/cases/{id}/acts");
    let (_, took) = expect(
        api.call("POST", &acts, &tokens.clerk, json!({"act": "accept"}))
            .await,
        200,
        "accept",
    )?;
    latencies.push(took);
    let approve = |i: usize| {
        let (step, token) = &tokens.steps[i];
        api.call(
            "POST",
            &acts,
            token,
            json!({"act": "approve", "step": step, "opinion": "同意"}),
        )
    };
    let (a, b, c) = tokio::join!(approve(0), approve(1), approve(2));
    for answer in [a, b, c] {
        let (_, took) = expect(answer, 200, "approve")?;
        latencies.push(took);
    }
    let (_, took) = expect(
        api.call(
            "POST",
            &acts,
            &tokens.clerk,
            json!({"act": "close", "result": {"kind": "licence", "number": format!("JY{id}")}}),
        )
        .await,
        200,
        "close",
    )?;
    latencies.push(took);
    let (case, took) = expect(
        api.call(
            "POST",
            &acts,
            &tokens.clerk,
            json!({"act": "deliver", "delivery": {"kind": "electronic"}}),
        )
        .await,
        200,
        "deliver",
    )?;
    latencies.push(took);
    if case.phase.as_deref() != Some("delivered") {
        return Err(format!("not delivered: {:?}", case.phase));
    }
    Ok(latencies)
}

async fn token(api: &Api, username: &str) -> String {
    let (status, body, _) = api
        .call(
            "POST",
            "/api/v1/auth/token",
            "",
            json!({"username": username, "password": PASSWORD}),
        )
        .await;
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    assert_eq!(status, 200, "token for {username}: {json}");
    json["token"].as_str().expect("token").to_owned()
}

/// Runs `count` lifecycles with `clients` at once; answers the elapsed time, every latency
/// and the failures.
async fn drive(
    api: Arc<Api>,
    tokens: Arc<Tokens>,
    application: Arc<Value>,
    clients: usize,
    count: usize,
) -> (Duration, Vec<Duration>, Vec<String>) {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (api, tokens, application, next) = (
            api.clone(),
            tokens.clone(),
            application.clone(),
            next.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < count {
                match lifecycle(&api, &tokens, &application).await {
                    Ok(l) => latencies.extend(l),
                    Err(e) => failures.push(e),
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for worker in workers {
        let (l, f) = worker.await.expect("worker");
        latencies.extend(l);
        failures.extend(f);
    }
    (started.elapsed(), latencies, failures)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

async fn run(backend: &str) {
    let Some((url, dir)) = fresh(backend).await else {
        return;
    };
    let n = size("BENCH_CASES", 1_000_000);
    let clients = size("BENCH_CLIENTS", 16);
    let count = size("BENCH_LIFECYCLES", 5_000);
    eprintln!("{backend}: {n} stored cases, {clients} clients, {count} lifecycles");
    let store = Store::open(&url).await.expect("open");
    let clock = Arc::new(FixedClock::new(
        "2026-11-20T02:00:00Z".parse().expect("timestamp"),
    ));
    tongban::demo::load_if_empty(&store, clock.as_ref())
        .await
        .expect("demo city");
    let on = jiff::civil::date(2026, 11, 20);
    let at = clock.as_ref().now_millis();
    for (_, _, department, username) in STEPS {
        let department_id = department_id(&store, department).await;
        accounts::create(
            &store,
            &NewAccount {
                username,
                display_name: username,
                password: PASSWORD,
                kind: AccountKind::Staff,
                department_id: Some(department_id),
                roles: &[Role::DepartmentReviewer],
                email: None,
            },
            at,
        )
        .await
        .expect("bench account");
    }
    let (code, guide) = publish_parallel_item(&store, at).await;
    let events = template(&store, &code, &guide, on, at).await;
    let market = department_id(&store, MARKET).await;
    seed(&url, n, &code, market, &events, on).await;

    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .build_recorder()
        .handle();
    let state = AppState::new(
        store.clone(),
        clock.clone(),
        WebSettings::default(),
        metrics,
    );
    // The enterprise's uploaded material, cited by every application as the portal's are.
    let material = tongban_store::case_files::keep(
        &store,
        &state.settings.data_key,
        "enterprise",
        "enterprise",
        "file",
        "materials.pdf",
        b"%PDF-1.4\n% bench material\n",
        at,
    )
    .await
    .expect("material uploaded")
    .sha256;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(listener, tongban_web::router(state))
            .await
            .expect("serve");
    });
    let api = Arc::new(Api {
        client: Client::builder(TokioExecutor::new()).build_http(),
        base: format!("http://{address}"),
    });
    let mut steps = Vec::new();
    for (step, _, _, username) in STEPS {
        steps.push((step.to_owned(), token(&api, username).await));
    }
    let tokens = Arc::new(Tokens {
        enterprise: token(&api, "enterprise").await,
        clerk: token(&api, "clerk").await,
        steps,
    });
    let application = Arc::new(json!({
        "implementation_code": code,
        "applicant": {"kind": "organisation", "name": "云溪市青禾餐饮有限公司",
                      "id_number": "91110000600037341L", "phone": "13800138000"},
        "materials": materials_of(&guide).iter().map(|m| json!({"name": m.name, "sha256": material})).collect::<Vec<_>>(),
    }));
    let (_, _, failures) = drive(
        api.clone(),
        tokens.clone(),
        application.clone(),
        clients,
        200,
    )
    .await;
    assert!(
        failures.is_empty(),
        "warm-up failed: {:?}",
        &failures[..failures.len().min(3)]
    );
    let (elapsed, mut latencies, failures) = drive(api, tokens, application, clients, count).await;
    latencies.sort_unstable();
    let done = latencies.len() / 7;
    println!(
        "{backend}: {done} lifecycles in {:.2} s = {:.0} lifecycles/s ({:.0} requests/s); \
         request latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} failed",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
        failures.len(),
    );
    if let Some(first) = failures.first() {
        println!("  first failure: {first}");
    }
    store.close().await;
    common::discard(&url, dir).await;
}
