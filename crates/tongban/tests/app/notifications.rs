//! Supervision digests reach people by email through a real SMTP server (Debian's
//! python3-aiosmtpd, started here), and a delivery that fails is kept, visible, and tried
//! again after its back-off.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use jiff::civil::date;
use tongban::notify::Notifier;
use tongban_store::sealed::DataKey;
use tongban_store::{cases, outbox, supervision};

use crate::cases::{KEY, claimed};
use crate::helpers::{TempDir, TestApp, raw_execute};
use crate::on_both;

on_both!(
    digests_are_emailed_and_failures_retry,
    the_applicant_is_told_in_the_portal
);

/// An SMTP server that files what it receives in a Maildir; stopped on drop.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const AIOSMTPD: &str = "/usr/bin/python3";

/// A free local port (nothing listens on it once this returns).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts aiosmtpd on `port`; None (with a message) when it is not installed, outside CI.
async fn smtp_server(port: u16) -> Option<SmtpServer> {
    let installed = Command::new(AIOSMTPD)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        let help =
            "the email tests need Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{help}");
        eprintln!("SKIPPED: {help}");
        return None;
    }
    let dir = TempDir::new();
    let maildir = dir.0.join("maildir");
    // Held at once, so the server is stopped whatever happens next.
    let server = SmtpServer {
        child: Command::new(AIOSMTPD)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd"),
        port,
        maildir,
        _dir: dir,
    };
    // Wait for it to listen: this waits on another process, it asserts nothing about time.
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(server);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("aiosmtpd did not start on port {port}");
}

/// The messages filed in a Maildir: each one's headers, and its body decoded from base64.
fn received(maildir: &Path) -> Vec<(String, String)> {
    use base64::Engine;
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else {
        return Vec::new();
    };
    entries
        .map(|e| {
            let raw = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let (headers, body) = raw.split_once("\n\n").expect("headers, then the body");
            assert!(
                headers.contains("Content-Transfer-Encoding: base64"),
                "{headers}"
            );
            assert!(headers.contains("charset=utf-8"), "{headers}");
            let body: String = body.split_whitespace().collect();
            let body = base64::engine::general_purpose::STANDARD
                .decode(body)
                .expect("a base64 body");
            (headers.to_owned(), String::from_utf8(body).expect("UTF-8"))
        })
        .collect()
}

async fn case_number(app: &TestApp, id: i64) -> String {
    let stored = cases::load(&app.store, id).await.unwrap().unwrap();
    stored.case.case_number.expect("accepted")
}

fn notifier(port: u16) -> Notifier {
    Notifier::new(
        Some(&format!("smtp://127.0.0.1:{port}")),
        "通办 Tongban <noreply@tongban.example>",
        Duration::from_secs(60),
        Duration::from_secs(3600),
    )
    .unwrap()
}

async fn digests_are_emailed_and_failures_retry(app: TestApp) {
    let port = free_port();
    raw_execute(
        &app.db_url,
        "UPDATE users SET email = username || '@market.example.gov.cn' \
         WHERE username IN ('reviewer', 'approver')",
    )
    .await;
    let key = DataKey::from_hex(KEY).unwrap();
    let id = claimed(&app, &key).await;
    // The step (15 working days from 2 March) reaches 预警 on 17 March.
    let report = supervision::tick(&app.store, date(2026, 3, 17), 1_000)
        .await
        .unwrap();
    assert_eq!(report.raised, 1);
    assert_eq!(
        report.notifications, 4,
        "a digest for the clerk and one for the head, each on the log and by email"
    );

    // Nothing listens on the port yet: the first attempt fails.
    let down = notifier(port).deliver(&app.store, 2_000).await.unwrap();
    assert_eq!(
        (down.sent, down.failed),
        (2, 2),
        "the log went out, the email did not"
    );
    let failing = outbox::failing(&app.store, 10).await.unwrap();
    assert_eq!(failing.len(), 2);
    assert!(
        failing
            .iter()
            .all(|(m, _)| m.channel == "email" && m.attempts == 1)
    );
    let figures = outbox::figures(&app.store).await.unwrap();
    let email = figures.iter().find(|f| f.channel == "email").unwrap();
    assert_eq!((email.sent, email.failing), (0, 2));

    // An administrator sees the same over the API; no one else does.
    let admin = app.token("admin").await;
    let seen = app.api("GET", "/api/v1/outbox", Some(&admin), None).await;
    assert_eq!(seen.status, axum::http::StatusCode::OK);
    let seen = seen.json();
    assert_eq!(seen["failing"].as_array().unwrap().len(), 2);
    assert!(seen["failing"][0]["last_error"].as_str().unwrap().len() > 3);
    let clerk = app.token("clerk").await;
    assert_eq!(
        app.api("GET", "/api/v1/outbox", Some(&clerk), None)
            .await
            .status,
        axum::http::StatusCode::FORBIDDEN
    );

    let Some(server) = smtp_server(port).await else {
        return;
    };
    // Not before the back-off (60 s) has passed…
    let early = notifier(server.port)
        .deliver(&app.store, 2_000 + 59_000)
        .await
        .unwrap();
    assert_eq!(early.sent, 0);
    // …then both go out.
    let later = notifier(server.port)
        .deliver(&app.store, 2_000 + 60_000)
        .await
        .unwrap();
    assert_eq!((later.sent, later.failed), (2, 0));
    let mails = received(&server.maildir);
    assert_eq!(mails.len(), 2, "one digest each");
    let number = case_number(&app, id).await;
    let (_, to_reviewer) = mails
        .iter()
        .find(|(headers, _)| headers.contains("To: reviewer@market.example.gov.cn"))
        .expect("the clerk's digest");
    assert!(
        to_reviewer.contains(&number)
            && to_reviewer.contains("承办")
            && to_reviewer.contains("预警"),
        "{to_reviewer}"
    );
    assert!(mails.iter().any(|(headers, body)| {
        headers.contains("To: approver@market.example.gov.cn") && body.contains("本部门")
    }));
    assert!(outbox::failing(&app.store, 10).await.unwrap().is_empty());
}

async fn the_applicant_is_told_in_the_portal(app: TestApp) {
    let key = DataKey::from_hex(KEY).unwrap();
    // Accepted, then a clerk claims a step: the applicant hears of the first, not the second.
    let id = claimed(&app, &key).await;
    let number = case_number(&app, id).await;
    let enterprise = app.token("enterprise").await;
    let messages = app
        .api("GET", "/api/v1/messages", Some(&enterprise), None)
        .await;
    assert_eq!(messages.status, axum::http::StatusCode::OK);
    let messages = messages.json();
    let messages = messages.as_array().unwrap();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0]["body"]
            .as_str()
            .unwrap()
            .contains(&format!("您的办件{number}已受理"))
    );
    // Nobody else sees them; signing in is needed.
    let clerk = app.token("clerk").await;
    let theirs = app
        .api("GET", "/api/v1/messages", Some(&clerk), None)
        .await
        .json();
    assert_eq!(theirs.as_array().unwrap().len(), 0);
    assert_eq!(
        app.api("GET", "/api/v1/messages", None, None).await.status,
        axum::http::StatusCode::UNAUTHORIZED
    );
    // Delivering marks them sent; nothing is queued by email for an applicant without an address.
    let now = {
        use tongban_domain::clock::Clock;
        app.clock.now_millis()
    };
    let delivered = notifier(free_port())
        .deliver(&app.store, now)
        .await
        .unwrap();
    assert_eq!((delivered.sent, delivered.failed), (1, 0));
}
