//! Cases this server loaded or acted on lately, kept replayed. A case is its events, parsed
//! from JSON and replayed on every load; a lifecycle loads its case seven times, and parsing
//! the events (the submission alone is about 1.5 KB) was most of each load's work.
//!
//! Only a saving: a remembered case is used only while the database's row still has the
//! version it was remembered at (one read of one column), so a case moved on by another
//! server, the supervision tick or a bundle is loaded afresh.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use super::StoredCase;

/// At most this many cases are kept; the least recently used leaves first. About the open
/// cases a busy hall's clerks touch in an hour, at a few kilobytes each.
const MOST_REMEMBERED: NonZeroUsize = NonZeroUsize::new(4096).unwrap();

/// The remembered cases by id (see the module's comment).
pub(crate) struct CaseMemory {
    cases: Mutex<LruCache<i64, Arc<StoredCase>>>,
}

impl Default for CaseMemory {
    fn default() -> Self {
        CaseMemory {
            cases: Mutex::new(LruCache::new(MOST_REMEMBERED)),
        }
    }
}

impl CaseMemory {
    /// Whether case `id` is remembered at any version: if not, its version is not worth
    /// reading.
    pub(crate) fn holds(&self, id: i64) -> bool {
        self.lock().contains(&id)
    }

    /// Case `id` as remembered, if remembered at `version`.
    pub(crate) fn recall(&self, id: i64, version: u64) -> Option<StoredCase> {
        let remembered = self.lock().get(&id).cloned()?;
        // cloned outside the lock: the other requests' look-ups need not wait for it
        (remembered.case.version == version).then(|| StoredCase::clone(&remembered))
    }

    /// Remembers `stored` as its case stands. A request that read an older version and
    /// remembers it last costs the next load a full read, nothing more: each recall checks
    /// the version.
    pub(crate) fn remember(&self, stored: StoredCase) {
        let stored = Arc::new(stored);
        // the case it replaces, if any, is dropped after the lock is given up
        let _replaced = self.lock().put(stored.id, stored);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<i64, Arc<StoredCase>>> {
        // A panic elsewhere while the lock was held leaves whole entries: each is put at once.
        self.cases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
