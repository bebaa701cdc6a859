//! File formats Tongban exchanges with departments: 事项清单 catalogs as CSV and XLSX, and the
//! encoding detection that lets a GBK "CSV" saved by Chinese Excel be read as it was meant.

pub mod catalog;
pub mod encoding;
pub mod reference_list;
