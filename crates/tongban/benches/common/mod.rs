//! What the benchmarks share: a fresh database on each backend.

use sqlx::Connection;

/// The allocator the `tongban` binary runs with (see its `main.rs`), so that the benchmarks
/// measure the server as it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A new empty database: a SQLite file in a temporary folder (returned to be removed), or a
/// new PostgreSQL database beside TONGBAN_TEST_POSTGRES (None, with a message, when unreachable).
pub async fn fresh(url_kind: &str) -> Option<(String, Option<std::path::PathBuf>)> {
    match url_kind {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("tongban-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir).ok()?;
            let file = dir.join(format!("bench-{}.sqlite", rand::random::<u32>()));
            Some((format!("sqlite://{}", file.display()), Some(dir)))
        }
        _ => {
            sqlx::any::install_default_drivers();
            let admin = admin_url();
            let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await else {
                eprintln!("postgres: skipped ({admin} unreachable)");
                return None;
            };
            let name = format!("tongban_bench_{}", rand::random::<u32>());
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .ok()?;
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(b, _)| b)
                .to_owned();
            Some((format!("{base}/{name}"), None))
        }
    }
}

/// Removes a database [`fresh`] made: its SQLite folder, or its PostgreSQL database (a
/// million-case database left behind per run fills the disk and the OS cache of the next).
/// The store must be closed first.
pub async fn discard(url: &str, dir: Option<std::path::PathBuf>) {
    if let Some(dir) = dir {
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    let Some((_, name)) = url.rsplit_once('/') else {
        return;
    };
    let dropped = match sqlx::AnyConnection::connect(&admin_url()).await {
        Ok(mut conn) => sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .execute(&mut conn)
        .await
        .map(drop),
        Err(e) => Err(e),
    };
    if let Err(e) = dropped {
        eprintln!("could not drop {name}: {e}");
    }
}

/// The PostgreSQL server where benchmark databases are made: TONGBAN_TEST_POSTGRES, as for
/// the tests.
fn admin_url() -> String {
    std::env::var("TONGBAN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The async runtime a benchmark's `main` drives the store with.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A size from the environment (e.g. BENCH_ROWS), or the default.
pub fn size(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
