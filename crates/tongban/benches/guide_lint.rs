//! Guide check (linter) speed: the whole demo catalog as the standardization page sees it
//! (read from the store, every rule run, figures computed), and BENCH_GUIDES synthetic guides
//! (default 100,000) derived from the demo guides, checked in memory on one core.
//!
//! Run: `cargo bench -p tongban --bench guide_lint`

use std::hint::black_box;
use std::time::Instant;

use tongban_domain::clock::FixedClock;
use tongban_domain::guide::Guide;
use tongban_domain::guide::lint::{LintSettings, Severity, lint};
use tongban_domain::guide::standardization::figures;
use tongban_store::{Store, guides};

/// Demo guides varied so that no two are the same: names, material lists and limits differ,
/// and every few a vague material or a proof outside the catalog makes the rules fire.
fn synthetic_guides(seeds: &[Guide], n: usize) -> Vec<Guide> {
    (0..n)
        .map(|i| {
            let mut guide = seeds[i % seeds.len()].clone();
            guide.name = format!("{}（合成{i:06}）", guide.name);
            guide.committed_limit_days = guide.committed_limit_days.saturating_add((i % 3) as u32);
            if let Some(first) = guide.materials.first().cloned() {
                for extra in 0..(i % 4) {
                    let mut material = first.clone();
                    material.name = format!("{}之附表{extra}", first.name);
                    guide.materials.push(material);
                }
                if i % 7 == 0 {
                    let mut vague = first.clone();
                    vague.name = "其他相关材料".to_owned();
                    guide.materials.push(vague);
                }
                if i % 11 == 0 {
                    let mut proof = first;
                    proof.name = format!("无犯罪记录证明{i}");
                    guide.materials.push(proof);
                }
            }
            guide
        })
        .collect()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let n: usize = std::env::var("BENCH_GUIDES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("tongban-lint-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("demo.sqlite").display());

    runtime.block_on(async {
        let store = Store::open(&url).await.expect("store");
        let clock = FixedClock::new("2026-11-02T01:00:00Z".parse().expect("instant"));
        tongban::demo::load_if_empty(&store, &clock)
            .await
            .expect("demo city");

        // The demo catalog as the standardization page reads it: store + rules + figures.
        const RUNS: u32 = 20;
        let started = Instant::now();
        let mut checked = 0;
        for _ in 0..RUNS {
            let linted = guides::lint_published(&store).await.expect("lint");
            checked = linted.len();
            black_box(figures(
                linted
                    .iter()
                    .map(|l| (l.department_id, l.findings.as_deref())),
            ));
        }
        let per_run = started.elapsed().as_secs_f64() / f64::from(RUNS);
        println!(
            "demo catalog    {checked:>7} guides  {:8.2} ms per full check (store read + rules + figures)",
            per_run * 1e3
        );

        // Rules alone over many guides.
        let lists = guides::reference_lists(&store).await.expect("lists");
        let seeds: Vec<Guide> = tongban::demo::city()
            .expect("demo")
            .implementations
            .into_iter()
            .map(|i| i.guide)
            .collect();
        let synthetic = synthetic_guides(&seeds, n);
        let settings = LintSettings::default();
        let started = Instant::now();
        let mut errors = 0usize;
        let mut warnings = 0usize;
        for guide in &synthetic {
            for finding in lint(guide, &lists, &settings) {
                match finding.severity {
                    Severity::Error => errors += 1,
                    Severity::Warning => warnings += 1,
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "synthetic       {n:>7} guides  {seconds:8.3} s  {:>9.0} guides/s  ({errors} errors, {warnings} warnings found)",
            n as f64 / seconds
        );
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(dir);
}
