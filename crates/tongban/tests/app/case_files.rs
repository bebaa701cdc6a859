//! Applicants' documents: a company applies online on the portal's form with its files; a
//! refused file names its material and keeps the others; the files are sealed at rest and
//! read back only by those who may see the case. On both databases.

use axum::http::{StatusCode, header};

use crate::helpers::{
    SCAN, TestApp, form_fields, market_item, raw_count, set, upload_case_file, uploaded_scan,
};
use crate::on_both;

const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";

on_both!(a_company_applies_online_with_its_files_and_only_the_case_parties_read_them);

async fn a_company_applies_online_with_its_files_and_only_the_case_parties_read_them(app: TestApp) {
    let code = market_item(&app).await;
    let guide = crate::helpers::published_guide(&app, &code).await;
    let asked = crate::helpers::asked_files(&guide);
    assert!(asked.len() >= 2, "the demo item asks for several files");

    // The item's page offers online applying; a clerk does not apply here.
    let item = app.get(&format!("/catalog/items/{code}")).await;
    assert!(item.body.contains("data-testid=\"apply-online\""));
    let path = format!("/catalog/items/{code}/apply");
    let clerk = app.sign_in("clerk").await;
    assert_eq!(
        app.get_as(&clerk, &path).await.status,
        StatusCode::FORBIDDEN
    );

    let company = app.sign_in("enterprise").await;
    let form = app.get_as(&company, &path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    for &i in &asked {
        assert!(form.body.contains(&format!("name=\"file.{i}\"")));
    }
    let mut fields = form_fields(&form.body);
    set(&mut fields, "name", "云溪市青禾餐饮有限公司");
    set(&mut fields, "id_number", "91110000600037341L");
    set(&mut fields, "phone", "13800138000");

    // A disguised program for the first material: refused naming it; the others are kept
    // and shown as uploaded, and nothing is applied for.
    let first = format!("file.{}", asked[0]);
    let names: Vec<String> = asked.iter().map(|i| format!("file.{i}")).collect();
    let mut files: Vec<(&str, &str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), "材料.pdf", SCAN))
        .collect();
    files[0] = (first.as_str(), "营业执照.pdf", EXE);
    let refused = app.post_multipart(&company, &path, &fields, &files).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("data-testid=\"apply-error\""));
    assert!(refused.body.contains(&guide.materials[asked[0]].name));
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM cases").await,
        0
    );
    let again = form_fields(&refused.body);
    assert!(
        again
            .iter()
            .any(|(k, _)| k == &format!("kept.{}", asked[1])),
        "the good files are kept: {again:?}"
    );
    assert!(
        !again
            .iter()
            .any(|(k, _)| k == &format!("kept.{}", asked[0]))
    );

    // Only the refused file again: the application goes in.
    let applied = app
        .post_multipart(
            &company,
            &path,
            &again,
            &[(first.as_str(), "营业执照.pdf", SCAN)],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let case_page = applied
        .location()
        .unwrap()
        .trim_end_matches("?done=1")
        .to_owned();
    let id: i64 = case_page.rsplit('/').next().unwrap().parse().unwrap();
    let shown = app.get_as(&company, &case_page).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let link = format!("/api/v1/cases/{id}/files/");
    assert!(shown.body.contains(&link), "{}", shown.body);

    // Sealed at rest: the bytes in the database are not the document.
    let sha = uploaded_scan(&app, &app.token("enterprise").await).await;
    let url = format!("/api/v1/cases/{id}/files/{sha}");
    assert_eq!(
        raw_count(
            &app.db_url,
            "SELECT COUNT(*) FROM case_files WHERE owner = 'enterprise'"
        )
        .await,
        1,
        "the same content is one file"
    );
    let file = app.get_as(&company, &url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, SCAN);
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(file.headers[header::CACHE_CONTROL], "private, no-store");
    // The clerks of the case read it; a stranger does not, even knowing the hash.
    assert_eq!(app.get_as(&clerk, &url).await.bytes, SCAN);
    let reviewer = app.token("reviewer").await;
    let read = app.api("GET", &url, Some(&reviewer), None).await;
    assert_eq!(read.status, StatusCode::OK);
    let citizen = app.token("citizen").await;
    let stranger = app.api("GET", &url, Some(&citizen), None).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    // Supervisors watch time, not documents; a hall's window reads only what it received.
    for other in ["supervisor", "songxi"] {
        let token = app.token(other).await;
        let refused = app.api("GET", &url, Some(&token), None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{other}");
    }
    assert!(
        raw_count(
            &app.db_url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'case.file.read'"
        )
        .await
            >= 3,
        "every read is on the record"
    );
    // A file sent with an act that hands nothing in is not kept.
    let reviewer_page = app.sign_in("reviewer").await;
    let before = raw_count(&app.db_url, "SELECT COUNT(*) FROM case_files").await;
    let sent = app
        .post_multipart(
            &reviewer_page,
            &format!("/cases/{id}/acts"),
            &[
                ("csrf_token".to_owned(), reviewer_page.csrf.clone()),
                ("act".to_owned(), "claim".to_owned()),
                ("upload_name.0".to_owned(), "x".to_owned()),
            ],
            &[("upload.0", "big.pdf", SCAN)],
        )
        .await;
    assert_ne!(sent.status, StatusCode::OK);
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM case_files").await,
        before
    );
    // A file the case does not cite is not served through it, though the citizen's own.
    let own = uploaded_scan(&app, &citizen).await;
    assert_eq!(own, sha, "the same bytes, under the citizen's account");
    let other = upload_case_file(&app, &citizen, "户口簿.jpg", b"\xff\xd8\xff\xe0 jpeg").await;
    let other = other.json()["sha256"].as_str().unwrap().to_owned();
    let uncited = app
        .api(
            "GET",
            &format!("/api/v1/cases/{id}/files/{other}"),
            Some(&reviewer),
            None,
        )
        .await;
    assert_eq!(uncited.status, StatusCode::NOT_FOUND);
    // Uploading is for applicants and windows.
    let staff = upload_case_file(&app, &reviewer, "a.pdf", SCAN).await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);
}

