//! Page layout: a flow that places headings, paragraphs, lists and tables down A4 pages and
//! records a display list (positioned text lines, rectangles, rules, QR codes). Pages are
//! laid out completely before anything is drawn, so footers can say "第 n 页 / 共 m 页".
//!
//! Coordinates are points from the page's top-left corner, y growing downwards (krilla's).
//! Nothing is ever clipped: text wraps to its box, a table row that does not fit moves to the
//! next page, and a row taller than a whole page is split between pages with the table's
//! header repeated.

use std::rc::Rc;

use crate::font::Metrics;
use crate::linebreak::break_lines;
use crate::qr::{QUIET_ZONE, QrMatrix};

/// A4 in points.
pub(crate) const PAGE_W: f32 = 595.276;
pub(crate) const PAGE_H: f32 = 841.89;
/// 20 mm left and right, 20 mm top, 22 mm bottom (the footer sits in the bottom margin).
pub(crate) const MARGIN_X: f32 = 56.693;
pub(crate) const MARGIN_TOP: f32 = 56.693;
pub(crate) const MARGIN_BOTTOM: f32 = 62.362;
pub(crate) const FOOTER_BASELINE: f32 = PAGE_H - 34.0;
pub(crate) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// 五号: body text.
pub(crate) const BODY: f32 = 10.5;
/// 小五: footers, captions, dense tables.
pub(crate) const SMALL: f32 = 9.0;
/// 小二: document titles.
pub(crate) const TITLE: f32 = 18.0;
/// 四号: section headings.
pub(crate) const HEADING: f32 = 14.0;

/// Line height as a multiple of the font size, unless a flow sets its own.
const LEADING: f32 = 1.5;
const TABLE_LEADING: f32 = 1.35;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;
const RULE: f32 = 0.6;
/// Above the baseline, the middle of an ideograph in WenQuanYi Micro Hei (em).
const IDEOGRAPH_MIDDLE: f32 = 0.345;

/// Grey levels (0 black … 255 white).
pub(crate) const HEADER_FILL: u8 = 225;
pub(crate) const LABEL_FILL: u8 = 242;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
}

#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// One line of text, `x` its left edge, `baseline` its baseline.
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<u8>,
        stroke: Option<f32>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A QR symbol whose quiet zone included is `size` points square, top-left at x, y.
    Qr {
        x: f32,
        y: f32,
        size: f32,
        matrix: Rc<QrMatrix>,
    },
}

impl Item {
    /// The same item `dy` points lower.
    fn shifted(self, dy: f32) -> Item {
        match self {
            Item::Text {
                x,
                baseline,
                size,
                bold,
                text,
            } => Item::Text {
                x,
                baseline: baseline + dy,
                size,
                bold,
                text,
            },
            Item::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => Item::Rect {
                x,
                y: y + dy,
                w,
                h,
                fill,
                stroke,
            },
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => Item::Line {
                x1,
                y1: y1 + dy,
                x2,
                y2: y2 + dy,
                width,
            },
            Item::Qr { x, y, size, matrix } => Item::Qr {
                x,
                y: y + dy,
                size,
                matrix,
            },
        }
    }
}

/// Headings for the PDF's bookmarks: (text, page index, top).
pub(crate) type Bookmarks = Vec<(String, usize, f32)>;

#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub(crate) items: Vec<Item>,
}

impl Page {
    /// The text lines on this page, in drawing order (for tests).
    #[cfg(test)]
    pub(crate) fn texts(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    /// Points; `None` takes what the fixed columns leave.
    pub(crate) width: Option<f32>,
    pub(crate) align: Align,
    /// Shaded like a label (the left column of a key–value table).
    pub(crate) label: bool,
}

impl Column {
    pub(crate) fn fixed(width: f32) -> Column {
        Column {
            width: Some(width),
            align: Align::Left,
            label: false,
        }
    }
    pub(crate) fn flex() -> Column {
        Column {
            width: None,
            align: Align::Left,
            label: false,
        }
    }
    pub(crate) fn center(mut self) -> Column {
        self.align = Align::Center;
        self
    }
    pub(crate) fn label(mut self) -> Column {
        self.label = true;
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    /// An empty box to tick by hand.
    Checkbox,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) columns: Vec<Column>,
    /// Repeated at the top of every page the table continues on.
    pub(crate) header: Option<Vec<String>>,
    pub(crate) rows: Vec<Vec<Cell>>,
    pub(crate) size: f32,
}

/// One laid-out row: each cell's lines.
struct RowLines {
    cells: Vec<Vec<String>>,
    checkboxes: Vec<bool>,
    height_lines: usize,
}

/// The flow of content down the pages.
pub(crate) struct Flow<'m> {
    metrics: &'m Metrics,
    pages: Vec<Page>,
    /// Top of the free space on the current page.
    y: f32,
    outline: Bookmarks,
    /// Line height of paragraphs as a multiple of the font size.
    leading: f32,
    /// The heading just placed, to move along if what follows it starts a new page.
    keep: Option<Keep>,
}

