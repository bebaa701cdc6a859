//! Accounts: people who sign in, their roles and department. Passwords are stored only as
//! argon2 hashes, computed off the async runtime because they are slow on purpose.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sqlx::{Any, Row as _};
use tongban_domain::FieldError;
use tongban_domain::access::{Actor, Role};
use tongban_domain::account::{
    MIN_PASSWORD_CHARS, MobilePhone, PersonRegistration, check_email, check_username,
};
use tongban_domain::codes::ResidentId;

use crate::batch::{Row, Statement};
use crate::sealed::DataKey;
use crate::{Store, StoreError, WriteTx, audit};

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

/// Creates an account; a taken username is a conflict.
pub async fn create(
    store: &Store,
    account: &NewAccount<'_>,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let username = check_username(account.username)?;
    if account.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            "password",
            format!("密码至少{MIN_PASSWORD_CHARS}位"),
            format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
        )
        .into());
    }
    let email = account
        .email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(check_email)
        .transpose()?;
    let hash = hash_password(account.password.to_owned()).await?;
    let mut tx = store.write().await?;
    refuse_taken_username(&mut tx, &username).await?;
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO users (username, display_name, password_hash, kind, department_id, created_at, email) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&username)
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

pub(crate) async fn refuse_taken_username(
    tx: &mut WriteTx,
    username: &str,
) -> Result<(), StoreError> {
    let taken = sqlx::query::<Any>("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut **tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::conflict_on(
            "username",
            "用户名已被使用，请换一个",
            "the username is taken; choose another",
        ));
    }
    Ok(())
}

/// Registers a natural person under their real name (实名注册): a citizen account whose id
/// number and phone are sealed, one account per id number. Audited with both masked.
pub async fn register_person(
    store: &Store,
    key: &DataKey,
    person: &PersonRegistration,
    password: &str,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let hash = hash_password(password.to_owned()).await?;
    let mut tx = store.write().await?;
    refuse_taken_username(&mut tx, &person.username).await?;
    if person_with_id_number(&mut tx, key, &person.resident_id)
        .await?
        .is_some()
    {
        // One real-name account per person; saying so is the point of real-name registration.
        return Err(StoreError::conflict_on(
            "id_number",
            "该身份证号码已注册账号，请直接登录；如忘记密码请到服务大厅办理",
            "an account is already registered for this id number; sign in, or visit a service hall if the password is lost",
        ));
    }
    let person = RealNamePerson {
        username: &person.username,
        name: &person.name,
        resident_id: &person.resident_id,
        phone: Some(&person.phone),
    };
    let id = insert_person(&mut tx, key, &person, hash, "password", at_millis).await?;
    tx.commit().await?;
    Ok(id)
}

/// The account registered for a resident id, under the current or any retired key (an id
/// registered before a key rotation is still the same person).
pub(crate) async fn person_with_id_number(
    tx: &mut WriteTx,
    key: &DataKey,
    resident_id: &ResidentId,
) -> Result<Option<i64>, StoreError> {
    for fingerprint in key.fingerprints(ID_NUMBER_PURPOSE, resident_id.as_str()) {
        let found = sqlx::query::<Any>("SELECT id FROM users WHERE id_number_fingerprint = $1")
            .bind(&fingerprint)
            .fetch_optional(&mut **tx)
            .await?;
        if let Some(row) = found {
            return Ok(Some(row.try_get(0)?));
        }
    }
    Ok(None)
}

/// A natural person whose real name is established (by registration or by an identity
/// provider), as a new account stores them.
pub(crate) struct RealNamePerson<'a> {
    pub username: &'a str,
    pub name: &'a str,
    pub resident_id: &'a ResidentId,
    pub phone: Option<&'a MobilePhone>,
}

