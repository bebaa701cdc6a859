//! `tongban code parse` and `tongban validate`: the domain's code rules at the command line.

use std::process::ExitCode;

use serde_json::json;
use tongban_domain::Bilingual;
use tongban_domain::codes::{BasicCode, ImplementationCode, ItemCode, ResidentId, Uscc};

use crate::cli::{CodeCommand, ValidateCommand};

fn basic_json(code: &BasicCode) -> serde_json::Value {
    json!({
        "code": code.as_str(),
        "source": code.source(),
        "national": code.is_national(),
        "item_type": code.item_type().code(),
        "item_type_name": code.item_type().name_zh(),
        "main_item": code.main_item(),
        "sub_item": code.sub_item(),
    })
}

fn implementation_json(code: &ImplementationCode) -> serde_json::Value {
    json!({
        "code": code.as_string(),
        "organ_uscc": code.organ().as_str(),
        "exercise_level": code.level().digit(),
        "exercise_level_name": code.level().name_zh(),
        "basic_code": basic_json(code.basic()),
    })
}

pub fn code(command: CodeCommand) -> ExitCode {
    let CodeCommand::Parse { code } = command;
    match ItemCode::parse(&code) {
        Ok(parsed) => {
            let body = match &parsed {
                ItemCode::Basic(basic) => {
                    json!({ "kind": "basic", "standard": true, "basic_code": basic_json(basic) })
                }
                ItemCode::Implementation(implementation) => {
                    json!({ "kind": "implementation", "standard": true, "implementation": implementation_json(implementation) })
                }
                ItemCode::HandlingItem(handling) => json!({
                    "kind": "handling_item",
                    "standard": true,
                    "code": handling.as_string(),
                    "sequence": handling.sequence(),
                    "implementation": implementation_json(handling.implementation()),
                }),
                ItemCode::Opaque(opaque) => json!({
                    "kind": "opaque",
                    "standard": false,
                    "code": opaque.as_str(),
                    "layout": opaque.layout_hint(),
                    "note": "不符合 GB/T 39554.1 标准编码格式，按原样保存 / not a GB/T 39554.1 layout; kept as given",
                }),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&body).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("编码无效：{}\ninvalid code: {}", error.zh(), error.en());
            ExitCode::FAILURE
        }
    }
}

pub fn validate(what: ValidateCommand) -> ExitCode {
    let outcome = match what {
        ValidateCommand::Id { value } => ResidentId::parse(&value).map(|id| {
            let (y, m, d) = id.birth_date();
            format!(
                "有效 valid: {} (出生日期 born {y:04}-{m:02}-{d:02}, {}, 地区码 area {})",
                id.masked(),
                if id.is_male() { "男 male" } else { "女 female" },
                id.area_code()
            )
        }).map_err(|e| (e.zh(), e.en())),
        ValidateCommand::Uscc { value } => Uscc::parse(&value).map(|uscc| {
            format!(
                "有效 valid: {} (登记管理部门 authority {}, 机构类别 kind {}, 行政区划 region {})",
                uscc.as_str(),
                uscc.registration_authority(),
                uscc.organisation_kind(),
                uscc.region_code()
            )
        }).map_err(|e| (e.zh(), e.en())),
    };
    match outcome {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err((zh, en)) => {
            eprintln!("无效：{zh}\ninvalid: {en}");
            ExitCode::FAILURE
        }
    }
}
