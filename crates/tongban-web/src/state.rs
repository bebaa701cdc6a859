//! What every handler may reach: the store, the clock and the web settings.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use tongban_domain::clock::Clock;
use tongban_store::Store;
use tongban_store::calendar::CalendarCache;
use tongban_store::sessions::SessionPolicy;

use crate::external_login::ExternalLogin;

#[derive(Debug, Clone)]
pub struct WebSettings {
    /// mark cookies Secure (set when served behind TLS)
    pub secure_cookies: bool,
    /// take the client's address from the last X-Forwarded-For entry (a trusted proxy's)
    pub behind_proxy: bool,
    /// the address citizens reach the portal at, for QR codes and printed links
    pub public_url: String,
    pub session: SessionPolicy,
    /// whose calendar days the clocks count
    pub time_zone: jiff::tz::TimeZone,
    /// seals personal data at rest
    pub data_key: tongban_store::sealed::DataKey,
    /// an SMS gateway is configured: applicants are told of milestones by text message
    pub applicant_sms: bool,
    /// people may sign in through this OpenID Connect provider
    pub external_login: Option<crate::external_login::ExternalLoginSettings>,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            behind_proxy: false,
            public_url: "http://127.0.0.1:8080".to_owned(),
            session: SessionPolicy {
                idle_millis: 30 * 60 * 1000,
                absolute_millis: 12 * 60 * 60 * 1000,
            },
            time_zone: jiff::tz::TimeZone::get("Asia/Shanghai")
                .expect("the time-zone database is built in"),
            // A fresh key per process: right for tests, never for a deployment (serve sets it).
            data_key: tongban_store::sealed::DataKey::from_hex(
                &tongban_store::sealed::DataKey::generate_hex(),
            )
            .expect("a generated key is valid"),
            applicant_sms: false,
            external_login: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<WebSettings>,
    pub metrics: PrometheusHandle,
    /// the working-day calendar, rebuilt when a year is imported on any server
    pub calendar: Arc<CalendarCache>,
    /// the identity provider people may sign in through, when one is configured
    pub external_login: Option<Arc<ExternalLogin>>,
    /// the search index, rebuilt when the catalog or the dictionary changes on any server
    pub search: Arc<tongban_store::search::SearchCache>,
}

impl AppState {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        settings: WebSettings,
        metrics: PrometheusHandle,
    ) -> Self {
        // The binary checks the settings at start-up; a bad one here only disables the button.
        let external_login = settings.external_login.clone().and_then(|provider| {
            ExternalLogin::new(provider, &settings.public_url)
                .map_err(|error| tracing::error!(%error, "external login is not configured"))
                .ok()
                .map(Arc::new)
        });
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            metrics,
            calendar: Arc::default(),
            external_login,
            search: Arc::default(),
        }
    }

    pub fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }

    /// Today's date where the service centre is.
    pub fn today(&self) -> jiff::civil::Date {
        jiff::Timestamp::from_millisecond(self.now_millis())
            .map(|t| tongban_domain::time_limit::local_date(t, &self.settings.time_zone))
            .unwrap_or_default()
    }
}