/// A heading waiting for the start of its content.
struct Keep {
    /// Index of its first item on the current page.
    items_from: usize,
    top: f32,
}

impl<'m> Flow<'m> {
    pub(crate) fn new(metrics: &'m Metrics) -> Flow<'m> {
        Flow {
            metrics,
            pages: vec![Page::default()],
            y: MARGIN_TOP,
            outline: Vec::new(),
            leading: LEADING,
            keep: None,
        }
    }

    /// Sets the line height of paragraphs and lists (a multiple of the font size).
    pub(crate) fn set_leading(&mut self, leading: f32) {
        self.leading = leading;
    }

    /// The headings so far.
    pub(crate) fn outline(&self) -> Bookmarks {
        self.outline.clone()
    }

    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    pub(crate) fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    fn bottom() -> f32 {
        PAGE_H - MARGIN_BOTTOM
    }

    pub(crate) fn room(&self) -> f32 {
        Self::bottom() - self.y
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = MARGIN_TOP;
    }

    fn at_page_top(&self) -> bool {
        self.y <= MARGIN_TOP + 0.01
    }

    /// Starts a new page unless `height` fits below the current position. A heading just
    /// placed moves to the new page with what follows it.
    pub(crate) fn ensure(&mut self, height: f32) {
        if height <= self.room() || self.at_page_top() {
            return;
        }
        let Some(keep) = self.keep.take() else {
            self.new_page();
            return;
        };
        if keep.top <= MARGIN_TOP + 0.01 {
            // The heading already heads a page: moving it would only leave a blank page.
            return;
        }
        let page = self.pages.len() - 1;
        let moved: Vec<Item> = self.pages[page].items.drain(keep.items_from..).collect();
        let shift = MARGIN_TOP - keep.top;
        let y = self.y + shift;
        self.new_page();
        for item in moved {
            self.push(item.shifted(shift));
        }
        self.y = y;
        for entry in self
            .outline
            .iter_mut()
            .filter(|e| e.1 == page && e.2 >= keep.top)
        {
            entry.1 = page + 1;
            entry.2 += shift;
        }
    }

    pub(crate) fn gap(&mut self, height: f32) {
        self.y = (self.y + height).min(Self::bottom());
    }

    pub(crate) fn push(&mut self, item: Item) {
        self.keep = None;
        self.pages
            .last_mut()
            .expect("a flow always has a page")
            .items
            .push(item);
    }

    pub(crate) fn lines(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        break_lines(text, width, |c| self.metrics.advance(c, size))
    }

    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.metrics.width(text, size)
    }

