//! Identifiers people type into government forms (resident ids, unified social credit codes)
//! and service-item codes (GB/T 39554.1): strict parsing, with every rejection explained in
//! Chinese and English.

/// Gives a `Bilingual` error the "zh (en)" `Display` that every user-facing error shares.
macro_rules! bilingual_display {
    ($error:ty) => {
        impl std::fmt::Display for $error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                use $crate::message::Bilingual as _;
                write!(f, "{} ({})", self.zh(), self.en())
            }
        }
    };
}

pub mod item_code;
pub mod normalize;
pub mod resident_id;
pub mod uscc;

pub use item_code::{
    BasicCode, ExerciseLevel, HandlingItemCode, ImplementationCode, ItemCode, ItemCodeError,
    ItemType, OpaqueCode,
};
pub use normalize::normalize_identifier;
pub use resident_id::{ResidentId, ResidentIdError, mask_resident_id_text};
pub use uscc::{Uscc, UsccError};
