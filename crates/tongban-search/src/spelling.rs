//! Pinyin: the syllables of Han characters, their initials, and reading a run of Latin
//! letters typed by someone who spelt the words instead of writing them ("shenfenzheng").

use std::collections::HashSet;
use std::sync::LazyLock;

use pinyin::{ToPinyin, ToPinyinMulti};

use crate::text::is_han;

/// The toneless syllable of a character (`证` → `zheng`); its most common reading.
pub fn syllable(c: char) -> Option<&'static str> {
    c.to_pinyin().map(|p| p.plain())
}

/// Every toneless reading of a character (`削` → `xiao`, `xue`), most common first: a query
/// may mean any of them.
pub fn readings(c: char) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for reading in c.to_pinyin_multi().into_iter().flatten() {
        if !out.contains(&reading.plain()) {
            out.push(reading.plain());
        }
    }
    out
}

/// The syllables of every character of `han`, or `None` when one has no reading.
pub fn syllables(han: &str) -> Option<Vec<&'static str>> {
    han.chars().map(syllable).collect()
}

/// First letters of the syllables (`身份证` → `sfz`), as people type abbreviations.
pub fn initials(han: &str) -> Option<String> {
    han.chars()
        .map(|c| syllable(c).and_then(|s| s.chars().next()))
        .collect()
}

/// Every syllable the characters can be read as, so typed spellings can be checked.
static SYLLABLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    ('\u{4E00}'..='\u{9FFF}')
        .filter(|&c| is_han(c))
        .filter_map(syllable)
        .collect()
});

const LONGEST_SYLLABLE: usize = 6;

/// Splits typed letters into syllables (`shenfenzheng` → shen fen zheng), preferring the
/// fewest syllables; `None` when the letters are not a spelling (an abbreviation like `sfz`).
pub fn split_syllables(letters: &str) -> Option<Vec<&str>> {
    if letters.is_empty() || !letters.is_ascii() {
        return None;
    }
    let n = letters.len();
    // best[i]: the fewest syllables spelling letters[..i], and where the last one starts
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(LONGEST_SYLLABLE)..end {
            let Some((count, _)) = best[start] else {
                continue;
            };
            if SYLLABLES.contains(&letters[start..end])
                && best[end].is_none_or(|(c, _)| count + 1 < c)
            {
                best[end] = Some((count + 1, start));
            }
        }
    }
    best[n]?;
    let mut parts = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        parts.push(&letters[start..end]);
        end = start;
    }
    parts.reverse();
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_have_syllables_and_initials() {
        assert_eq!(syllables("身份证"), Some(vec!["shen", "fen", "zheng"]));
        assert_eq!(initials("身份证").as_deref(), Some("sfz"));
        assert_eq!(syllables("身份证a"), None);
    }

    #[test]
    fn characters_with_several_readings_have_them_all() {
        let both = readings('削');
        assert!(both.contains(&"xiao") && both.contains(&"xue"), "{both:?}");
        assert_eq!(readings('证'), ["zheng"]);
    }

    #[test]
    fn typed_spellings_split_into_syllables() {
        assert_eq!(
            split_syllables("shenfenzheng"),
            Some(vec!["shen", "fen", "zheng"])
        );
        assert_eq!(
            split_syllables("yingyezhizhao"),
            Some(vec!["ying", "ye", "zhi", "zhao"])
        );
        assert_eq!(split_syllables("xian"), Some(vec!["xian"]));
        assert_eq!(split_syllables("sfz"), None);
        assert_eq!(split_syllables(""), None);
    }
}
