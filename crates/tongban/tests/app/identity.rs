//! Identity (统一身份认证): real-name registration, throttled sign-in, the user centre, the
//! audit of denials, and the access matrix — every route for every role.

use axum::http::StatusCode;
use serde_json::json;
use tongban_domain::access::Role;

use crate::helpers::{Browser, TestApp, extract_csrf, raw_count};

const ID: &str = "11010519491231002X";
const PHONE: &str = "13912345678";

fn registration(username: &str, id_number: &str) -> serde_json::Value {
    json!({"username": username, "password": "Qinghe-2026", "name": "刘敏",
           "id_number": id_number, "phone": PHONE})
}

async fn register(app: &TestApp, body: serde_json::Value) -> crate::helpers::Reply {
    app.api("POST", "/api/v1/auth/register", None, Some(body))
        .await
}

async fn citizens_register_under_their_real_name(app: TestApp) {
    let users = "SELECT COUNT(*) FROM users";
    let before = raw_count(&app.db_url, users).await;
    // Each bad field is named, in both languages, and nothing is stored.
    let bad = [
        (
            json!({"id_number": "110105194912310021"}),
            "id_number",
            "校验",
        ),
        (
            json!({"id_number": "11010519491331002X"}),
            "id_number",
            "日期",
        ),
        (json!({"id_number": "110105491231002"}), "id_number", "15位"),
        (json!({"phone": "010-1234567"}), "phone", "手机"),
        (json!({"password": "12345678"}), "password", "两类"),
        (json!({"password": "password1"}), "password", "常见"),
        (json!({"name": "名".repeat(51)}), "name", "姓名"),
        (json!({"username": "a b"}), "username", "用户名"),
    ];
    for (change, field, words) in bad {
        let mut body = registration("liumin", ID);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let reply = register(&app, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        let error = &reply.json()["error"];
        assert_eq!(error["field"], field, "{}", reply.body);
        assert!(
            error["message"].as_str().unwrap().contains(words),
            "{}",
            reply.body
        );
        assert!(!error["message_en"].as_str().unwrap().is_empty());
    }
    // A field left out, or not JSON at all: the same error shape, naming what is wrong.
    let missing = register(&app, json!({"password": "Qinghe-2026"})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.json()["error"]["field"],
        "username",
        "{}",
        missing.body
    );
    let garbled = app
        .send(
            axum::http::Request::post("/api/v1/auth/register")
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbled.json()["error"]["field"], "body", "{}", garbled.body);
    assert_eq!(raw_count(&app.db_url, users).await, before);

    let reply = register(&app, registration("liumin", ID)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let account = reply.json();
    assert_eq!(account["id_number"], "110105********002X");
    assert_eq!(account["phone"], "139****5678");
    assert_eq!(account["roles"], json!(["citizen"]));

    // One account per username and per person.
    let taken = register(&app, registration("liumin", "110101199003074477")).await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert_eq!(taken.json()["error"]["field"], "username");
    let twice = register(&app, registration("liumin2", "11010519491231002x")).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    assert_eq!(twice.json()["error"]["field"], "id_number");
    assert_eq!(raw_count(&app.db_url, users).await, before + 1);

    // The new account signs in and sees itself, masked.
    let login = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "liumin", "password": "Qinghe-2026"})),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let token = login.json()["token"].as_str().unwrap().to_owned();
    let me = app.api("GET", "/api/v1/account", Some(&token), None).await;
    assert_eq!(me.json()["id_number"], "110105********002X", "{}", me.body);
    assert!(!me.body.contains(ID) && !me.body.contains(PHONE));

    // The raw database holds neither number in the clear, anywhere an account touches.
    for sql in [
        format!(
            "SELECT COUNT(*) FROM users WHERE id_number_sealed LIKE '%{}%' OR phone_sealed LIKE '%{PHONE}%' OR id_number_fingerprint LIKE '%{}%'",
            &ID[..17],
            &ID[..17]
        ),
        format!(
            "SELECT COUNT(*) FROM users WHERE username LIKE '%{PHONE}%' OR display_name LIKE '%{}%'",
            &ID[..17]
        ),
        format!(
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%{}%' OR detail LIKE '%{PHONE}%'",
            &ID[6..14]
        ),
    ] {
        assert_eq!(raw_count(&app.db_url, &sql).await, 0, "{sql}");
    }
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM users WHERE username = 'liumin' AND id_number_sealed IS NOT NULL AND phone_sealed IS NOT NULL").await,
        1
    );
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.register' AND detail LIKE '%110105********002X%'").await,
        1
    );
}

