//! A person's own email address: used only after they follow the link sent to it.

use axum::http::StatusCode;

use crate::helpers::{Browser, TestApp, raw_count};

async fn verification_email(app: &TestApp) -> (String, String) {
    let row = {
        use sqlx::{Connection, Row};
        let mut connection = sqlx::AnyConnection::connect(&app.db_url).await.unwrap();
        sqlx::query(
            "SELECT recipient, body FROM outbox WHERE channel = 'email' \
             AND recipient LIKE 'email-verification:%' ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(&mut connection)
        .await
        .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
        .unwrap()
    };
    let token = row
        .1
        .split("token=")
        .nth(1)
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect())
        .expect("a link with a token");
    (row.0, token)
}

async fn an_email_address_is_used_only_once_confirmed(app: TestApp) {
    sqlx::any::install_default_drivers();
    let citizen = app.sign_in("citizen").await;
    let unverified = "SELECT COUNT(*) FROM users WHERE username = 'citizen' AND email IS NULL";
    assert_eq!(raw_count(&app.db_url, unverified).await, 1);

    let bad = app
        .post_form(
            &citizen,
            "/account/email",
            &[("csrf_token", &citizen.csrf), ("email", "liu@localhost")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("data-testid=\"email-error\""));
    let queued = "SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'email-verification:%'";
    assert_eq!(raw_count(&app.db_url, queued).await, 0);

    let sent = app
        .post_form(
            &citizen,
            "/account/email",
            &[("csrf_token", &citizen.csrf), ("email", " liu@example.cn ")],
        )
        .await;
    assert_eq!(
        sent.location(),
        Some("/account?done=email_sent"),
        "{}",
        sent.body
    );
    let (recipient, token) = verification_email(&app).await;
    assert_eq!(token.len(), 64);
    assert_eq!(
        tongban_store::outbox::email_of(&app.store, &recipient)
            .await
            .unwrap()
            .as_deref(),
        Some("liu@example.cn"),
        "the email goes to the address being confirmed"
    );
    assert_eq!(
        raw_count(&app.db_url, unverified).await,
        1,
        "not used before it is confirmed"
    );

    // A wrong link, then the right one from another device (not signed in), then again.
    let anyone = Browser::default();
    let wrong = app
        .get_as(
            &anyone,
            &format!("/account/email/verify?token={}", "0".repeat(64)),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("验证链接无效"), "{}", wrong.body);
    let path = format!("/account/email/verify?token={token}");
    let confirmed = app.get_as(&anyone, &path).await;
    assert_eq!(confirmed.location(), Some("/account?done=email_verified"));
    assert_eq!(raw_count(&app.db_url, unverified).await, 0);
    assert_eq!(
        app.get_as(&anyone, &path).await.status,
        StatusCode::BAD_REQUEST,
        "once only"
    );
    let centre = app.get_as(&citizen, "/account?done=email_verified").await;
    assert!(centre.body.contains("l***@example.cn"), "{}", centre.body);
    assert!(
        !centre.body.contains("liu@example.cn"),
        "masked on the page"
    );
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'account.email_verified' \
                   AND detail NOT LIKE '%liu@%'";
    assert_eq!(raw_count(&app.db_url, audited).await, 1);

    // A link older than a day (setting account.email_verify_hours) no longer works.
    app.post_form(
        &citizen,
        "/account/email",
        &[("csrf_token", &citizen.csrf), ("email", "liu2@example.cn")],
    )
    .await;
    let (_, late) = verification_email(&app).await;
    app.clock.advance(jiff::SignedDuration::from_hours(25));
    let expired = app
        .get_as(&anyone, &format!("/account/email/verify?token={late}"))
        .await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    let kept = "SELECT COUNT(*) FROM users WHERE username = 'citizen' AND email = 'liu@example.cn'";
    assert_eq!(raw_count(&app.db_url, kept).await, 1);
}

crate::on_both!(an_email_address_is_used_only_once_confirmed);
