//! The binary's commands, run as a user would run them.

use std::process::Command;

use crate::helpers::{Db, TempDir, fresh_database, raw_count, raw_execute};

fn tongban(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(args)
        .env_remove("TONGBAN_DB")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run tongban")
}

fn check_code(code: &str, expected_kind: Option<&str>) {
    let out = tongban(&["code", "parse", code]);
    match expected_kind {
        Some(kind) => {
            assert!(
                out.status.success(),
                "{code}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(json["kind"], kind, "{code}");
        }
        None => {
            assert_eq!(out.status.code(), Some(1), "{code}");
            assert!(!out.stderr.is_empty());
        }
    }
}

#[test]
fn code_parse() {
    check_code("370117002011", Some("basic"));
    check_code("11511301008778220W4510100100100", Some("implementation"));
    check_code("11511301008778220W451010010010001", Some("handling_item"));
    check_code(
        "511A0138000000-511602000000-000-115113010833722043-1-00",
        Some("opaque"),
    );
    check_code("11511301008778220X4510100100100", None);
    check_code("", None);
    let out = tongban(&["code", "parse", "11511301008778220W4510100100100"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["implementation"]["organ_uscc"], "11511301008778220W");
    assert_eq!(json["implementation"]["exercise_level"], 4);
    assert_eq!(json["implementation"]["basic_code"]["item_type"], "01");
}

fn check_validate(kind: &str, value: &str, valid: bool, hint: &str) {
    let out = tongban(&["validate", kind, value]);
    assert_eq!(
        out.status.success(),
        valid,
        "{kind} {value}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(hint), "{kind} {value}: {text}");
}

#[test]
fn validate_ids_and_usccs() {
    check_validate("id", "11010519491231002X", true, "110105********002X");
    check_validate(
        "id",
        "１１０１０５ １９４９１２３１ ００２ｘ",
        true,
        "valid",
    );
    check_validate("id", "110105194912310021", false, "X");
    check_validate("id", "11010519491331002X", false, "invalid");
    check_validate("id", "1101051949123100", false, "18");
    check_validate("uscc", "91110000600037341L", true, "valid");
    check_validate("uscc", "91110000600037341l", true, "valid");
    check_validate("uscc", "91110000600037341M", false, "L");
    check_validate("uscc", "9111000060003734IL", false, "I");
}

#[tokio::test]
async fn import_export_and_audit_verify() {
    let dir = TempDir::new();
    let db = format!("sqlite://{}", dir.0.join("cli.sqlite").display());
    let csv = dir.0.join("catalog.csv");
    std::fs::write(
        &csv,
        "department,name,itemCode,taskType,areaCode,deptCode\n\
         区教科体局,学生资助政策咨询,512C0053300008-511602000000-000-115113010833722043-1-00,20,511602000000,083372204\n\
         区教科体局,,512C0053300009-511602000000-000-115113010833722043-1-00,20,511602000000,083372204\n",
    )
    .unwrap();
    let out = tongban(&[
        "catalog",
        "import",
        csv.to_str().unwrap(),
        "--json",
        "--db",
        &db,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            report["rows"].as_i64(),
            report["imported"].as_i64(),
            report["opaque_codes"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(report["rejected"][0]["row"], 3);
    assert_eq!(report["rejected"][0]["field"], "name");

    let xlsx = dir.0.join("export.xlsx");
    let out = tongban(&["catalog", "export", xlsx.to_str().unwrap(), "--db", &db]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tongban(&[
        "catalog",
        "import",
        xlsx.to_str().unwrap(),
        "--json",
        "--db",
        &db,
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["unchanged"].as_i64(), report["imported"].as_i64()),
        (Some(1), Some(0)),
        "{report}"
    );
    let exported_csv = dir.0.join("export.csv");
    assert!(
        tongban(&[
            "catalog",
            "export",
            exported_csv.to_str().unwrap(),
            "--db",
            &db
        ])
        .status
        .success()
    );
    assert!(
        std::fs::read_to_string(&exported_csv)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .contains("implementation_code")
    );

    assert!(tongban(&["audit", "verify", "--db", &db]).status.success());
    raw_execute(&db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").await;
    let out = tongban(&["audit", "verify", "--db", &db]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains('1'));
}

#[tokio::test]
async fn migrate_runs_on_both_backends() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some((url, _dir)) = fresh_database(db).await else {
            continue;
        };
        for _ in 0..2 {
            let out = tongban(&["migrate", "--db", &url]);
            assert!(
                out.status.success(),
                "{db:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let out = tongban(&["demo", "--db", &url]);
        assert!(
            out.status.success(),
            "{db:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A case is its events: its derived rows, lost, come back from them.
        let derived = [
            "SELECT COUNT(*) FROM case_tasks",
            "SELECT COUNT(*) FROM case_watch",
            "SELECT COUNT(*) FROM cases WHERE phase = 'in_progress'",
        ];
        let mut before = Vec::new();
        for sql in derived {
            before.push(raw_count(&url, sql).await);
        }
        assert!(before.iter().all(|n| *n > 0), "{db:?}: {before:?}");
        raw_execute(&url, "DELETE FROM case_tasks").await;
        raw_execute(&url, "DELETE FROM case_watch").await;
        raw_execute(&url, "UPDATE cases SET phase = 'lost'").await;
        let out = tongban(&["case", "rebuild", "--db", &url]);
        assert!(
            out.status.success(),
            "{db:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let all = raw_count(&url, "SELECT COUNT(*) FROM cases").await;
        assert!(
            String::from_utf8_lossy(&out.stdout)
                .contains(&format!("rebuilt the derived rows of {all} cases")),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let mut after = Vec::new();
        for sql in derived {
            after.push(raw_count(&url, sql).await);
        }
        assert_eq!(before, after, "{db:?}");
        assert_eq!(
            raw_count(&url, "SELECT COUNT(*) FROM cases WHERE phase = 'lost'").await,
            0
        );
        // Staff get an email address for supervision digests; a bad one names the field.
        let add = |email: &str| {
            Command::new(env!("CARGO_BIN_EXE_tongban"))
                .args(["user", "add", "head2", "--name", "王科长", "--role"])
                .args(["department_approver", "--department", "1", "--email", email])
                .args(["--db", &url])
                .env("TONGBAN_PASSWORD", "a-long-password")
                .current_dir(std::env::temp_dir())
                .output()
                .expect("run tongban")
        };
        let bad = add("head2 at example");
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("email"));
        let good = add("head2@market.example.gov.cn");
        assert!(
            good.status.success(),
            "{}",
            String::from_utf8_lossy(&good.stderr)
        );
        assert_eq!(
            raw_count(
                &url,
                "SELECT COUNT(*) FROM users WHERE email = 'head2@market.example.gov.cn'"
            )
            .await,
            1
        );
        // Roles change from the command line, each change in the audit log.
        let role = |verb: &str, role: &str| {
            Command::new(env!("CARGO_BIN_EXE_tongban"))
                .args(["user", verb, "head2", role, "--db", &url])
                .current_dir(std::env::temp_dir())
                .output()
                .expect("run tongban")
        };
        assert!(role("grant", "department_head").status.success());
        assert!(
            !role("grant", "department_head").status.success(),
            "held already"
        );
        assert!(!role("grant", "emperor").status.success(), "no such role");
        assert!(role("revoke", "department_approver").status.success());
        let roles = "SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
                     WHERE u.username = 'head2' AND r.role = 'department_head'";
        assert_eq!(raw_count(&url, roles).await, 1);
        for action in ["account.role_grant", "account.role_revoke"] {
            let sql = format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND actor LIKE 'cli:%'"
            );
            assert_eq!(raw_count(&url, &sql).await, 1, "{action}");
        }
    }
    let out = tongban(&["migrate", "--db", "mysql://localhost/x"]);
    assert!(!out.status.success(), "unknown database URLs are refused");
}

#[test]
fn the_data_key_is_generated_once_rotated_and_never_guessed() {
    let dir = TempDir::new();
    let db = format!("sqlite://{}", dir.0.join("keys.sqlite").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tongban"))
            .args(args)
            .current_dir(&dir.0)
            .env_remove("TONGBAN_DATA_KEY")
            .output()
            .expect("run tongban")
    };
    // Outside the demo, no key means no start: nothing is sealed under a key nobody kept.
    let refused = run(&["serve", "--listen", "127.0.0.1:0", "--db", &db]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no data key"));
    assert!(
        !run(&["keys", "rotate"]).status.success(),
        "nothing to rotate yet"
    );
    assert!(run(&["keys", "generate"]).status.success());
    assert!(
        !run(&["keys", "generate"]).status.success(),
        "never overwritten"
    );
    let file = dir.0.join("tongban.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(run(&["keys", "rotate"]).status.success());
    let rotated = std::fs::read_to_string(&file).unwrap();
    let keys: Vec<&str> = rotated.lines().collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[1], first.trim(), "the old key is kept, retired");
    assert_ne!(keys[0], keys[1]);
}

#[tokio::test]
async fn guide_lint_export_and_import() {
    let dir = TempDir::new();
    let db = format!("sqlite://{}", dir.0.join("guides.sqlite").display());
    assert!(tongban(&["demo", "--db", &db]).status.success());

    let out = tongban(&["guide", "lint", "--all", "--json", "--db", &db]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the demo city has guides with errors"
    );
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    for key in ["implementation", "rule", "severity", "element", "message"] {
        assert!(findings[0][key].is_string(), "{key}: {}", findings[0]);
    }
    let vague = findings
        .iter()
        .find(|f| f["rule"] == "G002")
        .expect("the vague material is found");
    let flawed = vague["implementation"].as_str().unwrap().to_owned();

    // Export the flawed guide, fix it in the file, check the file, import it as a draft.
    let out = tongban(&["guide", "export", &flawed, "--db", &db]);
    assert!(out.status.success());
    let mut document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["implementation_code"], flawed.as_str());
    for key in ["name", "legal_limit_days", "committed_limit_days", "visits"] {
        assert!(!document[key].is_null(), "{key}");
    }
    let materials = document["materials"].as_array_mut().unwrap();
    assert!(
        materials[0]["name"].is_string()
            && materials[0]["required"].is_boolean()
            && materials[0]["copies"].is_number()
    );
    materials.retain(|m| m["name"] != "其他相关材料");
    let file = dir.0.join("guide.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&document).unwrap()).unwrap();
    let out = tongban(&[
        "guide",
        "lint",
        "--file",
        file.to_str().unwrap(),
        "--json",
        "--db",
        &db,
    ]);
    let remaining: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !remaining
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "G002"),
        "{remaining}"
    );
    let out = tongban(&["guide", "import", file.to_str().unwrap(), "--db", &db]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    std::fs::write(&file, b"{\"name\": \"x\", \"no_such_element\": 1}").unwrap();
    let out = tongban(&["guide", "import", file.to_str().unwrap(), "--db", &db]);
    assert!(
        !out.status.success(),
        "unknown elements are refused, not silently dropped"
    );
}

fn answer(args: &[&str]) -> (Option<i32>, String) {
    let out = tongban(args);
    (
        out.status.code(),
        String::from_utf8_lossy(if out.status.success() {
            &out.stdout
        } else {
            &out.stderr
        })
        .trim()
        .to_owned(),
    )
}

#[test]
fn calendar_commands() {
    let ok = |s: &str| (Some(0), s.to_owned());
    assert_eq!(
        answer(&["calendar", "is-workday", "2026-02-14"]),
        ok("true")
    );
    assert_eq!(
        answer(&["calendar", "is-workday", "2026-02-16"]),
        ok("false")
    );
    assert_eq!(
        answer(&["calendar", "is-workday", "2026-11-21"]),
        ok("false")
    );
    assert_eq!(
        answer(&["calendar", "add-workdays", "2026-02-13", "2"]),
        ok("2026-02-24")
    );
    assert_eq!(
        answer(&["calendar", "add-workdays", "2026-10-03", "0"]),
        ok("2026-10-08")
    );
    assert_eq!(
        answer(&["calendar", "add-workdays", "2026-11-23", "0"]),
        ok("2026-11-23")
    );
    assert_eq!(
        answer(&["calendar", "add-workdays", "2026-02-02", "20"]),
        ok("2026-03-06")
    );
    assert_eq!(
        answer(&["calendar", "workdays-between", "2026-10-01", "2026-10-12"]),
        ok("3")
    );
    assert_eq!(
        answer(&["calendar", "workdays-between", "2025-01-01", "2026-01-01"]),
        ok("248")
    );
    let (code, message) = answer(&["calendar", "is-workday", "2027-03-01"]);
    assert_eq!(code, Some(2));
    assert!(message.contains("2027"), "{message}");
    let (code, message) = answer(&["calendar", "add-workdays", "2026-13-01", "1"]);
    assert_eq!(code, Some(2));
    assert!(message.contains("YYYY-MM-DD"), "{message}");
}

/// A notice for a year that does not ship (the dates are a test fixture, not the real 2027 notice).
pub const NOTICE_2027: &str = r#"{"year": 2027, "papers": [], "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-05", "isOffDay": true},
    {"name": "春节", "date": "2027-02-08", "isOffDay": true},
    {"name": "春节", "date": "2027-02-09", "isOffDay": true},
    {"name": "春节", "date": "2027-02-10", "isOffDay": true},
    {"name": "春节", "date": "2027-02-11", "isOffDay": true},
    {"name": "春节", "date": "2027-02-20", "isOffDay": false}
]}"#;

#[tokio::test]
async fn a_year_imported_at_the_command_line_is_counted() {
    for db in [Db::Sqlite, Db::Postgres] {
        let Some((url, _dir)) = fresh_database(db).await else {
            continue;
        };
        let dir = TempDir::new();
        let file = dir.0.join("2027.json");
        std::fs::write(&file, NOTICE_2027).unwrap();
        let file = file.to_str().unwrap();
        let (code, message) =
            answer(&["calendar", "add-workdays", "2027-02-04", "1", "--db", &url]);
        assert_eq!(code, Some(2), "{db:?}: before the import 2027 is refused");
        assert!(message.contains("2027"), "{message}");
        let (code, message) = answer(&["calendar", "import", file, "--db", &url]);
        assert_eq!(code, Some(0), "{db:?}: {message}");
        assert!(message.contains("2027"), "{message}");
        assert_eq!(
            answer(&["calendar", "add-workdays", "2027-02-04", "1", "--db", &url]),
            (Some(0), "2027-02-12".to_owned()),
            "{db:?}"
        );
        assert_eq!(
            answer(&["calendar", "is-workday", "2027-02-20", "--db", &url]),
            (Some(0), "true".to_owned())
        );
        let (_, years) = answer(&["calendar", "years", "--db", &url]);
        assert!(years.contains("2026\tbuilt-in"), "{years}");
        assert!(years.contains("2027\timported by cli"), "{years}");
        // A bad notice is refused naming its field, and the loaded year is kept.
        std::fs::write(
            dir.0.join("bad.json"),
            NOTICE_2027.replace("2027-02-20", "2028-02-20"),
        )
        .unwrap();
        let (code, message) = answer(&[
            "calendar",
            "import",
            dir.0.join("bad.json").to_str().unwrap(),
            "--db",
            &url,
        ]);
        assert_eq!(code, Some(2));
        assert!(message.contains("days[6].date"), "{message}");
        assert_eq!(
            answer(&["calendar", "is-workday", "2027-02-20", "--db", &url]),
            (Some(0), "true".to_owned())
        );
        let out = tongban(&["audit", "verify", "--db", &url]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // A question about a database that does not exist answers from the shipped years and
    // creates nothing.
    let dir = TempDir::new();
    let absent = dir.0.join("absent.sqlite");
    let url = format!("sqlite://{}", absent.display());
    assert_eq!(
        answer(&["calendar", "is-workday", "2026-02-14", "--db", &url]),
        (Some(0), "true".to_owned())
    );
    assert!(!absent.exists());
}

/// `tongban search`, `search eval` and `search reindex` on a demo database, as the issue
/// describes their output.
#[tokio::test]
async fn search_commands() {
    let Some((url, _dir)) = fresh_database(Db::Sqlite).await else {
        return;
    };
    assert!(tongban(&["demo", "--db", &url]).status.success());
    let out = tongban(&[
        "search",
        "开饭馆要办什么证",
        "--limit",
        "3",
        "--json",
        "--db",
        &url,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    assert_eq!(hits[0]["name"], "食品经营许可");
    for field in ["implementation_code", "basic_code", "department", "score"] {
        assert!(!hits[0][field].is_null(), "{field}");
    }
    let queries = TempDir::new();
    let file = queries.0.join("queries.tsv");
    std::fs::write(
        &file,
        "id\tkind\tquery\tgold\nq1\tpinyin\thuzhao\t普通护照签发\nq2\tkeyword\t量子纠缠\t普通护照签发\n",
    )
    .unwrap();
    let out = tongban(&[
        "search",
        "eval",
        file.to_str().unwrap(),
        "--json",
        "--db",
        &url,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["overall"]["n"], 2);
    assert_eq!(report["overall"]["top1"], 0.5);
    assert_eq!(report["overall"]["top3"], 0.5);
    assert_eq!(report["overall"]["mrr"], 0.5);
    assert_eq!(report["by_kind"]["pinyin"]["top1"], 1.0);
    let out = tongban(&[
        "search",
        "eval",
        file.to_str().unwrap(),
        "--baseline",
        "--json",
        "--db",
        &url,
    ]);
    let baseline: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        baseline["overall"]["top3"], 0.0,
        "substring matching does not read pinyin"
    );
    std::fs::write(&file, "id\tquery\n").unwrap();
    let out = tongban(&["search", "eval", file.to_str().unwrap(), "--db", &url]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    let out = tongban(&["search", "reindex", "--db", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("indexed"));
    assert_eq!(
        raw_count(
            &url,
            "SELECT COUNT(*) FROM settings WHERE name = 'search.generation'"
        )
        .await,
        1
    );
}
