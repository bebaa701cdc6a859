//! Guide attachments (blank forms, sample documents, result samples): which files a guide may
//! carry. A file is accepted only when its name's extension is one of the document or image
//! types citizens can open, its bytes really are that type (magic numbers, not the name or
//! the browser's claim), it is not a program, and it is within the size limit.

use crate::message::FieldError;

/// The document and image types a guide attachment may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    /// 版式文档 (GB/T 33190), the national fixed-layout format: a zip container
    Ofd,
    /// Word, and WPS's own format (both OLE compound files)
    Doc,
    Docx,
    /// Excel, and WPS's spreadsheet format (both OLE compound files)
    Xls,
    Xlsx,
    Png,
    Jpeg,
}

/// The accepted extensions, as a file picker's `accept` list.
pub const ACCEPTED_EXTENSIONS: &str = ".pdf,.ofd,.doc,.docx,.wps,.xls,.xlsx,.et,.png,.jpg,.jpeg";

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl AttachmentKind {
    fn from_extension(extension: &str) -> Option<Self> {
        Some(match extension {
            "pdf" => Self::Pdf,
            "ofd" => Self::Ofd,
            "doc" | "wps" => Self::Doc,
            "docx" => Self::Docx,
            "xls" | "et" => Self::Xls,
            "xlsx" => Self::Xlsx,
            "png" => Self::Png,
            "jpg" | "jpeg" => Self::Jpeg,
            _ => return None,
        })
    }

    /// The media type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Ofd => "application/ofd",
            Self::Doc => "application/msword",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xls => "application/vnd.ms-excel",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
        }
    }

    /// Whether the bytes are what the extension says.
    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Self::Pdf => infer::archive::is_pdf(bytes),
            Self::Ofd => infer::archive::is_zip(bytes),
            Self::Doc | Self::Xls => bytes.starts_with(OLE_MAGIC),
            Self::Docx => infer::doc::is_docx(bytes),
            Self::Xlsx => infer::doc::is_xlsx(bytes),
            Self::Png => infer::image::is_png(bytes),
            Self::Jpeg => infer::image::is_jpeg(bytes),
        }
    }
}

/// The attachment limits: local settings, not code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentSettings {
    pub max_bytes: u64,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// An upload that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAttachment {
    /// the name without any folder a browser may have sent
    pub file_name: String,
    pub kind: AttachmentKind,
}

const MAX_FILE_NAME_CHARS: usize = 120;

/// Checks an upload for the guide element `element` (named in every error).
pub fn check_attachment(
    element: &str,
    file_name: &str,
    bytes: &[u8],
    settings: &AttachmentSettings,
) -> Result<CheckedAttachment, FieldError> {
    let error = |zh: String, en: String| FieldError::new(element, zh, en);
    // Browsers on Windows may send the whole path.
    let file_name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    if file_name.is_empty() || file_name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(error(
            format!("文件名应为1至{MAX_FILE_NAME_CHARS}个字符"),
            format!("the file name must be 1 to {MAX_FILE_NAME_CHARS} characters"),
        ));
    }
    if file_name.chars().any(char::is_control) {
        return Err(error(
            "文件名含有控制字符".into(),
            "the file name contains control characters".into(),
        ));
    }
    if bytes.is_empty() {
        return Err(error(
            format!("“{file_name}”是空文件"),
            format!("\"{file_name}\" is empty"),
        ));
    }
    if bytes.len() as u64 > settings.max_bytes {
        let limit = settings.max_bytes as f64 / (1024.0 * 1024.0);
        return Err(error(
            format!("“{file_name}”超过附件大小上限 {limit:.1} MB"),
            format!("\"{file_name}\" is larger than the {limit:.1} MB limit"),
        ));
    }
    if is_program(bytes) {
        return Err(error(
            format!("“{file_name}”是可执行程序，不能作为附件"),
            format!("\"{file_name}\" is a program and cannot be attached"),
        ));
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let Some(kind) = AttachmentKind::from_extension(&extension) else {
        return Err(error(
            format!(
                "“{file_name}”的类型不被接受，请上传 PDF、OFD、Word、Excel、WPS、PNG 或 JPEG 文件"
            ),
            format!(
                "\"{file_name}\" is not an accepted type; upload PDF, OFD, Word, Excel, WPS, PNG or JPEG"
            ),
        ));
    };
    if !kind.matches(bytes) {
        return Err(error(
            format!("“{file_name}”的内容与扩展名 .{extension} 不符"),
            format!("the content of \"{file_name}\" is not the .{extension} its name claims"),
        ));
    }
    Ok(CheckedAttachment {
        file_name: file_name.to_owned(),
        kind,
    })
}

