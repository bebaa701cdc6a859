//! Search over the service catalog the way people ask: "身份证丢了", "sfz", "失业保线金".
//!
//! Pure: documents come in as values (the store's adapter builds them), queries come in as
//! text, ranked hits go out. Analysis (normalising, words, pinyin, character pairs, the
//! reform office's phrase dictionary) is ours; tantivy holds the postings and scores BM25.

pub mod analysis;
pub mod dictionary;
pub mod document;
pub mod eval;
pub mod index;
pub mod spelling;
pub mod text;

pub use dictionary::{Dictionary, DictionaryError, Theme};
pub use document::SearchDocument;
pub use eval::{EvalQuery, EvalReport, Figures};
pub use index::{Filters, Hit, SearchError, SearchIndex, Viewer};
