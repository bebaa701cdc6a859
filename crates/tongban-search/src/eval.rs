//! Measuring search: a TSV of queries with the item names that answer them, scored by
//! top-1, top-3 and mean reciprocal rank, overall and per kind of query.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalQuery {
    pub id: String,
    pub kind: String,
    pub query: String,
    pub gold: Vec<String>,
}

/// A line of the file that cannot be read, with its number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行：{zh} (line {line}: {en})")]
pub struct EvalFileError {
    pub line: usize,
    pub zh: &'static str,
    pub en: &'static str,
}

/// Reads the columns id, kind, query and gold (tab-separated) after a header line; gold
/// names are joined by ` || `.
pub fn parse_tsv(text: &str) -> Result<Vec<EvalQuery>, EvalFileError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.trim_end() == "id\tkind\tquery\tgold" => {}
        _ => {
            return Err(EvalFileError {
                line: 1,
                zh: "表头应为 id、kind、query、gold（制表符分隔）",
                en: "the header must be id, kind, query, gold separated by tabs",
            });
        }
    }
    let mut queries = Vec::new();
    for (number, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let [id, kind, query, gold] = cells[..] else {
            return Err(EvalFileError {
                line: number + 1,
                zh: "应有4列",
                en: "expected 4 columns",
            });
        };
        let gold: Vec<String> = gold
            .split("||")
            .map(|g| g.trim().to_owned())
            .filter(|g| !g.is_empty())
            .collect();
        if query.trim().is_empty() || gold.is_empty() {
            return Err(EvalFileError {
                line: number + 1,
                zh: "查询和正确事项都不能为空",
                en: "query and gold must not be empty",
            });
        }
        queries.push(EvalQuery {
            id: id.to_owned(),
            kind: kind.to_owned(),
            query: query.to_owned(),
            gold,
        });
    }
    Ok(queries)
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Figures {
    pub n: usize,
    pub top1: f64,
    pub top3: f64,
    pub mrr: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct EvalReport {
    pub overall: Figures,
    pub by_kind: BTreeMap<String, Figures>,
    /// the queries whose first correct answer was not in the top 3, with the rank (0 = none)
    #[serde(skip)]
    pub misses: Vec<(EvalQuery, usize)>,
}

/// Scores ranked names per query; `rank` answers a query with names in ranked order.
pub fn evaluate(queries: &[EvalQuery], mut rank: impl FnMut(&str) -> Vec<String>) -> EvalReport {
    let mut sums: BTreeMap<String, (usize, f64, f64, f64)> = BTreeMap::new();
    let mut overall = (0, 0.0, 0.0, 0.0);
    let mut misses = Vec::new();
    for q in queries {
        let names = rank(&q.query);
        let first = names
            .iter()
            .position(|n| q.gold.iter().any(|g| g == n))
            .map(|p| p + 1);
        let (top1, top3, rr) = match first {
            Some(r) => (
                f64::from(u8::from(r == 1)),
                f64::from(u8::from(r <= 3)),
                1.0 / r as f64,
            ),
            None => (0.0, 0.0, 0.0),
        };
        if top3 == 0.0 {
            misses.push((q.clone(), first.unwrap_or(0)));
        }
        for acc in [sums.entry(q.kind.clone()).or_default(), &mut overall] {
            acc.0 += 1;
            acc.1 += top1;
            acc.2 += top3;
            acc.3 += rr;
        }
    }
    let figures = |(n, t1, t3, rr): (usize, f64, f64, f64)| Figures {
        n,
        top1: if n == 0 { 0.0 } else { t1 / n as f64 },
        top3: if n == 0 { 0.0 } else { t3 / n as f64 },
        mrr: if n == 0 { 0.0 } else { rr / n as f64 },
    };
    EvalReport {
        overall: figures(overall),
        by_kind: sums.into_iter().map(|(k, s)| (k, figures(s))).collect(),
        misses,
    }
}

/// The baseline portals ship: names containing the query as typed, shortest name first.
pub fn substring_baseline<'a>(names: &'a [String], query: &str) -> Vec<&'a str> {
    let query = query.trim();
    let mut found: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !query.is_empty() && n.contains(query))
        .collect();
    found.sort_by_key(|n| n.chars().count());
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "id\tkind\tquery\tgold\nq1\tkeyword\t身份证\t居民身份证办理 || 居民身份证补领\nq2\tpinyin\tsfz\t居民身份证办理\nq3\ttypo\t护找\t普通护照签发\n";

    #[test]
    fn figures_follow_the_first_correct_rank() {
        let queries = parse_tsv(FILE).unwrap();
        assert_eq!(queries[0].gold.len(), 2);
        let report = evaluate(&queries, |q| match q {
            "身份证" => vec!["居民身份证补领".into()],
            "sfz" => vec!["别的".into(), "别的2".into(), "居民身份证办理".into()],
            _ => vec![],
        });
        assert_eq!(report.overall.n, 3);
        assert!((report.overall.top1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((report.overall.top3 - 2.0 / 3.0).abs() < 1e-9);
        assert!((report.overall.mrr - (1.0 + 1.0 / 3.0) / 3.0).abs() < 1e-9);
        assert_eq!(report.by_kind["typo"].top3, 0.0);
        assert_eq!(report.misses.len(), 1);
    }

    #[test]
    fn malformed_files_name_the_line() {
        assert_eq!(parse_tsv("a\tb\n").unwrap_err().line, 1);
        let err = parse_tsv("id\tkind\tquery\tgold\nq1\tk\tonly three\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn the_baseline_is_a_plain_substring_match() {
        let names = vec!["居民身份证办理".to_owned(), "护照".to_owned()];
        assert_eq!(substring_baseline(&names, "身份证"), ["居民身份证办理"]);
        assert!(substring_baseline(&names, "身份证丢了").is_empty());
    }
}
