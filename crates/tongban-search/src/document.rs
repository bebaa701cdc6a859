//! What the index knows of one published implementation. The store's adapter fills it.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SearchDocument {
    pub implementation_code: String,
    pub basic_code: String,
    pub name: String,
    pub department_id: i64,
    pub department: String,
    pub region_code: String,
    pub region_name: String,
    /// 行使层级, 1 national … 6 village
    pub exercise_level: u8,
    /// two-digit item type code
    pub item_type: String,
    /// can be applied for online
    pub online: bool,
    /// text people may search by besides the name: result name, materials, conditions,
    /// service objects, FAQ questions and answers
    pub details: Vec<String>,
    /// cases received, a sign of what people most often come for
    pub popularity: u32,
}
