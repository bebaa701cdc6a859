//! The reform office's phrase dictionary: how people say it → the words the catalog uses.
//! It is data (a text file they edit in the admin pages), parsed here line by line.
//!
//! ```text
//! # a comment
//! 身份证丢了|身份证掉了 => 居民身份证 补领 挂失
//! [个人] 出生|生孩子 => 出生登记 出生医学证明 生育
//! ```
//! A line's left side lists what people type (any one appearing in a query triggers it),
//! the right side the words searched for as well. `[个人]` or `[法人]` makes the line a theme
//! (life event or business event) shown on the portal, named by its first phrase.

use std::fmt;

use serde::Serialize;

use crate::spelling;
use crate::text::{Run, normalize, runs};

/// The dictionary the project ships; the reform office's edits replace it.
pub const DEFAULT_TEXT: &str = include_str!("../data/dictionary.txt");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// normalised phrases, longest first
    pub triggers: Vec<String>,
    /// normalised words searched for when a trigger appears
    pub words: Vec<String>,
    pub theme: Option<Audience>,
    /// the triggers as typed in pinyin: full spelling and initials (`shebaoka`, `sbk`)
    pub spellings: Vec<String>,
}

/// Who a theme is for: 个人 (life events) or 法人 (business events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Person,
    Organisation,
}

impl Audience {
    pub fn name_zh(self) -> &'static str {
        match self {
            Audience::Person => "个人",
            Audience::Organisation => "法人",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Audience::Person => "Individuals",
            Audience::Organisation => "Businesses",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Theme {
    pub audience: Audience,
    pub name: String,
}

#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    entries: Vec<Entry>,
}

/// A line that cannot be read, named by its number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DictionaryError {
    pub line: usize,
    pub zh: &'static str,
    pub en: &'static str,
}

impl fmt::Display for DictionaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "第{}行：{} (line {}: {})",
            self.line, self.zh, self.line, self.en
        )
    }
}

impl Dictionary {
    /// Reads the whole text; every bad line is reported, none is skipped silently.
    pub fn parse(text: &str) -> Result<Dictionary, Vec<DictionaryError>> {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Ok(entry) => entries.push(entry),
                Err((zh, en)) => errors.push(DictionaryError {
                    line: number + 1,
                    zh,
                    en,
                }),
            }
        }
        if errors.is_empty() {
            Ok(Dictionary { entries })
        } else {
            Err(errors)
        }
    }

    /// The shipped dictionary.
    pub fn default_entries() -> Dictionary {
        Dictionary::parse(DEFAULT_TEXT).expect("the shipped dictionary parses")
    }

    /// Entries triggered by a normalised query: a phrase appears in it, or its letters
    /// spell a phrase (`sbk`, `shebaoka` → 社保卡).
    /// A phrase of three characters or more may have up to two characters between its own
    /// (`身份证弄丢了` says 身份证丢了, `换了地址` says 换地址).
    pub fn matching<'a>(&'a self, query: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        let letters = letters_typed(query);
        let query_chars: Vec<char> = query.chars().collect();
        self.entries.iter().filter(move |e| {
            e.triggers.iter().any(|t| said_in(query, &query_chars, t))
                || letters.iter().any(|l| e.spellings.contains(l))
        })
    }

    pub fn themes(&self) -> Vec<Theme> {
        self.entries
            .iter()
            .filter_map(|e| {
                Some(Theme {
                    audience: e.theme?,
                    name: e.triggers.first()?.clone(),
                })
            })
            .collect()
    }

    /// Every phrase and word, for the word segmenter to keep whole.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .flat_map(|e| e.triggers.iter().chain(&e.words))
            .map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Characters a phrase of three or more may have between its own when it is said.
const LEEWAY: usize = 2;

/// Whether the query says the phrase: as written, or (three characters or more) with at most
/// [`LEEWAY`] other characters in between, within one run of text.
fn said_in(query: &str, query_chars: &[char], phrase: &str) -> bool {
    let mut rest = phrase.chars();
    // most phrases of a large dictionary fail here, before any search of the text
    let Some(first) = rest.next().filter(|c| query_chars.contains(c)) else {
        return false;
    };
    if query.contains(phrase) {
        return true;
    }
    // shorter phrases only as written: 社保 is not 社区保安
    if phrase.chars().count() < 3 {
        return false;
    }
    'start: for (i, _) in query_chars.iter().enumerate().filter(|(_, c)| **c == first) {
        let mut spare = LEEWAY;
        let mut at = i + 1;
        for wanted in rest.clone() {
            loop {
                match query_chars.get(at) {
                    Some(&c) if c == wanted => break,
                    Some(&c) if spare > 0 && c != ' ' => spare -= 1,
                    _ => continue 'start,
                }
                at += 1;
            }
            at += 1;
        }
        return true;
    }
    false
}

