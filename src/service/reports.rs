//! Feedback reports: the stored one, or a new one made by the agent from the
//! conversation's transcript and stored here, its weak spots put on the practice
//! schedule. The one implementation behind `interviewer report` and the TUI's
//! report view.

use super::Service;
use crate::agent::report::{Assessment, assess, has_answers};
use crate::agent::{AgentError, Backend, Usage};
use crate::domain::{StoredReport, history_for_model};
use crate::store::StoreError;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "conversation {0} has no answers to assess yet: answer at least one question, then ask for the report"
    )]
    NoAnswers(i64),
    #[error(
        "conversation {0} is a drill: its feedback is in the conversation itself (`interviewer show {0}`); run `interviewer drill` to practise again"
    )]
    Drill(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Agent(#[from] AgentError),
}

/// A report to show.
#[derive(Debug, Clone)]
pub struct ReportReady {
    pub stored: StoredReport,
    /// Tokens the evaluation used, when it was made now by a server that said.
    pub usage: Option<Usage>,
}

impl Service {
    /// The conversation's newest stored report or, when there is none (or with
    /// `regenerate`), a new one: by the model when `backend` is a server, from the
    /// heuristics when it is offline. `backend` is only asked for when a report has
    /// to be made, so a stored report shows without a key. An invalid model reply
    /// is stored too (`valid = 0`) so it can be shown as it came.
    pub async fn report<E: From<ReportError>>(
        &self,
        conversation_id: i64,
        regenerate: bool,
        backend: impl FnOnce() -> Result<Backend, E>,
    ) -> Result<ReportReady, E> {
        let conversation = self
            .store
            .require_conversation(conversation_id)
            .map_err(ReportError::from)?;
        if !regenerate
            && let Some(stored) = self
                .store
                .latest_report(conversation_id)
                .map_err(ReportError::from)?
        {
            return Ok(ReportReady {
                stored,
                usage: None,
            });
        }
        if self
            .store
            .drill(conversation_id)
            .map_err(ReportError::from)?
            .is_some()
        {
            return Err(ReportError::Drill(conversation_id).into());
        }
        let messages = self
            .store
            .messages(conversation_id)
            .map_err(ReportError::from)?;
        let history = history_for_model(&messages);
        if !has_answers(&history) {
            return Err(ReportError::NoAnswers(conversation_id).into());
        }
        // Only now, when there is something to assess, is the backend made (and
        // "asking <model>…" said).
        let backend = backend()?;
        let setup = conversation.setup.unwrap_or_default();
        // The conversation's own model assesses it (a local server may offer
        // nothing else), unless `--model` names another for this run.
        let evaluator = match conversation.model {
            Some(model) if !self.settings.model_given() => model,
            _ => self.settings.model.clone(),
        };
        let Assessment {
            kind,
            model,
            body,
            valid,
            usage,
        } = assess(&backend, &evaluator, &setup, &history)
            .await
            .map_err(ReportError::from)?;
        let id = self
            .store
            .insert_report(conversation_id, kind, model.as_deref(), &body, valid)
            .map_err(ReportError::from)?;
        // The newest report's weak spots go on the practice schedule. A failure here
        // loses nothing of the report, which is stored: it is logged, not shown.
        if valid && let Ok(report) = crate::domain::report::parse(&body) {
            match self.schedule_weak_spots(conversation_id, &setup, &report) {
                Ok(n) if n > 0 => tracing::info!(conversation_id, n, "weak spots scheduled"),
                Ok(_) => {}
                Err(e) => tracing::warn!(conversation_id, error = %e, "cannot schedule weak spots"),
            }
        }
        let stored = self
            .store
            .latest_report(conversation_id)
            .map_err(ReportError::from)?
            .filter(|r| r.id == id)
            .ok_or(ReportError::Store(StoreError::NoConversation(
                conversation_id,
            )))?;
        Ok(ReportReady { stored, usage })
    }
}
