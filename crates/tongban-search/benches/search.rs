//! Search speed in process: index build time and query latency (p50, p99, max) over the
//! real district catalog (`../shared/data/catalog/guangan_district_items.csv`, when present)
//! and over BENCH_ITEMS synthetic items (default 100,000) made from its names, with every
//! query of the quality sets asked in turn.
//!
//! Run: `cargo bench -p tongban-search --bench search`

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use tongban_search::{Dictionary, Filters, SearchDocument, SearchIndex, Viewer};

const ROUNDS: usize = 20;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared/data");
    let real = real_catalog(&shared.join("catalog/guangan_district_items.csv"));
    let queries = queries(&[
        shared.join("search/dev.tsv"),
        root.join("crates/tongban-search/eval/guangan-heldout.tsv"),
        root.join("crates/tongban/demo/search-queries.tsv"),
    ]);
    println!("{} queries of the quality sets", queries.len());
    let seeds = if real.is_empty() {
        println!(
            "real catalog: skipped (../shared/data not found); synthetic items from the queries' answers"
        );
        queries
            .iter()
            .map(|q| doc(q, "某部门", "511602000000", 0))
            .collect()
    } else {
        measure("real district catalog", real.clone(), &queries);
        real
    };
    let n: usize = std::env::var("BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    measure(
        &format!("{n} synthetic items"),
        synthetic(&seeds, n),
        &queries,
    );
}

fn measure(label: &str, documents: Vec<SearchDocument>, queries: &[String]) {
    let count = documents.len();
    let started = Instant::now();
    let index = SearchIndex::build(documents, Dictionary::default_entries()).expect("index");
    let built = started.elapsed();
    let viewer = Viewer {
        region_code: Some("511602000000".into()),
    };
    let mut latencies = Vec::with_capacity(queries.len() * ROUNDS);
    for _ in 0..ROUNDS {
        for q in queries {
            let started = Instant::now();
            black_box(
                index
                    .search(q, &Filters::default(), &viewer, 10)
                    .expect("search"),
            );
            latencies.push(started.elapsed());
        }
    }
    latencies.sort();
    println!(
        "{label}: {count} documents indexed in {:.2} s; {} searches: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        built.as_secs_f64(),
        latencies.len(),
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0)),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn doc(name: &str, department: &str, region: &str, i: usize) -> SearchDocument {
    SearchDocument {
        implementation_code: format!("BENCH-{i:06}"),
        basic_code: format!("B{i:06}"),
        name: name.to_owned(),
        department: department.to_owned(),
        department_id: (i % 40) as i64,
        region_code: region.to_owned(),
        exercise_level: 4,
        item_type: format!("{:02}", i % 20 + 1),
        online: !i.is_multiple_of(3),
        details: vec![
            format!("{name}申请表"),
            "申请人身份证明".into(),
            format!("{department}要求的其他材料"),
        ],
        ..SearchDocument::default()
    }
}

fn real_catalog(path: &Path) -> Vec<SearchDocument> {
    let Ok(mut reader) = csv::Reader::from_path(path) else {
        return Vec::new();
    };
    reader
        .records()
        .filter_map(Result::ok)
        .enumerate()
        .map(|(i, r)| doc(&r[2], &r[0], &r[5], i))
        .collect()
}

/// Every region of a city's counties and townships, and names varied per region, so that
/// the synthetic catalog has as many distinct words as a province's would.
fn synthetic(seeds: &[SearchDocument], n: usize) -> Vec<SearchDocument> {
    (0..n)
        .map(|i| {
            let seed = &seeds[i % seeds.len()];
            let county = 1 + (i / seeds.len()) % 30;
            let township = (i / seeds.len() / 30) % 20;
            let region = format!("5116{county:02}{township:03}000");
            let name = if i < seeds.len() {
                seed.name.clone()
            } else {
                format!("{}（{}县{}乡）", seed.name, county, township)
            };
            doc(&name, &seed.department, &region, i)
        })
        .collect()
}

/// The queries of every quality set found (their gold answers are not needed here).
fn queries(files: &[std::path::PathBuf]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter_map(|text| tongban_search::eval::parse_tsv(&text).ok())
        .flatten()
        .map(|q| q.query)
        .collect()
}
