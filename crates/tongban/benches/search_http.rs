//! Search latency through HTTP: `GET /api/v1/search` over real TCP to the server as
//! `tongban serve` runs it (SQLite, one client asking in turn), over the real district
//! catalog (`../shared/data/catalog/guangan_district_items.csv`, imported when present)
//! beside the demo city. Every query of the quality sets is asked BENCH_ROUNDS times
//! (default 20); reported: p50, p99 and max.
//!
//! Run: `cargo bench -p tongban --bench search_http`

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tongban_domain::clock::FixedClock;
use tongban_exchange::catalog::{FileFormat, read_catalog};
use tongban_store::Store;
use tongban_store::catalog::{self, ImportActor};
use tongban_web::{AppState, WebSettings};

fn main() {
    let runtime = common::runtime();
    let rounds = common::size("BENCH_ROUNDS", 20);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared/data");
    let queries: Vec<String> = [
        shared.join("search/dev.tsv"),
        root.join("crates/tongban-search/eval/guangan-heldout.tsv"),
        root.join("crates/tongban/demo/search-queries.tsv"),
    ]
    .iter()
    .filter_map(|f| std::fs::read_to_string(f).ok())
    .filter_map(|text| tongban_search::eval::parse_tsv(&text).ok())
    .flatten()
    .map(|q| q.query)
    .collect();
    runtime.block_on(async {
        let (url, dir) = common::fresh("sqlite").await.expect("sqlite");
        let store = Store::open(&url).await.expect("store");
        let clock = Arc::new(FixedClock::new(
            "2026-11-20T02:00:00Z".parse().expect("time"),
        ));
        tongban::demo::load_if_empty(&store, clock.as_ref())
            .await
            .expect("demo");
        if let Ok(bytes) = std::fs::read(shared.join("catalog/guangan_district_items.csv")) {
            let rows = read_catalog(&bytes, FileFormat::Csv).expect("csv").rows;
            let actor = ImportActor {
                user_id: None,
                name: "bench",
            };
            catalog::import(&store, &actor, &rows, Vec::new(), 0, &mut |_| {})
                .await
                .expect("import");
        } else {
            println!("real catalog: skipped (../shared/data not found); the demo city only");
        }
        let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
            .build_recorder()
            .handle();
        let state = AppState::new(store.clone(), clock, WebSettings::default(), metrics);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move {
            axum::serve(listener, tongban_web::router(state))
                .await
                .expect("serve");
        });
        let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
        let get = |query: &str| {
            let uri = format!(
                "http://{address}/api/v1/search?near=511602000000&q={}",
                query
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect::<String>()
            );
            let client = client.clone();
            async move {
                let started = Instant::now();
                let response = client
                    .get(uri.parse().expect("uri"))
                    .await
                    .expect("response");
                assert_eq!(response.status(), 200);
                response.into_body().collect().await.expect("body");
                started.elapsed()
            }
        };
        // the first search builds the index
        let first = get("身份证").await;
        println!(
            "first search (builds the index from the store): {:.2} s",
            first.as_secs_f64()
        );
        let mut latencies = Vec::new();
        for _ in 0..rounds {
            for q in &queries {
                latencies.push(get(q).await);
            }
        }
        latencies.sort();
        println!(
            "{} HTTP searches over {} implementations: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            latencies.len(),
            catalog::all_current(&store).await.expect("catalog").len(),
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.99)),
            ms(percentile(&latencies, 1.0)),
        );
        store.close().await;
        common::discard(&url, dir).await;
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}
