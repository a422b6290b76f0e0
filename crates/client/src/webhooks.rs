//! Sending webhooks as the Standard Webhooks specification (v1.0.0) has
//! them: a JSON body POSTed with `webhook-id`, `webhook-timestamp` and
//! `webhook-signature` headers, the signature being `v1,` and the base64
//! of HMAC-SHA256 over `{id}.{timestamp}.{body}` keyed with the endpoint's
//! secret (`whsec_` and base64). Any 2xx is a delivery; anything else, a
//! timeout or a refused connection is a failure the caller retries.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{ClientError, Origin, Trust};

const PREFIX: &str = "whsec_";

/// An endpoint's signing secret.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

impl WebhookSecret {
    /// Reads `whsec_…` (the prefix may be left out), the base64 of 24 to
    /// 64 random bytes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let encoded = text.trim();
        let encoded = encoded.strip_prefix(PREFIX).unwrap_or(encoded);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| format!("a webhook secret is whsec_ and base64: {e}"))?;
        if !(24..=64).contains(&bytes.len()) {
            return Err(format!(
                "a webhook secret holds 24 to 64 bytes, not {}",
                bytes.len()
            ));
        }
        Ok(Self(bytes))
    }

    /// The `webhook-signature` value for this message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        )
    }
}

/// One endpoint that receives webhooks.
pub struct Endpoint {
    origin: Origin,
    secret: WebhookSecret,
}

impl Endpoint {
    pub fn new(url: &str, secret: WebhookSecret, trust: &Trust) -> Result<Self, ClientError> {
        Ok(Self {
            origin: Origin::new(url, None, trust)?,
            secret,
        })
    }

    pub fn url(&self) -> &str {
        self.origin.url()
    }

    /// POSTs `body` as message `id`, signed at `timestamp` (Unix seconds,
    /// the time of this attempt). `Ok` only for a 2xx answer.
    pub async fn send(&self, id: &str, timestamp: i64, body: String) -> Result<(), ClientError> {
        let signature = self.secret.sign(id, timestamp, body.as_bytes());
        let headers = [
            ("webhook-id", id.to_string()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
        ];
        let (status, answer) = self.origin.post_json_with("", body, &headers).await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(ClientError::Status {
                url: self.origin.url().to_string(),
                status,
                body: String::from_utf8_lossy(&answer).chars().take(300).collect(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signing example of the specification's reference libraries.
    #[test]
    fn signs_as_the_specification_s_example() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let unprefixed = WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            unprefixed.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        // Any change to the id, the time or the body changes the signature.
        assert_ne!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265331,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_secret_that_is_not_base64_or_too_short_is_refused() {
        assert!(WebhookSecret::parse("whsec_not base64!").is_err());
        let short = WebhookSecret::parse("whsec_c2hvcnQ=").unwrap_err();
        assert!(short.contains("24 to 64 bytes"), "{short}");
    }
}
