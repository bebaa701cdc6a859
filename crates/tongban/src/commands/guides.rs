//! `tongban guide lint|export|import`: guides in their JSON exchange format, and the checks.

use std::process::ExitCode;

use serde_json::json;
use tongban_domain::clock::Clock;
use tongban_domain::guide::Guide;
use tongban_domain::guide::lint::{Finding, Severity, lint};
use tongban_store::catalog;
use tongban_store::guides;

use crate::cli::GuideCommand;
use crate::clock::SystemClock;
use crate::config::Settings;

/// The exchange document: the guide's elements plus the implementation it belongs to.
const CODE_KEY: &str = "implementation_code";

pub fn to_document(implementation_code: &str, guide: &Guide) -> anyhow::Result<serde_json::Value> {
    let mut value = serde_json::to_value(guide)?;
    if let Some(map) = value.as_object_mut() {
        map.insert(CODE_KEY.to_owned(), json!(implementation_code));
    }
    Ok(value)
}

/// Reads an exchange document; the implementation code is optional when only checking.
pub fn from_document(text: &str) -> anyhow::Result<(Option<String>, Guide)> {
    let mut value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| anyhow::anyhow!("不是有效的 JSON / not valid JSON: {e}"))?;
    let code = value
        .as_object_mut()
        .and_then(|m| m.remove(CODE_KEY))
        .and_then(|v| v.as_str().map(str::to_owned));
    let guide = serde_json::from_value(value)
        .map_err(|e| anyhow::anyhow!("办事指南格式错误 / not a guide: {e}"))?;
    Ok((code, guide))
}

pub async fn run(settings: &Settings, command: GuideCommand) -> anyhow::Result<ExitCode> {
    match command {
        GuideCommand::Lint {
            implementation,
            all,
            file,
            json,
            db,
        } => {
            let store = super::open(settings, &db).await?;
            let lists = guides::reference_lists(&store).await?;
            let lint_settings = guides::lint_settings(&store).await?;
            let mut results: Vec<(String, Vec<Finding>)> = Vec::new();
            if let Some(path) = file {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                let (code, guide) = from_document(&text)?;
                results.push((
                    code.unwrap_or_else(|| path.display().to_string()),
                    lint(&guide, &lists, &lint_settings),
                ));
            } else if all {
                for item in guides::lint_published(&store).await? {
                    if let Some(findings) = item.findings {
                        results.push((item.code, findings));
                    }
                }
            } else {
                let code = implementation.ok_or_else(|| {
                    anyhow::anyhow!("name an implementation code, --all or --file")
                })?;
                let current = catalog::current(&store, &code)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no implementation {code}"))?;
                let guide = current
                    .snapshot
                    .guide
                    .ok_or_else(|| anyhow::anyhow!("{code} has no published guide"))?;
                results.push((code, lint(&guide, &lists, &lint_settings)));
            }
            let errors = results
                .iter()
                .flat_map(|(_, f)| f)
                .filter(|f| f.severity == Severity::Error)
                .count();
            if json {
                let list: Vec<_> = results
                    .iter()
                    .flat_map(|(code, findings)| {
                        findings.iter().map(move |f| {
                            json!({
                                "implementation": code, "rule": f.rule, "severity": f.severity.as_str(),
                                "element": f.element, "message": f.zh, "message_en": f.en,
                                "hint": f.hint_zh, "hint_en": f.hint_en,
                            })
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for (code, findings) in &results {
                    for f in findings {
                        println!(
                            "{code}\t{}\t{}\t{}\t{} / {}",
                            f.rule,
                            f.severity.as_str(),
                            f.element,
                            f.zh,
                            f.en
                        );
                    }
                }
                let warnings = results.iter().flat_map(|(_, f)| f).count() - errors;
                eprintln!(
                    "检查 {} 份指南：错误 {errors}，警告 {warnings} / {} guide(s): {errors} error(s), {warnings} warning(s)",
                    results.len(),
                    results.len()
                );
            }
            Ok(if errors > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        GuideCommand::Export { implementation, db } => {
            let store = super::open(settings, &db).await?;
            let current = catalog::current(&store, &implementation)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no implementation {implementation}"))?;
            let guide = current
                .snapshot
                .guide
                .ok_or_else(|| anyhow::anyhow!("{implementation} has no published guide"))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&to_document(&implementation, &guide)?)?
            );
            Ok(ExitCode::SUCCESS)
        }
        GuideCommand::Import { file, db } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let (code, guide) = from_document(&text)?;
            let code = code.ok_or_else(|| anyhow::anyhow!("the file names no {CODE_KEY}"))?;
            let store = super::open(settings, &db).await?;
            guides::save_draft_as_operator(&store, &code, &guide, SystemClock.now_millis()).await?;
            println!(
                "已保存为 {code} 的草稿 / saved as the draft of {code}; 提交审核后发布 / publish it by proposing it for review"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
