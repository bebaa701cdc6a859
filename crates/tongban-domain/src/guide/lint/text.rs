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
    walk(&value, &mut Vec::new(), settings.max_text_chars, out);
}

/// One step of the path to an element: a field name or a list position.
enum Step<'a> {
    Field(&'a str),
    Item(usize),
}

/// The path as the findings name it (`materials[2].name`); built only for a finding, since
/// almost every guide has none and the walk visits every string.
fn path_text(path: &[Step<'_>]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Field(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Step::Item(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

fn walk<'a>(value: &'a Value, path: &mut Vec<Step<'a>>, max: usize, out: &mut Findings) {
    match value {
        Value::String(text) => {
            // Byte length bounds the character count: most strings need no counting.
            if text.len() <= max {
                return;
            }
            let chars = text.chars().count();
            if chars > max {
                let path = path_text(path);
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
                path.push(Step::Item(i));
                walk(item, path, max, out);
                path.pop();
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                path.push(Step::Field(key));
                walk(item, path, max, out);
                path.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}
