//! Turning normalised text into the terms each index field holds. Documents and queries go
//! through the same functions, so a query term can only match what indexing produced.
//!
//! - words: jieba's search-mode cut (`居民身份证` → 居民 身份 身份证 居民身份证)
//! - pairs: neighbouring characters (`营业执找` still shares 营业, 业执 with `营业执照`)
//! - sounds: neighbouring syllables (`失业保线金` sounds like `失业保险金`)
//! - spelled / initials: each word's pinyin (`shenfenzheng`) and first letters (`sfz`)

use std::collections::HashSet;

use jieba_rs::Jieba;

use crate::dictionary::Dictionary;
use crate::spelling;
use crate::text::{Run, runs, word_list};

const STOPWORDS: &str = include_str!("../data/stopwords.txt");

pub struct Analyzer {
    jieba: Jieba,
    stopwords: HashSet<String>,
}

impl Analyzer {
    /// jieba's own dictionary plus every phrase and word of the reform office's dictionary,
    /// so "身份证丢了" is not cut through the middle of a phrase it knows.
    pub fn new(dictionary: &Dictionary) -> Analyzer {
        let mut jieba = Jieba::new();
        for word in dictionary.words() {
            if word.chars().count() > 1 {
                jieba.add_word(word, None, None);
            }
        }
        let stopwords = word_list(STOPWORDS).map(str::to_owned).collect();
        Analyzer { jieba, stopwords }
    }

    /// Index terms for normalised text: search-mode words, so parts of long words match.
    /// jieba's search mode gives the known two- and three-character parts of a long word;
    /// the longer known parts are added too, so that a phrase the dictionary keeps whole
    /// (城乡居民基本养老保险) still holds 养老保险 and its initials `ylbx`.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut words = Vec::new();
        for word in self.jieba.cut_for_search(text, true) {
            let word = word.trim();
            if word.is_empty() {
                continue;
            }
            let chars: Vec<(usize, char)> = word.char_indices().collect();
            for len in 4..chars.len() {
                for start in 0..=chars.len() - len {
                    let from = chars[start].0;
                    let to = chars.get(start + len).map_or(word.len(), |(i, _)| *i);
                    let part = &word[from..to];
                    if self.jieba.has_word(part) {
                        words.push(part.to_owned());
                    }
                }
            }
            words.push(word.to_owned());
        }
        words
    }

    /// The words of a query that say what the person wants, in order, without the ways of
    /// asking (怎么, 我, 需要…).
    pub fn content_words(&self, query: &str) -> Vec<String> {
        self.jieba
            .cut(query, true)
            .into_iter()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !self.stopwords.contains(*w))
            .map(str::to_owned)
            .collect()
    }

    /// A query's content as one text, Han words run together so pairs and sounds still
    /// span word boundaries ("保线金" is cut apart, but its syllables still pair up).
    pub fn content(&self, query: &str) -> String {
        let mut out = String::new();
        for word in self.content_words(query) {
            let han = word.chars().all(crate::text::is_han);
            if (!han || !out.chars().last().is_some_and(crate::text::is_han)) && !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&word);
        }
        out
    }

    /// Each word's full spelling and initials, for people who type pinyin.
    pub fn spellings(&self, text: &str) -> (Vec<String>, Vec<String>) {
        let mut spelled = Vec::new();
        let mut initials = Vec::new();
        for word in self.words(text) {
            if word.chars().count() < 2 {
                continue;
            }
            if let Some(syllables) = spelling::syllables(&word) {
                spelled.push(syllables.concat());
            }
            if let Some(letters) = spelling::initials(&word) {
                initials.push(letters);
            }
        }
        (spelled, initials)
    }
}

/// Initials of runs of up to four neighbouring words (`食品 经营 许可` → spjy, jyxk,
/// spjyxk …), as people abbreviate a name: `spjyxk` is 食品经营许可.
pub fn abbreviations(analyzer: &Analyzer, text: &str) -> Vec<String> {
    const LONGEST: usize = 4;
    let mut out = Vec::new();
    for run in runs(text) {
        let Run::Han(han) = run else { continue };
        let words: Vec<String> = analyzer
            .jieba
            .cut(han, true)
            .into_iter()
            .filter_map(spelling::initials)
            .collect();
        for start in 0..words.len() {
            for end in start + 1..=(start + LONGEST).min(words.len()) {
                let joined = words[start..end].concat();
                if joined.len() >= 2 {
                    out.push(joined);
                }
            }
        }
    }
    out
}

