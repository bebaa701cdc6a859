//! Line breaking for Chinese text (after GB/T 15834-2011's rules for punctuation at line ends):
//! a line may break between any two characters, except that
//!
//! - closing punctuation (，。、；：？！）》」』 …) never begins a line (行首禁则),
//! - opening punctuation (（《「『 …) never ends a line (行尾禁则),
//! - a doubled dash (——) or ellipsis (……) is never split,
//! - a run of ASCII letters, digits and symbols (a phone number, "A4", a web address) stays
//!   whole, and
//! - ASCII spaces are break points that vanish at the line end.
//!
//! The break is "push-out": the character before a closing mark moves down with it. When no
//! allowed break fits (a web address wider than a table column), the line is broken where it
//! overflows, still not before a closing mark; if even that is impossible (a column two
//! characters wide meeting "米），"), the closing marks hang past the line's end. Text is
//! never lost.

/// Characters that must not begin a line.
const NO_LINE_START: &str = "，。、；：？！）》」』】〕〗〙〉］｝”’〞·・／－～％‰℃!%),.:;?]}";

/// Characters that must not end a line.
const NO_LINE_END: &str = "（《「『【〔〖〘〈［｛“‘〝￥¥$([{";

/// Marks written doubled that must stay together.
const NEVER_SPLIT_PAIRS: &str = "—…";

fn is_ascii_word(c: char) -> bool {
    c.is_ascii_graphic()
}

/// Whether a line may end after `before` and the next begin with `after`.
pub(crate) fn may_break_between(before: char, after: char) -> bool {
    if after == ' ' {
        // A space ends the line it overflows: handled by the caller.
        return false;
    }
    if before == ' ' {
        return true;
    }
    if NO_LINE_START.contains(after) || NO_LINE_END.contains(before) {
        return false;
    }
    if before == after && NEVER_SPLIT_PAIRS.contains(before) {
        return false;
    }
    !(is_ascii_word(before) && is_ascii_word(after))
}

/// The fallback when no allowed break fits: anywhere the punctuation rules still hold.
fn may_break_in_need(before: char, after: char) -> bool {
    !NO_LINE_START.contains(after) && !NO_LINE_END.contains(before)
}

/// Breaks `text` into lines no wider than `max_width` by `width`. Each `\n` starts a new line
/// (an empty paragraph gives an empty line); `\r` and tabs count as spaces. An empty text gives
/// no lines.
pub(crate) fn break_lines(text: &str, max_width: f32, width: impl Fn(char) -> f32) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let chars: Vec<char> = paragraph
            .chars()
            .filter(|c| !c.is_control() || *c == '\t' || *c == '\r')
            .map(|c| if c == '\t' || c == '\r' { ' ' } else { c })
            .collect();
        break_paragraph(&chars, max_width, &width, &mut lines);
    }
    lines
}

