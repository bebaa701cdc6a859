//! Applicants' documents in storage: checked like guide attachments, but private. Each file
//! is kept under the account that uploaded it and sealed with the data key; who may read it
//! is decided by the case that cites it (see the web layer), never by knowing its hash.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::guide::attachment::{AttachmentSettings, check_attachment};

use crate::audit::{self, AuditEntry};
use crate::batch::Statement;
use crate::guides::setting;
use crate::sealed::DataKey;
use crate::{Store, StoreError};

const MAX_BYTES_SETTING: &str = "case.file_max_bytes";

/// The limits on an applicant's file, defaults where none is stored.
pub async fn file_settings(store: &Store) -> Result<AttachmentSettings, StoreError> {
    let mut settings = AttachmentSettings::default();
    if let Some(max_bytes) = setting(store, MAX_BYTES_SETTING).await? {
        settings.max_bytes = max_bytes;
    }
    Ok(settings)
}

/// A kept file, as its uploader and a case see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFile {
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

/// Checks an upload (type judged from its bytes, size within the setting; `field` is named
/// in errors) and keeps it sealed under `owner`. The same content again is the same file.
#[allow(clippy::too_many_arguments)]
pub async fn keep(
    store: &Store,
    key: &DataKey,
    owner: &str,
    role: &str,
    field: &str,
    file_name: &str,
    content: &[u8],
    at_millis: i64,
) -> Result<CaseFile, StoreError> {
    let settings = file_settings(store).await?;
    let checked = check_attachment(field, file_name, content, &settings)?;
    let sha256 = hex::encode(Sha256::digest(content));
    let size = content.len() as u64;
    let sealed = key.seal_bytes(content);
    let mut tx = store.write().await?;
    let inserted = sqlx::query::<Any>(
        "INSERT INTO case_files (owner, sha256, file_name, content_type, size, sealed_content, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (owner, sha256) DO NOTHING",
    )
    .bind(owner)
    .bind(&sha256)
    .bind(&checked.file_name)
    .bind(checked.kind.content_type())
    .bind(i64::try_from(size).map_err(|_| {
        StoreError::from(FieldError::new(field, "文件过大", "the file is too large"))
    })?)
    .bind(sealed)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted > 0 {
        // The file's name may itself be personal ("张三身份证.jpg"): only its type and size.
        let detail = serde_json::json!({
            "content_type": checked.kind.content_type(),
            "size": size,
        })
        .to_string();
        audit::append(
            &mut tx,
            &AuditEntry {
                at_millis,
                actor: owner,
                role,
                action: "case.file.upload",
                subject: &format!("case_file:{sha256}"),
                detail: &detail,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(CaseFile {
        sha256,
        file_name: checked.file_name,
        content_type: checked.kind.content_type().to_owned(),
        size,
    })
}

/// Records that `reader` opened a case's document: personal documents are read on the record.
pub async fn record_read(
    store: &Store,
    reader: &str,
    role: &str,
    case_id: i64,
    sha256: &str,
    at_millis: i64,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    audit::append(
        &mut tx,
        &AuditEntry {
            at_millis,
            actor: reader,
            role,
            action: "case.file.read",
            subject: &format!("case:{case_id}"),
            detail: &serde_json::json!({ "sha256": sha256 }).to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Of the given hashes, those `owner` has not uploaded. One read by key for them all: every
/// application comes here with each of its materials.
pub async fn not_uploaded(
    store: &Store,
    owner: &str,
    hashes: &[&str],
) -> Result<Vec<String>, StoreError> {
    let mut distinct = hashes.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() {
        return Ok(Vec::new());
    }
    let mut statement = Statement::new(format!(
        "SELECT sha256 FROM case_files WHERE sha256 IN {} AND owner = ${}",
        crate::db::value_lists(1, distinct.len()),
        distinct.len() + 1
    ));
    for sha256 in &distinct {
        statement.bind(*sha256);
    }
    statement.bind(owner);
    let found = store
        .read_now(statement)
        .await?
        .iter()
        .map(|row| row.get::<String>(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(distinct
        .into_iter()
        .filter(|sha256| !found.iter().any(|f| f == sha256))
        .map(str::to_owned)
        .collect())
}

/// The files `owner` has uploaded, the latest first, at most `limit`: what an applicant may
/// choose again instead of uploading the same licence or id card once more.
pub async fn of_owner(store: &Store, owner: &str, limit: i64) -> Result<Vec<CaseFile>, StoreError> {
    sqlx::query::<Any>(
        "SELECT sha256, file_name, content_type, size FROM case_files WHERE owner = $1 \
         ORDER BY uploaded_at DESC, file_name LIMIT $2",
    )
    .bind(owner)
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| {
        let size: i64 = row.try_get(3)?;
        Ok(CaseFile {
            sha256: row.try_get(0)?,
            file_name: row.try_get(1)?,
            content_type: row.try_get(2)?,
            size: u64::try_from(size).map_err(StoreError::corrupt)?,
        })
    })
    .collect()
}

/// A file `owner` uploaded, opened: its description and content.
pub async fn open(
    store: &Store,
    key: &DataKey,
    owner: &str,
    sha256: &str,
) -> Result<Option<(CaseFile, Vec<u8>)>, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT file_name, content_type, size, sealed_content FROM case_files \
         WHERE owner = $1 AND sha256 = $2",
    )
    .bind(owner)
    .bind(sha256)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let sealed: Vec<u8> = row.try_get(3)?;
    let content = key.open_bytes(&sealed)?;
    let size: i64 = row.try_get(2)?;
    Ok(Some((
        CaseFile {
            sha256: sha256.to_owned(),
            file_name: row.try_get(0)?,
            content_type: row.try_get(1)?,
            size: u64::try_from(size).map_err(StoreError::corrupt)?,
        },
        content,
    )))
}
