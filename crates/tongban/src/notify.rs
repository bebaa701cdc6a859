//! Delivering the outbox: the log channel (the structured log a deployment collects), the
//! portal (messages a person reads when signed in), email over SMTP and text messages through
//! the SMS gateway. Each message is claimed for a lease, sent, then marked sent or failed;
//! a failed one is tried again after a back-off that doubles up to a ceiling.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tongban_domain::case::alert_subject;
use tongban_store::outbox::{self, Message};
use tongban_store::sealed::DataKey;
use tongban_store::{Store, StoreError};

use crate::sms::{SMS_TIMEOUT, SmsGateway};

/// How long a claimed message is held before another worker may try it.
const LEASE: Duration = Duration::from_secs(300);
/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// How many messages a worker claims at once on the channels that cannot fail.
const CLAIM: i64 = 200;
/// How many emails: as many as surely go out within the lease, even if each times out.
const EMAIL_CLAIM: i64 = (LEASE.as_secs() / SMTP_TIMEOUT.as_secs()) as i64;
/// How many text messages: as many as surely go out within the lease.
const SMS_CLAIM: i64 = (LEASE.as_secs() / SMS_TIMEOUT.as_secs()) as i64;
/// How many alerts a digest lists before "and N more".
const DIGEST_LINES: i64 = 50;

pub struct Notifier {
    mailer: Option<Mailer>,
    /// the gateway, and the key that opens the applicants' phones sealed on their cases
    sms: Option<(SmsGateway, DataKey)>,
    retry_base: Duration,
    retry_max: Duration,
}

struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: u64,
    pub failed: u64,
}

impl Notifier {
    /// `smtp_url` as lettre reads it: `smtp://host:port` (plain, for a relay on the same
    /// network), `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://…` (TLS).
    /// Without it the email channel is off and email messages wait in the outbox.
    pub fn new(
        smtp_url: Option<&str>,
        mail_from: &str,
        retry_base: Duration,
        retry_max: Duration,
    ) -> anyhow::Result<Notifier> {
        let mailer = match smtp_url {
            Some(url) => Some(Mailer {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("smtp_url: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
                from: mail_from
                    .parse()
                    .map_err(|e| anyhow::anyhow!("mail_from \"{mail_from}\": {e}"))?,
            }),
            None => None,
        };
        Ok(Notifier {
            mailer,
            sms: None,
            retry_base,
            retry_max,
        })
    }

    /// Turns on text messages through the gateway at `sms_url` (see [`SmsGateway::new`]).
    pub fn with_sms(mut self, sms_url: &str, key: DataKey) -> anyhow::Result<Notifier> {
        self.sms = Some((SmsGateway::new(sms_url)?, key));
        Ok(self)
    }

    /// Whether applicants are texted (so acts queue text messages).
    pub fn texts(&self) -> bool {
        self.sms.is_some()
    }

    /// The wait before attempt `attempts + 1`: the base, doubled for each failure, at most
    /// the ceiling.
    fn retry_after(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX);
        self.retry_base
            .checked_mul(2u32.saturating_pow(doublings.min(30)))
            .unwrap_or(self.retry_max)
            .min(self.retry_max)
    }

    /// Delivers what is due at `now_millis` on every channel that is on.
    pub async fn deliver(&self, store: &Store, now_millis: i64) -> Result<Delivered, StoreError> {
        let mut delivered = Delivered::default();
        let lease = i64::try_from(LEASE.as_millis()).unwrap_or(i64::MAX);
        for message in outbox::claim(store, "log", now_millis, lease, CLAIM).await? {
            let (subject, body) = compose(store, &message).await?;
            tracing::info!(
                target: "tongban::notify",
                recipient = %message.recipient, kind = %message.subject, %subject, %body,
                "notification"
            );
            delivered.sent += u64::from(outbox::sent(store, &message, now_millis).await?);
        }
        // Portal messages are read where they are kept: queuing them was delivering them.
        for message in outbox::claim(store, "portal", now_millis, lease, CLAIM).await? {
            delivered.sent += u64::from(outbox::sent(store, &message, now_millis).await?);
        }
        if let Some((gateway, key)) = &self.sms {
            for message in outbox::claim(store, "sms", now_millis, lease, SMS_CLAIM).await? {
                if !outbox::still_held(store, &message).await? {
                    break;
                }
                let outcome = match outbox::phone_of(store, key, &message.recipient).await? {
                    Some(phone) => {
                        let text = format!("【通办】{}：{}", message.subject, message.body);
                        gateway.send(&phone, &text).await
                    }
                    None => Err(format!("{} has no phone to text", message.recipient)),
                };
                self.settle(store, &message, outcome, now_millis, &mut delivered)
                    .await?;
            }
        }
        let Some(mailer) = &self.mailer else {
            return Ok(delivered);
        };
        for message in outbox::claim(store, "email", now_millis, lease, EMAIL_CLAIM).await? {
            // Never send what another server may have re-claimed after a lapsed lease.
            if !outbox::still_held(store, &message).await? {
                break;
            }
            let outcome = self.send_email(store, mailer, &message).await?;
            self.settle(store, &message, outcome, now_millis, &mut delivered)
                .await?;
        }
        Ok(delivered)
    }