    /// Places one line of text in a line box whose top is `top`.
    pub(crate) fn text_in_box(
        &mut self,
        text: &str,
        (x, w): (f32, f32),
        top: f32,
        line_height: f32,
        size: f32,
        (bold, align): (bool, Align),
    ) {
        if text.is_empty() {
            return;
        }
        let text_w = self.width(text, size);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - text_w) / 2.0,
        };
        self.push(Item::Text {
            x,
            baseline: top + line_height / 2.0 + IDEOGRAPH_MIDDLE * size,
            size,
            bold,
            text: text.to_owned(),
        });
    }

    /// A wrapped paragraph at `x` (from the left margin) with the given width; lines move to
    /// the next page when they do not fit.
    pub(crate) fn paragraph_at(
        &mut self,
        text: &str,
        (x, width): (f32, f32),
        size: f32,
        (bold, align): (bool, Align),
    ) {
        let line_height = size * self.leading;
        for line in self.lines(text, size, width) {
            self.ensure(line_height);
            let top = self.y;
            self.text_in_box(
                &line,
                (MARGIN_X + x, width),
                top,
                line_height,
                size,
                (bold, align),
            );
            self.y += line_height;
        }
    }

    pub(crate) fn paragraph(&mut self, text: &str, size: f32) {
        self.paragraph_at(text, (0.0, CONTENT_W), size, (false, Align::Left));
    }

    /// A numbered list with hanging indents: "1." then the wrapped text.
    pub(crate) fn numbered(&mut self, items: &[String], size: f32) {
        let label_w = self.width(&format!("{}.", items.len()), size) + size * 0.6;
        let line_height = size * self.leading;
        for (index, item) in items.iter().enumerate() {
            let lines = self.lines(item, size, CONTENT_W - label_w);
            // Keep at least two lines of an item together.
            self.ensure(line_height * lines.len().min(2) as f32);
            let top = self.y;
            self.text_in_box(
                &format!("{}.", index + 1),
                (MARGIN_X, label_w),
                top,
                line_height,
                size,
                (false, Align::Left),
            );
            for line in lines {
                self.ensure(line_height);
                let top = self.y;
                self.text_in_box(
                    &line,
                    (MARGIN_X + label_w, CONTENT_W - label_w),
                    top,
                    line_height,
                    size,
                    (false, Align::Left),
                );
                self.y += line_height;
            }
        }
    }

    /// A section heading, kept on the same page as the start of what follows it.
    pub(crate) fn heading(&mut self, text: &str, size: f32) {
        let line_height = size * self.leading;
        if !self.at_page_top() {
            self.gap(size * 0.5);
        }
        self.ensure(line_height + BODY * self.leading * 2.0);
        let top = self.y;
        let items_from = self.pages.last().map_or(0, |p| p.items.len());
        self.outline
            .push((text.to_owned(), self.pages.len() - 1, top));
        self.text_in_box(
            text,
            (MARGIN_X, CONTENT_W),
            top,
            line_height,
            size,
            (true, Align::Left),
        );
        self.y += line_height + 2.0;
        self.keep = Some(Keep { items_from, top });
    }

    pub(crate) fn qr(&mut self, matrix: Rc<QrMatrix>, x: f32, y: f32, size: f32) {
        self.push(Item::Qr { x, y, size, matrix });
    }

    /// A horizontal rule across the content width.
    pub(crate) fn rule(&mut self, width: f32) {
        let y = self.y;
        self.push(Item::Line {
            x1: MARGIN_X,
            y1: y,
            x2: MARGIN_X + CONTENT_W,
            y2: y,
            width,
        });
    }

    fn column_widths(columns: &[Column]) -> Vec<f32> {
        let fixed: f32 = columns.iter().filter_map(|c| c.width).sum();
        let flex = columns.iter().filter(|c| c.width.is_none()).count().max(1);
        let rest = ((CONTENT_W - fixed) / flex as f32).max(0.0);
        columns.iter().map(|c| c.width.unwrap_or(rest)).collect()
    }

    fn row_lines(&self, cells: &[Cell], widths: &[f32], size: f32) -> RowLines {
        let mut lines = Vec::with_capacity(cells.len());
        let mut checkboxes = Vec::with_capacity(cells.len());
        for (cell, width) in cells.iter().zip(widths) {
            match cell {
                Cell::Text(text) => {
                    lines.push(self.lines(text, size, width - 2.0 * CELL_PAD_X));
                    checkboxes.push(false);
                }
                Cell::Checkbox => {
                    lines.push(Vec::new());
                    checkboxes.push(true);
                }
            }
        }
        let height_lines = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
        RowLines {
            cells: lines,
            checkboxes,
            height_lines,
        }
    }

    /// Draws lines `from..to` of a row as one band of cells at the current position.
    fn draw_band(
        &mut self,
        row: &RowLines,
        (from, to): (usize, usize),
        columns: &[Column],
        widths: &[f32],
        (size, header): (f32, bool),
    ) {
        let line_height = size * TABLE_LEADING;
        let height = (to - from) as f32 * line_height + 2.0 * CELL_PAD_Y;
        let top = self.y;
        let mut x = MARGIN_X;
        for (index, (column, width)) in columns.iter().zip(widths).enumerate() {
            let fill = if header {
                Some(HEADER_FILL)
            } else if column.label {
                Some(LABEL_FILL)
            } else {
                None
            };
            self.push(Item::Rect {
                x,
                y: top,
                w: *width,
                h: height,
                fill,
                stroke: Some(RULE),
            });
            let align = if header { Align::Center } else { column.align };
            let cell = &row.cells[index];
            for (n, line) in cell.iter().enumerate().take(to).skip(from) {
                let line_top = top + CELL_PAD_Y + (n - from) as f32 * line_height;
                self.text_in_box(
                    line,
                    (x + CELL_PAD_X, width - 2.0 * CELL_PAD_X),
                    line_top,
                    line_height,
                    size,
                    (header || column.label, align),
                );
            }
            if row.checkboxes[index] && from == 0 {
                let side = size * 0.9;
                self.push(Item::Rect {
                    x: x + (width - side) / 2.0,
                    y: top + CELL_PAD_Y + (line_height - side) / 2.0,
                    w: side,
                    h: side,
                    fill: None,
                    stroke: Some(0.8),
                });
            }
            x += width;
        }
        self.y += height;
    }

    /// A ruled table; rows wrap their cells' text and never split unless taller than a page.
    pub(crate) fn table(&mut self, table: &Table) {
        let widths = Self::column_widths(&table.columns);
        let size = table.size;
        let line_height = size * TABLE_LEADING;
        let header = table.header.as_ref().map(|cells| {
            let cells: Vec<Cell> = cells.iter().map(|c| Cell::from(c.as_str())).collect();
            self.row_lines(&cells, &widths, size)
        });
        let header_height = header.as_ref().map_or(0.0, |h| {
            h.height_lines as f32 * line_height + 2.0 * CELL_PAD_Y
        });
        let draw_header = |flow: &mut Flow<'_>| {
            if let Some(header) = &header {
                flow.draw_band(
                    header,
                    (0, header.height_lines),
                    &table.columns,
                    &widths,
                    (size, true),
                );
            }
        };
        let fresh_room = Self::bottom() - MARGIN_TOP - header_height;
        // A small table stays whole; a large one keeps its header with its first lines.
        let row_heights: Vec<f32> = table
            .rows
            .iter()
            .map(|row| {
                self.row_lines(row, &widths, size).height_lines as f32 * line_height
                    + 2.0 * CELL_PAD_Y
            })
            .collect();
        let total: f32 = row_heights.iter().sum::<f32>() + header_height;
        if total <= fresh_room / 3.0 {
            self.ensure(total);
        } else {
            let first = row_heights
                .first()
                .map_or(0.0, |h| h.min(3.0 * line_height + 2.0 * CELL_PAD_Y));
            self.ensure(header_height + first);
        }
        draw_header(self);
        for cells in &table.rows {
            let row = self.row_lines(cells, &widths, size);
            let mut from = 0;
            // Just moved to a new page for this row: a page break cannot make more room.
            let mut fresh_page = false;
            loop {
                let remaining = row.height_lines - from;
                let needed = remaining as f32 * line_height + 2.0 * CELL_PAD_Y;
                if needed <= self.room() + 0.01 {
                    self.draw_band(
                        &row,
                        (from, row.height_lines),
                        &table.columns,
                        &widths,
                        (size, false),
                    );
                    break;
                }
                let fitting = ((self.room() - 2.0 * CELL_PAD_Y) / line_height).floor();
                let fitting = if fitting > 0.0 { fitting as usize } else { 0 };
                let whole_row_fits_a_page = from == 0 && needed <= fresh_room;
                if !fresh_page && (whole_row_fits_a_page || fitting < 2) {
                    self.new_page();
                    draw_header(self);
                    fresh_page = true;
                    continue;
                }
                let fitting = fitting.max(1);
                self.draw_band(
                    &row,
                    (from, from + fitting),
                    &table.columns,
                    &widths,
                    (size, false),
                );
                from += fitting;
                self.new_page();
                draw_header(self);
                fresh_page = true;
            }
        }
    }

    /// Adds "第 n 页 / 共 m 页" (and optional left and right notes) to every page's footer
    /// and hands the pages over.
    pub(crate) fn finish(mut self, left: &str, right: &str) -> Vec<Page> {
        let total = self.pages.len();
        let metrics = self.metrics;
        for (index, page) in self.pages.iter_mut().enumerate() {
            let center = format!("第 {} 页 / 共 {} 页", index + 1, total);
            let center_w = metrics.width(&center, SMALL);
            page.items.push(Item::Text {
                x: (PAGE_W - center_w) / 2.0,
                baseline: FOOTER_BASELINE,
                size: SMALL,
                bold: false,
                text: center,
            });
            // The side notes get what the page number leaves, shortened with "…" if need be.
            let side_w = (CONTENT_W - center_w) / 2.0 - SMALL;
            let left = fit_width(metrics, left, SMALL, side_w);
            if !left.is_empty() {
                page.items.push(Item::Text {
                    x: MARGIN_X,
                    baseline: FOOTER_BASELINE,
                    size: SMALL,
                    bold: false,
                    text: left,
                });
            }
            let right = fit_width(metrics, right, SMALL, side_w);
            if !right.is_empty() {
                page.items.push(Item::Text {
                    x: PAGE_W - MARGIN_X - metrics.width(&right, SMALL),
                    baseline: FOOTER_BASELINE,
                    size: SMALL,
                    bold: false,
                    text: right,
                });
            }
        }
        self.pages
    }
}

