//! What can go wrong in storage, separated into what the user caused (bilingual, with the
//! field) and what the operator must fix (the database itself).

use tongban_domain::{Bilingual, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// SQLite driven directly: the writer's connection and the read connections (see
    /// `sqlite_writer`, `sqlite_reader`)
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", .0)]
    Invalid(FieldError),
    #[error("not found: {what}")]
    NotFound { what: String },
    #[error("{zh} ({en})")]
    Conflict {
        /// the input field whose value clashes with what is stored, when there is one
        field: Option<String>,
        zh: String,
        en: String,
    },
    #[error("{0}")]
    Configuration(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Search(#[from] tongban_search::SearchError),
}

impl StoreError {
    pub fn not_found(what: impl Into<String>) -> Self {
        StoreError::NotFound { what: what.into() }
    }

    /// A write met a row already there under a unique key (another server wrote it first).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            ),
            _ => false,
        }
    }

    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Self {
        StoreError::Conflict {
            field: None,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A conflict caused by one input field (a taken username, an id already registered).
    pub fn conflict_on(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        StoreError::Conflict {
            field: Some(field.to_owned()),
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }
}

impl From<FieldError> for StoreError {
    fn from(error: FieldError) -> Self {
        StoreError::Invalid(error)
    }
}

impl Bilingual for StoreError {
    fn zh(&self) -> String {
        match self {
            StoreError::Invalid(e) => e.zh(),
            StoreError::NotFound { what } => format!("未找到：{what}"),
            StoreError::Conflict { zh, .. } => zh.clone(),
            StoreError::Database(_)
            | StoreError::Sqlite(_)
            | StoreError::Configuration(_)
            | StoreError::Corrupt(_)
            | StoreError::Search(_) => "系统暂时无法处理，请稍后再试".to_owned(),
        }
    }

    fn en(&self) -> String {
        match self {
            StoreError::Invalid(e) => e.en(),
            StoreError::NotFound { what } => format!("not found: {what}"),
            StoreError::Conflict { en, .. } => en.clone(),
            StoreError::Database(_)
            | StoreError::Sqlite(_)
            | StoreError::Configuration(_)
            | StoreError::Corrupt(_)
            | StoreError::Search(_) => {
                "the system cannot handle this right now; please try again later".to_owned()
            }
        }
    }
}
