//! Building blocks both printouts share: the first page's head (title, facts, QR code with its
//! caption), numbered section headings and key–value tables.

use std::rc::Rc;

use crate::labels::chinese_number;
use crate::layout::{
    Align, BODY, CONTENT_W, Cell, Column, Flow, MARGIN_X, SMALL, TITLE, Table, qr_size,
};
use crate::qr::QrMatrix;

pub(crate) const QR_CAPTION: &str = "扫码查看最新办事指南";

/// Smallest module printed, in points (about 0.6 mm: phones read it at arm's length).
const MIN_MODULE: f32 = 1.7;
/// Printed QR size with its quiet zone, unless the modules would get smaller than MIN_MODULE.
const QR_SIZE: f32 = 84.0;

/// Title and facts on the left, the QR code and its caption on the right, a rule below.
/// Guides' printouts caption their code with [`QR_CAPTION`].
pub(crate) fn head(
    flow: &mut Flow<'_>,
    title: &str,
    subtitle: Option<&str>,
    facts: &[String],
    (qr, caption): (Rc<QrMatrix>, &str),
) {
    let size = QR_SIZE.max(qr_size(&qr, MIN_MODULE));
    let caption_w = flow.width(caption, SMALL);
    let right_w = size.max(caption_w);
    let left_w = CONTENT_W - right_w - 14.0;
    let top = flow.y();

    flow.qr(
        qr,
        MARGIN_X + CONTENT_W - right_w + (right_w - size) / 2.0,
        top,
        size,
    );
    let caption_top = top + size;
    flow.text_in_box(
        caption,
        (MARGIN_X + CONTENT_W - right_w, right_w),
        caption_top,
        SMALL * 1.4,
        SMALL,
        (false, Align::Center),
    );
    let right_bottom = caption_top + SMALL * 1.4;

    flow.gap(4.0);
    flow.paragraph_at(title, (0.0, left_w), TITLE, (true, Align::Left));
    if let Some(subtitle) = subtitle {
        flow.paragraph_at(subtitle, (0.0, left_w), BODY * 1.2, (true, Align::Left));
    }
    flow.gap(4.0);
    for fact in facts {
        flow.paragraph_at(fact, (0.0, left_w), BODY, (false, Align::Left));
    }
    let bottom = flow.y().max(right_bottom) + 6.0;
    flow.set_y(bottom);
    flow.rule(1.0);
    flow.gap(4.0);
}

/// Section headings numbered 一、二、…, recorded for the PDF's bookmarks.
pub(crate) struct Sections {
    next: usize,
    size: f32,
}

impl Sections {
    pub(crate) fn new(size: f32) -> Sections {
        Sections { next: 1, size }
    }

    pub(crate) fn heading(&mut self, flow: &mut Flow<'_>, title: &str) {
        let text = format!("{}、{title}", chinese_number(self.next));
        self.next += 1;
        flow.heading(&text, self.size);
    }
}

/// Two columns: shaded labels, values.
pub(crate) fn key_values(flow: &mut Flow<'_>, rows: Vec<(&str, String)>, label_w: f32) {
    flow.table(&Table {
        columns: vec![Column::fixed(label_w).label(), Column::flex()],
        header: None,
        rows: rows
            .into_iter()
            .map(|(label, value)| vec![Cell::from(label), Cell::Text(value)])
            .collect(),
        size: BODY,
    });
}
