//! Accounts: people who sign in, their roles and department. Passwords are stored only as
//! argon2 hashes, computed off the async runtime because they are slow on purpose.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sqlx::{Any, Row};
use tongban_domain::FieldError;
use tongban_domain::access::{Actor, Role};

use crate::{Store, StoreError};

/// What kind of account this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Staff,
    Citizen,
    Enterprise,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Staff => "staff",
            AccountKind::Citizen => "citizen",
            AccountKind::Enterprise => "enterprise",
        }
    }
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub kind: AccountKind,
    pub department_id: Option<i64>,
    pub roles: &'a [Role],
    /// where email reaches the person (supervision digests for staff)
    pub email: Option<&'a str>,
}

pub const MIN_PASSWORD_CHARS: usize = 8;

/// Creates an account; a taken username is a conflict.
pub async fn create(
    store: &Store,
    account: &NewAccount<'_>,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let username = account.username.trim();
    if username.is_empty()
        || username.chars().count() > 64
        || username.chars().any(char::is_whitespace)
    {
        return Err(FieldError::new(
            "username",
            "用户名应为1至64个字符，不含空格",
            "a username is 1 to 64 characters without spaces",
        )
        .into());
    }
    if account.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            "password",
            format!("密码至少{MIN_PASSWORD_CHARS}位"),
            format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
        )
        .into());
    }
    let email = account.email.map(str::trim).filter(|e| !e.is_empty());
    if let Some(email) = email {
        let plausible = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.contains('@')
            });
        if !plausible {
            return Err(FieldError::new(
                "email",
                "电子邮箱格式不正确",
                "that is not an email address",
            )
            .into());
        }
    }
    let hash = hash_password(account.password.to_owned()).await?;
    let mut tx = store.write().await?;
    let taken = sqlx::query::<Any>("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::conflict(
            "用户名已被使用",
            "the username is taken",
        ));
    }
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO users (username, display_name, password_hash, kind, department_id, created_at, email) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(username)
    .bind(account.display_name)
    .bind(hash)
    .bind(account.kind.as_str())
    .bind(account.department_id)
    .bind(at_millis)
    .bind(email)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    for role in account.roles {
        sqlx::query::<Any>("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Checks a username and password. Unknown users cost the same time as wrong passwords,
/// so the answer does not reveal which accounts exist.
pub async fn authenticate(
    store: &Store,
    username: &str,
    password: &str,
) -> Result<Option<Actor>, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT id, password_hash FROM users WHERE username = $1 AND disabled = 0",
    )
    .bind(username.trim())
    .fetch_optional(store.pool())
    .await?;
    let (id, hash) = match row {
        Some(row) => (
            Some(row.try_get::<i64, _>(0)?),
            row.try_get::<String, _>(1)?,
        ),
        None => (None, dummy_hash().await?),
    };
    let matches = verify_password(password.to_owned(), hash).await?;
    match (id, matches) {
        (Some(id), true) => actor(store, id).await,
        _ => Ok(None),
    }
}

/// The actor for an account id, with roles; None if disabled or missing.
pub async fn actor(store: &Store, user_id: i64) -> Result<Option<Actor>, StoreError> {
    let Some(row) = sqlx::query::<Any>(
        "SELECT id, username, display_name, department_id FROM users WHERE id = $1 AND disabled = 0",
    )
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let roles = sqlx::query::<Any>("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id)
        .fetch_all(store.pool())
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok().and_then(|s| Role::parse(&s)))
        .collect();
    Ok(Some(Actor {
        user_id: row.try_get(0)?,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        department_id: row.try_get(3)?,
        roles,
    }))
}

pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(sqlx::query::<Any>("SELECT COUNT(*) FROM users")
        .fetch_one(store.pool())
        .await?
        .try_get(0)?)
}

pub(crate) async fn hash_password(password: String) -> Result<String, StoreError> {
    // argon2's defaults (OWASP's recommended Argon2id parameters) with a random salt.
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h: PasswordHash| h.to_string())
            .map_err(StoreError::corrupt)
    })
    .await
    .map_err(StoreError::corrupt)?
}

pub(crate) async fn verify_password(password: String, hash: String) -> Result<bool, StoreError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(StoreError::corrupt)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(StoreError::corrupt)?
}

async fn dummy_hash() -> Result<String, StoreError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password("not-a-real-password".to_owned()))
        .await
        .cloned()
}
