//! One source, every channel (同源发布): the web page, the kiosk view, both PDFs, the QR code
//! and the JSON all come from the one published guide and show the same content.

use axum::http::{StatusCode, header};

use crate::helpers::{TestApp, market_item, pdf_text};
use crate::on_both;

on_both!(
    every_channel_shows_the_same_published_guide,
    channels_of_unknown_items_are_not_found,
);

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn every_channel_shows_the_same_published_guide(app: TestApp) {
    let code = market_item(&app).await;
    let json = app
        .api(
            "GET",
            &format!("/api/v1/implementations/{code}"),
            None,
            None,
        )
        .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    let guide = json.json()["guide"].clone();
    let name = guide["name"].as_str().expect("a guide name").to_owned();
    let materials: Vec<String> = guide["materials"]
        .as_array()
        .expect("materials")
        .iter()
        .map(|m| m["name"].as_str().expect("material name").to_owned())
        .collect();
    assert!(!materials.is_empty(), "the demo guide lists materials");

    let web = app.get(&format!("/catalog/items/{code}")).await;
    let kiosk = app.get(&format!("/catalog/items/{code}/kiosk")).await;
    for (channel, page) in [("web", &web), ("kiosk", &kiosk)] {
        assert_eq!(page.status, StatusCode::OK, "{channel}");
        assert!(page.body.contains(&name), "{channel} shows the name");
        for material in &materials {
            assert!(
                page.body.contains(material.as_str()),
                "{channel} lists {material}"
            );
        }
    }
    assert!(
        kiosk.body.contains("<svg"),
        "the kiosk view carries the QR code"
    );
    assert!(
        kiosk.body.contains("large-type"),
        "the kiosk view is always in large type"
    );

    for sheet in ["guide.pdf", "notice.pdf"] {
        let pdf = app.get(&format!("/catalog/items/{code}/{sheet}")).await;
        assert_eq!(pdf.status, StatusCode::OK, "{sheet}: {}", pdf.body);
        assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        let text = pdf_text(&pdf.bytes);
        assert!(
            text.contains(&without_whitespace(&name)),
            "{sheet} names the item"
        );
        for material in &materials {
            assert!(
                text.contains(&without_whitespace(material)),
                "{sheet} lists {material}"
            );
        }
        assert!(
            text.contains(&code),
            "{sheet} prints the implementation code"
        );
    }

    let qr = app.get(&format!("/catalog/items/{code}/qr.svg")).await;
    assert_eq!(qr.status, StatusCode::OK);
    assert_eq!(qr.headers[header::CONTENT_TYPE], "image/svg+xml");
    assert!(qr.body.starts_with("<svg") || qr.body.starts_with("<?xml"));
}

async fn channels_of_unknown_items_are_not_found(app: TestApp) {
    for channel in ["kiosk", "guide.pdf", "notice.pdf", "qr.svg"] {
        let reply = app
            .get(&format!("/catalog/items/NO-SUCH-ITEM/{channel}"))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{channel}");
    }
}