fn parse_line(line: &str) -> Result<Entry, (&'static str, &'static str)> {
    let (theme, rest) = if let Some(rest) = line.strip_prefix("[个人]") {
        (Some(Audience::Person), rest)
    } else if let Some(rest) = line.strip_prefix("[法人]") {
        (Some(Audience::Organisation), rest)
    } else if line.starts_with('[') {
        return Err((
            "主题只能是[个人]或[法人]",
            "a theme is either [个人] or [法人]",
        ));
    } else {
        (None, line)
    };
    let Some((left, right)) = rest.split_once("=>") else {
        return Err((
            "缺少“=>”：左边写群众的说法，右边写规范用语",
            "missing \"=>\": what people say on the left, the catalog's words on the right",
        ));
    };
    let triggers: Vec<String> = left
        .split(['|', '、', '｜'])
        .map(normalize)
        .filter(|t| !t.is_empty())
        .collect();
    let words: Vec<String> = right
        .split_whitespace()
        .map(normalize)
        .filter(|w| !w.is_empty())
        .collect();
    if triggers.is_empty() {
        return Err(("“=>”左边没有说法", "nothing before \"=>\""));
    }
    if words.is_empty() {
        return Err(("“=>”右边没有规范用语", "nothing after \"=>\""));
    }
    let spellings = triggers
        .iter()
        .filter(|t| t.chars().count() > 1)
        .filter_map(|t| Some([spelling::syllables(t)?.concat(), spelling::initials(t)?]))
        .flatten()
        .collect();
    Ok(Entry {
        triggers,
        words,
        theme,
        spellings,
    })
}

/// Each run of letters in a query, and all of them run together (`hu zhao` → `huzhao`).
pub fn letters_typed(query: &str) -> Vec<String> {
    let runs: Vec<&str> = runs(query)
        .into_iter()
        .filter_map(|r| match r {
            Run::Letters(l) => Some(l),
            _ => None,
        })
        .collect();
    let mut letters: Vec<String> = runs.iter().map(|r| (*r).to_owned()).collect();
    if runs.len() > 1 {
        letters.push(runs.concat());
    }
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_entries_and_themes() {
        let d = Dictionary::parse(
            "# comment\n身份证丢了|身份証掉了 => 居民身份证 补领\n\n[个人] 出生、生孩子 => 出生登记\n",
        )
        .unwrap();
        assert_eq!(d.len(), 2);
        let hits: Vec<_> = d.matching("我的身份证掉了怎么办").collect();
        assert_eq!(hits.len(), 1, "traditional triggers are normalised");
        assert_eq!(hits[0].words, ["居民身份证", "补领"]);
        assert_eq!(d.matching("sfzdl").count(), 1, "initials of a phrase");
        assert_eq!(d.matching("shenfenzhengdiaole").count(), 1, "its spelling");
        assert_eq!(
            d.themes(),
            [Theme {
                audience: Audience::Person,
                name: "出生".into()
            }]
        );
    }

    #[test]
    fn longer_phrases_are_said_with_a_word_in_between() {
        let d = Dictionary::parse("身份证丢了 => 补领\n社保 => 社会保险\n").unwrap();
        assert_eq!(d.matching("身份证弄丢了").count(), 1);
        assert_eq!(
            d.matching("身份证不小心丢了").count(),
            0,
            "three in between"
        );
        assert_eq!(d.matching("身份证 丢了").count(), 0, "not across a break");
        assert_eq!(
            d.matching("社区保安").count(),
            0,
            "two-character phrases as written"
        );
        assert_eq!(d.matching("交社保").count(), 1);
    }

    #[test]
    fn bad_lines_are_reported_by_number() {
        let errors =
            Dictionary::parse("好 => 好\n没有箭头\n[其他] a => b\n => 只有右边\n").unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(errors[0].to_string().contains("line 2"));
    }

    #[test]
    fn the_shipped_dictionary_parses_with_themes_for_both_audiences() {
        let d = Dictionary::default_entries();
        let themes = d.themes();
        assert!(themes.iter().any(|t| t.audience == Audience::Person));
        assert!(themes.iter().any(|t| t.audience == Audience::Organisation));
    }
}