/// `text` as it fits in `width`, cut with "…" when it does not.
pub(crate) fn fit_width(metrics: &Metrics, text: &str, size: f32, width: f32) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ");
    if metrics.width(&text, size) <= width {
        return text;
    }
    let budget = width - metrics.advance('…', size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in text.chars() {
        used += metrics.advance(c, size);
        if used > budget {
            break;
        }
        out.push(c);
    }
    if out.is_empty() {
        return String::new();
    }
    out.push('…');
    out
}

/// Points for a QR symbol of `matrix` with its quiet zone, at `module` points a module.
pub(crate) fn qr_size(matrix: &QrMatrix, module: f32) -> f32 {
    (matrix.width() + 2 * QUIET_ZONE) as f32 * module
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::load().unwrap()
    }

    fn all_texts(pages: &[Page]) -> String {
        pages
            .iter()
            .flat_map(|p| p.texts())
            .collect::<Vec<_>>()
            .concat()
    }

    /// (x, baseline, size, text) of every text line.
    fn text_items(pages: &[Page]) -> Vec<(f32, f32, f32, String)> {
        let mut out = Vec::new();
        for page in pages {
            for item in &page.items {
                if let Item::Text {
                    x,
                    baseline,
                    size,
                    text,
                    ..
                } = item
                {
                    out.push((*x, *baseline, *size, text.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn a_table_row_taller_than_a_page_is_split_with_the_header_repeated() {
        let metrics = metrics();
        let mut flow = Flow::new(&metrics);
        let long: String = "很长的材料说明文字".repeat(600);
        flow.table(&Table {
            columns: vec![Column::fixed(40.0), Column::flex()],
            header: Some(vec!["序号".into(), "材料".into()]),
            rows: vec![vec!["1".into(), Cell::Text(long.clone())]],
            size: BODY,
        });
        let pages = flow.finish("", "");
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for page in &pages {
            assert!(page.texts().contains(&"序号"), "header missing on a page");
        }
        // Every character of the cell is drawn exactly once.
        let drawn: String = pages
            .iter()
            .flat_map(|p| p.texts())
            .filter(|t| !["序号", "材料", "1"].contains(t) && !t.starts_with("第 "))
            .collect::<Vec<_>>()
            .concat();
        assert_eq!(drawn, long);
        for (x, baseline, _, _) in text_items(&pages) {
            assert!((MARGIN_X - 0.01..PAGE_W - MARGIN_X).contains(&x));
            assert!(
                baseline <= PAGE_H - MARGIN_BOTTOM || (baseline - FOOTER_BASELINE).abs() < 0.01
            );
        }
    }

    #[test]
    fn rows_that_fit_a_page_are_not_split() {
        let metrics = metrics();
        let mut flow = Flow::new(&metrics);
        let rows = (0..60)
            .map(|n| {
                vec![
                    Cell::Text(format!("{n}")),
                    Cell::Text("第一行\n第二行\n第三行".into()),
                ]
            })
            .collect();
        flow.table(&Table {
            columns: vec![Column::fixed(40.0), Column::flex()],
            header: None,
            rows,
            size: BODY,
        });
        let pages = flow.finish("", "");
        assert!(pages.len() > 1);
        for page in &pages {
            let texts = page.texts();
            let body: Vec<_> = texts
                .iter()
                .filter(|t| t.starts_with('第') && !t.contains('页'))
                .collect();
            assert_eq!(body.len() % 3, 0, "a row was split: {texts:?}");
        }
    }

    #[test]
    fn text_never_leaves_the_page_and_footers_count_pages() {
        let metrics = metrics();
        let mut flow = Flow::new(&metrics);
        for n in 0..80 {
            flow.heading(&format!("标题{n}"), HEADING);
            flow.paragraph(&"正文内容，".repeat(30), BODY);
        }
        let pages = flow.finish("左侧说明文字".repeat(20).as_str(), "打印日期：2026-11-22");
        let total = pages.len();
        for (index, page) in pages.iter().enumerate() {
            let texts = page.texts();
            assert!(texts.contains(&format!("第 {} 页 / 共 {} 页", index + 1, total).as_str()));
            assert!(texts.contains(&"打印日期：2026-11-22"));
            assert!(
                texts.iter().any(|t| t.ends_with('…')),
                "long footer note not shortened"
            );
        }
        for (x, baseline, size, text) in text_items(&pages) {
            let right = x + metrics.width(&text, size);
            assert!(x >= MARGIN_X - 0.01, "{text} starts at {x}");
            assert!(right <= PAGE_W - MARGIN_X + 0.5, "{text} ends at {right}");
            assert!(baseline > MARGIN_TOP && baseline < PAGE_H);
        }
        assert!(all_texts(&pages).contains("标题79"));
    }

    #[test]
    fn a_heading_moves_to_the_next_page_with_its_table() {
        let metrics = metrics();
        let mut flow = Flow::new(&metrics);
        while flow.room() > 60.0 {
            flow.paragraph("填充正文", BODY);
        }
        flow.heading("三、申请材料", HEADING);
        flow.table(&Table {
            columns: vec![Column::fixed(40.0), Column::flex()],
            header: Some(vec!["序号".into(), "材料名称".into()]),
            rows: (1..=30)
                .map(|n| vec![Cell::Text(n.to_string()), "材料".into()])
                .collect(),
            size: BODY,
        });
        let outline = flow.outline();
        let pages = flow.finish("", "");
        assert!(!pages[0].texts().contains(&"三、申请材料"));
        assert!(!pages[0].texts().contains(&"序号"));
        assert_eq!(pages[1].texts()[0], "三、申请材料");
        assert_eq!(outline, vec![("三、申请材料".to_owned(), 1, MARGIN_TOP)]);
        // The heading sits at the top of the new page, the table right below it.
        let baseline = |page: &Page, wanted: &str| {
            page.items.iter().find_map(|item| match item {
                Item::Text { baseline, text, .. } if text == wanted => Some(*baseline),
                _ => None,
            })
        };
        let heading = baseline(&pages[1], "三、申请材料").unwrap();
        let header = baseline(&pages[1], "序号").unwrap();
        assert!(heading > MARGIN_TOP && heading < MARGIN_TOP + HEADING * 1.5);
        assert!(header > heading && header < heading + 30.0);
    }

    #[test]
    fn a_small_table_is_not_split() {
        let metrics = metrics();
        let mut flow = Flow::new(&metrics);
        while flow.room() > 40.0 {
            flow.paragraph("填充正文", BODY);
        }
        flow.table(&Table {
            columns: vec![Column::fixed(100.0).label(), Column::flex()],
            header: None,
            rows: vec![
                vec!["法定办结时限".into(), "10个工作日".into()],
                vec!["承诺办结时限".into(), "5个工作日".into()],
                vec!["说明".into(), "特别程序所需时间不计入办结时限。".into()],
            ],
            size: BODY,
        });
        let pages = flow.finish("", "");
        assert!(!pages[0].texts().contains(&"法定办结时限"));
        assert!(pages[1].texts().contains(&"说明"));
    }

    #[test]
    fn fit_width_shortens_with_an_ellipsis() {
        let metrics = metrics();
        assert_eq!(fit_width(&metrics, "一二三", 10.0, 30.0), "一二三");
        assert_eq!(fit_width(&metrics, "一二三四", 10.0, 30.0), "一二…");
        assert_eq!(fit_width(&metrics, "一二三四", 10.0, 5.0), "");
    }
}
