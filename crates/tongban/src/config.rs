//! Settings, layered: built-in defaults, then the config file, then `TONGBAN_*` environment
//! variables, then command-line flags. Validated once at start-up.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH` (default: tongban.sqlite in the working directory) or `postgres://…`
    pub db: String,
    /// address the server listens on
    pub listen: String,
    /// mark cookies Secure; turn on when TLS terminates in front of Tongban
    pub secure_cookies: bool,
    /// a reverse proxy stands in front: the client's address is the last one it appended to
    /// X-Forwarded-For (sign-in throttling counts per client address)
    pub behind_proxy: bool,
    /// the address citizens reach the portal at (QR codes, printed links); default: http://LISTEN
    pub public_url: Option<String>,
    /// sign out after this many idle minutes
    pub session_idle_minutes: i64,
    /// sign out after this many hours regardless of activity
    pub session_absolute_hours: i64,
    /// "text" for people, "json" for log collectors
    pub log_format: String,
    /// the IANA time zone whose calendar days the clocks count (default Asia/Shanghai)
    pub time_zone: String,
    /// 64 hex digits sealing personal data at rest; several servers on one database share it
    pub data_key: Option<String>,
    /// where the data key is kept when `data_key` is not set (created on first start)
    pub data_key_file: String,
    /// how often electronic supervision looks for clocks that crossed a threshold
    pub supervision_interval_seconds: u64,
    /// the SMTP server email goes through, as `smtp://host:25`, `smtp://user:pass@host:587?tls=required`
    /// or `smtps://user:pass@host`; unset: no email is sent (it waits in the outbox)
    pub smtp_url: Option<String>,
    /// the sender of Tongban's email
    pub mail_from: String,
    /// the SMS gateway applicants are texted through (`POST {"to", "text"}` as JSON); unset:
    /// no text messages are queued
    pub sms_url: Option<String>,
    /// a failed delivery is tried again after this many seconds, doubling on each failure…
    pub notify_retry_seconds: u64,
    /// …up to this many
    pub notify_retry_max_seconds: u64,
    /// the OpenID Connect issuer people may sign in through (a unified-identity platform);
    /// unset: password sign-in only. The provider must allow PUBLIC_URL/login/external/callback
    pub oidc_issuer: Option<String>,
    pub oidc_client_id: Option<String>,
    pub oidc_client_secret: Option<String>,
    /// the provider's name on the sign-in button
    pub oidc_display_name: String,
    /// scopes asked for besides openid, separated by spaces
    pub oidc_scopes: String,
    /// the claims holding the person's name, resident id number and mobile phone
    pub oidc_name_claim: String,
    pub oidc_id_number_claim: String,
    pub oidc_phone_claim: String,
}

/// The settings that `TONGBAN_*` variables may set; other `TONGBAN_` variables (the log
/// filter, a password for `user add`) belong to other parts.
const SETTING_NAMES: [&str; 25] = [
    "db",
    "listen",
    "secure_cookies",
    "behind_proxy",
    "session_idle_minutes",
    "session_absolute_hours",
    "log_format",
    "public_url",
    "time_zone",
    "data_key",
    "data_key_file",
    "supervision_interval_seconds",
    "smtp_url",
    "mail_from",
    "sms_url",
    "notify_retry_seconds",
    "notify_retry_max_seconds",
    "oidc_issuer",
    "oidc_client_id",
    "oidc_client_secret",
    "oidc_display_name",
    "oidc_scopes",
    "oidc_name_claim",
    "oidc_id_number_claim",
    "oidc_phone_claim",
];

