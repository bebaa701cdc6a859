//! `tongban search`: ranked results on the command line, the quality figures of a query
//! set (`eval`), and building the index again (`reindex`).

use std::process::ExitCode;

use serde_json::json;
use tongban_domain::clock::Clock;
use tongban_search::eval::{self, EvalReport, Figures};
use tongban_search::{Filters, SearchIndex, Viewer};
use tongban_store::search;

use crate::cli::{SearchArgs, SearchCommand};
use crate::clock::SystemClock;
use crate::config::Settings;

/// Answers per query when scoring: a first correct answer below this counts as none.
const EVAL_DEPTH: usize = 10;

pub async fn run(settings: &Settings, args: SearchArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(SearchCommand::Eval {
            file,
            json: as_json,
            baseline,
            db,
        }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let queries =
                eval::parse_tsv(&text).map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
            let store = super::open(settings, &db).await?;
            let index = search::build_index(&store).await?;
            let ours = score(&index, &queries);
            let names: Vec<String> = index_names(&index);
            let plain = eval::evaluate(&queries, |q| {
                eval::substring_baseline(&names, q)
                    .into_iter()
                    .take(EVAL_DEPTH)
                    .map(str::to_owned)
                    .collect()
            });
            let shown = if baseline { &plain } else { &ours };
            if as_json {
                println!(
                    "{}",
                    json!({ "overall": shown.overall, "by_kind": shown.by_kind })
                );
            } else {
                print_report(&ours, &plain);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(SearchCommand::Reindex { db }) => {
            let store = super::open(settings, &db).await?;
            let started = std::time::Instant::now();
            let index = search::build_index(&store).await?;
            let took = started.elapsed();
            let generation = search::request_reindex(&store, SystemClock.now_millis()).await?;
            println!(
                "已重建索引：{} 个事项，用时 {:.2} 秒；运行中的服务器将在下次搜索时重建（第 {generation} 代）\n\
                 indexed {} implementations in {:.2} s; running servers rebuild on their next search (generation {generation})",
                index.len(),
                took.as_secs_f64(),
                index.len(),
                took.as_secs_f64(),
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let query = args.query.unwrap_or_default();
            let store = super::open(settings, &args.db).await?;
            let index = search::build_index(&store).await?;
            let viewer = Viewer {
                region_code: args.near,
            };
            let hits = index.search(&query, &Filters::default(), &viewer, args.limit)?;
            if args.json {
                let list: Vec<_> = hits
                    .iter()
                    .map(|h| {
                        json!({
                            "name": h.document.name,
                            "implementation_code": h.document.implementation_code,
                            "basic_code": h.document.basic_code,
                            "department": h.document.department,
                            "score": h.score,
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else if hits.is_empty() {
                println!("没有找到相关的服务 / nothing matched");
            } else {
                for (rank, h) in hits.iter().enumerate() {
                    println!(
                        "{:>2}. {}  [{}]  {}  {:.2}",
                        rank + 1,
                        h.document.name,
                        h.document.implementation_code,
                        h.document.department,
                        h.score
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The figures of the index on a query set.
pub fn score(index: &SearchIndex, queries: &[eval::EvalQuery]) -> EvalReport {
    eval::evaluate(queries, |q| {
        index
            .search(q, &Filters::default(), &Viewer::default(), EVAL_DEPTH)
            .map(|hits| hits.into_iter().map(|h| h.document.name.clone()).collect())
            .unwrap_or_default()
    })
}

fn index_names(index: &SearchIndex) -> Vec<String> {
    index.documents().iter().map(|d| d.name.clone()).collect()
}

fn print_report(ours: &EvalReport, plain: &EvalReport) {
    let line = |label: &str, f: &Figures, b: &Figures| {
        println!(
            "{label:<12} {:>4}  {:>6.1}% {:>6.1}% {:>6.3}   {:>6.1}% {:>6.1}% {:>6.3}",
            f.n,
            f.top1 * 100.0,
            f.top3 * 100.0,
            f.mrr,
            b.top1 * 100.0,
            b.top3 * 100.0,
            b.mrr
        );
    };
    println!(
        "{:<12} {:>4}  {:>7} {:>7} {:>6}   {:>7} {:>7} {:>6}",
        "kind", "n", "top-1", "top-3", "MRR", "base@1", "base@3", "MRR"
    );
    line("overall", &ours.overall, &plain.overall);
    for (kind, figures) in &ours.by_kind {
        line(kind, figures, &plain.by_kind[kind]);
    }
    if !ours.misses.is_empty() {
        println!("\n前三名中没有正确答案的查询 / queries without a correct answer in the top 3:");
        for (q, rank) in &ours.misses {
            let rank = if *rank == 0 {
                "—".to_owned()
            } else {
                rank.to_string()
            };
            println!(
                "  {} [{}] {}  → {} (rank {rank})",
                q.id,
                q.kind,
                q.query,
                q.gold.join(" || ")
            );
        }
    }
}