/// Stores a citizen account with its id number and phone sealed, audited with both masked
/// and how the person proved who they are (`via`).
pub(crate) async fn insert_person(
    tx: &mut WriteTx,
    key: &DataKey,
    person: &RealNamePerson<'_>,
    password_hash: String,
    via: &str,
    at_millis: i64,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query::<Any>(
        "INSERT INTO users (username, display_name, password_hash, kind, created_at, \
         id_number_sealed, id_number_fingerprint, phone_sealed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(person.username)
    .bind(person.name)
    .bind(password_hash)
    .bind(AccountKind::Citizen.as_str())
    .bind(at_millis)
    .bind(key.seal(person.resident_id.as_str()))
    .bind(key.fingerprint(ID_NUMBER_PURPOSE, person.resident_id.as_str()))
    .bind(person.phone.map(|p| key.seal(p.as_str())))
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    sqlx::query::<Any>("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
        .bind(id)
        .bind(Role::Citizen.as_str())
        .execute(&mut **tx)
        .await?;
    let detail = serde_json::json!({
        "id_number": person.resident_id.masked(),
        "phone": person.phone.map(MobilePhone::masked),
        "via": via,
    })
    .to_string();
    audit::append(
        tx,
        &audit::AuditEntry {
            at_millis,
            actor: person.username,
            role: Role::Citizen.as_str(),
            action: "account.register",
            subject: &format!("user:{id}"),
            detail: &detail,
        },
    )
    .await?;
    Ok(id)
}

/// What the fingerprint of a registered id number is keyed for.
const ID_NUMBER_PURPOSE: &str = "account.id_number";

/// An account as its holder sees it in the user centre; personal data opened, for the
/// caller to mask or to show to the holder.
#[derive(Debug, Clone)]
pub struct Profile {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub department: Option<String>,
    /// the service window a staff member sits at
    pub service_window: Option<String>,
    pub created_at: i64,
    pub id_number: Option<tongban_domain::codes::ResidentId>,
    pub phone: Option<tongban_domain::account::MobilePhone>,
    pub email: Option<String>,
}

pub async fn profile(store: &Store, key: &DataKey, user_id: i64) -> Result<Profile, StoreError> {
    let row = sqlx::query::<Any>(
        "SELECT u.username, u.display_name, u.kind, d.name, u.created_at, u.id_number_sealed, \
         u.phone_sealed, u.email, u.service_window FROM users u LEFT JOIN departments d ON d.id = u.department_id \
         WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?
    .ok_or_else(|| StoreError::not_found(format!("user:{user_id}")))?;
    let open = |sealed: Option<String>| sealed.map(|s| key.open(&s)).transpose();
    let id_number = open(row.try_get(5)?)?
        .map(|id| tongban_domain::codes::ResidentId::parse(&id).map_err(StoreError::corrupt))
        .transpose()?;
    let phone = open(row.try_get(6)?)?
        .map(|p| {
            tongban_domain::account::MobilePhone::parse(&p)
                .map_err(|_| StoreError::corrupt("a stored phone"))
        })
        .transpose()?;
    Ok(Profile {
        user_id,
        username: row.try_get(0)?,
        display_name: row.try_get(1)?,
        kind: row.try_get(2)?,
        department: row.try_get(3)?,
        created_at: row.try_get(4)?,
        id_number,
        phone,
        email: row.try_get(7)?,
        service_window: row.try_get(8)?,
    })
}

/// Changes a password after checking the current one; every other session and API token
/// of the account is revoked, so a stolen session does not outlive the change.
pub async fn change_password(
    store: &Store,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
    at_millis: i64,
) -> Result<(), StoreError> {
    let stored: String = sqlx::query::<Any>("SELECT password_hash FROM users WHERE id = $1")
        .bind(actor.user_id)
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    if !verify_password(current.to_owned(), stored).await? {
        return Err(FieldError::new(
            "current_password",
            "当前密码不正确",
            "the current password is wrong",
        )
        .into());
    }
    tongban_domain::account::check_password(new, &actor.username, None)?;
    let hash = hash_password(new.to_owned()).await?;
    let mut tx = store.write().await?;
    sqlx::query::<Any>("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
    crate::sessions::revoke_others(&mut tx, actor.user_id, keep_session, at_millis).await?;
    audit::append(
        &mut tx,
        &audit::AuditEntry {
            at_millis,
            actor: &actor.username,
            role: "",
            action: "account.password_change",
            subject: &format!("user:{}", actor.user_id),
            detail: "{}",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
    let statement = Statement::new(format!(
        "SELECT {ACTOR_COLUMNS} FROM users u LEFT JOIN user_roles r ON r.user_id = u.id \
         WHERE u.id = $1 AND u.disabled = 0 ORDER BY r.role"
    ))
    .with(user_id);
    actor_of_rows(&store.read_now(statement).await?, 0)
}

/// The columns [`actor_of_rows`] reads, of `users u` joined to `user_roles r`.
pub(crate) const ACTOR_COLUMNS: &str = "u.id, u.username, u.display_name, u.department_id, r.role";

/// The actor in rows of [`ACTOR_COLUMNS`] from column `first` on, one row per role (one with
/// no role for an account without any); None without rows.
pub(crate) fn actor_of_rows(rows: &[Row], first: usize) -> Result<Option<Actor>, StoreError> {
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let names = rows
        .iter()
        .map(|r| r.get::<Option<String>>(first + 4))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Actor {
        user_id: row.get(first)?,
        username: row.get(first + 1)?,
        display_name: row.get(first + 2)?,
        department_id: row.get(first + 3)?,
        roles: parse_roles(names.iter().flatten()),
    }))
}

/// The roles an account holds, in name order.
pub(crate) async fn roles_of(store: &Store, user_id: i64) -> Result<Vec<Role>, StoreError> {
    let names = sqlx::query::<Any>("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(parse_roles(&names))
}

/// Roles as stored, in the order given; a name this version does not know is left out.
fn parse_roles<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<Role> {
    names
        .into_iter()
        .filter_map(|name| Role::parse(name))
        .collect()
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

/// Grants (`grant = true`) or withdraws a role, audited with who changed it. Granting a
/// role held already, or withdrawing one not held, changes nothing and is an error.
pub async fn change_role(
    store: &Store,
    username: &str,
    role: Role,
    grant: bool,
    changed_by: &str,
    at_millis: i64,
) -> Result<(), StoreError> {
    let mut tx = store.write().await?;
    let user_id: i64 = sqlx::query::<Any>("SELECT id FROM users WHERE username = $1")
        .bind(username.trim())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("user {username}")))?
        .try_get(0)?;
    let held = sqlx::query::<Any>("SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2")
        .bind(user_id)
        .bind(role.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    let sql = match (grant, held) {
        (true, false) => "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)",
        (false, true) => "DELETE FROM user_roles WHERE user_id = $1 AND role = $2",
        (true, true) => {
            return Err(StoreError::conflict_on(
                "role",
                "已有此角色",
                "the role is held already",
            ));
        }
        (false, false) => {
            return Err(StoreError::conflict_on(
                "role",
                "没有此角色",
                "the role is not held",
            ));
        }
    };
    sqlx::query::<Any>(sql)
        .bind(user_id)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
    let action = if grant {
        "account.role_grant"
    } else {
        "account.role_revoke"
    };
    audit::append(
        &mut tx,
        &audit::AuditEntry {
            at_millis,
            actor: changed_by,
            role: Role::Admin.as_str(),
            action,
            subject: &format!("user:{user_id}"),
            detail: &serde_json::json!({"username": username.trim(), "role": role.as_str()})
                .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
