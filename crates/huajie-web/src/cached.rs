//! Reads of the public pages kept between changes (issue 14: the announcement list and the lot
//! pages answer 200 concurrent visitors in well under 50 ms). What a public page reads from the
//! database — announcements, lots, their best bids and bidders' numbers, the company's name — is
//! kept here with the database's version it was read at (`Store::version`, the audit chain's
//! head, which every committed change moves, in this process or another on the same database).
//! A request reads the version (one row) and answers from what is kept when nothing has changed
//! since; otherwise it reads afresh and keeps that. The page itself is still rendered per request,
//! so what depends on the time (a lot's phase, its countdown) and on the language is never kept.
//!
//! Under load the version itself is read once for many requests (`ReadCache::version`): a request
//! waits for the next read of it that *starts after the request arrived*, shared with every other
//! request waiting for it; so a page never shows less than what was committed before it was asked
//! for (a bidder who reloads after an accepted bid sees it), and 200 visitors cost a few reads.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use huajie_store::Store;
use tokio::sync::oneshot;

use crate::error::AppError;

/// How many reads are kept at most; past it, everything is dropped and read again (the keys
/// come from the requests' paths and queries, which a visitor chooses).
const KEPT: usize = 512;

/// What a read is kept under: the page's path and query, or a part every page shares.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// The company's name in every page's header.
    CompanyName,
    /// One page's reads, by its path and query.
    Path(String),
    /// Every lot with its best bid and the bidders' numbers (the lists of lots).
    Lots,
    /// One lot with its latest bids and its bidders' numbers (a lot's pages and its API).
    Lot(i64),
    /// The audit chain's last verification (`pages::audit`), walked again when the head moves.
    AuditChain,
}

type Kept = (i64, Arc<dyn Any + Send + Sync>);

/// The requests waiting for the next read of the version, and whether a reader is running.
#[derive(Default)]
struct Waiting {
    reading: bool,
    next: Vec<oneshot::Sender<Result<i64, String>>>,
}

/// The kept reads of this process (cloned handles share them).
#[derive(Clone, Default)]
pub struct ReadCache {
    kept: Arc<Mutex<HashMap<Key, Kept>>>,
    waiting: Arc<Mutex<Waiting>>,
}

impl ReadCache {
    /// The database's version (`Store::version`) as read after this call began: the request
    /// joins the requests waiting for the next read, and starts the reader if none runs. The
    /// reader takes everyone waiting, reads once, answers them, and goes on while more wait.
    pub async fn version(&self, store: &Store) -> Result<i64, AppError> {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            w.next.push(answer);
            !std::mem::replace(&mut w.reading, true)
        };
        if start {
            let (waiting, store) = (self.waiting.clone(), store.clone());
            tokio::spawn(async move {
                loop {
                    let batch = {
                        let mut w = waiting.lock().unwrap_or_else(|e| e.into_inner());
                        if w.next.is_empty() {
                            w.reading = false;
                            break;
                        }
                        std::mem::take(&mut w.next)
                    };
                    let read = store.version().await.map_err(|e| e.to_string());
                    for answer in batch {
                        let _ = answer.send(read.clone());
                    }
                }
            });
        }
        match answered.await {
            Ok(read) => read.map_err(AppError::Internal),
            Err(_) => Err(AppError::Internal("the version's reader stopped".into())),
        }
    }

    /// What `read` gives, as it was at database version `version`: kept from an earlier request
    /// at the same version, or read now and kept. `version` must have been read before the
    /// request's reads (so what is kept is never older than the version it is kept under).
    pub async fn get<T, F>(&self, version: i64, key: Key, read: F) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T, AppError>>,
    {
        let hit = self.kept.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        if let Some((at, value)) = hit
            && at == version
            && let Ok(value) = value.downcast::<T>()
        {
            return Ok(value);
        }
        let value = Arc::new(read.await?);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT {
            kept.clear();
        }
        // A slower reader of an older version never replaces a newer one.
        if kept.get(&key).is_none_or(|(at, _)| *at <= version) {
            kept.insert(key, (version, value.clone()));
        }
        Ok(value)
    }

    /// How many reads are kept (for tests).
    pub fn len(&self) -> usize {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn counted(reads: &std::sync::atomic::AtomicUsize, v: &'static str) -> Result<&'static str, AppError> {
        reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(v)
    }

    #[tokio::test]
    async fn a_read_is_kept_until_the_version_moves() {
        let cache = ReadCache::default();
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let key = || Key::Path("/public/lots".into());
        assert_eq!(*cache.get(7, key(), counted(&reads, "a")).await.unwrap(), "a");
        assert_eq!(*cache.get(7, key(), counted(&reads, "b")).await.unwrap(), "a", "same version: kept");
        assert_eq!(reads.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(*cache.get(8, key(), counted(&reads, "c")).await.unwrap(), "c", "a change: read again");
        assert_eq!(*cache.get(7, key(), counted(&reads, "d")).await.unwrap(), "d", "an older version is read");
        assert_eq!(*cache.get(8, key(), counted(&reads, "e")).await.unwrap(), "c", "…and never replaces a newer");
        assert_eq!(*cache.get(8, Key::CompanyName, counted(&reads, "f")).await.unwrap(), "f", "keys apart");
    }

    #[tokio::test]
    async fn a_failed_read_keeps_nothing() {
        let cache = ReadCache::default();
        let failed: Result<Arc<i64>, _> = cache.get(1, Key::CompanyName, async { Err(AppError::NotFound) }).await;
        assert!(failed.is_err());
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn the_kept_reads_are_bounded() {
        let cache = ReadCache::default();
        for i in 0..(KEPT + 10) {
            cache.get(1, Key::Path(format!("/public/announcements?page={i}")), async { Ok(i) }).await.unwrap();
        }
        assert!(cache.len() <= KEPT);
    }
}
