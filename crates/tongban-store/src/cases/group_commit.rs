//! SQLite: acts that arrive while another is being written share the next transaction
//! (group commit). SQLite has one writer, and under load an act's begin and commit were two of
//! its five round trips under the write lock; a group of acts pays them once. Acts are
//! written in the order they arrive, each as it would be alone, so one act on a case sees the
//! one before it (the second of two acts on the same version meets a conflict, as it would
//! in a transaction of its own).
//!
//! A group commits only if every act in it either was written whole or wrote nothing (a
//! conflict). An act that must be undone (its idempotency key used meanwhile) or that fails
//! rolls the group back, and every act in it is then written again in a transaction of its
//! own, so that one act's trouble is never another's.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{mpsc, oneshot};

use super::{ActError, ActRecord, Written, act_conflict, record_act, write_act};
use crate::Store;
use crate::batch::Writes;

/// At most this many acts share a transaction: the first act's answer waits for the last.
const MOST_IN_GROUP: usize = 32;

/// The queue of acts waiting for the writer thread (see [`Store::on_writer`]).
pub(crate) struct ActQueue {
    sender: mpsc::UnboundedSender<Queued>,
    /// acts queued since the store opened
    queued: AtomicUsize,
}

/// An act and where its outcome goes; the record goes back to its request with it.
struct Queued {
    act: ActRecord,
    answer: oneshot::Sender<(ActRecord, Result<bool, ActError>)>,
}

impl ActQueue {
    /// Starts writing queued acts on `writer`, the writer thread's runtime. `store` must not
    /// hold this queue: the writing ends when the last sender, held by the stores outside,
    /// is dropped.
    pub(crate) fn start(store: Store, writer: &tokio::runtime::Handle) -> ActQueue {
        let (sender, receiver) = mpsc::unbounded_channel();
        writer.spawn(serve(store, receiver));
        ActQueue {
            sender,
            queued: AtomicUsize::new(0),
        }
    }

    /// How many acts were queued since the store opened.
    pub(crate) fn queued(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }

    /// Writes `act` with the acts queued beside it: as [`record_act`] answers. Once queued
    /// the act is written even if the caller goes away.
    pub(crate) async fn record(&self, act: ActRecord) -> (ActRecord, Result<bool, ActError>) {
        let (answer, answered) = oneshot::channel();
        self.queued.fetch_add(1, Ordering::SeqCst);
        if self.sender.send(Queued { act, answer }).is_err() {
            panic!("the SQLite writer thread stopped");
        }
        answered
            .await
            .expect("the SQLite writer answers every act unless writing it panicked")
    }
}

async fn serve(store: Store, mut queue: mpsc::UnboundedReceiver<Queued>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MOST_IN_GROUP {
            match queue.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        // A task of its own, so that a panic (a bug) fails its group's requests, as it would
        // one request, and the writing goes on with the next group.
        let _ = tokio::spawn(write_group(store.clone(), group)).await;
    }
}

async fn write_group(store: Store, group: Vec<Queued>) {
    let outcomes = match write_together(&store, &group).await {
        Some(outcomes) => outcomes,
        None => {
            let mut outcomes = Vec::with_capacity(group.len());
            for queued in &group {
                outcomes.push(record_act(&store, &queued.act).await);
            }
            outcomes
        }
    };
    for (queued, outcome) in group.into_iter().zip(outcomes) {
        // A request that went away no longer wants its answer; the act stands.
        let _ = queued.answer.send((queued.act, outcome));
    }
}

/// Writes a group in one transaction; None when it has to be written act by act (see the
/// module's comment), with nothing of it committed.
async fn write_together(store: &Store, group: &[Queued]) -> Option<Vec<Result<bool, ActError>>> {
    if group.len() == 1 {
        return None;
    }
    let mut tx = store.write_hot().await.ok()?;
    let mut outcomes = Vec::with_capacity(group.len());
    for queued in group {
        match write_act(&mut tx, &queued.act).await {
            Ok(Written::Done) => outcomes.push(Ok(true)),
            Ok(Written::Conflict) => outcomes.push(Err(act_conflict())),
            Ok(Written::KeyUsed) | Err(_) => {
                let _ = tx.rollback().await;
                return None;
            }
        }
    }
    tx.commit().await.ok()?;
    Some(outcomes)
}