on_both!(an_applicant_supplies_corrections_by_upload_on_the_case_page);

async fn an_applicant_supplies_corrections_by_upload_on_the_case_page(app: TestApp) {
    let id = crate::helpers::apply_online(&app, &market_item(&app).await).await;
    let page = format!("/cases/{id}");
    let acts = format!("/cases/{id}/acts");
    let clerk = app.sign_in("clerk").await;
    let asked = app
        .post_form(
            &clerk,
            &acts,
            &[
                ("csrf_token", &clerk.csrf),
                ("act", "request_corrections"),
                ("text", "从业人员健康证明：已过期"),
                ("deadline", "2026-11-30"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let company = app.sign_in("enterprise").await;
    let shown = app.get_as(&company, &page).await;
    assert!(shown.body.contains("name=\"upload.0\""), "{}", shown.body);
    let fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), company.csrf.clone()),
        ("act".into(), "supply_corrections".into()),
        ("upload_name.0".into(), "从业人员健康证明".into()),
    ];
    let new_scan = b"%PDF-1.7\n% health certificate, renewed\n";
    let supplied = app
        .post_multipart(
            &company,
            &acts,
            &fields,
            &[("upload.0", "健康证明.pdf", new_scan)],
        )
        .await;
    assert_eq!(supplied.status, StatusCode::SEE_OTHER, "{}", supplied.body);
    let case = app
        .api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&app.token("clerk").await),
            None,
        )
        .await
        .json();
    assert_eq!(case["phase"], "submitted", "{case}");
    // The clerk reads the supplied file through the case.
    let shown = app.get_as(&clerk, &page).await;
    // Uploading the same bytes again answers the same file.
    let sha = upload_case_file(
        &app,
        &app.token("enterprise").await,
        "健康证明.pdf",
        new_scan,
    )
    .await
    .json()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("/api/v1/cases/{id}/files/{sha}");
    assert!(shown.body.contains(&url), "{}", shown.body);
    assert_eq!(app.get_as(&clerk, &url).await.bytes, new_scan);
}
