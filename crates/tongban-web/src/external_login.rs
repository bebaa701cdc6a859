//! The OpenID Connect side of signing in through an external identity provider (a
//! provincial unified-identity platform): discovery, the authorization-code flow with PKCE
//! and a nonce, ID-token verification and the user-info claims. Which account the person
//! is, is the store's business (`tongban_store::external_login`).

use std::collections::HashMap;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, UserInfoClaims,
    reqwest,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tongban_domain::FieldError;
use tongban_domain::external_identity::{ClaimNames, ExternalPerson};
use tongban_store::external_login::Pending;

/// Where the provider sends people back to, under the portal's public address.
pub const CALLBACK_PATH: &str = "/login/external/callback";

/// The provider's published metadata (endpoints, signing keys) is fetched again after
/// this long, so rotated keys are picked up.
const METADATA_MAX_AGE_MILLIS: i64 = 60 * 60 * 1000;

/// How the platform reaches its identity provider (configuration).
#[derive(Clone)]
pub struct ExternalLoginSettings {
    /// the provider's issuer URL, e.g. https://tyrz.example.gov.cn/oidc
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// the provider's name as people know it, on the sign-in button
    pub display_name: String,
    /// scopes asked for besides `openid`
    pub scopes: Vec<String>,
    pub claims: ClaimNames,
}

impl std::fmt::Debug for ExternalLoginSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalLoginSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

/// Why a sign-in through the provider did not complete.
#[derive(Debug, thiserror::Error)]
pub enum ExternalLoginError {
    /// the provider could not be reached or answered with something unusable
    #[error("identity provider: {0}")]
    Provider(String),
    /// the provider vouched for something wrong (a malformed id number)
    #[error("{0}")]
    Claims(FieldError),
}

/// Claims beyond the standard ones (a resident id number), by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct OtherClaims {
    #[serde(flatten)]
    by_name: HashMap<String, serde_json::Value>,
}
impl AdditionalClaims for OtherClaims {}

pub struct ExternalLogin {
    pub settings: ExternalLoginSettings,
    redirect: RedirectUrl,
    http: reqwest::Client,
    metadata: Mutex<Option<(i64, CoreProviderMetadata)>>,
}

/// What a sign-in leaving for the provider must remember, and where to send the browser.
pub struct Departure {
    pub pending: Pending,
    pub authorize_url: String,
}

impl ExternalLogin {
    /// `public_url` is the portal's address; the provider must list the callback under it.
    pub fn new(settings: ExternalLoginSettings, public_url: &str) -> Result<Self, String> {
        IssuerUrl::new(settings.issuer.clone()).map_err(|e| format!("issuer: {e}"))?;
        let redirect = RedirectUrl::new(format!(
            "{}{CALLBACK_PATH}",
            public_url.trim_end_matches('/')
        ))
        .map_err(|e| format!("public_url: {e}"))?;
        // Never follow redirects: an identity provider's endpoints answer directly (SSRF).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self {
            settings,
            redirect,
            http,
            metadata: Mutex::new(None),
        })
    }

    async fn client(&self, now_millis: i64) -> Result<Client, ExternalLoginError> {
        let mut cached = self.metadata.lock().await;
        let fresh = cached
            .as_ref()
            .filter(|(at, _)| now_millis - at < METADATA_MAX_AGE_MILLIS)
            .map(|(_, metadata)| metadata.clone());
        let metadata = match fresh {
            Some(metadata) => metadata,
            None => {
                let issuer = IssuerUrl::new(self.settings.issuer.clone())
                    .map_err(|e| ExternalLoginError::Provider(e.to_string()))?;
                let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
                    .await
                    .map_err(|e| ExternalLoginError::Provider(chain(&e)))?;
                *cached = Some((now_millis, metadata.clone()));
                metadata
            }
        };
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone()))
    }

    /// Starts a sign-in: the provider's authorization address, and what its answer must match.
    pub async fn depart(
        &self,
        next_path: String,
        now_millis: i64,
    ) -> Result<Departure, ExternalLoginError> {
        let client = self.client(now_millis).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(Departure {
            pending: Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next_path,
            },
            authorize_url: url.to_string(),
        })
    }

    /// Finishes a sign-in: trades the code for tokens, verifies the ID token (signature,
    /// issuer, audience, expiry against the platform's clock, nonce), reads the user-info
    /// claims for the same subject, and checks the person they describe.
    pub async fn arrive(
        &self,
        code: String,
        pending: &Pending,
        now_millis: i64,
        today: jiff::civil::Date,
    ) -> Result<ExternalPerson, ExternalLoginError> {
        let provider = |e: &dyn std::error::Error| ExternalLoginError::Provider(chain(e));
        let client = self.client(now_millis).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| provider(&e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| provider(&e))?;
        let id_token = tokens
            .extra_fields()
            .id_token()
            .ok_or_else(|| ExternalLoginError::Provider("no ID token in the answer".into()))?;
        let now = chrono::DateTime::from_timestamp_millis(now_millis).unwrap_or_default();
        let verifier = client.id_token_verifier().set_time_fn(move || now);
        let id_claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(|e| provider(&e))?;
        let subject = id_claims.subject().clone();
        let info: UserInfoClaims<OtherClaims, CoreGenderClaim> = client
            .user_info(tokens.access_token().clone(), Some(subject.clone()))
            .map_err(|e| provider(&e))?
            .request_async(&self.http)
            .await
            .map_err(|e| provider(&e))?;
        let claim = |name: &str| -> Option<String> {
            let other = info
                .additional_claims()
                .by_name
                .get(name)
                .and_then(|v| match v {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
            other.or_else(|| match name {
                "name" => info.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
                "phone_number" => info.phone_number().map(|p| p.to_string()),
                _ => None,
            })
        };
        ExternalPerson::from_claims(
            id_claims.issuer().as_str(),
            subject.as_str(),
            claim,
            &self.settings.claims,
            today,
        )
        .map_err(ExternalLoginError::Claims)
    }
}

type Client = openidconnect::core::CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// An error with its causes, for the log: the provider's answers are diagnosed from these.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