    /// Marks a message sent, or failed with its error and the time of the next attempt.
    async fn settle(
        &self,
        store: &Store,
        message: &Message,
        outcome: Result<(), String>,
        now_millis: i64,
        delivered: &mut Delivered,
    ) -> Result<(), StoreError> {
        match outcome {
            Ok(()) => {
                delivered.sent += u64::from(outbox::sent(store, message, now_millis).await?);
            }
            Err(error) => {
                let wait = i64::try_from(self.retry_after(message.attempts).as_millis())
                    .unwrap_or(i64::MAX);
                tracing::warn!(
                    id = message.id,
                    channel = %message.channel,
                    attempts = message.attempts,
                    %error,
                    "message not delivered"
                );
                outbox::failed(store, message, &error, now_millis.saturating_add(wait)).await?;
                delivered.failed += 1;
            }
        }
        Ok(())
    }

    /// Sends one email; the inner error is the delivery's (kept on the message), the outer
    /// one the store's.
    async fn send_email(
        &self,
        store: &Store,
        mailer: &Mailer,
        message: &Message,
    ) -> Result<Result<(), String>, StoreError> {
        let Some(address) = outbox::email_of(store, &message.recipient).await? else {
            return Ok(Err(format!("{} has no email address", message.recipient)));
        };
        let (subject, body) = compose(store, message).await?;
        let to: Mailbox = match address.parse() {
            Ok(to) => to,
            Err(e) => return Ok(Err(format!("address {address}: {e}"))),
        };
        let email = match lettre::Message::builder()
            .from(mailer.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
        {
            Ok(email) => email,
            Err(e) => return Ok(Err(e.to_string())),
        };
        Ok(mailer
            .transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()))
    }
}

/// A message's subject and plain-text body, Chinese first then English.
async fn compose(store: &Store, message: &Message) -> Result<(String, String), StoreError> {
    if message.batch.is_none() {
        return Ok((message.subject.clone(), message.body.clone()));
    }
    let (lines, total) = outbox::digest(store, message, DIGEST_LINES).await?;
    let whose = if message.is_own_steps_digest() {
        ("您经办的", "on steps you hold")
    } else {
        ("本部门", "in your department")
    };
    let subject = format!(
        "【电子监察】{}办件新增{total}条预警 / {total} new supervision alerts {}",
        whose.0, whose.1
    );
    let mut body = format!(
        "{}办件有{total}条新的电子监察预警，请及时办理。\n{total} new supervision alerts {}; please act on them.\n\n",
        whose.0, whose.1
    );
    for line in &lines {
        let (what_zh, what_en) = alert_subject(&line.step, &line.step_name);
        let (level_zh, level_en) = line.level.names();
        let number = line
            .case_number
            .clone()
            .unwrap_or_else(|| format!("#{}", line.case_id));
        body.push_str(&format!(
            "{number}  {what_zh} {level_zh} / {what_en}: {level_en}  ({})\n",
            line.department
        ));
    }
    let shown = i64::try_from(lines.len()).unwrap_or(i64::MAX);
    if total > shown {
        body.push_str(&format!(
            "……另有{}条 / and {} more\n",
            total - shown,
            total - shown
        ));
    }
    Ok((subject, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_the_ceiling() {
        let notifier = Notifier::new(
            None,
            "Tongban <noreply@example.org>",
            Duration::from_secs(60),
            Duration::from_secs(3600),
        )
        .expect("notifier");
        let waits: Vec<u64> = (1..=8).map(|a| notifier.retry_after(a).as_secs()).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(notifier.retry_after(i64::MAX).as_secs(), 3600);
    }
}
