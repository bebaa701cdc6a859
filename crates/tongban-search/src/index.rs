//! The index: documents analysed into fields, BM25 from tantivy, then the signals that
//! matter at a service centre (the name itself, the asker's region, popularity).

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};
use tongban_domain::catalog::RegionCode;

use crate::analysis::{self, Analyzer};
use crate::dictionary::Dictionary;
use crate::dictionary::letters_typed;
use crate::document::SearchDocument;
use crate::spelling;
use crate::text::{normalize, without_asides, word_list};

/// Candidates taken from BM25 before the service-centre signals re-rank them.
const CANDIDATES: usize = 200;
const TERMS: &str = "terms";
const LATER_STAGES: &str = include_str!("../data/later-stages.txt");
/// Below this a hit is a coincidence (a shared character in a material's name, a syllable
/// that sounds alike): better to say nothing was found and offer help.
const LEAST_SCORE: f32 = 2.0;

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// Who is asking: their region puts the local implementation first.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub region_code: Option<String>,
}

/// Narrowing a search; every filter set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub department_id: Option<i64>,
    pub item_type: Option<String>,
    pub exercise_level: Option<u8>,
    pub region_code: Option<String>,
    pub online: Option<bool>,
}

/// How much each kind of match counts, chosen on the quality sets (BENCHMARKS.md, Search);
/// no other value tried for any one of them did clearly better there.
struct Weights {
    /// a word of the query in the name, in the materials and FAQs, in the department
    name_word: f32,
    detail_word: f32,
    department_word: f32,
    /// neighbouring characters and neighbouring syllables shared with the name (typos)
    name_pair: f32,
    name_sound: f32,
    /// a word the dictionary adds for a phrase of the query, in the name and in the details
    expansion_name: f32,
    expansion_detail: f32,
    /// a name's score is multiplied by `explained_floor + explained_span × (share of its
    /// characters the query and its dictionary words explain)`
    explained_floor: f32,
    explained_span: f32,
    /// a name about a later stage of a licence's life (变更, 注销, 补办 …) when the query
    /// names no such stage: whoever just names a service most often wants it the first time
    later_stage: f32,
}

const WEIGHTS: Weights = Weights {
    name_word: 3.0,
    detail_word: 0.4,
    department_word: 1.0,
    name_pair: 1.0,
    name_sound: 0.8,
    expansion_name: 1.5,
    expansion_detail: 0.3,
    explained_floor: 0.75,
    explained_span: 0.5,
    later_stage: 0.85,
};

#[derive(Debug, Clone, Serialize)]
pub struct Hit<'a> {
    pub document: &'a SearchDocument,
    pub score: f32,
}

struct Fields {
    name_words: Field,
    name_pairs: Field,
    name_sounds: Field,
    spelled: Field,
    initials: Field,
    details: Field,
    department: Field,
    codes: Field,
    department_id: Field,
    item_type: Field,
    level: Field,
    region: Field,
    online: Field,
    ordinal: Field,
}

pub struct SearchIndex {
    documents: Vec<SearchDocument>,
    /// each document's name normalised, without spaces
    names: Vec<String>,
    /// document ordinals in the order of their normalised names, for completions by prefix
    by_name: Vec<u32>,
    /// the part of each document's region code that names the region
    regions: Vec<String>,
    /// document ordinal by (segment, doc id), read once after indexing
    ordinals: Vec<Vec<u32>>,
    reader: IndexReader,
    fields: Fields,
    analyzer: Analyzer,
    dictionary: Dictionary,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let terms = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TERMS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        name_words: b.add_text_field("name_words", terms.clone()),
        name_pairs: b.add_text_field("name_pairs", terms.clone()),
        name_sounds: b.add_text_field("name_sounds", terms.clone()),
        spelled: b.add_text_field("spelled", terms.clone()),
        initials: b.add_text_field("initials", terms.clone()),
        details: b.add_text_field("details", terms.clone()),
        department: b.add_text_field("department", terms),
        codes: b.add_text_field("codes", STRING),
        department_id: b.add_i64_field("department_id", INDEXED),
        item_type: b.add_text_field("item_type", STRING),
        level: b.add_u64_field("level", INDEXED),
        region: b.add_text_field("region", STRING),
        online: b.add_bool_field("online", INDEXED),
        ordinal: b.add_u64_field("ordinal", FAST),
    };
    (b.build(), fields)
}

