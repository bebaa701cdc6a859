//! Form bodies as browsers send them: url-encoded, or multipart when the form carries files.
//! Read once into memory (the auth layer has already capped the size), then parsed here for
//! both the CSRF check and the handler.

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;

/// The most a plain form may send.
pub const MAX_FORM_BYTES: usize = 1 << 20;
/// The most a form with files may send; the attachment size setting is checked per file
/// below this transport ceiling.
pub const MAX_UPLOAD_BYTES: usize = 64 << 20;

/// A file a form carried.
#[derive(Debug)]
pub struct UploadedFile {
    /// the form field it came in
    pub field: String,
    /// the name the browser gave it (checked before use)
    pub file_name: String,
    pub content: Bytes,
}

/// A form's text fields in order, and its files.
#[derive(Debug, Default)]
pub struct FormBody {
    pub fields: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
}

impl FormBody {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// How much of a request body may be read.
pub fn body_limit(headers: &HeaderMap) -> usize {
    if content_type(headers).starts_with("multipart/form-data") {
        MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    }
}

/// Reads a request's form body (within the limit its type allows) and parses it; `None`
/// when it is too large, neither kind of form, or cannot be read.
pub async fn read(request: axum::extract::Request) -> Option<FormBody> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, body_limit(&parts.headers))
        .await
        .ok()?;
    parse(&parts.headers, bytes).await
}

/// Parses a url-encoded or multipart body; `None` when it is neither or cannot be read.
pub async fn parse(headers: &HeaderMap, bytes: Bytes) -> Option<FormBody> {
    let content_type = content_type(headers);
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let fields = serde_urlencoded::from_bytes(&bytes).ok()?;
        return Some(FormBody {
            fields,
            files: Vec::new(),
        });
    }
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut body = FormBody::default();
    while let Some(field) = multipart.next_field().await.ok()? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let content = field.bytes().await.ok()?;
                // A file input left empty still sends a part with no name and no bytes.
                if !(file_name.is_empty() && content.is_empty()) {
                    body.files.push(UploadedFile {
                        field: name,
                        file_name,
                        content,
                    });
                }
            }
            None => body.fields.push((name, field.text().await.ok()?)),
        }
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        headers
    }

    #[tokio::test]
    async fn multipart_fields_and_files_are_read_and_empty_file_inputs_dropped() {
        let body = "--B\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
            --B\r\nContent-Disposition: form-data; name=\"materials.0.sample_file\"; filename=\"样本.pdf\"\r\n\
            Content-Type: application/pdf\r\n\r\n%PDF-1.7\r\n\
            --B\r\nContent-Disposition: form-data; name=\"result.sample_file\"; filename=\"\"\r\n\
            Content-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n";
        let form = parse(
            &headers("multipart/form-data; boundary=B"),
            Bytes::from(body),
        )
        .await
        .unwrap();
        assert_eq!(form.field("csrf_token"), Some("abc"));
        assert_eq!(form.files.len(), 1);
        assert_eq!(form.files[0].field, "materials.0.sample_file");
        assert_eq!(form.files[0].file_name, "样本.pdf");
        assert_eq!(&form.files[0].content[..], b"%PDF-1.7");
    }

    #[tokio::test]
    async fn url_encoded_forms_and_limits() {
        let h = headers("application/x-www-form-urlencoded");
        let form = parse(&h, Bytes::from("a=1&b=%E5%8A%9E")).await.unwrap();
        assert_eq!(form.field("b"), Some("办"));
        assert_eq!(body_limit(&h), MAX_FORM_BYTES);
        assert_eq!(
            body_limit(&headers("multipart/form-data; boundary=x")),
            MAX_UPLOAD_BYTES
        );
        assert!(
            parse(&headers("text/plain"), Bytes::from("x"))
                .await
                .is_none()
        );
    }
}
