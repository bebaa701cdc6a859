//! The catalog's columns: canonical names, the header aliases departments actually use, and
//! locating the header row in a sheet.

use tongban_domain::catalog::RawCatalogRow;

/// One field of [`RawCatalogRow`], i.e. one column of a catalog file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    ImplementationCode,
    BasicCode,
    Name,
    ItemType,
    Department,
    DepartmentCode,
    RegionCode,
    ExerciseLevel,
    CaseKind,
    Status,
    PowerSource,
    LegalBasis,
    MainItem,
}

impl Column {
    /// In the order files are written.
    pub const ALL: [Column; 13] = [
        Column::ImplementationCode,
        Column::BasicCode,
        Column::Name,
        Column::ItemType,
        Column::Department,
        Column::DepartmentCode,
        Column::RegionCode,
        Column::ExerciseLevel,
        Column::CaseKind,
        Column::Status,
        Column::PowerSource,
        Column::LegalBasis,
        Column::MainItem,
    ];

    /// Columns without which a row cannot become a catalog entry.
    pub const REQUIRED: [Column; 4] = [
        Column::ImplementationCode,
        Column::Name,
        Column::Department,
        Column::ItemType,
    ];

    /// The canonical header, also the field name used in problem reports.
    pub fn name(self) -> &'static str {
        self.aliases()[0]
    }

    /// Chinese label for messages.
    pub fn label_zh(self) -> &'static str {
        match self {
            Column::ImplementationCode => "实施编码",
            Column::BasicCode => "基本编码",
            Column::Name => "事项名称",
            Column::ItemType => "事项类型",
            Column::Department => "实施机构",
            Column::DepartmentCode => "实施机构编码",
            Column::RegionCode => "行政区划代码",
            Column::ExerciseLevel => "行使层级",
            Column::CaseKind => "办件类型",
            Column::Status => "状态",
            Column::PowerSource => "权力来源",
            Column::LegalBasis => "设定依据",
            Column::MainItem => "主项名称",
        }
    }

    /// Header texts accepted for this column; the first is the canonical one. Compared after
    /// [`normalize_header`], so these are lower-case.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::ImplementationCode => &[
                "implementation_code",
                "itemcode",
                "item_code",
                "实施编码",
                "事项编码",
            ],
            Column::BasicCode => &["basic_code", "基本编码"],
            Column::Name => &["name", "事项名称", "名称"],
            Column::ItemType => &["item_type", "tasktype", "task_type", "事项类型"],
            Column::Department => &["department", "dept", "实施机构", "部门", "实施主体"],
            Column::DepartmentCode => &[
                "department_code",
                "deptcode",
                "dept_code",
                "实施机构编码",
                "部门编码",
                "统一社会信用代码",
            ],
            Column::RegionCode => &[
                "region_code",
                "areacode",
                "area_code",
                "行政区划代码",
                "区划代码",
            ],
            Column::ExerciseLevel => &["exercise_level", "行使层级"],
            Column::CaseKind => &["case_kind", "办件类型"],
            Column::Status => &["status", "状态"],
            Column::PowerSource => &["power_source", "权力来源"],
            Column::LegalBasis => &["legal_basis", "设定依据"],
            Column::MainItem => &["main_item", "主项", "主项名称"],
        }
    }

    /// The column a header cell names, if any.
    pub fn from_header(text: &str) -> Option<Column> {
        let key = normalize_header(text);
        Column::ALL
            .into_iter()
            .find(|c| c.aliases().contains(&key.as_str()))
    }

    pub fn get(self, row: &RawCatalogRow) -> &str {
        match self {
            Column::ImplementationCode => &row.implementation_code,
            Column::BasicCode => &row.basic_code,
            Column::Name => &row.name,
            Column::ItemType => &row.item_type,
            Column::Department => &row.department,
            Column::DepartmentCode => &row.department_code,
            Column::RegionCode => &row.region_code,
            Column::ExerciseLevel => &row.exercise_level,
            Column::CaseKind => &row.case_kind,
            Column::Status => &row.status,
            Column::PowerSource => &row.power_source,
            Column::LegalBasis => &row.legal_basis,
            Column::MainItem => &row.main_item,
        }
    }

    pub fn set(self, row: &mut RawCatalogRow, value: String) {
        let slot = match self {
            Column::ImplementationCode => &mut row.implementation_code,
            Column::BasicCode => &mut row.basic_code,
            Column::Name => &mut row.name,
            Column::ItemType => &mut row.item_type,
            Column::Department => &mut row.department,
            Column::DepartmentCode => &mut row.department_code,
            Column::RegionCode => &mut row.region_code,
            Column::ExerciseLevel => &mut row.exercise_level,
            Column::CaseKind => &mut row.case_kind,
            Column::Status => &mut row.status,
            Column::PowerSource => &mut row.power_source,
            Column::LegalBasis => &mut row.legal_basis,
            Column::MainItem => &mut row.main_item,
        };
        *slot = value;
    }
}

