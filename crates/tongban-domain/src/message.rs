//! Messages for people: every error a user can cause is explained in Chinese and English
//! and, where it concerns input, names the field it is about.

use std::fmt;

/// Something that can explain itself to a person in both UI languages.
pub trait Bilingual {
    fn zh(&self) -> String;
    fn en(&self) -> String;
}

/// A rejected input: which field, and why, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub zh: String,
    pub en: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Wraps any bilingual error as the error of one field.
    pub fn of(field: impl Into<String>, error: &impl Bilingual) -> Self {
        Self::new(field, error.zh(), error.en())
    }

    /// The same message about another field (a parser's default name replaced).
    pub fn named(mut self, field: &str) -> FieldError {
        self.field = field.to_owned();
        self
    }
}

impl Bilingual for FieldError {
    fn zh(&self) -> String {
        format!("{}：{}", self.field, self.zh)
    }
    fn en(&self) -> String {
        format!("{}: {}", self.field, self.en)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh(), self.en())
    }
}

impl std::error::Error for FieldError {}