impl SearchIndex {
    /// Indexes the documents in memory; built again from the store whenever it changes.
    pub fn build(
        documents: Vec<SearchDocument>,
        dictionary: Dictionary,
    ) -> Result<SearchIndex, SearchError> {
        let analyzer = Analyzer::new(&dictionary);
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(
            TERMS,
            TextAnalyzer::builder(WhitespaceTokenizer::default()).build(),
        );
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 200_000_000)?;
        for (ordinal, d) in documents.iter().enumerate() {
            let name = normalize(&d.name);
            let (spelled, mut initials) = analyzer.spellings(&name);
            initials.extend(analysis::abbreviations(
                &analyzer,
                &normalize(&without_asides(&d.name)),
            ));
            let details: Vec<String> = d
                .details
                .iter()
                .flat_map(|text| analyzer.words(&normalize(text)))
                .collect();
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.name_words, analyzer.words(&name).join(" "));
            doc.add_text(fields.name_pairs, analysis::pairs(&name).join(" "));
            doc.add_text(fields.name_sounds, analysis::sounds(&name).join(" "));
            doc.add_text(fields.spelled, spelled.join(" "));
            doc.add_text(fields.initials, initials.join(" "));
            doc.add_text(fields.details, details.join(" "));
            doc.add_text(
                fields.department,
                analyzer.words(&normalize(&d.department)).join(" "),
            );
            doc.add_text(fields.codes, d.implementation_code.to_lowercase());
            doc.add_text(fields.codes, d.basic_code.to_lowercase());
            doc.add_i64(fields.department_id, d.department_id);
            doc.add_text(fields.item_type, &d.item_type);
            doc.add_u64(fields.level, u64::from(d.exercise_level));
            doc.add_text(fields.region, &d.region_code);
            doc.add_bool(fields.online, d.online);
            doc.add_u64(fields.ordinal, ordinal as u64);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let mut ordinals = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("ordinal")?;
            ordinals.push(
                (0..segment.max_doc())
                    .map(|doc| column.first(doc).unwrap_or(0) as u32)
                    .collect(),
            );
        }
        let names: Vec<String> = documents
            .iter()
            .map(|d| normalize(&d.name).replace(' ', ""))
            .collect();
        let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
        by_name.sort_by(|a, b| names[*a as usize].cmp(&names[*b as usize]));
        let regions = documents
            .iter()
            .map(|d| significant(&d.region_code))
            .collect();
        Ok(SearchIndex {
            documents,
            names,
            by_name,
            regions,
            ordinals,
            reader,
            fields,
            analyzer,
            dictionary,
        })
    }

    pub fn len(&self) -> usize {
        self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    pub fn documents(&self) -> &[SearchDocument] {
        &self.documents
    }

    pub fn dictionary(&self) -> &Dictionary {
        &self.dictionary
    }

    /// Ranked implementations for what someone typed, one per item name (the asker's
    /// nearest implementation of it).
    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        viewer: &Viewer,
        limit: usize,
    ) -> Result<Vec<Hit<'_>>, SearchError> {
        let normalized = normalize(query);
        if normalized.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let content = self.analyzer.content(&normalized);
        let expansion: Vec<&str> = self
            .dictionary
            .matching(&normalized)
            .flat_map(|e| e.words.iter().map(String::as_str))
            .collect();
        let text_query = self.text_query(query, &normalized, &content, &expansion);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        clauses.extend(self.filter_clauses(filters).map(|q| (Occur::Must, q)));
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let found = searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())?;
        let best = found.first().map_or(0.0, |(s, _)| *s);
        let signals = Signals::new(&normalized, &content, &expansion);
        let home = viewer.region_code.as_deref().map(significant);
        let mut hits: Vec<Hit<'_>> = found
            .into_iter()
            .map(|(score, address)| {
                let ordinal = self.ordinals[address.segment_ord as usize][address.doc_id as usize];
                let document = &self.documents[ordinal as usize];
                let ordinal = ordinal as usize;
                let bm25 = signals.rank(document, &self.names[ordinal], score, best);
                Hit {
                    document,
                    score: bm25 * region_factor(&self.regions[ordinal], home.as_deref()),
                }
            })
            .collect();
        hits.retain(|h| h.score >= LEAST_SCORE);
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        let mut names = HashSet::new();
        hits.retain(|h| names.insert(h.document.name.as_str()));
        hits.truncate(limit);
        Ok(hits)
    }

    /// Item names to offer while someone is still typing.
    pub fn suggest(&self, prefix: &str, viewer: &Viewer, limit: usize) -> Vec<String> {
        let normalized = normalize(prefix);
        if normalized.is_empty() {
            return Vec::new();
        }
        let mut names: Vec<String> = Vec::new();
        // names that begin with what was typed come first (a range of the sorted names),
        // the most asked for first, then the ranked search
        let name_of = |o: &u32| self.names[*o as usize].as_str();
        let from = self
            .by_name
            .partition_point(|o| name_of(o) < normalized.as_str());
        let to =
            from + self.by_name[from..].partition_point(|o| name_of(o).starts_with(&normalized));
        let mut starting: Vec<&SearchDocument> = self.by_name[from..to]
            .iter()
            .map(|o| &self.documents[*o as usize])
            .collect();
        starting.sort_by_key(|d| (std::cmp::Reverse(d.popularity), d.name.chars().count()));
        for d in starting {
            if names.len() < limit && !names.contains(&d.name) {
                names.push(d.name.clone());
            }
        }
        if let Ok(hits) = self.search(prefix, &Filters::default(), viewer, limit) {
            for h in hits {
                if names.len() < limit && !names.contains(&h.document.name) {
                    names.push(h.document.name.clone());
                }
            }
        }
        names
    }

    fn text_query(
        &self,
        raw: &str,
        normalized: &str,
        content: &str,
        expansion: &[&str],
    ) -> Box<dyn Query> {
        let f = &self.fields;
        let w = &WEIGHTS;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, term: &str, boost: f32| {
            let term = Term::from_field_text(field, term);
            let query: Box<dyn Query> =
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            should.push((Occur::Should, Box::new(BoostQuery::new(query, boost))));
        };
        for word in self.analyzer.words(content) {
            add(f.name_words, &word, w.name_word);
            add(f.details, &word, w.detail_word);
            add(f.department, &word, w.department_word);
        }
        for pair in analysis::pairs(content) {
            add(f.name_pairs, &pair, w.name_pair);
        }
        for sound in analysis::sounds_any_reading(content) {
            add(f.name_sounds, &sound, w.name_sound);
        }
        for letters in letters_typed(normalized) {
            add(f.spelled, &letters, 3.0);
            add(f.initials, &letters, 3.0);
            // an abbreviation with a word too many (`spjyxkz`: …许可证) still shares its longest parts
            let n = letters.len();
            if letters.is_ascii() && (4..=12).contains(&n) {
                for len in 3..n {
                    for start in 0..=n - len {
                        let weight = 3.0 * (len * len) as f32 / (n * n) as f32;
                        add(f.initials, &letters[start..start + len], weight);
                    }
                }
            }
            if let Some(syllables) = spelling::split_syllables(&letters) {
                for sound in analysis::syllable_pairs(&syllables) {
                    add(f.name_sounds, &sound, 1.5);
                }
            }
        }
        for word in expansion {
            for part in self.analyzer.words(word) {
                add(f.name_words, &part, w.expansion_name);
                add(f.details, &part, w.expansion_detail);
            }
        }
        add(f.codes, raw.trim().to_lowercase().as_str(), 20.0);
        Box::new(BooleanQuery::new(should))
    }

    fn filter_clauses<'f>(
        &'f self,
        filters: &'f Filters,
    ) -> impl Iterator<Item = Box<dyn Query>> + 'f {
        let f = &self.fields;
        let term =
            |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
        [
            filters
                .department_id
                .map(|id| term(Term::from_field_i64(f.department_id, id))),
            filters
                .item_type
                .as_deref()
                .map(|t| term(Term::from_field_text(f.item_type, t))),
            filters
                .exercise_level
                .map(|l| term(Term::from_field_u64(f.level, u64::from(l)))),
            filters
                .region_code
                .as_deref()
                .map(|r| term(Term::from_field_text(f.region, r))),
            filters
                .online
                .map(|o| term(Term::from_field_bool(f.online, o))),
        ]
        .into_iter()
        .flatten()
    }
}

