//! Signing in through an external identity provider (统一身份认证): which account the
//! provider's person becomes, the sign-ins under way, and every way the return can be
//! refused. The whole flow against a real OpenID Connect provider is a browser journey
//! (tests/browser/journeys/external-login.test.mjs); here the parts are pinned down.

use axum::http::StatusCode;
use serde_json::json;
use tongban_domain::clock::Clock;
use tongban_domain::external_identity::{ClaimNames, ExternalPerson};
use tongban_store::StoreError;
use tongban_store::external_login::{self, Pending};
use tongban_store::sealed::DataKey;
use tongban_web::WebSettings;
use tongban_web::external_login::ExternalLoginSettings;

use crate::helpers::{Browser, TestApp, raw_count};

const ISSUER: &str = "https://tyrz.example.gov.cn";

fn person(subject: &str, claims: &[(&str, &str)]) -> ExternalPerson {
    let claims: Vec<(String, String)> = claims
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ExternalPerson::from_claims(
        ISSUER,
        subject,
        |name| {
            claims
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        },
        &ClaimNames::default(),
        jiff::civil::date(2026, 11, 20),
    )
    .expect("valid claims")
}

async fn people_from_a_provider_become_real_name_accounts(app: TestApp) {
    let key = DataKey::from_hex(&app.data_key_hex).unwrap();
    let now = app.clock.now_millis();
    let users = "SELECT COUNT(*) FROM users";
    let before = raw_count(&app.db_url, users).await;

    // New to the portal: an account is opened from what the provider vouches for.
    let wang = person(
        "sub-wang",
        &[
            ("name", "王芳"),
            ("id_number", "44030519900101123X"),
            ("phone_number", "13812345678"),
        ],
    );
    let opened = external_login::sign_in(&app.store, &key, &wang, "10.0.0.1", now)
        .await
        .expect("signed in");
    assert_eq!(opened.display_name, "王芳");
    assert!(opened.has(tongban_domain::access::Role::Citizen));
    assert_eq!(raw_count(&app.db_url, users).await, before + 1);
    let plain = "SELECT COUNT(*) FROM users WHERE id_number_sealed LIKE '%44030519900101123X%' \
                 OR phone_sealed LIKE '%13812345678%'";
    assert_eq!(raw_count(&app.db_url, plain).await, 0, "sealed at rest");

    // Back again: the same account, whatever the provider now says about the phone.
    let again = external_login::sign_in(&app.store, &key, &wang, "10.0.0.1", now + 1)
        .await
        .unwrap();
    assert_eq!(again.user_id, opened.user_id);
    assert_eq!(raw_count(&app.db_url, users).await, before + 1);

    // Registered on the portal before: the provider's person is linked to that account.
    let registered = app
        .api(
            "POST",
            "/api/v1/auth/register",
            None,
            Some(
                json!({"username": "chenjg", "password": "Songxi-2026", "name": "陈建国",
                        "id_number": "110102198503150044", "phone": "13987654321"}),
            ),
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.body
    );
    let chen = person(
        "sub-chen",
        &[("name", "陈建国"), ("id_number", "110102198503150044")],
    );
    let linked = external_login::sign_in(&app.store, &key, &chen, "10.0.0.2", now)
        .await
        .unwrap();
    assert_eq!(linked.username, "chenjg");
    assert_eq!(raw_count(&app.db_url, users).await, before + 2);

    // No real name from the provider and no link: refused, naming the missing claim.
    let users_now = raw_count(&app.db_url, users).await;
    let anonymous = person("sub-anon", &[("name", "某人")]);
    let refused = external_login::sign_in(&app.store, &key, &anonymous, "10.0.0.3", now).await;
    match refused {
        Err(StoreError::Invalid(error)) => assert_eq!(error.field, "id_number"),
        other => panic!("expected a refusal naming id_number, got {other:?}"),
    }
    assert_eq!(
        raw_count(&app.db_url, users).await,
        users_now,
        "nothing stored"
    );
    let links = "SELECT COUNT(*) FROM external_identities";
    assert_eq!(raw_count(&app.db_url, links).await, 2);

    // Each step is in the audit log.
    for (action, expected) in [
        ("account.external_link", 2),
        ("auth.login' AND detail LIKE '%oidc%", 3),
        ("account.register' AND detail LIKE '%\"via\":\"oidc\"%", 1),
    ] {
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'");
        assert_eq!(raw_count(&app.db_url, &sql).await, expected, "{action}");
    }
}

