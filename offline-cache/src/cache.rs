//! A process-wide cache of loaded snapshots.
//!
//! A compiler process expands hundreds of `query!` calls; each must not parse the
//! snapshot again. Entries are keyed by canonical path and modification time, so an
//! edited snapshot (a rust-analyzer session lives long) is read afresh.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use once_cell::sync::Lazy;

use crate::error::SnapshotError;
use crate::snapshot::Snapshot;

type Entry = (Option<SystemTime>, Arc<Snapshot>);

static CACHE: Lazy<Mutex<HashMap<PathBuf, Entry>>> = Lazy::new(|| Mutex::new(HashMap::new()));
static PARSES: AtomicUsize = AtomicUsize::new(0);

/// Loads the snapshot at `path`, parsing it only if this process has not already
/// parsed the same file at the same modification time.
pub fn load_cached(path: &Path) -> Result<Arc<Snapshot>, SnapshotError> {
    let canonical = path
        .canonicalize()
        .map_err(|source| SnapshotError::reading(path, source))?;
    let mtime = std::fs::metadata(&canonical)
        .and_then(|m| m.modified())
        .ok();
    {
        let cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((cached_mtime, snap)) = cache.get(&canonical) {
            if *cached_mtime == mtime && mtime.is_some() {
                return Ok(snap.clone());
            }
        }
    }
    let snap = Arc::new(Snapshot::load(&canonical)?);
    PARSES.fetch_add(1, Ordering::Relaxed);
    CACHE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(canonical, (mtime, snap.clone()));
    Ok(snap)
}

/// How many times this process has parsed a snapshot file through [`load_cached`].
pub fn parse_count() -> usize {
    PARSES.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_parsed_once_until_it_changes() {
        let dir = std::env::temp_dir().join(format!("mssqlx-cache-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("mssqlx.json");
        Snapshot::new().save(&path).unwrap();
        let before = parse_count();
        let a = load_cached(&path).unwrap();
        let b = load_cached(&dir.join(".").join("mssqlx.json")).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(parse_count(), before + 1);
        // a newer modification time means a re-read
        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut changed = Snapshot::new();
        changed
            .databases
            .insert("reporting".into(), Default::default());
        changed.save(&path).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
        let c = load_cached(&path).unwrap();
        assert!(c.database("reporting").is_some());
        assert_eq!(parse_count(), before + 2);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_missing_file_names_the_path_and_the_fix() {
        let err = load_cached(Path::new("/nonexistent/mssqlx.json")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("/nonexistent/mssqlx.json"), "{msg}");
        assert!(msg.contains("mssqlx snapshot"), "{msg}");
    }
}
