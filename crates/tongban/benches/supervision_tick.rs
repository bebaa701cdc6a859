//! Electronic supervision at scale: BENCH_CASES open cases (default 1,000,000) under watch,
//! of which 1% reach a new alert level on each day; one tick per day for 10 days, on SQLite
//! and on PostgreSQL (TONGBAN_TEST_POSTGRES, skipped if unreachable).
//!
//! The open cases are loaded in bulk (rows as the store's acts write them: the case row and
//! its whole-case watch), not through the API: this measures the tick, not the loading.
//! Two layouts: `spread` puts the cases that cross on one day evenly over the table (the
//! worst case for reading them); `clustered` puts them together, as cases accepted on the
//! same day with the same limit are in a real table. `BENCH_LAYOUTS=spread,clustered`.
//!
//! After the load, PostgreSQL is vacuumed, analysed and checkpointed (as a running server
//! would be by then), SQLite analysed, and the watch indexes (SQLite: the database file) are
//! read into the OS cache, where a running server's memory would hold them.
//!
//! Run: `cargo bench -p tongban --bench supervision_tick` (`BENCH_BACKENDS=sqlite` for one
//! backend, `BENCH_KEEP=1` to keep the database for a look at the query plans).

use std::time::Instant;

use jiff::civil::{Date, date};
use sqlx::Connection;
use tongban_domain::clock::FixedClock;
use tongban_store::{Store, supervision};

mod common;
use common::fresh;

const FIRST_DAY: Date = date(2026, 6, 1);
const BATCH: usize = 1000;

fn day(offset: i64) -> String {
    FIRST_DAY
        .checked_add(jiff::Span::new().days(offset))
        .expect("in range")
        .to_string()
}

/// Case `i` reaches 预警 on one of 100 days (so 1% a day) and nothing more for 200 days:
/// day `i % 100` when spread, day `i / (n / 100)` when clustered.
async fn load(url: &str, departments: &[i64], n: usize, clustered: bool) {
    let per_day = (n / 100).max(1);
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(BATCH) {
        let mut cases = String::from(
            "INSERT INTO cases (id, implementation_code, department_id, applicant_sealed, \
             applicant_name_masked, channel, phase, version, submitted_at, updated_at) VALUES ",
        );
        let mut watches = String::from(
            "INSERT INTO case_watch (case_id, step, step_name, department_id, responsible, level, \
             warning_on, yellow_on, red_on) VALUES ",
        );
        for (j, &i) in chunk.iter().enumerate() {
            let id = i + 1;
            let department = departments[i % departments.len()];
            let offset = if clustered {
                (i / per_day).min(99)
            } else {
                i % 100
            } as i64;
            let warning = day(offset);
            let later = day(200 + offset);
            let sep = if j == 0 { "" } else { "," };
            cases.push_str(&format!(
                "{sep}({id}, 'BENCH{id}', {department}, '00', '*', 'online', 'in_progress', 3, 0, 0)"
            ));
            watches.push_str(&format!(
                "{sep}({id}, '', '', {department}, NULL, 0, '{warning}', '{later}', '{later}')"
            ));
        }
        let mut tx = conn.begin().await.expect("begin");
        sqlx::raw_sql(sqlx::AssertSqlSafe(cases))
            .execute(&mut *tx)
            .await
            .expect("cases");
        sqlx::raw_sql(sqlx::AssertSqlSafe(watches))
            .execute(&mut *tx)
            .await
            .expect("watches");
        tx.commit().await.expect("commit");
    }
    // A running PostgreSQL would have vacuumed a table loaded this way (autovacuum keeps the
    // visibility map that index-only scans need) and written its dirty pages out at the next
    // checkpoint; a bench server may run without autovacuum, and the ticks come at once.
    // A server holding a million open cases keeps their watch indexes in memory (on this VM,
    // pages written by the load leave the OS cache, and each cold page of an index is a disk
    // read: 228 of them, 35 ms, for one day's 10,000 watches); they are read into the OS
    // cache once, as the server's own acts and ticks would have.
    let settle: &[&str] = if url.starts_with("postgres") {
        &[
            "VACUUM ANALYZE",
            "CHECKPOINT",
            "CREATE EXTENSION IF NOT EXISTS pg_prewarm",
            "SELECT pg_prewarm(indexrelid::regclass, 'read') FROM pg_index \
             WHERE indrelid = 'case_watch'::regclass",
        ]
    } else {
        &["ANALYZE"]
    };
    for statement in settle {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*statement))
            .execute(&mut conn)
            .await
            .expect("settle the loaded tables");
    }
    let _ = conn.close().await;
    if let Some(file) = url.strip_prefix("sqlite://") {
        for part in [file.to_owned(), format!("{file}-wal")] {
            if let Ok(mut f) = std::fs::File::open(&part) {
                std::io::copy(&mut f, &mut std::io::sink()).expect("read the database file");
            }
        }
    }
    println!(
        "loaded {n} open cases with their watches in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn measure(backend: &str, n: usize, layout: &str) {
    let Some((url, dir)) = fresh(backend).await else {
        return;
    };
    let store = Store::open(&url).await.expect("store");
    let clock = FixedClock::new("2026-05-29T02:00:00Z".parse().expect("time"));
    tongban::demo::load_if_empty(&store, &clock)
        .await
        .expect("demo city");
    let departments: Vec<i64> = tongban_store::catalog::departments(&store)
        .await
        .expect("departments")
        .iter()
        .map(|d| d.id)
        .collect();
    load(&url, &departments, n, layout == "clustered").await;
    // A running server has ticked before: the day before any threshold raises nothing.
    supervision::tick(&store, day(-1).parse().expect("date"), 1_779_999_000_000)
        .await
        .expect("tick");
    let mut times = Vec::new();
    for k in 0..10 {
        let started = Instant::now();
        let report =
            supervision::tick(&store, day(k).parse().expect("date"), 1_780_000_000_000 + k)
                .await
                .expect("tick");
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        println!(
            "{backend:8} {layout:9} tick {k}: {ms:8.1} ms  raised {:>6}  messages {:>6}",
            report.raised, report.notifications
        );
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let max = times.iter().copied().fold(0.0, f64::max);
    println!(
        "{backend:8} {layout:9} {n} open cases, 1% changing level per tick: mean {mean:.1} ms, max {max:.1} ms"
    );
    store.close().await;
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("kept: {url}");
    } else {
        common::discard(&url, dir).await;
    }
}

fn main() {
    let runtime = common::runtime();
    let n = common::size("BENCH_CASES", 1_000_000);
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let layouts = std::env::var("BENCH_LAYOUTS").unwrap_or_else(|_| "spread,clustered".into());
    runtime.block_on(async {
        for backend in backends.split(',') {
            for layout in layouts.split(',') {
                measure(backend, n, layout).await;
            }
        }
    });
}
