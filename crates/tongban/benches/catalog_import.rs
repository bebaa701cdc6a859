//! Catalog import throughput: the real district catalog (when ../shared is present) and a
//! synthetic catalog of BENCH_ROWS rows (default 100,000), first load and idempotent
//! re-import, on SQLite and on PostgreSQL (TONGBAN_TEST_POSTGRES, skipped if unreachable).
//!
//! Run: `cargo bench -p tongban --bench catalog_import`

use std::time::Instant;

use tongban_domain::catalog::RawCatalogRow;
use tongban_domain::codes::Uscc;
use tongban_exchange::catalog::{FileFormat, read_catalog};
use tongban_store::Store;
use tongban_store::catalog::{self, ImportActor};

mod common;
use common::fresh;

fn synthetic_rows(n: usize) -> Vec<RawCatalogRow> {
    // 200 departments with valid USCCs, standard implementation codes, a few types.
    let organs: Vec<String> = (0..200)
        .map(|i| {
            Uscc::with_check_character(&format!("11519900{:09}", i))
                .expect("uscc")
                .as_str()
                .to_owned()
        })
        .collect();
    let types = ["01", "05", "07", "10", "20"];
    (0..n)
        .map(|i| {
            let item_type = types[i % types.len()];
            let organ = &organs[i % organs.len()];
            let basic = format!("00{item_type}{:05}{:03}", i / 1000, i % 1000);
            RawCatalogRow {
                row: i + 2,
                implementation_code: format!("{organ}3{basic}"),
                name: format!("合成事项{i:06}的审批与办理"),
                item_type: item_type.to_owned(),
                department: format!("云溪市第{}号部门", i % organs.len()),
                department_code: organ.clone(),
                region_code: "519900000000".to_owned(),
                power_source: "法定本级行使".to_owned(),
                legal_basis: "《中华人民共和国行政许可法》".to_owned(),
                ..RawCatalogRow::default()
            }
        })
        .collect()
}

async fn measure(backend: &str, label: &str, rows: &[RawCatalogRow]) {
    let Some((url, dir)) = fresh(backend).await else {
        return;
    };
    let store = Store::open(&url).await.expect("store");
    let actor = ImportActor {
        user_id: None,
        name: "bench",
    };
    for pass in ["first load", "re-import"] {
        let started = Instant::now();
        let report = catalog::import(&store, &actor, rows, Vec::new(), 0, &mut |_| {})
            .await
            .expect("import");
        let seconds = started.elapsed().as_secs_f64();
        assert!(
            report.rejected.is_empty(),
            "{:?}",
            &report.rejected[..report.rejected.len().min(3)]
        );
        println!(
            "{backend:8} {label:22} {pass:10} {:>7} rows  {seconds:7.2} s  {:>9.0} rows/s",
            rows.len(),
            rows.len() as f64 / seconds
        );
    }
    store.close().await;
    common::discard(&url, dir).await;
}

fn main() {
    let runtime = common::runtime();
    let n = common::size("BENCH_ROWS", 100_000);
    let real = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/catalog/guangan_district_items.csv");
    let real_rows = std::fs::read(&real).ok().map(|bytes| {
        let started = Instant::now();
        let outcome = read_catalog(&bytes, FileFormat::Csv).expect("real csv");
        println!(
            "parse    real district CSV        {:>7} rows  {:7.3} s",
            outcome.rows.len(),
            started.elapsed().as_secs_f64()
        );
        outcome.rows
    });
    let synthetic = synthetic_rows(n);
    runtime.block_on(async {
        for backend in ["sqlite", "postgres"] {
            if let Some(rows) = &real_rows {
                measure(backend, "real district catalog", rows).await;
            }
            measure(backend, "synthetic catalog", &synthetic).await;
        }
    });
}