fn break_paragraph(
    chars: &[char],
    max_width: f32,
    width: &impl Fn(char) -> f32,
    lines: &mut Vec<String>,
) {
    let n = chars.len();
    if chars.iter().all(|c| *c == ' ') {
        lines.push(String::new());
        return;
    }
    let mut start = 0;
    while start < n {
        let mut used = 0.0;
        let mut i = start;
        let mut last_break = None;
        let mut last_in_need = None;
        while i < n {
            if i > start && may_break_between(chars[i - 1], chars[i]) {
                last_break = Some(i);
            }
            if i > start && may_break_in_need(chars[i - 1], chars[i]) {
                last_in_need = Some(i);
            }
            let w = width(chars[i]);
            if i > start && used + w > max_width {
                break;
            }
            used += w;
            i += 1;
        }
        let end = if i == n || chars[i] == ' ' {
            i
        } else if let Some(end) = last_break.or(last_in_need) {
            end
        } else {
            // Nowhere to break by the rules (a column a few characters wide): closing marks
            // hang past the line's end rather than begin the next line.
            let mut end = i;
            while end < n && NO_LINE_START.contains(chars[end]) {
                end += 1;
            }
            end
        };
        let line: String = chars[start..end].iter().collect();
        lines.push(line.trim_end_matches(' ').to_owned());
        start = end;
        while start < n && chars[start] == ' ' {
            start += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test widths: ASCII half an em, everything else one em.
    fn em(c: char) -> f32 {
        if c.is_ascii() { 0.5 } else { 1.0 }
    }

    fn check(text: &str, max_width: f32, expected: &[&str]) {
        let lines = break_lines(text, max_width, em);
        assert_eq!(lines, expected, "breaking {text:?} at width {max_width}");
    }

    #[test]
    fn line_breaking_rules() {
        let cases: &[(&str, f32, &[&str])] = &[
            // Plain Chinese wraps at any character.
            (
                "一二三四五六七八九十",
                4.0,
                &["一二三四", "五六七八", "九十"],
            ),
            ("一二三四", 4.0, &["一二三四"]),
            // A closing mark never begins a line: the character before it moves down too.
            ("一二三，四五", 3.0, &["一二", "三，四", "五"]),
            ("申请人应当提交。", 7.0, &["申请人应当提", "交。"]),
            ("甲乙丙」。丁", 3.0, &["甲乙", "丙」。", "丁"]),
            ("一二三、四", 3.0, &["一二", "三、四"]),
            ("营业执照》等", 4.0, &["营业执", "照》等"]),
            // An opening mark never ends a line.
            ("一二（三四）", 3.0, &["一二", "（三", "四）"]),
            (
                "依据《食品安全法》",
                3.0,
                &["依据", "《食品", "安全", "法》"],
            ),
            ("一二「三", 3.0, &["一二", "「三"]),
            ("甲乙“丙丁”", 3.0, &["甲乙", "“丙", "丁”"]),
            // Doubled dashes and ellipses stay whole.
            ("等等……", 3.0, &["等等", "……"]),
            ("一——二", 2.0, &["一", "——", "二"]),
            // ASCII runs stay whole; they may break from Chinese on either side.
            ("电话0571-87654321", 8.0, &["电话", "0571-87654321"]),
            ("规格A4纸", 2.5, &["规格", "A4纸"]),
            ("规格A4纸", 3.0, &["规格A4", "纸"]),
            ("hello world foo", 4.0, &["hello", "world", "foo"]),
            ("a  b", 0.5, &["a", "b"]),
            // A run wider than the line is broken where it overflows (but not before a
            // closing mark): nothing is lost.
            (
                "https://zwfw.example.gov.cn",
                5.0,
                &["https://zw", "fw.exampl", "e.gov.cn"],
            ),
            // No break the rules allow fits: closing marks hang rather than start a line.
            ("米），保", 2.0, &["米），", "保"]),
            ("。。。", 1.0, &["。。。"]),
            // A column narrower than one character still gets one character a line.
            ("一二", 0.5, &["一", "二"]),
            // Newlines start lines; empty paragraphs are kept as empty lines.
            ("一\n二", 5.0, &["一", "二"]),
            ("一\n\n二", 5.0, &["一", "", "二"]),
            ("一\r\n二", 5.0, &["一", "二"]),
            ("", 5.0, &[]),
            ("   ", 5.0, &[""]),
        ];
        for (text, width, expected) in cases {
            check(text, *width, expected);
        }
    }

    #[test]
    fn realistic_text_obeys_the_rules_at_every_width() {
        let text = "申请人应当具有与经营的食品品种、数量相适应的食品原料处理和食品加工、\
                    销售、贮存等场所（经营场所面积不少于10平方米），保持该场所环境整洁，\
                    并与有毒、有害场所以及其他污染源保持规定的距离；具有合理的设备布局和\
                    工艺流程，防止待加工食品与直接入口食品、原料与成品交叉污染。\
                    详见《中华人民共和国食品安全法》第三十三条“食品生产经营要求”……\
                    咨询电话：0571-87001234。";
        for tenth in 25..=400 {
            let max = tenth as f32 / 10.0;
            let lines = break_lines(text, max, em);
            assert_eq!(lines.concat(), text, "text lost at width {max}");
            for (index, line) in lines.iter().enumerate() {
                let first = line.chars().next().unwrap();
                let last = line.chars().last().unwrap();
                // Only hanging closing marks may pass the end.
                let w: f32 = line
                    .trim_end_matches(|c| NO_LINE_START.contains(c))
                    .chars()
                    .map(em)
                    .sum();
                assert!(
                    w <= max || line.chars().count() == 1,
                    "{line:?} too wide for {max}"
                );
                assert!(
                    index == 0 || !NO_LINE_START.contains(first),
                    "{line:?} starts with {first} at width {max}"
                );
                assert!(
                    !NO_LINE_END.contains(last),
                    "{line:?} ends with {last} at width {max}"
                );
            }
        }
    }
}
