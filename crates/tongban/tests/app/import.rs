//! Catalog import: row-by-row reports, opaque real-world codes kept, idempotent re-import,
//! and export that re-imports to the same catalog.

use tongban_domain::clock::Clock;
use tongban_exchange::catalog::{FileFormat, read_catalog, write_catalog};
use tongban_store::catalog::{self, ImportActor, ImportReport, RowProblem};

use crate::helpers::TestApp;
use crate::on_both;

on_both!(
    import_reports_row_by_row_and_is_idempotent,
    export_reimports_to_the_same_catalog,
    the_real_district_catalog_imports_whole
);

/// A file as a department might send it: real Sichuan layouts, a standard code, and bad rows.
const DISTRICT_CSV: &str = "\u{feff}department,main_item,name,itemCode,taskType,areaCode,deptCode\n\
区教科体局,未分类,适龄儿童、少年因身体状况需要延缓入学或者休学审批,511A0138000000-511602000000-000-115113010833722043-1-00,1,511602000000,083372204\n\
区教科体局,未分类,学生资助政策咨询,512C0053300008-511602000000-000-115113010833722043-1-00,20,511602000000,083372204\n\
区财政局,未分类,会计代理记账机构审批,11511301008778220W4510100100100,1,511602000000,11511301008778220W\n\
区财政局,未分类,编码校验位错误,11511301008778220X4510100100100,1,511602000000,11511301008778220X\n\
区财政局,未分类,,511A0000000001-511602000000-000-11511301008778220W-1-00,1,511602000000,11511301008778220W\n\
区财政局,未分类,类型错误,511A0000000002-511602000000-000-11511301008778220W-1-00,abc,511602000000,11511301008778220W\n\
区财政局,未分类,重复编码,511A0138000000-511602000000-000-115113010833722043-1-00,1,511602000000,083372204\n\
区财政局,只有三列\n";

async fn import_csv(app: &TestApp, bytes: &[u8], format: FileFormat) -> ImportReport {
    let outcome = read_catalog(bytes, format).expect("readable file");
    let unreadable = outcome
        .rejected
        .into_iter()
        .map(|p| RowProblem {
            row: p.row,
            field: p.field,
            zh: p.zh,
            en: p.en,
        })
        .collect();
    let actor = ImportActor {
        user_id: None,
        name: "test",
    };
    catalog::import(
        &app.store,
        &actor,
        &outcome.rows,
        unreadable,
        app.clock.now_millis(),
        &mut |_| {},
    )
    .await
    .expect("import")
}

async fn import_reports_row_by_row_and_is_idempotent(app: TestApp) {
    let before = app
        .api(
            "GET",
            "/api/v1/implementations?status=all&limit=1",
            None,
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    let report = import_csv(&app, DISTRICT_CSV.as_bytes(), FileFormat::Csv).await;
    assert_eq!(report.rows, 8);
    assert_eq!(report.imported, 3, "{report:?}");
    assert_eq!(report.opaque_codes, 2);
    let rejected: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|p| (p.row, p.field.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (5, "implementation_code"),
            (6, "name"),
            (7, "item_type"),
            (8, "implementation_code"),
            (9, "row")
        ],
        "{:#?}",
        report.rejected
    );
    assert!(
        report.rejected[0].zh.contains('X') || report.rejected[0].en.contains("check"),
        "{:?}",
        report.rejected[0]
    );
    let after = app
        .api(
            "GET",
            "/api/v1/implementations?status=all&limit=1",
            None,
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before + 3);

    let again = import_csv(&app, DISTRICT_CSV.as_bytes(), FileFormat::Csv).await;
    assert_eq!(
        (again.imported, again.updated, again.unchanged),
        (0, 0, 3),
        "{again:?}"
    );

    let changed = DISTRICT_CSV.replace("学生资助政策咨询", "学生资助政策咨询服务");
    let third = import_csv(&app, changed.as_bytes(), FileFormat::Csv).await;
    assert_eq!((third.imported, third.updated, third.unchanged), (0, 1, 2));
    let code = "512C0053300008-511602000000-000-115113010833722043-1-00";
    let versions = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}/versions"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let item = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            item["item_type"].as_str(),
            item["basic_code"].as_str(),
            item["exercise_level"].as_i64()
        ),
        (Some("20"), Some("512C0053300008"), Some(4))
    );
}

async fn export_reimports_to_the_same_catalog(app: TestApp) {
    import_csv(&app, DISTRICT_CSV.as_bytes(), FileFormat::Csv).await;
    for format in [FileFormat::Csv, FileFormat::Xlsx] {
        let departments: std::collections::HashMap<i64, _> = catalog::departments(&app.store)
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let rows: Vec<_> = catalog::all_current(&app.store)
            .await
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, s)| tongban_domain::catalog::RawCatalogRow {
                row: i + 2,
                department: departments[&s.department_id].name.clone(),
                exercise_level: s.exercise_level.to_string(),
                case_kind: s.case_kind.as_str().into(),
                status: s.status.as_str().into(),
                implementation_code: s.code,
                basic_code: s.basic_code,
                name: s.name,
                item_type: s.item_type,
                region_code: s.region_code,
                power_source: s.power_source,
                legal_basis: s.legal_basis,
                ..Default::default()
            })
            .collect();
        let total = rows.len();
        let bytes = write_catalog(&rows, format).expect("export");
        let report = import_csv(&app, &bytes, format).await;
        assert_eq!(report.rows, total);
        assert!(
            report.rejected.is_empty(),
            "{format:?}: {:#?}",
            report.rejected
        );
        assert_eq!(
            (report.imported, report.updated, report.unchanged),
            (0, 0, total),
            "{format:?}"
        );
    }
}

async fn the_real_district_catalog_imports_whole(app: TestApp) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/catalog/guangan_district_items.csv");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("SKIPPED: {} not present", path.display());
        return;
    };
    let report = import_csv(&app, &bytes, FileFormat::Csv).await;
    assert_eq!(report.rows, 1135);
    assert!(report.rejected.is_empty(), "{:#?}", report.rejected);
    assert_eq!(report.imported, 1135);
    assert_eq!(
        report.opaque_codes, 1135,
        "every real code is a local layout, kept as given"
    );
    let listing = app
        .api(
            "GET",
            "/api/v1/implementations?region_code=511602000000&limit=1",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(listing["total"], 1135);
}
