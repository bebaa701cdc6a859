//! Cases this server loaded or acted on lately, kept replayed. A case is its events: each load
//! read every event row, parsed its JSON (the submission alone is about 1.5 KB) and replayed
//! it, 13% of the processor's samples in the lifecycle benchmark, which loads each case seven
//! times (BENCHMARKS.md).
//!
//! Only a saving: a remembered case is used only while the database's row still has the
//! version it was remembered at (one read of one column), so a case moved on by another
//! server, the supervision tick or a bundle is loaded afresh.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use super::StoredCase;

/// At most this many cases are kept; the least recently used leaves first. A server has far
/// fewer in hand at once (the benchmark, sixteen); a case leaving only costs its next load a
/// full read.
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
    /// Case `id` as remembered, at whatever version: the caller compares it with the
    /// database's.
    pub(crate) fn recall(&self, id: i64) -> Option<Arc<StoredCase>> {
        self.lock().get(&id).cloned()
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
