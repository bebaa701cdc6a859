//! Guide attachments: a department uploads blank forms and samples from the editor or the
//! API; programs, files lying about their type and oversized files are refused by element
//! without losing the draft; files are served with the type checked at upload.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::helpers::{TestApp, form_fields, market_item, set};
use crate::on_both;

on_both!(
    an_uploaded_blank_form_is_served_with_its_checked_type,
    a_refused_upload_names_its_element_and_keeps_the_draft,
    the_api_accepts_files_for_other_platforms_guides,
    a_guide_naming_a_file_never_uploaded_is_not_published,
);

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";

/// The editor's fields for the first material, ready to post with `action`.
async fn editor_fields(
    app: &TestApp,
    code: &str,
    csrf: &str,
    action: &str,
) -> Vec<(String, String)> {
    let reviewer = app.sign_in("reviewer").await;
    let page = app
        .get_as(&reviewer, &format!("/catalog/items/{code}/guide/edit"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mut fields: Vec<(String, String)> = form_fields(&page.body)
        .into_iter()
        .filter(|(k, _)| k != "csrf_token" && !k.ends_with("_file"))
        .collect();
    fields.insert(0, ("csrf_token".into(), csrf.to_owned()));
    fields.push(("action".into(), action.into()));
    fields
}

fn attachment_link(html: &str) -> String {
    let start = html
        .find("/attachments/")
        .expect("a link to the attachment")
        + "/attachments/".len();
    html[start..start + 64].to_owned()
}

async fn an_uploaded_blank_form_is_served_with_its_checked_type(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.sign_in("reviewer").await;
    let edit = format!("/catalog/items/{code}/guide/edit");
    let fields = editor_fields(&app, &code, &reviewer.csrf, "save").await;
    let saved = app
        .post_multipart(
            &reviewer,
            &edit,
            &fields,
            &[("materials.0.blank_form_file", "C:\\表格\\申请表.pdf", PDF)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("data-testid=\"saved\""));
    assert!(
        saved.body.contains("申请表.pdf"),
        "the file's own name fills the element"
    );
    let sha256 = attachment_link(&saved.body);

    let file = app.get(&format!("/attachments/{sha256}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(file.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        file.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf")
    );
    assert_eq!(file.bytes, PDF);

    // Published through review, the public guide links the file.
    let fields = editor_fields(&app, &code, &reviewer.csrf, "propose").await;
    let proposed = app.post_multipart(&reviewer, &edit, &fields, &[]).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let id = proposed
        .location()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let reform = app.token("reform").await;
    let reviewed = app
        .api(
            "POST",
            &format!("/api/v1/change-requests/{id}/review"),
            Some(&reform),
            Some(serde_json::json!({"decision": "approve"})),
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);
    let page = app.get(&format!("/catalog/items/{code}")).await;
    assert!(
        page.body
            .contains(&format!("href=\"/attachments/{sha256}\""))
    );

    assert_eq!(
        app.get("/attachments/not-a-hash").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/attachments/{}", "0".repeat(64)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn a_refused_upload_names_its_element_and_keeps_the_draft(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.sign_in("reviewer").await;
    let edit = format!("/catalog/items/{code}/guide/edit");
    let mut fields = editor_fields(&app, &code, &reviewer.csrf, "propose").await;
    set(&mut fields, "office_hours", "工作日 8:30—17:30（草稿修改）");
    for (file_name, content, says) in [
        ("申请表.pdf", EXE, "可执行"),
        (
            "申请表.pdf",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice(),
            "不符",
        ),
        ("申请表.txt", b"plain".as_slice(), "类型"),
    ] {
        let refused = app
            .post_multipart(
                &reviewer,
                &edit,
                &fields,
                &[("materials.0.sample_file", file_name, content)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{file_name}");
        assert!(
            refused.body.contains("materials.0.sample") && refused.body.contains(says),
            "{says}: {}",
            refused.body
        );
        assert!(
            !refused.body.contains("/changes/"),
            "a refused file is never proposed"
        );
    }
    let again = app.get_as(&reviewer, &edit).await;
    assert!(
        again.body.contains("工作日 8:30—17:30（草稿修改）"),
        "the draft was kept"
    );
    let changes = app.token("reform").await;
    let pending = app
        .api(
            "GET",
            "/api/v1/change-requests?status=pending",
            Some(&changes),
            None,
        )
        .await
        .json();
    assert!(
        !pending.to_string().contains("草稿修改"),
        "nothing was proposed"
    );

    // The size limit is a setting.
    crate::helpers::raw_execute(
        &app.db_url,
        "INSERT INTO settings (name, value, updated_at) VALUES ('guide.attachment_max_bytes', '16', 0)",
    )
    .await;
    let too_large = app
        .post_multipart(
            &reviewer,
            &edit,
            &fields,
            &[("materials.0.sample_file", "样本.pdf", PDF)],
        )
        .await;
    assert_eq!(too_large.status, StatusCode::BAD_REQUEST);
    assert!(too_large.body.contains("上限"), "{}", too_large.body);
}

async fn upload(
    app: &TestApp,
    token: &str,
    file_name: &str,
    content: &[u8],
) -> crate::helpers::Reply {
    let query = serde_urlencoded::to_string([
        ("file_name", file_name),
        ("element", "materials[1].blank_form"),
    ])
    .unwrap();
    app.send(
        Request::post(format!("/api/v1/attachments?{query}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(content.to_vec()))
            .unwrap(),
    )
    .await
}

async fn the_api_accepts_files_for_other_platforms_guides(app: TestApp) {
    let staff = app.token("reviewer").await;
    let created = upload(&app, &staff, "样表.pdf", PDF).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let json = created.json();
    assert_eq!(json["content_type"], "application/pdf");
    assert_eq!(json["size"], PDF.len());
    let again = upload(&app, &staff, "样表.pdf", PDF).await.json();
    assert_eq!(
        again["sha256"], json["sha256"],
        "the same content is the same attachment"
    );

    let refused = upload(&app, &staff, "样表.pdf", EXE).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"]["field"], "materials[1].blank_form");

    let citizen = app.token("citizen").await;
    assert_eq!(
        upload(&app, &citizen, "样表.pdf", PDF).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn a_guide_naming_a_file_never_uploaded_is_not_published(app: TestApp) {
    let code = market_item(&app).await;
    let reviewer = app.sign_in("reviewer").await;
    let mut fields = editor_fields(&app, &code, &reviewer.csrf, "propose").await;
    set(&mut fields, "materials.0.sample", "别处的样本.pdf");
    set(
        &mut fields,
        "materials.0.sample_attachment",
        &"ab".repeat(32),
    );
    let refused = app
        .post_multipart(
            &reviewer,
            &format!("/catalog/items/{code}/guide/edit"),
            &fields,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("尚未上传"), "{}", refused.body);
}
