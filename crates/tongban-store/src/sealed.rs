//! Personal data at rest (names, id numbers, phones): sealed with XChaCha20-Poly1305 under
//! the deployment's data key, each value with its own random nonce, so equal values do not
//! look equal and an altered value fails to open rather than reading wrong.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::StoreError;

const NONCE_BYTES: usize = 24;

/// The 256-bit key personal data is sealed with; never logged.
#[derive(Clone)]
pub struct DataKey(XChaCha20Poly1305);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

impl DataKey {
    /// Reads a key written as 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<DataKey, StoreError> {
        let bytes = hex::decode(text.trim())
            .ok()
            .filter(|b| b.len() == 32)
            .ok_or_else(|| {
                StoreError::Configuration(
                    "the data key must be 64 hexadecimal digits (32 bytes)".to_owned(),
                )
            })?;
        Ok(DataKey(XChaCha20Poly1305::new(bytes.as_slice().into())))
    }

    /// A fresh random key, as 64 hexadecimal digits, for a new deployment.
    pub fn generate_hex() -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// Seals a value: hex of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(&XNonce::from(nonce), plain.as_bytes())
            .expect("encrypting in memory cannot fail");
        let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        hex::encode(out)
    }

    /// Opens a sealed value; a wrong key or an altered value is an error, never garbage.
    pub fn open(&self, sealed: &str) -> Result<String, StoreError> {
        let bytes = hex::decode(sealed)
            .ok()
            .filter(|b| b.len() > NONCE_BYTES)
            .ok_or_else(|| StoreError::corrupt("a sealed value is not readable"))?;
        let (nonce, body) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().expect("split at the nonce length");
        let plain = self
            .0
            .decrypt(&XNonce::from(nonce), body)
            .map_err(|_| StoreError::corrupt("a sealed value does not open with this data key"))?;
        String::from_utf8(plain).map_err(StoreError::corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_unaltered_and_with_their_key() {
        let key = DataKey::from_hex(&DataKey::generate_hex()).unwrap();
        let a = key.seal("11010519491231002X");
        let b = key.seal("11010519491231002X");
        assert_ne!(a, b, "each value has its own nonce");
        assert!(!a.contains("1101051949"));
        assert_eq!(key.open(&a).unwrap(), "11010519491231002X");
        let mut altered = a.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        assert!(key.open(std::str::from_utf8(&altered).unwrap()).is_err());
        let other = DataKey::from_hex(&DataKey::generate_hex()).unwrap();
        assert!(other.open(&a).is_err());
        assert!(DataKey::from_hex("abc").is_err());
        assert_eq!(format!("{key:?}"), "DataKey(…)");
    }
}