async fn a_sign_in_under_way_is_taken_once_and_only_in_time(app: TestApp) {
    let now = app.clock.now_millis();
    let pending = |state: &str| Pending {
        state: state.to_owned(),
        nonce: "n".to_owned(),
        pkce_verifier: "v".to_owned(),
        next_path: "/account".to_owned(),
    };
    external_login::begin(&app.store, &pending("s1"), now)
        .await
        .unwrap();
    let taken = external_login::take(&app.store, "s1", now + 1000)
        .await
        .unwrap();
    assert_eq!(taken, Some(pending("s1")));
    assert_eq!(
        external_login::take(&app.store, "s1", now + 2000)
            .await
            .unwrap(),
        None,
        "a replayed answer finds nothing"
    );
    // Ten minutes by default (setting login.external_minutes).
    external_login::begin(&app.store, &pending("s2"), now)
        .await
        .unwrap();
    let late = external_login::take(&app.store, "s2", now + 10 * 60_000 + 1).await;
    assert_eq!(late.unwrap(), None, "too late");
    // Starting a sign-in forgets the stale ones.
    external_login::begin(&app.store, &pending("s3"), now)
        .await
        .unwrap();
    external_login::begin(&app.store, &pending("s4"), now + 11 * 60_000)
        .await
        .unwrap();
    let left = "SELECT COUNT(*) FROM external_logins_pending";
    assert_eq!(raw_count(&app.db_url, left).await, 1);
}

async fn without_a_provider_there_is_no_external_sign_in(app: TestApp) {
    let login = app.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(!login.body.contains("external-login"));
    for path in ["/login/external", "/login/external/callback?code=c&state=s"] {
        let reply = app.get(path).await;
        assert_eq!(reply.location(), Some("/login"), "{path}");
        assert!(reply.cookie("tongban_session").is_none());
    }
}

async fn a_return_from_the_provider_that_does_not_belong_is_refused(mut app: TestApp) {
    // A provider nobody answers for (a closed port): discovery fails.
    let settings = WebSettings {
        data_key: DataKey::from_hex(&app.data_key_hex).unwrap(),
        external_login: Some(ExternalLoginSettings {
            issuer: "http://127.0.0.1:9".to_owned(),
            client_id: "tongban".to_owned(),
            client_secret: Some("secret".to_owned()),
            display_name: "省统一身份认证平台".to_owned(),
            scopes: vec!["profile".to_owned()],
            claims: ClaimNames::default(),
        }),
        ..WebSettings::default()
    };
    app.router = crate::helpers::router_with(&app.store, &app.clock, settings);
    let login = app.get("/login?next=/account").await;
    assert!(login.body.contains("data-testid=\"external-login\""));
    assert!(login.body.contains("使用 省统一身份认证平台 登录"));

    let unreachable = app.get("/login/external").await;
    assert_eq!(unreachable.status, StatusCode::BAD_GATEWAY);
    assert!(
        unreachable
            .body
            .contains("统一身份认证平台暂时无法完成登录")
    );
    assert!(
        unreachable.body.contains("id=\"password\""),
        "the password form is offered"
    );

    let cancelled = app
        .get("/login/external/callback?error=access_denied&state=s")
        .await;
    assert_eq!(cancelled.status, StatusCode::BAD_REQUEST);
    assert!(cancelled.body.contains("统一身份认证平台未完成登录"));

    // The state is not this browser's (no cookie, or another one): a forged return.
    external_login::begin(
        &app.store,
        &Pending {
            state: "real-state".to_owned(),
            nonce: "n".to_owned(),
            pkce_verifier: "v".to_owned(),
            next_path: "/account".to_owned(),
        },
        app.clock.now_millis(),
    )
    .await
    .unwrap();
    let forged = app
        .get("/login/external/callback?code=c&state=real-state")
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.body.contains("登录已失效"));
    let other = Browser {
        cookies: vec![("tongban_external_state".into(), "other-state".into())],
        ..Browser::default()
    };
    let mismatched = app
        .get_as(&other, "/login/external/callback?code=c&state=real-state")
        .await;
    assert_eq!(mismatched.status, StatusCode::BAD_REQUEST);
    // A state this platform never issued, though the cookie matches it.
    let unknown = Browser {
        cookies: vec![("tongban_external_state".into(), "never-issued".into())],
        ..Browser::default()
    };
    let unknown = app
        .get_as(
            &unknown,
            "/login/external/callback?code=c&state=never-issued",
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.body.contains("登录已失效"));
    assert!(
        unknown.cookie("tongban_session").is_none(),
        "nobody is signed in"
    );
}

crate::on_both!(
    people_from_a_provider_become_real_name_accounts,
    a_sign_in_under_way_is_taken_once_and_only_in_time,
    without_a_provider_there_is_no_external_sign_in,
    a_return_from_the_provider_that_does_not_belong_is_refused,
);
