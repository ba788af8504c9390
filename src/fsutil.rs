//! Owner-only files and directories, and atomic writes: the one place that knows
//! how the program creates what it writes (database folder, logs, crash reports,
//! exports, stream locks). Directories are 0700 and files 0600 on Unix, because
//! everything here holds interview text or says where it is.
//!
//! Imports nothing of ours.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Creates `dir` and its parents, each new one with mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Open options that create a file with mode 0600 on Unix (an existing file keeps
/// its mode). Set the access (`write`, `append`, `create`…) on the result.
pub fn private_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Replaces the contents of `path` with `bytes`, creating it 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    private_file()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?
        .write_all(bytes)
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Who may read a file written by [`write_atomically`] when it is new. An existing
/// file keeps its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Mode 0600: the owner only. Every file the program writes holds interview
    /// text, so this is also what a file the user names (`export -o`) gets.
    Private,
}

/// Creates a new file in `dir` named `<prefix><random><suffix>`, exclusively
/// (`O_EXCL`: never an existing file, never through a symlink) and with mode 0600
/// on Unix: safe in a folder others can write to, and unique to this call even
/// when several processes use the same folder.
pub fn create_private_temp(
    dir: &Path,
    prefix: &str,
    suffix: &str,
) -> std::io::Result<(File, PathBuf)> {
    let mut tries = 0;
    loop {
        let path = dir.join(format!("{prefix}{}{suffix}", uuid::Uuid::new_v4().simple()));
        match private_file().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Where writing to `path` should go: the file a chain of symlinks ends at (the
/// links themselves are kept), and whether the file must be written in place
/// rather than replaced: a device, FIFO, socket or terminal (`/dev/stdout`,
/// `/dev/null`), or anything reached through `/dev` or `/proc` (`/dev/stdout` is
/// `/proc/self/fd/1`, which may name a file a shell redirected into).
fn write_target(path: &Path) -> std::io::Result<(PathBuf, bool)> {
    let special_dir = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
    let mut current = path.to_path_buf();
    let mut in_place = special_dir(&current);
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if in_place {
                    // The kernel follows these (some, like /proc/self/fd/N, only it can).
                    return Ok((path.to_path_buf(), true));
                }
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
                in_place |= special_dir(&current);
            }
            Ok(meta) => {
                let ft = meta.file_type();
                let special = !ft.is_file() && !ft.is_dir();
                return Ok((current, in_place || special));
            }
            // A new file (possibly at the end of a dangling link).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((current, in_place)),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Writes `path` through `fill` into a temporary file beside it, then renames it
/// into place: a failed or interrupted write never leaves half a file, nor
/// clobbers an older good one. `fill`'s own error is returned as is.
///
/// - the temporary file is created exclusively with mode 0600
///   ([`create_private_temp`]);
/// - an existing file keeps its mode; a new one gets `access`;
/// - a symlink is written through: its target gets the new contents and the link
///   stays;
/// - a device, FIFO or terminal (`-o /dev/stdout`) is written directly, as a
///   shell's `>>` would, since it cannot be replaced.
pub fn write_atomically<E: From<WriteError>>(
    path: &Path,
    access: Access,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), E> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let (target, in_place) = write_target(path).map_err(err)?;
    if in_place {
        let file = OpenOptions::new().append(true).open(&target).map_err(err)?;
        let mut out = BufWriter::new(file);
        fill(&mut out)?;
        out.flush().map_err(err)?;
        return Ok(());
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().ok_or_else(|| {
        err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let existing = std::fs::metadata(&target)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions());
    let (file, temp) =
        create_private_temp(&dir, &format!(".{}.", name.to_string_lossy()), ".tmp").map_err(err)?;
    let temp = TempFile(temp);
    // A new file is created 0600 already, as `Access::Private` asks.
    let Access::Private = access;
    if let Some(mode) = existing {
        file.set_permissions(mode).map_err(err)?;
    }
    let mut out = BufWriter::new(file);
    fill(&mut out)?;
    let file = out.into_inner().map_err(|e| err(e.into_error()))?;
    file.sync_all().map_err(err)?;
    std::fs::rename(&temp.0, &target).map_err(err)?;
    std::mem::forget(temp);
    Ok(())
}

/// Removes the temporary file unless it was renamed into place.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_leave_nothing_behind_on_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.md");
        std::fs::write(&path, "old").expect("seed");
        let failed: Result<(), WriteError> = write_atomically(&path, Access::Private, |out| {
            out.write_all(b"partial").map_err(|source| WriteError {
                path: PathBuf::from("x"),
                source,
            })?;
            Err(WriteError {
                path: PathBuf::from("x"),
                source: std::io::Error::other("stop"),
            })
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
        write_atomically::<WriteError>(&path, Access::Private, |out| {
            out.write_all(b"new").map_err(|source| WriteError {
                path: path.clone(),
                source,
            })
        })
        .expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_directories_are_the_owner_s_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("a/b");
        create_private_dir(&sub).expect("dir");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        let file = sub.join("f");
        write_private(&file, b"x").expect("write");
        assert_eq!(mode(&file), 0o600);
        let atomic = sub.join("g");
        write_atomically::<WriteError>(&atomic, Access::Private, |out| {
            out.write_all(b"y").map_err(|source| WriteError {
                path: atomic.clone(),
                source,
            })
        })
        .expect("write");
        assert_eq!(mode(&atomic), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_keep_modes_follow_links_and_write_devices_in_place() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        let write = |p: &Path, text: &str| {
            write_atomically::<WriteError>(p, Access::Private, |out| {
                out.write_all(text.as_bytes()).map_err(|source| WriteError {
                    path: p.to_path_buf(),
                    source,
                })
            })
        };
        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, "old").expect("seed");
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        write(&kept, "new").expect("write");
        assert_eq!(mode(&kept), 0o640);
        assert_eq!(std::fs::read_to_string(&kept).expect("read"), "new");

        let target = dir.path().join("target.json");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("target.json", &link).expect("symlink");
        write(&link, "through").expect("write");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "through");
        assert_eq!(mode(&target), 0o600);

        write(Path::new("/dev/null"), "gone").expect("a device is written in place");
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::metadata("/dev/null")
                .expect("meta")
                .file_type()
                .is_char_device()
        );
        // Nothing left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|e| e.expect("e").file_name())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    #[test]
    fn private_temp_files_are_new_and_unique() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_a, pa) = create_private_temp(dir.path(), "draft-", ".md").expect("a");
        let (_b, pb) = create_private_temp(dir.path(), "draft-", ".md").expect("b");
        assert_ne!(pa, pb);
        assert!(
            pa.file_name()
                .expect("name")
                .to_string_lossy()
                .starts_with("draft-")
        );
    }
}
