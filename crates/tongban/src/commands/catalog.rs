//! `tongban catalog import|export`: the catalog as departments exchange it.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tongban_domain::catalog::RawCatalogRow;
use tongban_domain::clock::Clock;
use tongban_exchange::catalog::{FileFormat, read_catalog, write_catalog};
use tongban_store::catalog::{self, ImportActor, RowProblem};

use crate::cli::CatalogCommand;
use crate::clock::SystemClock;
use crate::config::Settings;

pub async fn run(settings: &Settings, command: CatalogCommand) -> anyhow::Result<ExitCode> {
    match command {
        CatalogCommand::Import {
            file,
            json: as_json,
            db,
        } => {
            let format = FileFormat::from_path(&file).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}：只支持 .csv 和 .xlsx 文件 / only .csv and .xlsx files are supported",
                    file.display()
                )
            })?;
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let outcome = read_catalog(&bytes, format)
                .map_err(|e| anyhow::anyhow!("{}：{} / {}", file.display(), e.zh(), e.en()))?;
            let store = super::open(settings, &db).await?;
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
            let bar = if as_json || !std::io::stderr().is_terminal() {
                ProgressBar::hidden()
            } else {
                ProgressBar::new(outcome.rows.len() as u64)
            };
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} 行 rows {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let actor = ImportActor {
                user_id: None,
                name: "cli",
            };
            let started = std::time::Instant::now();
            let report = catalog::import(
                &store,
                &actor,
                &outcome.rows,
                unreadable,
                SystemClock.now_millis(),
                &mut |n| bar.set_position(n as u64),
            )
            .await?;
            bar.finish_and_clear();
            let rejected: Vec<_> = report
                .rejected
                .iter()
                .map(|p| json!({ "row": p.row, "field": p.field, "reason": format!("{} ({})", p.zh, p.en) }))
                .collect();
            if as_json {
                let body = json!({
                    "rows": report.rows, "imported": report.imported, "updated": report.updated,
                    "unchanged": report.unchanged, "opaque_codes": report.opaque_codes,
                    "regions_created": report.regions_created, "departments_created": report.departments_created,
                    "rejected": rejected, "change_set": report.change_set_id,
                });
                println!("{}", serde_json::to_string(&body)?);
            } else {
                println!(
                    "共 {} 行 rows：新增 imported {}，更新 updated {}，未变 unchanged {}，非标准编码 opaque codes {}，拒绝 rejected {}（{:.1} s）",
                    report.rows,
                    report.imported,
                    report.updated,
                    report.unchanged,
                    report.opaque_codes,
                    report.rejected.len(),
                    started.elapsed().as_secs_f64()
                );
                println!(
                    "新建地区 regions created {}，新建部门 departments created {}",
                    report.regions_created, report.departments_created
                );
                for p in &report.rejected {
                    println!(
                        "  第 {} 行 row {} · {}：{} / {}",
                        p.row, p.row, p.field, p.zh, p.en
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogCommand::Export { file, db } => {
            let format = FileFormat::from_path(&file).ok_or_else(|| {
                anyhow::anyhow!("{}: use a .csv or .xlsx file name", file.display())
            })?;
            let store = super::open(settings, &db).await?;
            let departments: HashMap<i64, _> = catalog::departments(&store)
                .await?
                .into_iter()
                .map(|d| (d.id, d))
                .collect();
            let rows: Vec<RawCatalogRow> = catalog::all_current(&store)
                .await?
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let department = departments.get(&s.department_id);
                    RawCatalogRow {
                        row: i + 2,
                        implementation_code: s.code,
                        basic_code: s.basic_code,
                        name: s.name,
                        item_type: s.item_type,
                        department: department.map(|d| d.name.clone()).unwrap_or_default(),
                        department_code: department
                            .and_then(|d| d.uscc.clone().or_else(|| d.source_code.clone()))
                            .unwrap_or_default(),
                        region_code: s.region_code,
                        exercise_level: s.exercise_level.to_string(),
                        case_kind: s.case_kind.as_str().to_owned(),
                        status: s.status.as_str().to_owned(),
                        power_source: s.power_source,
                        legal_basis: s.legal_basis,
                        main_item: String::new(),
                    }
                })
                .collect();
            let bytes = write_catalog(&rows, format).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&file, bytes)?;
            println!(
                "已导出 exported {} 行 rows 到 to {}",
                rows.len(),
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
