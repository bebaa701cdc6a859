//! Writes the sample printouts (the test guide 食品经营许可 and a 40-material one) to a folder,
//! to look at them: `cargo run -p tongban-publish --example print -- /tmp/printouts`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: print DIR")?);
    std::fs::create_dir_all(&dir)?;
    let header = common::header();
    let outputs = [
        (
            "guide.pdf",
            tongban_publish::guide_pdf(&common::food_licence(), &header)?,
        ),
        (
            "sheet.pdf",
            tongban_publish::notification_sheet_pdf(&common::food_licence(), &header)?,
        ),
        (
            "long-guide.pdf",
            tongban_publish::guide_pdf(&common::long_guide(), &header)?,
        ),
        (
            "long-sheet.pdf",
            tongban_publish::notification_sheet_pdf(&common::long_guide(), &header)?,
        ),
        (
            "qr.svg",
            tongban_publish::qr_svg(&header.qr_url, 4)?.into_bytes(),
        ),
    ];
    for (name, bytes) in outputs {
        let path = dir.join(name);
        std::fs::write(&path, &bytes)?;
        println!("{} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}