impl Default for Settings {
    fn default() -> Self {
        Settings {
            db: "sqlite://tongban.sqlite".to_owned(),
            listen: "127.0.0.1:8080".to_owned(),
            secure_cookies: false,
            behind_proxy: false,
            public_url: None,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            log_format: "text".to_owned(),
            time_zone: "Asia/Shanghai".to_owned(),
            data_key: None,
            data_key_file: "tongban.key".to_owned(),
            supervision_interval_seconds: 60,
            smtp_url: None,
            mail_from: "通办 Tongban <noreply@localhost>".to_owned(),
            sms_url: None,
            notify_retry_seconds: 60,
            notify_retry_max_seconds: 6 * 3600,
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_display_name: "统一身份认证平台".to_owned(),
            oidc_scopes: "profile phone".to_owned(),
            oidc_name_claim: "name".to_owned(),
            oidc_id_number_claim: "id_number".to_owned(),
            oidc_phone_claim: "phone_number".to_owned(),
        }
    }
}

impl Settings {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} does not exist",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            None if Path::new("tongban.toml").exists() => {
                figment = figment.merge(Toml::file("tongban.toml"))
            }
            None => {}
        }
        let settings: Settings = figment
            .merge(Env::prefixed("TONGBAN_").only(&SETTING_NAMES))
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        tongban_store::Backend::from_url(&self.db).map_err(|e| anyhow::anyhow!("db: {e}"))?;
        anyhow::ensure!(
            self.session_idle_minutes > 0,
            "session_idle_minutes must be positive"
        );
        anyhow::ensure!(
            self.session_absolute_hours > 0,
            "session_absolute_hours must be positive"
        );
        anyhow::ensure!(
            matches!(self.log_format.as_str(), "text" | "json"),
            "log_format is text or json"
        );
        self.zone()?;
        anyhow::ensure!(
            (1..=86_400).contains(&self.supervision_interval_seconds),
            "supervision_interval_seconds is 1 to 86400"
        );
        anyhow::ensure!(
            self.notify_retry_seconds > 0
                && self.notify_retry_seconds <= self.notify_retry_max_seconds,
            "notify_retry_seconds must be positive and at most notify_retry_max_seconds"
        );
        // Checks the SMTP and SMS addresses (the key is not read yet: any key will do).
        self.notifier(&tongban_store::sealed::DataKey::from_hex(
            &tongban_store::sealed::DataKey::generate_hex(),
        )?)?;
        if let Some(url) = &self.public_url {
            anyhow::ensure!(
                url.starts_with("https://") || url.starts_with("http://"),
                "public_url must be an absolute http(s) address, e.g. https://zwfw.example.gov.cn"
            );
        }
        if let Some(provider) = self.external_login() {
            tongban_web::external_login::ExternalLogin::new(
                provider,
                &self.portal_url("127.0.0.1:8080"),
            )
            .map_err(|e| anyhow::anyhow!("oidc: {e}"))?;
        }
        anyhow::ensure!(
            self.oidc_issuer.is_some() == self.oidc_client_id.is_some(),
            "oidc_issuer and oidc_client_id are set together"
        );
        Ok(())
    }

    /// The address citizens reach the portal at: `public_url`, else the listening address.
    pub fn portal_url(&self, bound: &str) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
    }

    /// The identity provider people may sign in through, when one is configured.
    pub fn external_login(&self) -> Option<tongban_web::external_login::ExternalLoginSettings> {
        let (issuer, client_id) = (self.oidc_issuer.clone()?, self.oidc_client_id.clone()?);
        Some(tongban_web::external_login::ExternalLoginSettings {
            issuer,
            client_id,
            client_secret: self.oidc_client_secret.clone(),
            display_name: self.oidc_display_name.clone(),
            scopes: self
                .oidc_scopes
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            claims: tongban_domain::external_identity::ClaimNames {
                name: self.oidc_name_claim.clone(),
                id_number: self.oidc_id_number_claim.clone(),
                phone: self.oidc_phone_claim.clone(),
            },
        })
    }

    /// The outbox's deliverer, with the email channel when an SMTP server is configured and
    /// text messages when an SMS gateway is (`key` opens the applicants' phones).
    pub fn notifier(
        &self,
        key: &tongban_store::sealed::DataKey,
    ) -> anyhow::Result<crate::notify::Notifier> {
        let notifier = crate::notify::Notifier::new(
            self.smtp_url.as_deref(),
            &self.mail_from,
            std::time::Duration::from_secs(self.notify_retry_seconds),
            std::time::Duration::from_secs(self.notify_retry_max_seconds),
        )?;
        match &self.sms_url {
            Some(url) => notifier.with_sms(url, key.clone()),
            None => Ok(notifier),
        }
    }

    /// The configured time zone, from the time-zone database built into the binary.
    pub fn zone(&self) -> anyhow::Result<jiff::tz::TimeZone> {
        jiff::tz::TimeZone::get(&self.time_zone).map_err(|_| {
            anyhow::anyhow!(
                "time_zone \"{}\" is not an IANA time zone such as Asia/Shanghai",
                self.time_zone
            )
        })
    }

    /// The key personal data is sealed with, and the retired keys it still reads with: the
    /// `data_key` setting (keys separated by commas, current first), else the key file (one
    /// key per line, current first). `create` makes the key file with a fresh key when there
    /// is none (the demo); otherwise a missing key stops the command rather than sealing
    /// data under a key nobody kept.
    pub fn data_key(&self, create: bool) -> anyhow::Result<tongban_store::sealed::DataKey> {
        use tongban_store::sealed::DataKey;
        if let Some(keys) = &self.data_key {
            return DataKey::from_hex_keys(key_list(keys))
                .map_err(|e| anyhow::anyhow!("data_key: {e}"));
        }
        let path = Path::new(&self.data_key_file);
        if !path.exists() {
            if !create {
                anyhow::bail!(
                    "no data key: set data_key (TONGBAN_DATA_KEY) or create the key file {} with \
                     `tongban keys generate`, and back it up: personal data cannot be read without it",
                    path.display()
                );
            }
            write_private(path, &DataKey::generate_hex())?;
            tracing::warn!(
                file = %path.display(),
                "created a new data key; back it up: personal data cannot be read without it"
            );
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("data_key_file {}: {e}", path.display()))?;
        DataKey::from_hex_keys(key_list(&text))
            .map_err(|e| anyhow::anyhow!("data_key_file {}: {e}", path.display()))
    }

    /// Creates the key file with a fresh key; refuses to overwrite one.
    pub fn generate_data_key(&self) -> anyhow::Result<()> {
        let path = Path::new(&self.data_key_file);
        if path.exists() {
            anyhow::bail!("the key file {} exists already", path.display());
        }
        write_private(path, &tongban_store::sealed::DataKey::generate_hex())
    }

    /// Puts a fresh key at the head of the key file and keeps the old ones after it as
    /// retired keys, so what they sealed still opens. Answers how many keys are retired.
    pub fn rotate_data_key(&self) -> anyhow::Result<usize> {
        if self.data_key.is_some() {
            anyhow::bail!(
                "data_key is set in the configuration: rotate by putting a new key first in it, \
                 separated by a comma from the old ones"
            );
        }
        let path = Path::new(&self.data_key_file);
        let old = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("data_key_file {}: {e}", path.display()))?;
        // Every old key must be readable before anything is written.
        let current = tongban_store::sealed::DataKey::from_hex_keys(key_list(&old))
            .map_err(|e| anyhow::anyhow!("data_key_file {}: {e}", path.display()))?;
        let mut keys = vec![tongban_store::sealed::DataKey::generate_hex()];
        keys.extend(key_list(&old).map(str::to_owned));
        let staged = path.with_extension("rotating");
        let _ = std::fs::remove_file(&staged);
        write_private(&staged, &(keys.join("\n") + "\n"))?;
        std::fs::rename(&staged, path)?;
        Ok(current.retired_count() + 1)
    }

    /// The database URL: a `--db` flag wins over every other source.
    pub fn db_url(&self, flag: &crate::cli::DbArg) -> String {
        flag.db.clone().unwrap_or_else(|| self.db.clone())
    }
}

/// The keys of a key list: one per line or comma, blank lines and `#` comments skipped.
fn key_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|k| !k.is_empty() && !k.starts_with('#'))
}

/// Writes a secret readable by its owner only.
fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("data_key_file {}: {e}", path.display()))?;
    file.write_all(content.as_bytes())?;
    Ok(())
}