async fn sign_in_locks_out_guessers_for_a_while(app: TestApp) {
    let attempt = |username: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.api(
                "POST",
                "/api/v1/auth/token",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await
        }
    };
    for _ in 0..4 {
        assert_eq!(
            attempt("citizen", "not-the-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = attempt("citizen", "not-the-password").await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        locked.body
    );
    // Locked means locked: even the right password waits.
    let right = attempt("citizen", "demo12345").await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    // An account that does not exist locks the same way, with the same words.
    for _ in 0..4 {
        attempt("nobody-at-all", "not-the-password").await;
    }
    let unknown = attempt("nobody-at-all", "not-the-password").await;
    assert_eq!(unknown.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        unknown.body, locked.body,
        "no hint whether an account exists"
    );
    // Others are not held up, and the lock ends by itself.
    assert_eq!(
        attempt("reviewer", "demo12345").await.status,
        StatusCode::OK
    );
    app.clock.advance(jiff::SignedDuration::from_mins(16));
    assert_eq!(attempt("citizen", "demo12345").await.status, StatusCode::OK);
    // The lock's length is a setting.
    crate::helpers::raw_execute(
        &app.db_url,
        "INSERT INTO settings (name, value, updated_at) VALUES ('login.max_failures', '2', 0)",
    )
    .await;
    attempt("approver", "wrong-password").await;
    assert_eq!(
        attempt("approver", "wrong-password").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    for (action, at_least) in [
        ("auth.login_failed", 11),
        ("auth.login_locked", 1),
        ("auth.login", 2),
    ] {
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
        let found = raw_count(&app.db_url, &sql).await;
        assert!(found >= at_least, "{action}: {found}");
    }
}

async fn anonymous_browser(app: &TestApp, path: &str) -> (Browser, String) {
    let page = app.get(path).await;
    let anonymous = page.cookie("tongban_csrf").expect("anonymous CSRF cookie");
    (
        Browser {
            cookies: vec![("tongban_csrf".into(), anonymous.clone())],
            csrf: anonymous,
        },
        page.body,
    )
}

async fn the_user_centre_shows_masked_data_and_ends_sessions(app: TestApp) {
    let (browser, form) = anonymous_browser(&app, "/register").await;
    assert!(form.contains("name=\"id_number\""));
    let fields = |id: &'static str, again: &'static str| {
        vec![
            ("csrf_token", browser.csrf.clone()),
            ("username", "zhangwei".to_owned()),
            ("name", "张伟".to_owned()),
            ("id_number", id.to_owned()),
            ("phone", PHONE.to_owned()),
            ("password", "Qinghe-2026".to_owned()),
            ("password_again", again.to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let browser = browser.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&browser, "/register", &pairs).await
        }
    };
    let mismatch = post(fields(ID, "Other-2026")).await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert!(mismatch.body.contains("两次输入的密码不一致"));
    let bad_id = post(fields("110105194912310021", "Qinghe-2026")).await;
    assert_eq!(bad_id.status, StatusCode::BAD_REQUEST);
    assert!(bad_id.body.contains("id=\"id_number\" name=\"id_number\" required maxlength=\"18\" inputmode=\"text\" autocomplete=\"off\" value=\"110105194912310021\" aria-invalid=\"true\""), "the typed value is kept and marked");
    assert!(
        !bad_id.body.contains("Qinghe-2026"),
        "passwords are never echoed"
    );

    let done = post(fields(ID, "Qinghe-2026")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/account"));
    let session = done.cookie("tongban_session").expect("signed in");
    let mut me = Browser {
        cookies: vec![("tongban_session".into(), session)],
        csrf: String::new(),
    };
    let centre = app.get_as(&me, "/account").await;
    assert_eq!(centre.status, StatusCode::OK);
    me.csrf = extract_csrf(&centre.body).unwrap();
    assert!(centre.body.contains("110105********002X"));
    assert!(centre.body.contains("139****5678"));
    assert!(!centre.body.contains(ID) && !centre.body.contains(PHONE));
    assert!(centre.body.contains("data-testid=\"my-sessions\""));

    // A token taken elsewhere, then a password change: the token stops working, this
    // browser stays signed in.
    let token = token_of(&app, "zhangwei", "Qinghe-2026").await;
    let sessions = app
        .api("GET", "/api/v1/account/sessions", Some(&token), None)
        .await;
    assert_eq!(
        sessions.json().as_array().unwrap().len(),
        2,
        "{}",
        sessions.body
    );
    let change_password = |current: &'static str| {
        let app = &app;
        let me = me.clone();
        async move {
            let fields = [
                ("csrf_token", me.csrf.as_str()),
                ("current_password", current),
                ("new_password", "Huaihe-2027"),
                ("new_password_again", "Huaihe-2027"),
            ];
            app.post_form(&me, "/account/password", &fields).await
        }
    };
    let wrong = change_password("not-it-2026").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("当前密码不正确"), "{}", wrong.body);
    let changed = change_password("Qinghe-2026").await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(
        app.api("GET", "/api/v1/account", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get_as(&me, "/account").await.status, StatusCode::OK);

    // Sessions are listed and revoked by their holder only.
    let token = token_of(&app, "zhangwei", "Huaihe-2027").await;
    let listed = app
        .api("GET", "/api/v1/account/sessions", Some(&token), None)
        .await
        .json();
    let browser_handle = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "cookie")
        .unwrap()["handle"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app.token("citizen").await;
    let path = format!("/api/v1/account/sessions/{browser_handle}");
    assert_eq!(
        app.api("DELETE", &path, Some(&other), None).await.status,
        StatusCode::NOT_FOUND,
        "someone else's session is not theirs to end"
    );
    assert_eq!(app.get_as(&me, "/account").await.status, StatusCode::OK);
    assert_eq!(
        app.api("DELETE", &path, Some(&token), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get_as(&me, "/account").await.status,
        StatusCode::SEE_OTHER,
        "the browser's session ended: back to sign-in"
    );
}

async fn denials_are_audited(app: TestApp) {
    let citizen = app.sign_in("citizen").await;
    let refused = app.get_as(&citizen, "/supervision").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let token = app.token("citizen").await;
    let api = app.api("GET", "/api/v1/outbox", Some(&token), None).await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(
        raw_count(
            &app.db_url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.denied' AND actor = 'citizen'"
        )
        .await,
        2
    );
    // Anonymous refusals send to sign-in and are not logged (anyone could fill the log).
    app.get("/supervision").await;
    assert_eq!(
        raw_count(
            &app.db_url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.denied'"
        )
        .await,
        2
    );
}

async fn personal_data_is_shown_in_full_only_to_handlers_and_logged(app: TestApp) {
    let code = crate::helpers::market_item(&app).await;
    let id = crate::helpers::apply_online(&app, &code).await;
    let path = format!("/cases/{id}");
    let views = "SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.view'";
    let clerk = app.sign_in("clerk").await;
    let masked = app.get_as(&clerk, &path).await;
    assert!(masked.body.contains("data-testid=\"reveal-applicant\""));
    assert!(!masked.body.contains("91110000600037341L") && !masked.body.contains("13800138000"));
    assert_eq!(raw_count(&app.db_url, views).await, 0);
    let full = app
        .get_as(&clerk, &format!("{path}?reveal=applicant"))
        .await;
    assert!(full.body.contains("91110000600037341L") && full.body.contains("13800138000"));
    assert_eq!(
        raw_count(
            &app.db_url,
            &format!("{views} AND actor = 'clerk' AND subject = 'case:{id}'")
        )
        .await,
        1
    );
    // A supervisor reads the case but not the person: no link, and asking changes nothing.
    let supervisor = app.sign_in("supervisor").await;
    let refused = app
        .get_as(&supervisor, &format!("{path}?reveal=applicant"))
        .await;
    if refused.status == StatusCode::OK {
        assert!(!refused.body.contains("reveal-applicant"));
    }
    assert!(!refused.body.contains("91110000600037341L"));
    assert_eq!(raw_count(&app.db_url, views).await, 1);
}

async fn every_demo_account_signs_in_on_page_and_api(app: TestApp) {
    for username in tongban::demo::demo_usernames() {
        let browser = app.sign_in(username).await;
        let centre = app.get_as(&browser, "/account").await;
        assert_eq!(centre.status, StatusCode::OK, "{username}");
        assert!(centre.body.contains(username), "{username}");
        let token = app.token(username).await;
        let me = app.api("GET", "/api/v1/account", Some(&token), None).await;
        assert_eq!(me.json()["username"], username);
    }
    // Every role is held by some demo account.
    for role in Role::ALL {
        let holders = raw_count(
            &app.db_url,
            &format!(
                "SELECT COUNT(*) FROM user_roles WHERE role = '{}'",
                role.as_str()
            ),
        )
        .await;
        assert!(holders >= 1, "{role:?}");
    }
}

async fn read_only_tokens_only_read(app: TestApp) {
    let issued = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "reviewer", "password": "demo12345", "scope": "read"})),
        )
        .await;
    assert_eq!(issued.json()["scope"], "read", "{}", issued.body);
    let token = issued.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.api("GET", "/api/v1/inbox", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    let refused = app
        .api(
            "POST",
            "/api/v1/change-requests",
            Some(&token),
            Some(json!({"kind": "add"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("只读"), "{}", refused.body);
    let listed = app
        .api("GET", "/api/v1/account/sessions", Some(&token), None)
        .await;
    assert_eq!(listed.json()[0]["scope"], "read", "{}", listed.body);
    let wrong_scope = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "reviewer", "password": "demo12345", "scope": "root"})),
        )
        .await;
    assert_eq!(wrong_scope.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        wrong_scope.json()["error"]["field"],
        "scope",
        "{}",
        wrong_scope.body
    );
}