/// Neighbouring characters of each Han run; a run of one character is itself.
pub fn pairs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in runs(text) {
        if let Run::Han(han) = run {
            let chars: Vec<char> = han.chars().collect();
            if chars.len() == 1 {
                out.push(han.to_owned());
            }
            out.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
        }
    }
    out
}

/// Neighbouring syllables of each Han run (`shi_ye ye_bao bao_xian xian_jin`).
pub fn sounds(text: &str) -> Vec<String> {
    sound_terms(text, |c| spelling::syllable(c).into_iter().collect())
}

/// Neighbouring syllables of a query's Han runs in every reading of each character, so a
/// typo with a character of several readings (`报削` for `报销`) still sounds like the name.
pub fn sounds_any_reading(text: &str) -> Vec<String> {
    let mut out = sound_terms(text, spelling::readings);
    out.sort();
    out.dedup();
    out
}

/// The syllable pairs of each Han run, each character read by `readings_of`; characters
/// without a reading are skipped.
fn sound_terms(text: &str, readings_of: impl Fn(char) -> Vec<&'static str>) -> Vec<String> {
    let mut out = Vec::new();
    for run in runs(text) {
        if let Run::Han(han) = run {
            let readings: Vec<Vec<&str>> = han
                .chars()
                .map(&readings_of)
                .filter(|r| !r.is_empty())
                .collect();
            out.extend(reading_pairs(&readings));
        }
    }
    out
}

/// Pairs of syllables as one term; a single syllable stands alone.
pub fn syllable_pairs(syllables: &[&str]) -> Vec<String> {
    let readings: Vec<Vec<&str>> = syllables.iter().map(|s| vec![*s]).collect();
    reading_pairs(&readings)
}

/// Pairs of neighbouring syllables, every reading of one with every reading of the next; a
/// single character's readings stand alone.
fn reading_pairs(readings: &[Vec<&str>]) -> Vec<String> {
    if let [only] = readings {
        return only.iter().map(|r| (*r).to_owned()).collect();
    }
    let mut out = Vec::new();
    for pair in readings.windows(2) {
        for first in &pair[0] {
            for second in &pair[1] {
                out.push(format!("{first}_{second}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        Analyzer::new(&Dictionary::default_entries())
    }

    #[test]
    fn search_mode_words_include_the_parts_of_long_words() {
        let words = analyzer().words("居民身份证补领");
        for w in ["居民", "身份", "身份证", "补领"] {
            assert!(words.iter().any(|x| x == w), "{w} in {words:?}");
        }
    }

    #[test]
    fn long_words_kept_whole_still_hold_their_known_parts() {
        let a = analyzer();
        assert!(
            a.jieba.has_word("城乡居民基本养老保险"),
            "the dictionary keeps it whole"
        );
        let words = a.words("城乡居民基本养老保险参保登记");
        assert!(words.iter().any(|w| w == "养老保险"), "{words:?}");
        let (_, initials) = a.spellings("城乡居民基本养老保险参保登记");
        assert!(initials.contains(&"ylbx".to_owned()), "{initials:?}");
    }

    #[test]
    fn content_drops_the_ways_of_asking() {
        let a = analyzer();
        assert_eq!(a.content_words("我想问一下怎么办营业执照"), ["营业执照"]);
        assert_eq!(a.content("请问失业保险金怎么领"), "失业保险金领");
    }

    #[test]
    fn typos_still_share_pairs_and_homophones_share_sounds() {
        let name: HashSet<String> = pairs("营业执照").into_iter().collect();
        let typo = pairs("营业执找");
        assert_eq!(typo.iter().filter(|p| name.contains(*p)).count(), 2);
        assert_eq!(sounds("失业保线金"), sounds("失业保险金"));
        assert!(sounds_any_reading("报削").contains(&sounds("报销")[0]));
    }

    #[test]
    fn names_are_abbreviated_by_the_initials_of_neighbouring_words() {
        let a = analyzer();
        let found = abbreviations(&a, "食品经营许可核发");
        assert!(found.contains(&"spjyxk".to_owned()), "{found:?}");
    }

    #[test]
    fn words_are_spelled_and_abbreviated() {
        let (spelled, initials) = analyzer().spellings("居民身份证");
        assert!(spelled.contains(&"shenfenzheng".to_owned()), "{spelled:?}");
        assert!(initials.contains(&"sfz".to_owned()), "{initials:?}");
    }
}
