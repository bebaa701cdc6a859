//! Guide attachments in storage: checked uploads kept by the SHA-256 of their content, in the
//! database so that every app server can serve them.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::guide::Guide;
use tongban_domain::guide::attachment::{AttachmentSettings, check_attachment};

use crate::audit::{self, AuditEntry};
use crate::{Store, StoreError};

pub const MAX_BYTES_SETTING: &str = "guide.attachment_max_bytes";

/// The attachment limits, defaults where none is stored.
pub async fn attachment_settings(store: &Store) -> Result<AttachmentSettings, StoreError> {
    let mut settings = AttachmentSettings::default();
    if let Some(max_bytes) = super::setting(store, MAX_BYTES_SETTING).await? {
        settings.max_bytes = max_bytes;
    }
    Ok(settings)
}

/// An attachment as it was uploaded.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// What an upload became: its id and the name it is shown under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    pub sha256: String,
    pub file_name: String,
    pub content_type: &'static str,
    pub size: u64,
}

/// Checks and keeps an upload for the guide element `element`; the error names that element.
/// The same content uploaded again is the same attachment.
pub async fn store_attachment(
    store: &Store,
    uploaded_by: &str,
    element: &str,
    file_name: &str,
    content: &[u8],
    at_millis: i64,
) -> Result<StoredAttachment, StoreError> {
    let settings = attachment_settings(store).await?;
    let checked = check_attachment(element, file_name, content, &settings)?;
    let sha256 = hex::encode(Sha256::digest(content));
    let size = content.len() as u64;
    let mut tx = store.write().await?;
    let inserted = sqlx::query::<Any>(
        "INSERT INTO attachments (sha256, file_name, content_type, size, content, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&sha256)
    .bind(&checked.file_name)
    .bind(checked.kind.content_type())
    .bind(i64::try_from(size).map_err(|_| StoreError::from(too_large(element)))?)
    .bind(content.to_vec())
    .bind(uploaded_by)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted > 0 {
        let detail = serde_json::json!({
            "file_name": checked.file_name,
            "content_type": checked.kind.content_type(),
            "size": size,
        })
        .to_string();
        audit::append(
            &mut tx,
            &AuditEntry {
                at_millis,
                actor: uploaded_by,
                role: "department_staff",
                action: "guide.attachment.upload",
                subject: &format!("attachment:{sha256}"),
                detail: &detail,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StoredAttachment {
        sha256,
        file_name: checked.file_name,
        content_type: checked.kind.content_type(),
        size,
    })
}

fn too_large(element: &str) -> FieldError {
    FieldError::new(element, "附件过大", "the attachment is too large")
}

/// Every file a guide points at is stored here (a guide imported from elsewhere may name
/// files this platform never received).
pub async fn require_attached(store: &Store, guide: &Guide) -> Result<(), StoreError> {
    let mut references = vec![(
        "result.sample_attachment".to_owned(),
        &guide.result.sample_attachment,
    )];
    for (i, material) in guide.materials.iter().enumerate() {
        references.push((
            format!("materials[{i}].sample_attachment"),
            &material.sample_attachment,
        ));
        references.push((
            format!("materials[{i}].blank_form_attachment"),
            &material.blank_form_attachment,
        ));
    }
    for (element, reference) in references {
        let Some(sha256) = reference else { continue };
        let found = sqlx::query::<Any>("SELECT 1 FROM attachments WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(store.pool())
            .await?;
        if found.is_none() {
            return Err(FieldError::new(
                format!("guide.{element}"),
                "所指附件尚未上传到本平台，请重新上传",
                "the attachment it names was never uploaded here; upload it again",
            )
            .into());
        }
    }
    Ok(())
}

/// An attachment by its id, content included.
pub async fn attachment(store: &Store, sha256: &str) -> Result<Option<Attachment>, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT sha256, file_name, content_type, content FROM attachments WHERE sha256 = $1",
    )
    .bind(sha256)
    .fetch_optional(store.pool())
    .await?;
    row.map(|row| {
        Ok(Attachment {
            sha256: row.try_get(0)?,
            file_name: row.try_get(1)?,
            content_type: row.try_get(2)?,
            content: row.try_get(3)?,
        })
    })
    .transpose()
}
