//! Acts on one case take turns on this server. Two acts decided on the same version of a case
//! meet at the write: one lands, the other is refused as a conflict, and (with no version
//! given by the clerk) the request loads the case again and decides again. Three parallel
//! approvals sent at the same moment cost six decisions and writes that way. With a turn
//! taken before the case is loaded, the second waits for the first to be written and decides
//! once, on the case as it then stands.
//!
//! Only a saving, never what keeps acts apart: the version check at the write still does
//! that, across app servers and for writers that take no turn (the supervision tick, bundles).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// The cases being acted on, each with its turn; a case leaves when its last turn ends.
#[derive(Default)]
pub(crate) struct CaseTurns {
    held: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

/// This request's turn at one case; the next waiting request's begins when it is dropped.
pub struct CaseTurn {
    case_id: i64,
    turns: Arc<CaseTurns>,
    /// the case's entry in the map
    entry: Arc<tokio::sync::Mutex<()>>,
    /// `None` while the request waits for its turn
    guard: Option<OwnedMutexGuard<()>>,
}

impl CaseTurns {
    /// Waits for the turn at case `case_id`. A request that goes away while it waits drops
    /// its turn unheld (after the lock's future it waited on, which held the entry too), and
    /// that removes the case's entry as an ended turn does.
    pub(crate) async fn take(turns: &Arc<CaseTurns>, case_id: i64) -> CaseTurn {
        let entry = turns
            .lock()
            .entry(case_id)
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(())))
            .clone();
        let mut turn = CaseTurn {
            case_id,
            turns: turns.clone(),
            entry,
            guard: None,
        };
        turn.guard = Some(turn.entry.clone().lock_owned().await);
        turn
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<tokio::sync::Mutex<()>>>> {
        // The map is whole after any panic: each change is one call.
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    fn cases_held(&self) -> usize {
        self.lock().len()
    }
}

impl Drop for CaseTurn {
    fn drop(&mut self) {
        let mut held = self.turns.lock();
        self.guard.take();
        // The entry is shared by the map, this turn and each request waiting; waiting ones
        // clone it under the map's lock, so none can appear while it is held here.
        if Arc::strong_count(&self.entry) == 2 {
            held.remove(&self.case_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_act_on_a_case_waits_for_the_first_and_other_cases_do_not() {
        let turns = Arc::new(CaseTurns::default());
        let first = CaseTurns::take(&turns, 7).await;
        let other = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            CaseTurns::take(&turns, 8),
        )
        .await
        .expect("another case's turn is free");
        let mut second = Box::pin(CaseTurns::take(&turns, 7));
        assert!(poll_once(second.as_mut()).await.is_none());
        drop(first);
        let second = second.await;
        drop((second, other));
        assert_eq!(turns.cases_held(), 0, "every case left with its last turn");
    }

    #[tokio::test]
    async fn a_request_gone_away_while_waiting_leaves_no_entry_behind() {
        let turns = Arc::new(CaseTurns::default());
        let first = CaseTurns::take(&turns, 7).await;
        let mut second = Box::pin(CaseTurns::take(&turns, 7));
        assert!(poll_once(second.as_mut()).await.is_none());
        // the turn passes to the second request, which is gone before it is polled again
        drop(first);
        drop(second);
        assert_eq!(turns.cases_held(), 0);
        let third = CaseTurns::take(&turns, 7).await;
        drop(third);
        assert_eq!(turns.cases_held(), 0);
    }

    /// Polls `future` once: its output if it was ready.
    async fn poll_once<F: std::future::Future + Unpin>(future: F) -> Option<F::Output> {
        let mut future = future;
        std::future::poll_fn(|context| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut future).poll(context) {
                std::task::Poll::Ready(output) => Some(output),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
