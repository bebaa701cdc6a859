//! A person's own email address (optional, verified): asked for in the user centre, it is
//! used only after the person follows a one-time link sent to it. Until then notices go to
//! the portal (and by text message) as before.

use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::account::{check_email, mask_email};

use crate::sessions::{random_token, token_hash};
use crate::{Store, StoreError, audit, settings};

/// Where a verification email goes in the outbox: the recipient names the request, and the
/// deliverer sends to the address waiting there (see `outbox::email_of`).
pub const RECIPIENT_PREFIX: &str = "email-verification:";

/// How many hours a verification link stays good unless the setting says otherwise.
pub const EMAIL_VERIFY_HOURS: i64 = 24;

/// How long a link stays good (setting `account.email_verify_hours`).
async fn valid_millis(store: &Store) -> Result<i64, StoreError> {
    let stored = settings::load(store, &["account.email_verify_hours"]).await?;
    let mut hours = EMAIL_VERIFY_HOURS;
    stored.set("account.email_verify_hours", &mut hours)?;
    Ok(hours * 3_600_000)
}

/// What the verification email says; the link is the web layer's, around the token.
pub struct VerificationEmail<'a> {
    pub subject: &'a str,
    /// the body, with `{link}` where the token's link goes
    pub body: &'a str,
    /// the link, with `{token}` where the token goes
    pub link: &'a str,
}

/// Asks to verify an address: earlier requests of the account are dropped, the email with
/// its one-time link is queued. Answers the address masked, for the page to confirm.
pub async fn request(
    store: &Store,
    user_id: i64,
    email: &str,
    message: &VerificationEmail<'_>,
    at_millis: i64,
) -> Result<String, StoreError> {
    let email = check_email(email)?;
    let token = random_token();
    let hash = token_hash(&token);
    let mut tx = store.write().await?;
    sqlx::query::<Any>("DELETE FROM email_verifications WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query::<Any>(
        "INSERT INTO email_verifications (token_hash, user_id, email, requested_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&hash)
    .bind(user_id)
    .bind(&email)
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    let link = message.link.replace("{token}", &token);
    sqlx::query::<Any>(
        "INSERT INTO outbox (channel, recipient, subject, body, created_at, attempts, next_attempt_at) \
         VALUES ('email', $1, $2, $3, $4, 0, $4)",
    )
    .bind(format!("{RECIPIENT_PREFIX}{hash}"))
    .bind(message.subject)
    .bind(message.body.replace("{link}", &link))
    .bind(at_millis)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(mask_email(&email))
}

/// Confirms the address a link was sent to; a used, replaced or expired link is refused.
pub async fn confirm(store: &Store, token: &str, at_millis: i64) -> Result<String, StoreError> {
    let oldest = at_millis - valid_millis(store).await?;
    let mut tx = store.write().await?;
    let row = sqlx::query::<Any>(
        "DELETE FROM email_verifications WHERE token_hash = $1 \
         RETURNING user_id, email, requested_at",
    )
    .bind(token_hash(token.trim()))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(expired());
    };
    let (user_id, email, requested_at): (i64, String, i64) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if requested_at < oldest {
        tx.commit().await?;
        return Err(expired());
    }
    let username: String = sqlx::query::<Any>(
        "UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3 RETURNING username",
    )
    .bind(&email)
    .bind(at_millis)
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit::append(
        &mut tx,
        &audit::AuditEntry {
            at_millis,
            actor: &username,
            role: "",
            action: "account.email_verified",
            subject: &format!("user:{user_id}"),
            detail: &serde_json::json!({"email": mask_email(&email)}).to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(mask_email(&email))
}

fn expired() -> StoreError {
    FieldError::new(
        "token",
        "验证链接无效或已过期，请在用户中心重新发送",
        "the link is not valid or has expired; send a new one from your user centre",
    )
    .into()
}

/// The address an email in the outbox goes to when it verifies one.
pub(crate) async fn pending_address(
    store: &Store,
    recipient: &str,
) -> Result<Option<String>, StoreError> {
    let Some(hash) = recipient.strip_prefix(RECIPIENT_PREFIX) else {
        return Ok(None);
    };
    Ok(
        sqlx::query::<Any>("SELECT email FROM email_verifications WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(store.pool())
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?,
    )
}