/// Trimmed (including full-width spaces), BOM-stripped, lower-cased; a leading or trailing `*`
/// is dropped because Chinese templates mark required columns like `*事项名称`.
pub fn normalize_header(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{FEFF}' | '*' | '＊'))
        .to_lowercase()
}

/// Where each known column sits in a sheet. When a column appears twice the first one counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    positions: Vec<(Column, usize)>,
}

impl ColumnMap {
    pub fn from_header<S: AsRef<str>>(cells: &[S]) -> ColumnMap {
        let mut positions: Vec<(Column, usize)> = Vec::new();
        for (index, cell) in cells.iter().enumerate() {
            if let Some(column) = Column::from_header(cell.as_ref())
                && !positions.iter().any(|(known, _)| *known == column)
            {
                positions.push((column, index));
            }
        }
        ColumnMap { positions }
    }

    /// How many known columns the header names.
    pub fn known(&self) -> usize {
        self.positions.len()
    }

    pub fn position(&self, column: Column) -> Option<usize> {
        self.positions
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, i)| *i)
    }

    /// The first required column the header lacks.
    pub fn missing_required(&self) -> Option<Column> {
        Column::REQUIRED
            .into_iter()
            .find(|c| self.position(*c).is_none())
    }

    /// (column, index in the sheet row) for every known column.
    pub fn iter(&self) -> impl Iterator<Item = (Column, usize)> + '_ {
        self.positions.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_normalized_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for column in Column::ALL {
            for alias in column.aliases() {
                assert_eq!(
                    normalize_header(alias),
                    *alias,
                    "alias {alias} must be stored normalized"
                );
                assert!(seen.insert(*alias), "alias {alias} used twice");
            }
        }
    }

    #[test]
    fn header_matching_ignores_case_space_bom_and_stars() {
        for (text, expected) in [
            ("\u{FEFF}department", Some(Column::Department)),
            ("  ItemCode ", Some(Column::ImplementationCode)),
            ("TASKTYPE", Some(Column::ItemType)),
            ("*事项名称", Some(Column::Name)),
            (
                "\u{3000}统一社会信用代码\u{3000}",
                Some(Column::DepartmentCode),
            ),
            ("link", None),
            ("", None),
        ] {
            assert_eq!(Column::from_header(text), expected, "header {text:?}");
        }
    }

    #[test]
    fn first_duplicate_wins() {
        let map = ColumnMap::from_header(&["部门", "name", "实施机构"]);
        assert_eq!(map.position(Column::Department), Some(0));
        assert_eq!(map.known(), 2);
        assert_eq!(map.missing_required(), Some(Column::ImplementationCode));
    }

    #[test]
    fn get_and_set_address_the_same_field() {
        let mut row = RawCatalogRow::default();
        for (i, column) in Column::ALL.into_iter().enumerate() {
            column.set(&mut row, format!("v{i}"));
        }
        for (i, column) in Column::ALL.into_iter().enumerate() {
            assert_eq!(column.get(&row), format!("v{i}"));
        }
    }
}