/// What re-ranks BM25's candidates: the name said outright, how much of the name the
/// query explains, the asker's region, and how often people come for the item.
struct Signals<'q> {
    normalized: &'q str,
    content: String,
    /// characters of the query's content and of the dictionary's words for it
    explained: HashSet<char>,
    /// the later stages the query does not ask for
    unasked_stages: Vec<&'static str>,
}

/// The words naming a later stage of a licence's life, from `data/later-stages.txt`.
static LATER_STAGE_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| word_list(LATER_STAGES).collect());

impl<'q> Signals<'q> {
    fn new(normalized: &'q str, content: &str, expansion: &[&str]) -> Signals<'q> {
        let content: String = content.chars().filter(|c| !c.is_whitespace()).collect();
        let explained: HashSet<char> = content
            .chars()
            .chain(expansion.iter().flat_map(|w| w.chars()))
            .collect();
        // a stage counts as asked for when any of its characters is (换 asks for 换领)
        let unasked_stages = LATER_STAGE_WORDS
            .iter()
            .copied()
            .filter(|w| !w.chars().any(|c| explained.contains(&c)))
            .collect();
        Signals {
            normalized,
            explained,
            content,
            unasked_stages,
        }
    }

    fn rank(&self, document: &SearchDocument, compact: &str, bm25: f32, best: f32) -> f32 {
        let mut score = bm25;
        if compact == self.content || compact == self.normalized {
            score += best;
        } else if !self.content.is_empty() && compact.starts_with(&self.content) {
            score += 0.3 * best;
        } else if self.content.chars().count() > 1 && compact.contains(&self.content) {
            score += 0.15 * best;
        }
        // how much of the name the query (with the dictionary's words) explains
        let length = compact.chars().count();
        if length > 0 {
            let explained = compact
                .chars()
                .filter(|c| self.explained.contains(c))
                .count();
            score *=
                WEIGHTS.explained_floor + WEIGHTS.explained_span * explained as f32 / length as f32;
        }
        if self.unasked_stages.iter().any(|w| compact.contains(w)) {
            score *= WEIGHTS.later_stage;
        }
        score * (1.0 + 0.03 * (1.0 + document.popularity as f32).ln())
    }
}

/// The asker's own region first, then the regions above it, nearest first (both given as
/// the part of the code that names the region).
fn region_factor(region: &str, home: Option<&str>) -> f32 {
    match home {
        Some(home) if !region.is_empty() && home.starts_with(region) => {
            1.0 + 0.6 * region.len() as f32 / home.len() as f32
        }
        _ => 1.0,
    }
}

/// The part of a region code that names the region; a code that is not one names nothing.
fn significant(code: &str) -> String {
    RegionCode::parse(code)
        .map(|c| c.significant().to_owned())
        .unwrap_or_default()
}