/// Programs by their first bytes. infer knows the full formats; the bare signatures catch
/// truncated or hand-made files it would not classify (a 16-byte "MZ…" is still meant to run).
fn is_program(bytes: &[u8]) -> bool {
    const SIGNATURES: &[&[u8]] = &[
        b"MZ",               // Windows PE / DOS
        b"\x7fELF",          // Linux, Android
        b"#!",               // scripts
        b"\xca\xfe\xba\xbe", // Mach-O universal, Java class
        b"\xcf\xfa\xed\xfe", // Mach-O 64-bit
        b"\xce\xfa\xed\xfe", // Mach-O 32-bit
        b"\0asm",            // WebAssembly
    ];
    infer::is_app(bytes)
        || SIGNATURES
            .iter()
            .any(|signature| bytes.starts_with(signature))
}

/// Whether a text is an attachment reference: the SHA-256 of its content, in lower-case hex.
pub fn is_attachment_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    const ELF: &[u8] = &[0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";

    fn check(name: &str, bytes: &[u8]) -> Result<CheckedAttachment, FieldError> {
        check_attachment(
            "materials[0].blank_form",
            name,
            bytes,
            &AttachmentSettings::default(),
        )
    }

    #[test]
    fn a_real_pdf_is_accepted_with_its_type() {
        let checked = check("C:\\Users\\clerk\\申请表.PDF", PDF).unwrap();
        assert_eq!(checked.file_name, "申请表.PDF");
        assert_eq!(checked.kind.content_type(), "application/pdf");
        assert_eq!(check("样本.png", PNG).unwrap().kind, AttachmentKind::Png);
        let ole = [OLE_MAGIC, &[0u8; 32]].concat();
        assert_eq!(check("登记表.wps", &ole).unwrap().kind, AttachmentKind::Doc);
    }

    #[test]
    fn programs_are_refused_whatever_their_name() {
        for (name, bytes) in [
            ("申请表.pdf", ELF),
            ("申请表.pdf", EXE),
            ("setup.exe", EXE),
            ("run.pdf", b"#!/bin/sh\nrm -rf /\n".as_slice()),
        ] {
            let error = check(name, bytes).unwrap_err();
            assert_eq!(error.field, "materials[0].blank_form");
            assert!(error.zh.contains("可执行"), "{name}: {}", error.zh);
        }
    }

    #[test]
    fn a_file_lying_about_its_type_is_refused() {
        let error = check("申请表.pdf", PNG).unwrap_err();
        assert!(error.en.contains("not the .pdf"), "{}", error.en);
        let error = check("样表.docx", PDF).unwrap_err();
        assert!(error.zh.contains("不符"));
    }

    #[test]
    fn unknown_types_empty_files_and_bad_names_are_refused() {
        assert!(
            check("说明.txt", b"plain text")
                .unwrap_err()
                .zh
                .contains("类型")
        );
        assert!(check("空.pdf", b"").unwrap_err().zh.contains("空文件"));
        assert!(check("", PDF).unwrap_err().zh.contains("文件名"));
        assert!(
            check(&"长".repeat(121), PDF)
                .unwrap_err()
                .zh
                .contains("文件名")
        );
        assert!(
            check("a\u{0}.pdf", PDF)
                .unwrap_err()
                .zh
                .contains("控制字符")
        );
    }

    #[test]
    fn the_size_limit_is_a_setting() {
        let small = AttachmentSettings { max_bytes: 16 };
        let error = check_attachment("result.sample", "样本.pdf", PDF, &small).unwrap_err();
        assert_eq!(error.field, "result.sample");
        assert!(error.zh.contains("上限"));
        assert!(check_attachment("result.sample", "样本.pdf", &PDF[..16], &small).is_ok());
    }

    #[test]
    fn the_file_picker_offers_exactly_the_accepted_extensions() {
        for extension in ACCEPTED_EXTENSIONS.split(',') {
            let extension = extension.strip_prefix('.').unwrap();
            assert!(
                AttachmentKind::from_extension(extension).is_some(),
                "{extension}"
            );
        }
        assert!(AttachmentKind::from_extension("exe").is_none());
    }

    #[test]
    fn attachment_ids_are_sha256_hex() {
        assert!(is_attachment_id(&"ab".repeat(32)));
        assert!(!is_attachment_id(&"AB".repeat(32)));
        assert!(!is_attachment_id("申请表.pdf"));
    }
}
