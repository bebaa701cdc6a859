//! `qr_svg` decodes to its URL: the SVG is rendered by resvg (an independent SVG renderer)
//! and read back by rqrr (a QR decoder), both pure Rust.

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{Options, Tree};
use tongban_publish::qr_svg;

fn decode(svg: &str) -> String {
    let tree = Tree::from_str(svg, &Options::default()).expect("well-formed SVG");
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, Transform::default(), &mut pixmap.as_mut());
    let width = pixmap.width() as usize;
    let pixels = pixmap.pixels();
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, pixmap.height() as usize, |x, y| {
            let p = pixels[y * width + x].demultiply();
            ((u16::from(p.red()) + u16::from(p.green()) + u16::from(p.blue())) / 3) as u8
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    content
}

#[test]
fn qr_svg_decodes_to_the_url() {
    for (url, module_px) in [
        (
            "https://zwfw.example.gov.cn/guides/11330100MB0000000X4000117021000",
            4,
        ),
        ("https://x.cn/", 3),
        ("http://10.0.0.7:8080/guides/食品经营许可?lang=zh", 5),
    ] {
        let svg = qr_svg(url, module_px).unwrap();
        assert_eq!(decode(&svg), url);
    }
}

#[test]
fn qr_svg_is_square_with_a_quiet_zone_and_deterministic() {
    let url = "https://zwfw.example.gov.cn/guides/1";
    let svg = qr_svg(url, 4).unwrap();
    assert_eq!(svg, qr_svg(url, 4).unwrap());
    let tree = Tree::from_str(&svg, &Options::default()).unwrap();
    let (w, h) = (tree.size().width(), tree.size().height());
    assert_eq!(w, h);
    // Version 3 (29 modules) plus four light modules on each side, 4 px a module.
    assert_eq!(w, ((29 + 8) * 4) as f32);
    assert!(svg.contains("viewBox=\"0 0 37 37\""));
    // Every dark run ("M{x},{y}h{len}v1h-{len}z") lies inside the 29 × 29 symbol, off the
    // four-module quiet zone.
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let runs: Vec<&str> = path.split('M').filter(|r| !r.is_empty()).collect();
    assert!(!runs.is_empty());
    for run in runs {
        let (x, rest) = run.split_once(',').unwrap();
        let (y, rest) = rest.split_once('h').unwrap();
        let (len, _) = rest.split_once('v').unwrap();
        let (x, y, len): (u32, u32, u32) =
            (x.parse().unwrap(), y.parse().unwrap(), len.parse().unwrap());
        assert!(
            (4..33).contains(&x) && (4..33).contains(&y) && x + len <= 33,
            "{run}"
        );
    }
    assert_ne!(svg, qr_svg(url, 5).unwrap());
}
