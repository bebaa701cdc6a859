//! The SMS gateway: text messages go out through a configurable HTTP endpoint, the way
//! government SMS platforms (政务短信平台) take them. Each message is one `POST` of
//! `{"to": "<phone>", "text": "<message>"}` as JSON; any 2xx answer is delivery, anything
//! else (or no answer within the timeout) a failure that is tried again after the back-off.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// How long one request to the gateway may take.
pub const SMS_TIMEOUT: Duration = Duration::from_secs(15);

pub struct SmsGateway {
    url: hyper::Uri,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl SmsGateway {
    /// `url`: the gateway's endpoint, `http://` (a gateway on the government network) or
    /// `https://` (checked against the Mozilla roots built in).
    pub fn new(url: &str) -> anyhow::Result<SmsGateway> {
        let parsed: hyper::Uri = url
            .parse()
            .map_err(|e| anyhow::anyhow!("sms_url \"{url}\": {e}"))?;
        anyhow::ensure!(
            matches!(parsed.scheme_str(), Some("http" | "https")) && parsed.host().is_some(),
            "sms_url must be an absolute http(s) address, e.g. https://sms.example.gov.cn/send"
        );
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .build();
        Ok(SmsGateway {
            url: parsed,
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }

    /// Sends one message; the error says why it did not go out.
    pub async fn send(&self, phone: &str, text: &str) -> Result<(), String> {
        let body = serde_json::json!({ "to": phone, "text": text }).to_string();
        let request = hyper::Request::post(self.url.clone())
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let answer = tokio::time::timeout(SMS_TIMEOUT, async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            Ok::<_, String>((status, body))
        })
        .await
        .map_err(|_| format!("the gateway did not answer within {SMS_TIMEOUT:?}"))??;
        let (status, body) = answer;
        if status.is_success() {
            Ok(())
        } else {
            let said: String = String::from_utf8_lossy(&body).chars().take(200).collect();
            Err(format!("the gateway answered {status}: {said}"))
        }
    }
}
