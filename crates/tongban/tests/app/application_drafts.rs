//! Applying online in more than one sitting: a company saves a draft halfway (sealed at
//! rest, listed in its user centre), comes back to it, chooses a file it submitted before
//! instead of uploading it again, and sends; another account's file cannot be chosen. On
//! both databases.

use axum::http::StatusCode;

use crate::helpers::{SCAN, TestApp, form_fields, market_item, raw_count, set, uploaded_scan};
use crate::on_both;

on_both!(a_draft_is_saved_restored_and_sent_with_an_earlier_file);

async fn a_draft_is_saved_restored_and_sent_with_an_earlier_file(app: TestApp) {
    let code = market_item(&app).await;
    let guide = crate::helpers::published_guide(&app, &code).await;
    let asked = crate::helpers::asked_files(&guide);
    assert!(asked.len() >= 2, "the demo item asks for several files");
    // A file the company submitted before, and one of another account's.
    let earlier = uploaded_scan(&app, &app.token("enterprise").await).await;
    let citizen_token = app.token("citizen").await;
    let foreign = crate::helpers::upload_case_file(
        &app,
        &citizen_token,
        "户口簿.pdf",
        b"%PDF-1.7\n% another account's scan\n%%EOF\n",
    )
    .await
    .json()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();

    let path = format!("/catalog/items/{code}/apply");
    let company = app.sign_in("enterprise").await;
    let form = app.get_as(&company, &path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for &i in &asked {
        assert!(
            form.body.contains(&format!("data-testid=\"reuse-{i}\"")),
            "an earlier file is offered for each material"
        );
    }
    assert!(form.body.contains(&earlier), "the earlier file is offered");
    assert!(
        !form.body.contains(&foreign),
        "another account's files are not"
    );
    assert!(!form.body.contains("data-testid=\"draft-notice\""));

    // Halfway: the name typed and one file uploaded; saved as a draft.
    let mut fields = form_fields(&form.body);
    set(&mut fields, "name", "云溪市青禾餐饮有限公司");
    fields.push(("intent".into(), "draft".into()));
    let first = format!("file.{}", asked[0]);
    let saved = app
        .post_multipart(
            &company,
            &path,
            &fields,
            &[(first.as_str(), "食品安全管理制度.pdf", SCAN)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some(format!("{path}?saved=1").as_str()));
    assert_eq!(
        raw_count(
            &app.db_url,
            "SELECT COUNT(*) FROM application_drafts WHERE sealed_fields LIKE '%青禾%'"
        )
        .await,
        0,
        "the draft's personal data is sealed at rest"
    );
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM application_drafts").await,
        1
    );

    // Back later: the draft is restored, the file shown as uploaded; the user centre lists it.
    let back = app.get_as(&company, &path).await;
    assert!(
        back.body.contains("data-testid=\"draft-notice\""),
        "{}",
        back.body
    );
    assert!(back.body.contains("value=\"云溪市青禾餐饮有限公司\""));
    assert!(back.body.contains("食品安全管理制度.pdf"));
    assert!(back.body.contains("data-testid=\"discard-draft\""));
    let key_of = |html: &str| {
        form_fields(html)
            .into_iter()
            .find(|(k, _)| k == "request_key")
            .map(|(_, v)| v)
    };
    assert_ne!(
        key_of(&back.body),
        key_of(&form.body),
        "a draft is not kept with the key of the form it was saved from"
    );
    let account = app.get_as(&company, "/account").await;
    assert!(
        account.body.contains("data-testid=\"my-drafts\""),
        "{}",
        account.body
    );
    assert!(account.body.contains(&path));

    // Another account's file chosen for a material: refused naming it, nothing applied for.
    let mut fields: Vec<(String, String)> = form_fields(&back.body)
        .into_iter()
        .filter(|(k, _)| k != "intent")
        .collect();
    set(&mut fields, "id_number", "91110000600037341L");
    set(&mut fields, "phone", "13800138000");
    let mut stolen = fields.clone();
    set(&mut stolen, &format!("reuse.{}", asked[1]), &foreign);
    let refused = app.post_multipart(&company, &path, &stolen, &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains(&guide.materials[asked[1]].name));

    // The company's own earlier file for the rest: sent; the draft has done its work.
    for &i in &asked[1..] {
        set(&mut fields, &format!("reuse.{i}"), &earlier);
    }
    let sent_key = fields
        .iter()
        .find(|(k, _)| k == "request_key")
        .map(|(_, v)| v.clone())
        .expect("the form's key");
    let applied = app.post_multipart(&company, &path, &fields, &[]).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let id: i64 = applied
        .location()
        .unwrap()
        .trim_end_matches("?done=1")
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let case = app.get_as(&company, &format!("/cases/{id}")).await;
    assert!(
        case.body
            .contains(&format!("/api/v1/cases/{id}/files/{earlier}")),
        "the earlier file is cited: {}",
        case.body
    );
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM application_drafts").await,
        0
    );
    let fresh = app.get_as(&company, &path).await;
    assert!(!fresh.body.contains("data-testid=\"draft-notice\""));
    assert!(
        !fresh.body.contains(&format!("value=\"{sent_key}\"")),
        "a new application gets a new key"
    );

    // A draft thrown away from the user centre is gone.
    let mut fields = form_fields(&fresh.body);
    set(&mut fields, "name", "云溪市青禾餐饮有限公司");
    fields.push(("intent".into(), "draft".into()));
    let saved = app.post_multipart(&company, &path, &fields, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let account = app.get_as(&company, "/account").await;
    assert!(account.body.contains("data-testid=\"discard-draft\""));
    let discarded = app
        .post_form(
            &company,
            &path,
            &[("csrf_token", &company.csrf), ("intent", "discard")],
        )
        .await;
    assert_eq!(
        discarded.status,
        StatusCode::SEE_OTHER,
        "{}",
        discarded.body
    );
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM application_drafts").await,
        0
    );
}

on_both!(a_draft_left_alone_is_deleted_after_the_kept_days);

/// A draft carries personal data: left alone past `application_drafts.keep_days` (a local
/// setting, 90 days by default) it is deleted; one saved within them stays.
async fn a_draft_left_alone_is_deleted_after_the_kept_days(app: TestApp) {
    use tongban_domain::clock::Clock;
    let code = market_item(&app).await;
    let path = format!("/catalog/items/{code}/apply");
    let company = app.sign_in("enterprise").await;
    let form = app.get_as(&company, &path).await;
    let mut fields = form_fields(&form.body);
    set(&mut fields, "name", "云溪市青禾餐饮有限公司");
    fields.push(("intent".into(), "draft".into()));
    let saved = app.post_multipart(&company, &path, &fields, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let day = 24 * 60 * 60 * 1000;
    let now = app.clock.now_millis();
    let expire = tongban_store::application_drafts::expire;
    assert_eq!(expire(&app.store, now + 89 * day).await.unwrap(), 0);
    crate::helpers::raw_execute(
        &app.db_url,
        "INSERT INTO settings (name, value, updated_at) VALUES ('application_drafts.keep_days', '30', 0)",
    )
    .await;
    assert_eq!(expire(&app.store, now + 29 * day).await.unwrap(), 0);
    assert_eq!(expire(&app.store, now + 31 * day).await.unwrap(), 1);
    assert_eq!(
        raw_count(&app.db_url, "SELECT COUNT(*) FROM application_drafts").await,
        0
    );
}
