//! `spawn_app()`: a fresh, migrated database (SQLite in a temporary directory, or a new
//! PostgreSQL database; either removed when the test ends) with the demo city, a fixed
//! clock, and the whole router, plus typed helpers for requests. Every test runs on both
//! backends through `on_both!`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tongban_domain::clock::FixedClock;
use tongban_store::Store;
use tongban_web::{AppState, WebSettings};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    pub db_url: String,
    /// the data key the app seals with, as 64 hex digits
    pub data_key_hex: String,
    _database: Scratch,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let path =
            std::env::temp_dir().join(format!("tongban-test-{}", hex(rand::random::<[u8; 8]>())));
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A test's own database, removed on drop like [`TempDir`]: the SQLite file's folder, or the
/// PostgreSQL database (forcibly, since the store's pool may still hold connections).
pub enum Scratch {
    /// removed by its own drop
    Folder {
        _dir: TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let Scratch::Postgres { admin_url, name } = self else {
            return;
        };
        let (admin_url, sql) = (
            admin_url.clone(),
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        // drop cannot wait for a future, and may run inside the test's runtime: the statement
        // runs to its end on a thread and runtime of its own
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(raw_execute(&admin_url, &sql));
        })
        .join();
        if dropped.is_err() {
            eprintln!("could not drop the test database {name}; it stays on the server");
        }
    }
}

fn hex(bytes: [u8; 8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The administrative connection tests create their PostgreSQL databases from.
pub fn postgres_admin_url() -> String {
    std::env::var("TONGBAN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A new, empty database URL for the backend, with the handle that removes it when dropped;
/// None (with a visible message) when PostgreSQL is unreachable outside CI. Under CI a
/// missing PostgreSQL fails the test.
pub async fn fresh_database(db: Db) -> Option<(String, Scratch)> {
    match db {
        Db::Sqlite => {
            let dir = TempDir::new();
            let url = format!("sqlite://{}", dir.0.join("tongban.sqlite").display());
            Some((url, Scratch::Folder { _dir: dir }))
        }
        Db::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = match Store::connect(&admin_url).await {
                Ok(store) => store,
                Err(error) => {
                    if std::env::var("CI").is_ok_and(|v| v == "true") {
                        panic!(
                            "PostgreSQL tests must run under CI, but {admin_url} is unreachable: {error}"
                        );
                    }
                    eprintln!(
                        "SKIPPED (PostgreSQL unavailable at {admin_url}: {error}); set TONGBAN_TEST_POSTGRES"
                    );
                    return None;
                }
            };
            let name = format!("tongban_test_{}", hex(rand::random::<[u8; 8]>()));
            admin.close().await;
            raw_execute(&admin_url, &format!("CREATE DATABASE {name}")).await;
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(base, _)| base)
                .to_owned();
            Some((
                format!("{base}/{name}"),
                Scratch::Postgres { admin_url, name },
            ))
        }
    }
}

/// The whole router over `store`, sealing with the first key and reading with all.
pub fn router_with_keys(store: &Store, clock: &Arc<FixedClock>, keys: &[&str]) -> Router {
    let settings = WebSettings {
        data_key: tongban_store::sealed::DataKey::from_hex_keys(keys.iter().copied())
            .expect("test keys"),
        ..WebSettings::default()
    };
    router_with(store, clock, settings)
}

/// The whole router over `store` with these settings.
pub fn router_with(store: &Store, clock: &Arc<FixedClock>, settings: WebSettings) -> Router {
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .build_recorder()
        .handle();
    let state = AppState::new(store.clone(), clock.clone(), settings, metrics);
    tongban_web::router(state)
}

pub async fn spawn_app(db: Db) -> Option<TestApp> {
    let (db_url, database) = fresh_database(db).await?;
    let store = Store::open(&db_url).await.expect("open store");
    let clock = Arc::new(FixedClock::new(
        "2026-11-20T02:00:00Z".parse().expect("timestamp"),
    ));
    tongban::demo::load_if_empty(&store, clock.as_ref())
        .await
        .expect("demo city");
    let data_key_hex = tongban_store::sealed::DataKey::generate_hex();
    let router = router_with_keys(&store, &clock, &[&data_key_hex]);
    Some(TestApp {
        router,
        store,
        clock,
        db_url,
        data_key_hex,
        _database: database,
    })
}

/// Runs each named `async fn(TestApp)` as two tests, one per backend.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Db::Sqlite).await {
                        super::$name(app).await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Db::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )+
    };
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// the body as sent, for binary answers (PDF, images)
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
}

