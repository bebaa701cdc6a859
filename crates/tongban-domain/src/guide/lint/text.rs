//! G017: no text element may run longer than the local maximum. The guide is walked through
//! its exchange JSON, so every string element (present and future) is covered and named by
//! its path.

use serde_json::Value;

use super::{Findings, LintSettings, msg};
use crate::guide::Guide;

pub(super) fn check(guide: &Guide, settings: &LintSettings, out: &mut Findings) {
    let Ok(value) = serde_json::to_value(guide) else {
        return;
    };
    walk(&value, String::new(), settings.max_text_chars, out);
}

fn walk(value: &Value, path: String, max: usize, out: &mut Findings) {
    match value {
        Value::String(text) => {
            let chars = text.chars().count();
            if chars > max {
                out.push(
                    "G017",
                    path.clone(),
                    msg(
                        format!("「{path}」共{chars}个字符，超过本地上限{max}个字符"),
                        format!(
                            "{path} is {chars} characters long, over the local maximum of {max}"
                        ),
                    ),
                    "精简文字，把细节放入附件或常见问题解答",
                    "Shorten the text; move the details into an attachment or the FAQs.",
                );
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{i}]"), max, out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(item, path, max, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}
