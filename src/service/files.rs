//! Export and import: conversations written as JSON or Markdown to any writer or,
//! atomically, to a file; the TUI's one-key Markdown export into
//! `<data-dir>/exports/`; and import of an export file. The renderings themselves
//! are `crate::export`'s, the reading of a file `crate::import`'s.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Service, ServiceError};
use crate::export::{self, ConversationExport};
use crate::fsutil::{self, Access, WriteError};
use crate::import::ImportError;
use crate::store::{ImportCounts, StoreError};

/// The formats an export is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The JSON of the command-line contract (what import reads back).
    Json,
    Md,
}

/// How the conversations of an export are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportShape {
    /// One conversation: a JSON object, or one Markdown transcript.
    Single,
    /// A collection (`--all`): a JSON array, or transcripts separated by rules.
    Collection,
}

/// Why an export failed. The I/O causes stay in the error's chain, so a caller can
/// tell a reader that went away (`export --all | head`) from a real failure.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{0}")]
    Write(#[from] WriteError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// Directory of the TUI's exports, inside the data directory.
const EXPORTS_DIR: &str = "exports";

impl Service {
    /// The conversations an export covers: `id`, or every one. An unknown id
    /// fails here, before any file is created.
    pub fn export_ids(&self, id: Option<i64>) -> Result<Vec<i64>, ServiceError> {
        Ok(match id {
            Some(id) => {
                self.store.require_conversation(id)?;
                vec![id]
            }
            None => self.store.all_conversation_ids()?,
        })
    }

    /// Writes the export one conversation at a time, so `--all` never holds more
    /// than one conversation in memory. A conversation deleted meanwhile is left
    /// out of an `--all` export.
    pub fn export_to(
        &self,
        ids: &[i64],
        shape: ExportShape,
        format: ExportFormat,
        mut out: impl Write,
    ) -> Result<(), ExportError> {
        let many = shape == ExportShape::Collection;
        if many && format == ExportFormat::Json {
            out.write_all(b"[")?;
        }
        // Conversations written so far: one deleted meanwhile is skipped, and must
        // not leave a separator behind.
        let mut written = 0;
        for &id in ids {
            let view = match self.get_conversation(id) {
                Ok(view) => view,
                // Deleted while exporting everything: nothing to say about it.
                Err(ServiceError::Store(StoreError::NoConversation(_))) if many => continue,
                Err(e) => return Err(e.into()),
            };
            match format {
                ExportFormat::Json if many => {
                    out.write_all(if written == 0 { b"\n" } else { b",\n" })?;
                    out.write_all(
                        crate::sanitize::json_pretty(&ConversationExport::from_view(&view))?
                            .as_bytes(),
                    )?;
                }
                ExportFormat::Json => {
                    out.write_all(
                        crate::sanitize::json_pretty(&ConversationExport::from_view(&view))?
                            .as_bytes(),
                    )?;
                    out.write_all(b"\n")?;
                }
                ExportFormat::Md => {
                    if written > 0 {
                        out.write_all(b"\n---\n\n")?;
                    }
                    out.write_all(export::to_markdown(&view).as_bytes())?;
                }
            }
            written += 1;
        }
        if many && format == ExportFormat::Json {
            out.write_all(if written == 0 { b"]\n" } else { b"\n]\n" })?;
        }
        out.flush()?;
        Ok(())
    }

    /// [`Service::export_to`] a file, atomically: a failed export leaves no half
    /// file and keeps an older one.
    pub fn export_to_file(
        &self,
        ids: &[i64],
        shape: ExportShape,
        format: ExportFormat,
        path: &Path,
        access: Access,
    ) -> Result<(), ExportError> {
        fsutil::write_atomically(path, access, |out| self.export_to(ids, shape, format, out))
    }

    /// Writes conversation `id` as Markdown to `<data-dir>/exports/` (private, like
    /// the database it comes from); the file's path.
    pub fn export_markdown(&self, id: i64) -> Result<PathBuf, ExportError> {
        let conversation = self
            .store
            .require_conversation(id)
            .map_err(ServiceError::from)?;
        let dir = self.settings.data_dir.join(EXPORTS_DIR);
        fsutil::create_private_dir(&dir)?;
        let path = dir.join(export::file_name(&conversation, "md"));
        self.export_to_file(
            &[id],
            ExportShape::Single,
            ExportFormat::Md,
            &path,
            Access::Private,
        )?;
        Ok(path)
    }

    /// Imports the export file at `path`; conversations already here are skipped.
    pub fn import(&self, path: &Path) -> Result<ImportCounts, ImportError> {
        crate::import::import_file(&self.store, path)
    }
}
