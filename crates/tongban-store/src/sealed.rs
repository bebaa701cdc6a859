//! Personal data at rest (names, id numbers, phones): sealed with XChaCha20-Poly1305 under
//! the deployment's data key, each value with its own random nonce, so equal values do not
//! look equal and an altered value fails to open rather than reading wrong.
//!
//! Keys rotate: a deployment names its current key and any retired ones. New values are
//! sealed and fingerprinted with the current key; values sealed or fingerprinted under a
//! retired key still open and still match, so a rotation loses nothing.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::StoreError;

const NONCE_BYTES: usize = 24;

/// The 256-bit key personal data is sealed with, and the retired keys it still reads
/// with; never logged.
#[derive(Clone)]
pub struct DataKey {
    cipher: XChaCha20Poly1305,
    /// for keyed fingerprints (HMAC-SHA-256)
    secret: [u8; 32],
    retired: Vec<DataKey>,
}

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
        let secret: [u8; 32] = bytes.as_slice().try_into().expect("checked to be 32 bytes");
        Ok(DataKey {
            cipher: XChaCha20Poly1305::new(bytes.as_slice().into()),
            secret,
            retired: Vec::new(),
        })
    }

    /// The current key (first) and the retired ones after it, each as 64 hex digits.
    pub fn from_hex_keys<'a>(
        mut keys: impl Iterator<Item = &'a str>,
    ) -> Result<DataKey, StoreError> {
        let current = keys
            .next()
            .ok_or_else(|| StoreError::Configuration("no data key is given".to_owned()))?;
        let mut key = DataKey::from_hex(current)?;
        for retired in keys {
            key.retired.push(DataKey::from_hex(retired)?);
        }
        Ok(key)
    }

    /// How many retired keys this key still reads with.
    pub fn retired_count(&self) -> usize {
        self.retired.len()
    }

    /// The fingerprints of a value under the current and every retired key, for finding
    /// what was fingerprinted before a rotation.
    pub fn fingerprints(&self, purpose: &str, value: &str) -> Vec<String> {
        std::iter::once(self)
            .chain(&self.retired)
            .map(|key| key.fingerprint(purpose, value))
            .collect()
    }

    /// A fresh random key, as 64 hexadecimal digits, for a new deployment.
    pub fn generate_hex() -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    /// Seals a value: hex of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, plain: &str) -> String {
        hex::encode(self.seal_bytes(plain.as_bytes()))
    }

    /// Seals bytes (an applicant's uploaded document): nonce ‖ ciphertext ‖ tag.
    pub fn seal_bytes(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), plain)
            .expect("encrypting in memory cannot fail");
        let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// A keyed fingerprint of a value for one purpose (HMAC-SHA-256, hex): equal values give
    /// equal fingerprints, and without the key nothing can be learnt or guessed from one.
    pub fn fingerprint(&self, purpose: &str, value: &str) -> String {
        use sha2::{Digest, Sha256};
        const BLOCK: usize = 64;
        let mut inner_key = [0x36u8; BLOCK];
        let mut outer_key = [0x5cu8; BLOCK];
        for (i, b) in self.secret.iter().enumerate() {
            inner_key[i] ^= b;
            outer_key[i] ^= b;
        }
        let inner = Sha256::new()
            .chain_update(inner_key)
            .chain_update(purpose.as_bytes())
            .chain_update([0u8])
            .chain_update(value.as_bytes())
            .finalize();
        hex::encode(
            Sha256::new()
                .chain_update(outer_key)
                .chain_update(inner)
                .finalize(),
        )
    }

    /// Opens a sealed value; a wrong key or an altered value is an error, never garbage.
    pub fn open(&self, sealed: &str) -> Result<String, StoreError> {
        let bytes = hex::decode(sealed)
            .map_err(|_| StoreError::corrupt("a sealed value is not readable"))?;
        String::from_utf8(self.open_bytes(&bytes)?).map_err(StoreError::corrupt)
    }

    /// Opens sealed bytes, as `open` does.
    pub fn open_bytes(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        if sealed.len() <= NONCE_BYTES {
            return Err(StoreError::corrupt("a sealed value is not readable"));
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().expect("split at the nonce length");
        std::iter::once(self)
            .chain(&self.retired)
            .find_map(|key| key.cipher.decrypt(&XNonce::from(nonce), body).ok())
            .ok_or_else(|| StoreError::corrupt("a sealed value does not open with this data key"))
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
        let document = key.seal_bytes(b"%PDF-1.7 scan");
        assert!(!document.windows(4).any(|w| w == b"%PDF"));
        assert_eq!(key.open_bytes(&document).unwrap(), b"%PDF-1.7 scan");
        assert!(other.open_bytes(&document).is_err());
        assert_eq!(key.fingerprint("p", "v"), key.fingerprint("p", "v"));
        assert_ne!(key.fingerprint("p", "v"), key.fingerprint("q", "v"));
        assert_ne!(key.fingerprint("p", "v"), other.fingerprint("p", "v"));
    }

    #[test]
    fn a_rotated_key_still_reads_what_the_old_one_sealed() {
        let old_hex = DataKey::generate_hex();
        let old = DataKey::from_hex(&old_hex).unwrap();
        let sealed = old.seal("13800138000");
        let new_hex = DataKey::generate_hex();
        let rotated =
            DataKey::from_hex_keys([new_hex.as_str(), old_hex.as_str()].into_iter()).unwrap();
        assert_eq!(rotated.open(&sealed).unwrap(), "13800138000");
        let fresh = rotated.seal("13800138000");
        assert!(
            old.open(&fresh).is_err(),
            "new values are sealed with the new key"
        );
        assert!(
            rotated
                .fingerprints("p", "v")
                .contains(&old.fingerprint("p", "v"))
        );
        assert_ne!(rotated.fingerprint("p", "v"), old.fingerprint("p", "v"));
        assert_eq!(rotated.retired_count(), 1);
        assert!(DataKey::from_hex_keys(std::iter::empty()).is_err());
    }

    #[test]
    fn fingerprints_are_hmac_sha256() {
        // Checked against an independent HMAC: Python's
        // hmac.new(bytes([11] * 32), b"p\0v", "sha256").hexdigest().
        let key = DataKey::from_hex(&"0b".repeat(32)).unwrap();
        assert_eq!(
            key.fingerprint("p", "v"),
            "0c30e4122fee969ecf8e1c1e07b7547d0ace7de0c57fdc346ad14a8bc9a07b27"
        );
    }
}
