//! Normalising what people type before anything else looks at it: traditional characters to
//! simplified, full-width letters and digits to ASCII, lower case, punctuation to spaces.

/// The normal form both documents and queries are analysed in.
pub fn normalize(input: &str) -> String {
    let simplified = simplet2s::convert(input);
    let mut out = String::with_capacity(simplified.len());
    for c in simplified.chars() {
        let c = half_width(c);
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim().to_owned()
}

/// A name without its asides in brackets (`食品(含保健食品)经营许可` → `食品经营许可`):
/// people leave them out when they abbreviate.
pub fn without_asides(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The words of a word list shipped as data: separated by whitespace, `#` starting a
/// comment line.
pub fn word_list(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
}

/// Full-width ASCII forms (ＳＦＺ, １２３) as typed by Chinese input methods.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A Han character (the CJK unified ideographs and extension A).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Runs of one script in normalised text: Han runs, ASCII letter runs, digit runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run<'a> {
    Han(&'a str),
    Letters(&'a str),
    Digits(&'a str),
}

pub fn runs(text: &str) -> Vec<Run<'_>> {
    let mut runs = Vec::new();
    let mut current: Option<(usize, Script)> = None;
    for (i, c) in text.char_indices() {
        let script = Script::of(c);
        match current {
            Some((_, s)) if Some(s) == script => continue,
            Some((from, s)) => runs.push(s.run(&text[from..i])),
            None => {}
        }
        current = script.map(|s| (i, s));
    }
    if let Some((from, s)) = current {
        runs.push(s.run(&text[from..]));
    }
    runs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Han,
    Letters,
    Digits,
}

impl Script {
    fn of(c: char) -> Option<Script> {
        if is_han(c) {
            Some(Script::Han)
        } else if c.is_ascii_lowercase() {
            Some(Script::Letters)
        } else if c.is_ascii_digit() {
            Some(Script::Digits)
        } else {
            None
        }
    }

    fn run(self, text: &str) -> Run<'_> {
        match self {
            Script::Han => Run::Han(text),
            Script::Letters => Run::Letters(text),
            Script::Digits => Run::Digits(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_full_width_and_case_are_folded() {
        assert_eq!(normalize("居民身份證補領"), "居民身份证补领");
        assert_eq!(normalize("ＳＦＺ"), "sfz");
        assert_eq!(normalize("  营业执照，怎么办？ "), "营业执照 怎么办");
    }

    #[test]
    fn asides_in_brackets_are_left_out() {
        assert_eq!(
            without_asides("食品(含保健食品)经营许可（县级）"),
            "食品经营许可"
        );
    }

    #[test]
    fn runs_split_by_script() {
        assert_eq!(
            runs("sfz补领2024"),
            vec![Run::Letters("sfz"), Run::Han("补领"), Run::Digits("2024")]
        );
        assert_eq!(
            runs("身份证 sfz"),
            vec![Run::Han("身份证"), Run::Letters("sfz")]
        );
    }
}
