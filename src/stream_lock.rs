//! Marks replies that a live process is streaming, so that start-up recovery in
//! another process (a second TUI, an `ask`) leaves them alone. Used by the service
//! only; it knows files, not the database.
//!
//! The streaming process holds an OS file lock on `<data-dir>/streams/<id>.lock` for
//! as long as it writes the reply. The OS drops the lock when the process dies, even
//! by `kill -9`, so a lock that can be taken means nobody is streaming that row any
//! more. Locking is best-effort: if the lock file cannot be made, the reply still
//! streams, and only the cross-process protection is lost (the stream's next flush
//! restores `streaming` anyway).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// Held while a reply streams; released and removed on drop.
#[derive(Debug)]
pub struct StreamLock {
    path: PathBuf,
    // Kept open: closing the file releases the lock.
    _file: File,
}

fn lock_path(data_dir: &Path, message_id: i64) -> PathBuf {
    data_dir.join("streams").join(format!("{message_id}.lock"))
}

impl StreamLock {
    /// Takes the lock for a reply row, or `None` (logged) when that is not possible.
    pub fn acquire(data_dir: &Path, message_id: i64) -> Option<StreamLock> {
        let path = lock_path(data_dir, message_id);
        let result = (|| -> std::io::Result<File> {
            if let Some(dir) = path.parent() {
                crate::fsutil::create_private_dir(dir)?;
            }
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)?;
            file.try_lock().map_err(|e| match e {
                TryLockError::Error(e) => e,
                TryLockError::WouldBlock => std::io::Error::other("already locked"),
            })?;
            Ok(file)
        })();
        match result {
            Ok(file) => Some(StreamLock { path, _file: file }),
            Err(e) => {
                tracing::warn!(message_id, error = %e, "cannot lock the streaming reply");
                None
            }
        }
    }
}

impl Drop for StreamLock {
    fn drop(&mut self) {
        // Remove before the file closes, so nobody else can lock a file we are deleting.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether some live process is streaming this reply right now.
pub fn is_live(data_dir: &Path, message_id: i64) -> bool {
    let path = lock_path(data_dir, message_id);
    let Ok(file) = OpenOptions::new().write(true).open(&path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            // A leftover from a crashed process: tidy it up.
            let _ = std::fs::remove_file(&path);
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_live_and_a_dropped_one_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(!is_live(dir.path(), 7));
        let lock = StreamLock::acquire(dir.path(), 7).expect("lock");
        assert!(is_live(dir.path(), 7));
        drop(lock);
        assert!(!is_live(dir.path(), 7));
        assert!(!lock_path(dir.path(), 7).exists());
    }

    #[test]
    fn a_leftover_file_without_a_holder_is_not_live() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = lock_path(dir.path(), 3);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, b"").expect("write");
        assert!(!is_live(dir.path(), 3));
        assert!(!path.exists());
    }
}