/// A signed-in browser: its cookies and the CSRF token its forms carry.
#[derive(Clone, Debug, Default)]
pub struct Browser {
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_as(&self, browser: &Browser, path: &str) -> Reply {
        self.send(
            Request::get(path)
                .header(header::COOKIE, browser.cookie_header())
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    pub async fn post_form(&self, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.send(
            Request::post(path)
                .header(header::COOKIE, browser.cookie_header())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Posts a multipart form (a form with files): text fields, then `(field, file name, bytes)`.
    pub async fn post_multipart(
        &self,
        browser: &Browser,
        path: &str,
        fields: &[(String, String)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        const BOUNDARY: &str = "tongban-test-boundary-7f3a";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, file_name, content) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.send(
            Request::post(path)
                .header(header::COOKIE, browser.cookie_header())
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    pub async fn token(&self, username: &str) -> String {
        let reply = self
            .api(
                "POST",
                "/api/v1/auth/token",
                None,
                Some(serde_json::json!({"username": username, "password": "demo12345"})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()["token"].as_str().expect("token").to_owned()
    }

    /// Signs in through the login form, as a person would.
    pub async fn sign_in(&self, username: &str) -> Browser {
        self.sign_in_as(username, "demo12345").await
    }

    /// Signs in through the login form with this password.
    pub async fn sign_in_as(&self, username: &str, password: &str) -> Browser {
        let form = self.get("/login").await;
        let anonymous = form.cookie("tongban_csrf").expect("anonymous CSRF cookie");
        let browser = Browser {
            cookies: vec![("tongban_csrf".into(), anonymous.clone())],
            csrf: anonymous.clone(),
        };
        let reply = self
            .post_form(
                &browser,
                "/login",
                &[
                    ("csrf_token", &anonymous),
                    ("username", username),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "login {username}: {}",
            reply.body
        );
        let session = reply.cookie("tongban_session").expect("session cookie");
        let mut browser = Browser {
            cookies: vec![("tongban_session".into(), session)],
            csrf: String::new(),
        };
        // Every page of a signed-in person carries the sign-out form, and with it the token.
        browser.csrf = extract_csrf(&self.get_as(&browser, "/").await.body)
            .expect("CSRF token on the home page");
        browser
    }
}

/// Runs one statement on a database, bypassing the store: for creating test databases and
/// for tampering with rows the way an attacker with database access would.
pub async fn raw_execute(url: &str, sql: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .expect("raw connection");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = conn.close().await;
}

/// Reads one count from a database, bypassing the store, as someone with database access would.
pub async fn raw_count(url: &str, sql: &str) -> i64 {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .expect("raw connection");
    let count: i64 = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get(0)
        .expect("a count");
    let _ = conn.close().await;
    count
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// The first published implementation code of the demo market department.
/// The code of the first published implementation (by the API's listing) that `wanted` picks.
pub async fn item_where(app: &TestApp, wanted: impl Fn(&serde_json::Value) -> bool) -> String {
    let reply = app
        .api("GET", "/api/v1/implementations?limit=500", None, None)
        .await;
    let json = reply.json();
    let item = json["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| wanted(i))
        .expect("a demo item as wanted");
    item["implementation_code"]
        .as_str()
        .expect("code")
        .to_owned()
}

/// The demo item of this name in the department of this name.
pub async fn item_of(app: &TestApp, name: &str, department: &str) -> String {
    item_where(app, |i| i["name"] == name && i["department"] == department).await
}

pub async fn market_item(app: &TestApp) -> String {
    item_where(app, |i| {
        i["department"]
            .as_str()
            .is_some_and(|d| d.contains("市场监督管理局"))
            && i["exercise_level"] == 3
    })
    .await
}

/// Every field of the editor form as the page rendered it, as a browser would submit it.
pub fn form_fields(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for tag in html.split('<').skip(1) {
        let attr = |name: &str| -> Option<String> {
            let marker = format!("{name}=\"");
            let start = tag.find(&marker)? + marker.len();
            Some(decode(&tag[start..start + tag[start..].find('"')?]))
        };
        if tag.starts_with("input ") {
            let Some(name) = attr("name") else { continue };
            if tag.contains("type=\"checkbox\"") {
                if tag.contains(" checked") {
                    fields.push((name, "on".into()));
                }
            } else {
                fields.push((name, attr("value").unwrap_or_default()));
            }
        } else if tag.starts_with("textarea ") {
            let Some(name) = attr("name") else { continue };
            let text = tag.split_once('>').map(|(_, t)| t).unwrap_or_default();
            fields.push((name, decode(text)));
        } else if tag.starts_with("select ") {
            let Some(name) = attr("name") else { continue };
            fields.push((name, String::new()));
        } else if tag.starts_with("option ") && tag.contains(" selected") {
            let value = attr("value").unwrap_or_default();
            if let Some(last) = fields.last_mut() {
                last.1 = value;
            }
        }
    }
    fields
}

fn decode(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    fields
        .iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .1 = value.to_owned();
}

/// Creates an account in the demo department of that name and gets it an API token.
pub async fn department_staff(
    app: &TestApp,
    username: &str,
    department: &str,
    role: tongban_domain::access::Role,
) -> String {
    let department_id = tongban_store::catalog::departments(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.name == department)
        .unwrap_or_else(|| panic!("demo department {department}"))
        .id;
    tongban_store::accounts::create(
        &app.store,
        &tongban_store::accounts::NewAccount {
            username,
            display_name: username,
            password: "demo12345",
            kind: tongban_store::accounts::AccountKind::Staff,
            department_id: Some(department_id),
            roles: &[role],
            email: None,
        },
        0,
    )
    .await
    .unwrap();
    app.token(username).await
}

/// A PDF's text without whitespace (the extractor spaces Chinese text unpredictably).
pub fn pdf_text(bytes: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(bytes)
        .expect("the PDF's text extracts")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The published guide of an item.
pub async fn published_guide(app: &TestApp, code: &str) -> tongban_domain::guide::Guide {
    tongban_store::catalog::require_published(&app.store, code)
        .await
        .unwrap()
        .snapshot()
        .guide
        .clone()
        .expect("the item has a guide")
}

/// Every material a guide asks for (required, not obtained by sharing), as seen in paper at
/// a window.
pub fn paper_materials(guide: &tongban_domain::guide::Guide) -> Vec<serde_json::Value> {
    guide
        .materials
        .iter()
        .filter(|m| m.required && m.sharing_source.is_none())
        .map(|m| serde_json::json!({"name": m.name, "paper": true}))
        .collect()
}

/// Posts an act's form on a case's page, with the browser's CSRF token.
pub async fn page_act(app: &TestApp, browser: &Browser, id: i64, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf_token", browser.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(browser, &format!("/cases/{id}/acts"), &all)
        .await
}

/// A small real PDF, standing for an applicant's scanned document.
pub const SCAN: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// Uploads a document as the holder of `token` (POST /api/v1/case-files); answers the reply.
pub async fn upload_case_file(
    app: &TestApp,
    token: &str,
    file_name: &str,
    content: &[u8],
) -> Reply {
    let query = serde_urlencoded::to_string([("file_name", file_name)]).unwrap();
    app.send(
        Request::post(format!("/api/v1/case-files?{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(content.to_vec()))
            .unwrap(),
    )
    .await
}

/// Uploads `SCAN` as the holder of `token`; answers the hash a material cites.
pub async fn uploaded_scan(app: &TestApp, token: &str) -> String {
    let reply = upload_case_file(app, token, "扫描件.pdf", SCAN).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    reply.json()["sha256"].as_str().unwrap().to_owned()
}

/// The enterprise applies online for a published item with every required material its
/// guide does not obtain by sharing (as uploaded files); answers the case id.
pub async fn apply_online(app: &TestApp, code: &str) -> i64 {
    let guide = published_guide(app, code).await;
    let enterprise = app.token("enterprise").await;
    let scan = uploaded_scan(app, &enterprise).await;
    let materials: Vec<serde_json::Value> = guide
        .materials
        .iter()
        .filter(|m| m.required && m.sharing_source.is_none())
        .map(|m| serde_json::json!({"name": m.name, "sha256": scan}))
        .collect();
    let created = app
        .api(
            "POST",
            "/api/v1/cases",
            Some(&enterprise),
            Some(serde_json::json!({
                "implementation_code": code,
                "applicant": {"kind": "organisation", "name": "云溪市青禾餐饮有限公司",
                              "id_number": "91110000600037341L", "phone": "13800138000"},
                "materials": materials,
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.json()["id"].as_i64().unwrap()
}

/// A route pattern of the access table with a value in every parameter.
pub fn concrete_path(pattern: &str) -> String {
    pattern
        .replace("{code}", "X")
        .replace("{basic_code}", "X")
        .replace("{list}", "fee")
        .replace("{id}", "1")
        .replace("{sha256}", "X")
        .replace("{key}", "X")
        .replace("{year}", "2026")
        .replace("{handle}", "X")
        .replace("{username}", "X")
        .replace("{user_id}", "1")
        .replace("{kind}", "acceptance")
        .replace("{file}", "style.css")
}

/// The answer to accepting on the case page: the page itself (not a redirect), showing the
/// query password this once, for the window to hand over. Answers the password.
pub fn accepted_on_page(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let shown = reply
        .body
        .split("data-testid=\"act-done\">")
        .nth(1)
        .unwrap_or_else(|| panic!("the acceptance notice: {}", reply.body));
    let password = shown
        .split_once("查询密码：")
        .map(|(_, rest)| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .unwrap_or_default();
    assert_eq!(password.len(), 6, "a 6-character query password: {shown}");
    password
}

/// The places, in the guide's list, of the materials an applicant uploads: required and not
/// obtained by sharing.
pub fn asked_files(guide: &tongban_domain::guide::Guide) -> Vec<usize> {
    (0..guide.materials.len())
        .filter(|&i| guide.materials[i].required && guide.materials[i].sharing_source.is_none())
        .collect()
}

/// Waits until `ready` answers true, yielding in between. A test that sets up a race waits
/// for the racers to reach their marks; if a change stops them getting there, it fails naming
/// `what` after a minute instead of hanging.
pub async fn wait_for(what: &str, mut ready: impl AsyncFnMut() -> bool) {
    let waiting = async {
        while !ready().await {
            tokio::task::yield_now().await;
        }
    };
    let limit = std::time::Duration::from_secs(60);
    if tokio::time::timeout(limit, waiting).await.is_err() {
        panic!("waited a minute for {what}");
    }
}

/// PostgreSQL: holds every insert of an idempotency key (a lock on its table, which reads
/// pass) and answers the future that lets them go once `waiting` requests wait for it. On
/// SQLite, whose one writer takes requests in turn, nothing is held.
pub async fn key_inserts_held(
    app: &TestApp,
    waiting: i64,
) -> impl std::future::Future<Output = ()> + '_ {
    use sqlx::Connection;
    let postgres = app.store.backend() == tongban_store::Backend::Postgres;
    let mut holder = sqlx::AnyConnection::connect(&app.db_url).await.unwrap();
    if postgres {
        sqlx::raw_sql("BEGIN; LOCK TABLE idempotency_keys IN SHARE MODE")
            .execute(&mut holder)
            .await
            .unwrap();
    }
    async move {
        if postgres {
            // this test's database only: tests run side by side, each in a database of its own
            let queued = "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                          JOIN pg_database d ON d.oid = l.database \
                          WHERE d.datname = current_database() \
                          AND c.relname = 'idempotency_keys' AND NOT l.granted";
            let what = format!("{waiting} requests waiting to insert their idempotency key");
            wait_for(&what, async || {
                raw_count(&app.db_url, queued).await >= waiting
            })
            .await;
            sqlx::raw_sql("COMMIT").execute(&mut holder).await.unwrap();
        }
    }
}