pub(crate) async fn token_of(app: &TestApp, username: &str, password: &str) -> String {
    let reply = app
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["token"].as_str().unwrap().to_owned()
}

async fn organisations_act_through_their_representative_and_agents(app: TestApp) {
    const USCC: &str = "91110000600037341L";
    assert_eq!(
        register(&app, registration("liumin", ID)).await.status,
        StatusCode::CREATED
    );
    let mut agent = registration("wangfang", "440304198511151231");
    agent["name"] = json!("王芳");
    assert_eq!(register(&app, agent).await.status, StatusCode::CREATED);
    let representative = token_of(&app, "liumin", "Qinghe-2026").await;
    let agent = token_of(&app, "wangfang", "Qinghe-2026").await;
    let organisation = |uscc: &str, rep: &str| json!({"uscc": uscc, "name": "云溪市青禾餐饮有限公司", "legal_representative": rep});
    let post = |token: String, path: String, body: serde_json::Value| {
        let app = &app;
        async move { app.api("POST", &path, Some(&token), Some(body)).await }
    };
    let orgs = "/api/v1/organisations".to_owned();
    let bad = post(
        representative.clone(),
        orgs.clone(),
        organisation("91110000600037341X", "刘敏"),
    )
    .await;
    assert_eq!(bad.json()["error"]["field"], "uscc", "{}", bad.body);
    let not_me = post(agent.clone(), orgs.clone(), organisation(USCC, "刘敏")).await;
    assert_eq!(
        not_me.json()["error"]["field"],
        "legal_representative",
        "{}",
        not_me.body
    );
    let made = post(
        representative.clone(),
        orgs.clone(),
        organisation(USCC, "刘敏"),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.json()["id"].as_i64().unwrap();
    let again = post(
        representative.clone(),
        orgs.clone(),
        organisation(USCC, "刘敏"),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Applying in the organisation's name takes an authorisation.
    let code = crate::helpers::market_item(&app).await;
    let guide = crate::helpers::published_guide(&app, &code).await;
    let apply = |token: String| {
        let app = &app;
        let code = code.clone();
        let guide = guide.clone();
        async move {
            let scan = crate::helpers::uploaded_scan(app, &token).await;
            let materials: Vec<serde_json::Value> = guide
                .materials
                .iter()
                .filter(|m| m.required && m.sharing_source.is_none())
                .map(|m| json!({"name": m.name, "sha256": scan}))
                .collect();
            let body = json!({"implementation_code": code,
                "applicant": {"kind": "organisation", "name": "云溪市青禾餐饮有限公司",
                              "id_number": USCC, "phone": "13800138000"},
                "materials": materials});
            app.api("POST", "/api/v1/cases", Some(&token), Some(body))
                .await
        }
    };
    let unauthorised = apply(agent.clone()).await;
    assert_eq!(unauthorised.status, StatusCode::BAD_REQUEST);
    assert_eq!(unauthorised.json()["error"]["field"], "applicant.id_number");
    let members = format!("/api/v1/organisations/{id}/members");
    let named = post(
        representative.clone(),
        members.clone(),
        json!({"username": "wangfang"}),
    )
    .await;
    assert_eq!(named.status, StatusCode::CREATED, "{}", named.body);
    let twice = post(
        representative.clone(),
        members.clone(),
        json!({"username": "wangfang"}),
    )
    .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let nobody = post(
        representative.clone(),
        members.clone(),
        json!({"username": "reviewer"}),
    )
    .await;
    assert_eq!(
        nobody.json()["error"]["field"],
        "username",
        "only citizen accounts"
    );
    // An agent does not manage the organisation.
    assert_eq!(
        post(
            agent.clone(),
            members.clone(),
            json!({"username": "citizen"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let listed = app
        .api("GET", &members, Some(&representative), None)
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let mine = app
        .api("GET", "/api/v1/organisations", Some(&agent), None)
        .await
        .json();
    assert_eq!(mine[0]["capacity"], "authorised_agent");

    let applied = apply(agent.clone()).await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let case = applied.json()["id"].as_i64().unwrap();
    assert_eq!(
        raw_count(&app.db_url, &format!(
            "SELECT COUNT(*) FROM case_events WHERE case_id = {case} AND actor = 'wangfang' \
             AND event LIKE '%\"on_behalf\":{{\"organisation\":\"{USCC}\",\"capacity\":\"authorised_agent\"}}%'"
        )).await,
        1,
        "the application records for whom and in what capacity"
    );

    let wangfang = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == "wangfang")
        .unwrap()["user_id"]
        .as_i64()
        .unwrap();
    let removed = app
        .api(
            "DELETE",
            &format!("{members}/{wangfang}"),
            Some(&representative),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(apply(agent.clone()).await.status, StatusCode::BAD_REQUEST);
    for action in [
        "organisation.register",
        "organisation.member.add",
        "organisation.member.remove",
    ] {
        let sql = format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND actor = 'liumin'"
        );
        assert_eq!(raw_count(&app.db_url, &sql).await, 1, "{action}");
    }
}

async fn the_user_centre_registers_an_organisation_and_names_an_agent(app: TestApp) {
    assert_eq!(
        register(&app, registration("liumin", ID)).await.status,
        StatusCode::CREATED
    );
    let login = app.get("/login").await;
    let anonymous = login.cookie("tongban_csrf").unwrap();
    let browser = Browser {
        cookies: vec![("tongban_csrf".into(), anonymous.clone())],
        csrf: anonymous.clone(),
    };
    let signed = app
        .post_form(
            &browser,
            "/login",
            &[
                ("csrf_token", &anonymous),
                ("username", "liumin"),
                ("password", "Qinghe-2026"),
            ],
        )
        .await;
    let mut me = Browser {
        cookies: vec![(
            "tongban_session".into(),
            signed.cookie("tongban_session").unwrap(),
        )],
        csrf: String::new(),
    };
    let centre = app.get_as(&me, "/account").await;
    me.csrf = extract_csrf(&centre.body).unwrap();
    assert!(centre.body.contains("data-testid=\"organisation-form\""));
    let form = |uscc: &'static str| {
        vec![
            ("csrf_token", me.csrf.clone()),
            ("uscc", uscc.to_owned()),
            ("name", "云溪市青禾餐饮有限公司".to_owned()),
            ("legal_representative", "刘敏".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>, path: String| {
        let app = &app;
        let me = me.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&me, &path, &pairs).await
        }
    };
    let bad = send(form("91110000600037341X"), "/account/organisations".into()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("data-testid=\"organisation-error\""),
        "{}",
        bad.body
    );
    let made = send(form("91110000600037341L"), "/account/organisations".into()).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = raw_count(&app.db_url, "SELECT MAX(id) FROM organisations").await;
    let named = send(
        vec![
            ("csrf_token", me.csrf.clone()),
            ("username", "citizen".to_owned()),
        ],
        format!("/account/organisations/{id}/agents"),
    )
    .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
    let centre = app.get_as(&me, "/account").await.body;
    assert!(
        centre.contains("91110000600037341L") && centre.contains("刘市民"),
        "{centre}"
    );
    assert!(centre.contains("授权经办人"));
    // The agent sees the organisation in their own user centre, without managing it.
    let agent = app.sign_in("citizen").await;
    let theirs = app.get_as(&agent, "/account").await.body;
    assert!(theirs.contains("云溪市青禾餐饮有限公司"));
    assert!(!theirs.contains(&format!("/account/organisations/{id}/agents")));
}

async fn a_rotated_data_key_still_reads_what_the_old_one_sealed(mut app: TestApp) {
    assert_eq!(
        register(&app, registration("liumin", ID)).await.status,
        StatusCode::CREATED
    );
    let code = crate::helpers::market_item(&app).await;
    let case = crate::helpers::apply_online(&app, &code).await;
    let token = token_of(&app, "liumin", "Qinghe-2026").await;

    let new_key = tongban_store::sealed::DataKey::generate_hex();
    app.router =
        crate::helpers::router_with_keys(&app.store, &app.clock, &[&new_key, &app.data_key_hex]);
    let me = app.api("GET", "/api/v1/account", Some(&token), None).await;
    assert_eq!(me.json()["id_number"], "110105********002X", "{}", me.body);
    let again = register(&app, registration("liumin-again", ID)).await;
    assert_eq!(
        again.json()["error"]["field"],
        "id_number",
        "the same person, under any key"
    );
    let clerk = app.sign_in("clerk").await;
    let revealed = app
        .get_as(&clerk, &format!("/cases/{case}?reveal=applicant"))
        .await;
    assert!(
        revealed.body.contains("91110000600037341L"),
        "{}",
        revealed.status
    );
    // New values are sealed under the new key alone.
    assert_eq!(
        register(&app, registration("wangfang", "440304198511151231"))
            .await
            .status,
        StatusCode::CREATED
    );
    app.router = crate::helpers::router_with_keys(&app.store, &app.clock, &[&app.data_key_hex]);
    let token = token_of(&app, "wangfang", "Qinghe-2026").await;
    let unreadable = app.api("GET", "/api/v1/account", Some(&token), None).await;
    assert_eq!(unreadable.status, StatusCode::INTERNAL_SERVER_ERROR);
}

async fn sessions_end_when_idle_and_at_their_absolute_limit(app: TestApp) {
    let browser = app.sign_in("citizen").await;
    let token = app.token("citizen").await;
    let minutes = |m| jiff::SignedDuration::from_mins(m);
    // Idle for 29 minutes at a time keeps a session alive…
    for _ in 0..4 {
        app.clock.advance(minutes(29));
        assert_eq!(
            app.get_as(&browser, "/account").await.status,
            StatusCode::OK
        );
    }
    // …idle for 31 does not.
    app.clock.advance(minutes(31));
    let idle = app.get_as(&browser, "/account").await;
    assert_eq!(idle.status, StatusCode::SEE_OTHER);
    assert!(idle.location().unwrap().starts_with("/login"));
    assert_eq!(
        app.api("GET", "/api/v1/account", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // A token used every 20 minutes still ends 12 hours after it was issued.
    let token = app.token("citizen").await;
    for _ in 0..35 {
        app.clock.advance(minutes(20));
        assert_eq!(
            app.api("GET", "/api/v1/account", Some(&token), None)
                .await
                .status,
            StatusCode::OK
        );
    }
    app.clock.advance(minutes(20));
    assert_eq!(
        app.api("GET", "/api/v1/account", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "past the absolute lifetime"
    );
}

async fn behind_a_proxy_a_lock_holds_the_guessers_address_not_the_owners(mut app: TestApp) {
    let settings = tongban_web::WebSettings {
        behind_proxy: true,
        data_key: tongban_store::sealed::DataKey::from_hex(&app.data_key_hex).unwrap(),
        ..tongban_web::WebSettings::default()
    };
    app.router = crate::helpers::router_with(&app.store, &app.clock, settings);
    let from = |address: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.send(
                axum::http::Request::post("/api/v1/auth/token")
                    .header("content-type", "application/json")
                    // the first entry is the client's own claim; the proxy appended the last
                    .header("x-forwarded-for", format!("10.9.9.9, {address}"))
                    .body(axum::body::Body::from(
                        json!({"username": "citizen", "password": password}).to_string(),
                    ))
                    .unwrap(),
            )
            .await
            .status
        }
    };
    for _ in 0..5 {
        from("203.0.113.7", "guess-2026").await;
    }
    assert_eq!(
        from("203.0.113.7", "demo12345").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        from("198.51.100.20", "demo12345").await,
        StatusCode::OK,
        "the owner, elsewhere"
    );
}

async fn a_citizen_applying_for_another_person_is_recorded_as_their_delegate(app: TestApp) {
    assert_eq!(
        register(&app, registration("liumin", ID)).await.status,
        StatusCode::CREATED
    );
    let token = token_of(&app, "liumin", "Qinghe-2026").await;
    // An item for natural persons, with its guide published.
    let listed = app
        .api(
            "GET",
            "/api/v1/implementations?limit=500&status=published",
            None,
            None,
        )
        .await
        .json();
    let mut found = None;
    for item in listed["items"].as_array().unwrap() {
        let code = item["implementation_code"].as_str().unwrap();
        let Ok(published) = tongban_store::catalog::require_published(&app.store, code).await
        else {
            continue;
        };
        if let Some(guide) = published.snapshot().guide.clone()
            && guide.service_objects.iter().any(|o| o == "自然人")
        {
            found = Some((code.to_owned(), guide));
            break;
        }
    }
    let (code, guide) = found.expect("a demo item for natural persons");
    let scan = crate::helpers::uploaded_scan(&app, &token).await;
    let materials: Vec<serde_json::Value> = guide
        .materials
        .iter()
        .filter(|m| m.required && m.sharing_source.is_none())
        .map(|m| json!({"name": m.name, "sha256": scan}))
        .collect();
    let apply = |id_number: &'static str, name: &'static str| {
        let body = json!({"implementation_code": code,
            "applicant": {"kind": "person", "name": name, "id_number": id_number, "phone": PHONE},
            "materials": materials});
        let app = &app;
        let token = token.clone();
        async move {
            let reply = app
                .api("POST", "/api/v1/cases", Some(&token), Some(body))
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
            reply.json()["id"].as_i64().unwrap()
        }
    };
    let own = apply(ID, "刘敏").await;
    let for_mother = apply("440304198511151231", "王芳").await;
    let delegated = |case: i64| {
        format!(
            "SELECT COUNT(*) FROM case_events WHERE case_id = {case} \
             AND event LIKE '%\"on_behalf\":{{\"capacity\":\"delegate\"}}%'"
        )
    };
    assert_eq!(
        raw_count(&app.db_url, &delegated(own)).await,
        0,
        "for oneself"
    );
    assert_eq!(raw_count(&app.db_url, &delegated(for_mother)).await, 1);
    assert_eq!(
        raw_count(&app.db_url, &format!("SELECT COUNT(*) FROM case_events WHERE case_id = {for_mother} AND event LIKE '%440304%'")).await,
        0,
        "the principal's id is not written into the history"
    );
    let browser = app.sign_in("clerk").await;
    let page = app.get_as(&browser, &format!("/cases/{for_mother}")).await;
    assert!(page.body.contains("liumin（受托代办人）"), "{}", page.body);
    // The delegate's later acts carry the delegation too.
    let first = materials[0]["name"].clone();
    let clerk = app.token("clerk").await;
    let acts = format!("/api/v1/cases/{for_mother}/acts");
    let asked = app
        .api(
            "POST",
            &acts,
            Some(&clerk),
            Some(
                json!({"act": "request_corrections", "deadline": "2026-12-04",
                        "items": [{"material": first, "problem": "复印件不清晰"}]}),
            ),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let supplied = app
        .api(
            "POST",
            &acts,
            Some(&token),
            Some(json!({"act": "supply_corrections",
                        "materials": [{"name": first, "sha256": scan}]})),
        )
        .await;
    assert_eq!(supplied.status, StatusCode::OK, "{}", supplied.body);
    assert_eq!(
        raw_count(
            &app.db_url,
            &format!("{} AND actor = 'liumin'", delegated(for_mother))
        )
        .await,
        2,
        "the application and the corrections"
    );
}

/// The demo account that holds each role.
fn account_with(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::ReformOffice => "reform",
        Role::WindowClerk => "clerk",
        Role::DepartmentReviewer => "reviewer",
        Role::DepartmentApprover => "approver",
        Role::DepartmentHead => "head",
        Role::HallManager => "hall",
        Role::HotlineAgent => "hotline",
        Role::Supervisor => "supervisor",
        Role::Citizen => "citizen",
        Role::Enterprise => "enterprise",
    }
}

/// Every route of the access table, requested by every role and by no one: the access
/// table's refusal comes exactly where the table says, and nowhere else.
async fn the_access_matrix_holds_for_every_route_and_role(app: TestApp) {
    let mut tokens = Vec::new();
    for role in Role::ALL {
        tokens.push((Some(role), Some(app.token(account_with(role)).await)));
    }
    tokens.push((None, None));
    let mut checked = 0;
    for (method, path, access) in tongban_web::access::ROUTES {
        let concrete = crate::helpers::concrete_path(path);
        for (role, token) in &tokens {
            let actor = role.map(|role| tongban_domain::access::Actor {
                user_id: 0,
                username: String::new(),
                display_name: String::new(),
                department_id: None,
                roles: vec![role],
            });
            let allowed = access.allows(actor.as_ref());
            // Bearer tokens skip the browser's CSRF check; the rule is the same for pages.
            let reply = app
                .api(method, &concrete, token.as_deref(), Some(json!({})))
                .await;
            let denied_by_table = reply.headers.contains_key(tongban_web::DENIED_BY);
            assert_eq!(
                denied_by_table, !allowed,
                "{method} {path} as {role:?}: {} {}",
                reply.status, reply.body
            );
            if denied_by_table {
                let expected = if role.is_none() {
                    [StatusCode::UNAUTHORIZED, StatusCode::SEE_OTHER]
                } else {
                    [StatusCode::FORBIDDEN, StatusCode::FORBIDDEN]
                };
                assert!(
                    expected.contains(&reply.status),
                    "{method} {path} as {role:?}: {}",
                    reply.status
                );
            }
            checked += 1;
        }
    }
    let routes = tongban_web::access::ROUTES.len();
    assert_eq!(checked, routes * (Role::ALL.len() + 1));
    println!(
        "access matrix: {routes} routes × {} roles and anonymous = {checked} checks",
        Role::ALL.len()
    );
}

crate::on_both!(
    citizens_register_under_their_real_name,
    sign_in_locks_out_guessers_for_a_while,
    the_user_centre_shows_masked_data_and_ends_sessions,
    denials_are_audited,
    a_citizen_applying_for_another_person_is_recorded_as_their_delegate,
    behind_a_proxy_a_lock_holds_the_guessers_address_not_the_owners,
    sessions_end_when_idle_and_at_their_absolute_limit,
    a_rotated_data_key_still_reads_what_the_old_one_sealed,
    the_user_centre_registers_an_organisation_and_names_an_agent,
    organisations_act_through_their_representative_and_agents,
    read_only_tokens_only_read,
    every_demo_account_signs_in_on_page_and_api,
    personal_data_is_shown_in_full_only_to_handlers_and_logged,
    the_access_matrix_holds_for_every_route_and_role,
);
