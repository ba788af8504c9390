//! Streaming chat completions from any OpenAI-compatible server (OpenAI, Azure-style
//! proxies, Ollama, llama.cpp, vLLM) through async-openai, with bounded waits, no
//! hidden retries, and every failure turned into an [`AgentError`] the user can act on.
//!
//! Deliberate departures from async-openai's defaults:
//! - Its retry layer is replaced by a bare [`ReqwestService`]: a 429 with
//!   `Retry-After: 60` must reach the user at once, not block for minutes.
//! - That service is wrapped by a probe that remembers the status and `Retry-After`
//!   header of the response, which `ApiErrorResponse` does not carry.
//! - The streamed request is sent with reqwest directly (async-openai's request
//!   types, our own event-stream reader `agent::sse`): its reader parses a stream a
//!   character at a time and hands each event to a task of its own. Each read of
//!   the body is taken whole, and its text goes on as one [`AgentEvent`].
//! - Stream chunks are read into lenient local types, not the strict generated
//!   ones: servers that omit `created`/`object` or send finish reasons outside
//!   OpenAI's list still work, and an `{"error": …}` chunk is recognised. Their
//!   text borrows from the event where it can.
//!
//! Every error is redacted where it is made (a [`Redactor`] built from the key and
//! the API base, see `secrets`): a server that quotes the request headers, or a
//! transport error that quotes the URL, never puts the key or URL credentials into
//! what is shown, stored or logged. URLs in messages are shown by
//! [`display_url`], without credentials.

use std::borrow::Cow;
use std::future::Future;
use std::net::IpAddr;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::{ApiError, OpenAIError, StreamError, WrappedError};
use async_openai::middleware::{HttpRequestFactory, ReqwestService};
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    ChatCompletionStreamOptions, CreateChatCompletionRequest,
};
use futures::{FutureExt, StreamExt};
use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::{Instant, timeout_at};
use tokio_util::sync::CancellationToken;

use super::sse::{self, SseReader};
use super::{AgentError, AgentEvent, ChatRequest, StreamEnd, Usage};
use crate::config::{Settings, Timeouts};
use crate::domain::Role;
use crate::domain::key::ApiKey;
use crate::redact::{Redactor, display_url};

/// After the finish reason arrives only the usage chunk and `[DONE]` are left; a
/// server that never sends them must not hold a finished reply for the full idle time.
const AFTER_FINISH_GRACE: Duration = Duration::from_secs(3);

/// Longest server message quoted back to the user (HTML error pages can be huge).
const MAX_QUOTED_CHARS: usize = 300;

/// A configured OpenAI-compatible endpoint. Cheap to clone (the HTTP client is shared).
#[derive(Clone)]
pub struct OpenAiBackend {
    http: LazyHttp,
    api_base: String,
    /// `None` for a server on this machine or the local network that needs none:
    /// requests then go without an `Authorization` header.
    api_key: Option<ApiKey>,
    timeouts: Timeouts,
    redactor: Redactor,
    /// Sent with every streamed request (`[limits] max_tokens`).
    max_tokens: u32,
}

impl std::fmt::Debug for OpenAiBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiBackend")
            .field("api_base", &display_url(&self.api_base))
            .field("api_key", &self.api_key)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

/// One prepared client plus the probe that sees its responses: what other modules
/// (the feedback report) use to make their own requests with the same no-retry
/// transport and the same error mapping.
pub struct OpenAiCall {
    pub client: Client<OpenAIConfig>,
    probe: ResponseProbe,
    /// The API base as shown (no credentials).
    shown_base: String,
    connect_timeout: Duration,
    redactor: Redactor,
}

impl OpenAiCall {
    /// Turns an async-openai error from this call into words for the user, with
    /// the key and URL credentials removed.
    pub fn error(&self, err: OpenAIError, model: &str) -> AgentError {
        map_error(
            err,
            self.probe.get(),
            &ErrorContext {
                model,
                api_base: &self.shown_base,
                connect_timeout: self.connect_timeout,
            },
        )
        .redacted(&self.redactor)
    }
}

impl OpenAiBackend {
    /// Whether requests carry an API key (`Authorization`).
    pub fn has_key(&self) -> bool {
        self.api_key.is_some()
    }

    /// Builds the HTTP client for `settings.api_base` with the connect timeout set.
    pub fn new(settings: &Settings, api_key: ApiKey) -> Result<OpenAiBackend, AgentError> {
        OpenAiBackend::with_key(settings, Some(api_key))
    }

    /// [`OpenAiBackend::new`] with the key optional: without one, requests carry no
    /// `Authorization` header (a local server). A key is refused for a plain
    /// `http://` address off this machine unless `allow_insecure_http_key` is set.
    pub fn with_key(
        settings: &Settings,
        api_key: Option<ApiKey>,
    ) -> Result<OpenAiBackend, AgentError> {
        let api_base = settings.api_base.trim().trim_end_matches('/').to_string();
        let redactor = Redactor::new(api_key.as_ref(), &api_base);
        // For the log and crash reports, whatever writes to them.
        crate::redact::register(&redactor);
        validate_api_base(&api_base).map_err(|e| e.redacted(&redactor))?;
        if api_key.is_some()
            && !settings.allow_insecure_http_key
            && key_would_travel_in_clear(&api_base)
        {
            return Err(AgentError::InsecureKey {
                url: display_url(&api_base),
            });
        }
        let http = LazyHttp::new(&api_base, settings.timeouts.connect);
        // Built on a thread of its own while the caller goes on (the first frame,
        // the database), so neither waits for the root certificates.
        http.prewarm();
        Ok(OpenAiBackend {
            http,
            api_base,
            api_key,
            timeouts: settings.timeouts,
            redactor,
            max_tokens: settings.limits.max_tokens,
        })
    }

    /// The endpoint in use (without a trailing slash), as it may be shown: without
    /// credentials.
    pub fn api_base(&self) -> String {
        display_url(&self.api_base)
    }

    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// A fresh client for one request. Each request gets its own probe, so two
    /// requests in flight never see each other's response headers.
    pub fn call(&self) -> Result<OpenAiCall, AgentError> {
        let http = self.http()?;
        let probe = ResponseProbe::default();
        let config = OpenAIConfig::new()
            .with_api_base(self.api_base.clone())
            .with_api_key(self.api_key.as_ref().map_or("", |k| k.expose()));
        // `build` with our client, not `with_config`: that one makes a fresh
        // `reqwest::Client`, which reads every system root certificate (~300 files,
        // 4-8 ms) only to be replaced. `with_http_service` must come last: it replaces
        // the default executor, which carries the retry layer.
        let client = Client::build(http.clone(), config).with_http_service(ProbedService {
            inner: ReqwestService::new(http.clone()),
            http: http.clone(),
            keyless: self.api_key.is_none(),
            probe: probe.clone(),
        });
        Ok(OpenAiCall {
            client,
            probe,
            shown_base: display_url(&self.api_base),
            connect_timeout: self.timeouts.connect,
            redactor: self.redactor.clone(),
        })
    }

    /// The shared HTTP client, or why it cannot be built.
    fn http(&self) -> Result<&reqwest::Client, AgentError> {
        self.http.get().map_err(|reason| {
            AgentError::Connect {
                url: display_url(&self.api_base),
                reason: reason.to_string(),
            }
            .redacted(&self.redactor)
        })
    }

    /// The models the server offers (`GET …/models`), sorted by id. Waits at most
    /// the first-token bound: a server that lists nothing in that time is reported
    /// like one that does not answer a chat request.
    pub async fn list_models(&self) -> Result<Vec<ServerModel>, AgentError> {
        let call = self.call()?;
        let limit = self.timeouts.first_token;
        let listed = tokio::time::timeout(limit, call.client.models().list_byot::<ModelList>())
            .await
            .map_err(|_| AgentError::Timeout {
                secs: limit.as_secs(),
            })?
            .map_err(|e| call.error(e, ""))?;
        let mut models: Vec<ServerModel> = listed
            .data
            .into_iter()
            .filter(|m| !m.id.trim().is_empty())
            .map(|m| ServerModel {
                id: m.id,
                owned_by: m.owned_by.unwrap_or_default(),
            })
            .collect();
        models.sort_by(|a, b| a.id.cmp(&b.id));
        models.dedup_by(|a, b| a.id == b.id);
        Ok(models)
    }

    /// Streams one reply: sends [`AgentEvent::Delta`]s for the text as it arrives and
    /// returns how the stream ended (the caller sends the final `Done`), its reason
    /// redacted.
    pub async fn stream(
        &self,
        request: &ChatRequest,
        events: &UnboundedSender<AgentEvent>,
        cancel: &CancellationToken,
    ) -> (StreamEnd, Option<Usage>) {
        let (end, usage) = self.stream_unredacted(request, events, cancel).await;
        (end.redacted(&self.redactor), usage)
    }

    async fn stream_unredacted(
        &self,
        request: &ChatRequest,
        events: &UnboundedSender<AgentEvent>,
        cancel: &CancellationToken,
    ) -> (StreamEnd, Option<Usage>) {
        // Tests only (debug builds): a panic in the request, inside the backend's catch.
        crate::crash::panic_in_request_if_requested();
        let first_deadline = Instant::now() + self.timeouts.first_token;
        let first_secs = self.timeouts.first_token.as_secs().max(1);

        let opened = tokio::select! {
            biased;
            _ = cancel.cancelled() => return (StreamEnd::Interrupted("cancelled".into()), None),
            opened = timeout_at(first_deadline, self.open(request)) => opened,
        };
        let mut body = match opened {
            Err(_elapsed) => {
                return (
                    StreamEnd::Failed(AgentError::Timeout { secs: first_secs }),
                    None,
                );
            }
            Ok(Err(err)) => return (StreamEnd::Failed(err), None),
            Ok(Ok(body)) => body,
        };

        let mut sse = SseReader::new(MAX_SSE_LINE_BYTES);
        let mut reader = ReplyReader::default();
        loop {
            // What has already arrived is read without waiting (no timer, no
            // wake-up), and its text goes on as one event; only when nothing is
            // left is the batch sent and the next read awaited, within its bound.
            // The connection's own task decodes the body one piece at a time, so
            // it is let run once before deciding that nothing is left.
            let mut ready = body.chunk().now_or_never();
            if ready.is_none() {
                let_others_run().await;
                ready = body.chunk().now_or_never();
            }
            if ready.is_none() || reader.batch_len() >= MAX_BATCH_BYTES || cancel.is_cancelled() {
                reader.send(events);
            }
            if cancel.is_cancelled() {
                return (StreamEnd::Interrupted("cancelled".into()), reader.usage);
            }
            let next = match ready {
                Some(next) => Ok(next),
                None => {
                    // Until the first text (or reasoning), the first-token bound holds
                    // even if the server sends empty chunks (a role, keep-alives) while
                    // it reads a long prompt; after that, the idle bound between reads.
                    let deadline = match (&reader.finish, reader.alive()) {
                        (Some(_), _) => Instant::now() + AFTER_FINISH_GRACE.min(self.timeouts.idle),
                        (None, true) => Instant::now() + self.timeouts.idle,
                        (None, false) => first_deadline,
                    };
                    tokio::select! {
                        biased;
                        _ = cancel.cancelled() => {
                            return (StreamEnd::Interrupted("cancelled".into()), reader.usage);
                        }
                        next = timeout_at(deadline, body.chunk()) => next,
                    }
                }
            };
            let outcome = match next {
                Err(_elapsed) => match reader.finish.take() {
                    Some(reason) => Outcome::Finished(reason),
                    None if reader.alive() => Outcome::Cut(AgentError::Stalled {
                        secs: self.timeouts.idle.as_secs().max(1),
                    }),
                    None => Outcome::Cut(AgentError::Timeout { secs: first_secs }),
                },
                Ok(Ok(Some(bytes))) => match reader.read(&mut sse, &bytes, events) {
                    Read::More => continue,
                    Read::Done => reader.finished_or_cut_off(),
                    Read::Failed(err) => Outcome::Cut(err),
                },
                // The body ended without `[DONE]`: what was read decides.
                Ok(Ok(None)) => reader.finished_or_cut_off(),
                Ok(Err(err)) => match reader.finish.take() {
                    // Trouble after the finish reason (a dropped connection before
                    // `[DONE]`) costs nothing: the reply is whole.
                    Some(reason) => Outcome::Finished(reason),
                    None => Outcome::Cut(AgentError::Dropped {
                        reason: source_chain(&err),
                    }),
                },
            };
            reader.end(events);
            let end = match outcome {
                Outcome::Finished(reason) => finish_end(&reason),
                // Nothing of the reply arrived: a plain failure the user can retry.
                Outcome::Cut(err) if !reader.got_text => StreamEnd::Failed(err),
                Outcome::Cut(err) => {
                    tracing::warn!(error = %err, "the reply was cut off");
                    StreamEnd::Interrupted(err.to_string())
                }
            };
            return (end, reader.usage);
        }
    }

    /// Sends the request and waits for the response head; returns the response
    /// whose body is the event stream. Asks for usage in the stream and bounds the
    /// reply with `max_tokens`. A server that rejects `stream_options` (400 naming
    /// it) is asked once more without it, and one that rejects `max_tokens` in favour
    /// of `max_completion_tokens` (OpenAI's reasoning models) once more with that:
    /// capability probes, not retries.
    ///
    /// Sent with reqwest itself rather than through async-openai's client (whose
    /// request types it uses): its stream reader parses events a character at a
    /// time and hands each to a task of its own, which cost a streamed reply more
    /// than everything else together. Failures are read as async-openai reads them
    /// and mapped by the same [`map_error`] as every other request.
    async fn open(&self, request: &ChatRequest) -> Result<reqwest::Response, AgentError> {
        let http = self.http()?;
        let url = format!("{}/chat/completions", self.api_base);
        let authorization = match &self.api_key {
            Some(key) => Some(bearer(key)?),
            None => None,
        };
        let shown_base = display_url(&self.api_base);
        let cx = ErrorContext {
            model: &request.model,
            api_base: &shown_base,
            connect_timeout: self.timeouts.connect,
        };
        let mut shape = RequestShape {
            include_usage: true,
            max_tokens: Some(TokenBound::MaxTokens(self.max_tokens)),
        };
        // At most one probe for each of the two parameters.
        for _ in 0..3 {
            let body = serde_json::to_vec(&build_request_shaped(request, shape))
                .map_err(|e| AgentError::Internal(format!("cannot write the request: {e}")))?;
            let mut post = http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
            if let Some(value) = &authorization {
                post = post.header(reqwest::header::AUTHORIZATION, value.clone());
            }
            let err = match post.send().await {
                Ok(response) if response.status().is_success() => {
                    return readable_stream(response).await;
                }
                Ok(response) => {
                    let meta = response_meta(&response);
                    map_error(error_response(response).await, Some(meta), &cx)
                }
                Err(e) => map_error(OpenAIError::Reqwest(e), None, &cx),
            };
            let AgentError::BadRequest { message } = &err else {
                return Err(err);
            };
            if shape.include_usage && mentions_stream_options(message) {
                tracing::info!("server rejected stream_options; asking again without it");
                shape.include_usage = false;
            } else if matches!(shape.max_tokens, Some(TokenBound::MaxTokens(_)))
                && message.contains("max_completion_tokens")
            {
                tracing::info!("server wants max_completion_tokens; asking again with it");
                shape.max_tokens = Some(TokenBound::MaxCompletionTokens(self.max_tokens));
            } else {
                return Err(err);
            }
        }
        Err(AgentError::Protocol(
            "the server refused every form of the request".into(),
        ))
    }
}

/// Lets the runtime's other ready tasks run once before going on, without the
/// round through the I/O driver that `tokio::task::yield_now` makes.
async fn let_others_run() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
}

/// `Authorization: Bearer <key>`, marked sensitive (never shown in debug output).
fn bearer(key: &ApiKey) -> Result<reqwest::header::HeaderValue, AgentError> {
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", key.expose()))
        .map_err(|_| {
            AgentError::UnusableKey(
                "the API key holds characters a request header cannot carry: set it again with `interviewer key set`"
                    .into(),
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Status and `Retry-After` of a response.
fn response_meta(response: &reqwest::Response) -> ResponseMeta {
    ResponseMeta {
        status: response.status().as_u16(),
        retry_after_secs: response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after),
    }
}

/// The most of an error body read: enough for any server's message or an HTML
/// page's title; a server sending megabytes is not waited for.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// A failure status's body as async-openai reads it for its other requests
/// (`map_error` then takes it the same way): a 5xx body as it is, OpenAI's error
/// JSON as an API error, any other body as text that did not parse. Only its
/// first [`MAX_ERROR_BODY_BYTES`] are read.
async fn error_response(mut response: reqwest::Response) -> OpenAIError {
    let status = response.status();
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(bytes)) => body.extend_from_slice(&bytes),
            Ok(None) => break,
            Err(e) => return OpenAIError::Reqwest(e),
        }
    }
    body.truncate(MAX_ERROR_BODY_BYTES);
    let text = String::from_utf8_lossy(&body).into_owned();
    if status.is_server_error() {
        // The log's writer keeps a bounded excerpt of this.
        tracing::warn!("Server error: {status} - {text}");
        return OpenAIError::ApiError(async_openai::error::ApiErrorResponse {
            status_code: status,
            api_error: ApiError {
                message: text,
                ..Default::default()
            },
        });
    }
    match serde_json::from_str::<WrappedError>(&text) {
        Ok(wrapped) => OpenAIError::ApiError(async_openai::error::ApiErrorResponse {
            status_code: status,
            api_error: wrapped.error,
        }),
        Err(e) => OpenAIError::JSONDeserialize(e, text),
    }
}

/// Which optional parameters a streamed request carries.
#[derive(Debug, Clone, Copy)]
struct RequestShape {
    include_usage: bool,
    max_tokens: Option<TokenBound>,
}

/// The bound on a reply's tokens, under the name the server accepts.
#[derive(Debug, Clone, Copy)]
enum TokenBound {
    MaxTokens(u32),
    MaxCompletionTokens(u32),
}

/// The most text gathered from reads already waiting before it is sent on.
const MAX_BATCH_BYTES: usize = 64 * 1024;

enum Outcome {
    Finished(String),
    Cut(AgentError),
}

/// What one read of the body led to.
enum Read {
    /// Keep reading.
    More,
    /// `[DONE]`, or trouble after the finish reason: the stream is over.
    Done,
    /// The stream cannot go on.
    Failed(AgentError),
}

/// What has been read of one streamed reply so far, and the text read but not yet
/// sent on: the events of one batch of reads go as one event, not one per chunk.
#[derive(Default)]
struct ReplyReader {
    /// Keeps a leading `<think>` block out of the answer.
    think: super::think::ThinkSplitter,
    got_text: bool,
    /// A reasoning model's thinking arrived (kept apart, and proof of progress).
    got_reasoning: bool,
    finish: Option<String>,
    usage: Option<Usage>,
    /// Read, not yet sent: the answer's text, or the thinking when
    /// `batch_is_reasoning`. One kind at a time, so their order is kept.
    batch: String,
    batch_is_reasoning: bool,
}

impl ReplyReader {
    fn alive(&self) -> bool {
        self.got_text || self.got_reasoning
    }

    fn batch_len(&self) -> usize {
        self.batch.len()
    }

    /// Sends the text read so far on as one event.
    fn send(&mut self, events: &UnboundedSender<AgentEvent>) {
        if self.batch.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.batch);
        // The receiver going away must not stop the reply being read.
        let _ = events.send(if self.batch_is_reasoning {
            AgentEvent::Reasoning(text)
        } else {
            AgentEvent::Delta(text)
        });
    }

    fn answer(&mut self, text: &str, events: &UnboundedSender<AgentEvent>) {
        if text.is_empty() {
            return;
        }
        if self.batch_is_reasoning {
            self.send(events);
            self.batch_is_reasoning = false;
        }
        self.got_text = true;
        self.batch.push_str(text);
    }

    fn reasoning(&mut self, text: &str, events: &UnboundedSender<AgentEvent>) {
        if text.is_empty() {
            return;
        }
        if !self.batch_is_reasoning {
            self.send(events);
            self.batch_is_reasoning = true;
        }
        self.got_reasoning = true;
        self.batch.push_str(text);
    }

    /// The answer's text and the thinking of one piece of content, in that order.
    fn forward(&mut self, split: super::think::Split, events: &UnboundedSender<AgentEvent>) {
        self.reasoning(&split.reasoning, events);
        self.answer(&split.answer, events);
    }

    /// The stream is over: sends what the think splitter held back, and the batch.
    fn end(&mut self, events: &UnboundedSender<AgentEvent>) {
        let split = self.think.finish();
        self.forward(split, events);
        self.send(events);
    }

    /// The stream ended cleanly: finished if the finish reason came.
    fn finished_or_cut_off(&mut self) -> Outcome {
        match self.finish.take() {
            Some(reason) => Outcome::Finished(reason),
            None => Outcome::Cut(AgentError::CutOff),
        }
    }

    /// Takes one read of the body: every event it completes, up to `[DONE]`.
    fn read(
        &mut self,
        sse: &mut SseReader,
        bytes: &[u8],
        events: &UnboundedSender<AgentEvent>,
    ) -> Read {
        let mut read = Read::More;
        let fed = sse.feed(bytes, |event| {
            if event.data == "[DONE]" {
                read = Read::Done;
                return ControlFlow::Break(());
            }
            if event.event == "keepalive" {
                return ControlFlow::Continue(());
            }
            read = match serde_json::from_str::<Chunk<'_>>(event.data) {
                Ok(chunk) => match self.take(chunk, events) {
                    Ok(()) => return ControlFlow::Continue(()),
                    // An error chunk ends the reply, even after a finish reason.
                    Err(err) => Read::Failed(err),
                },
                // Trouble after the finish reason costs nothing: the reply is whole.
                Err(_) if self.finish.is_some() => Read::Done,
                Err(e) => Read::Failed(unreadable_chunk(event.data, &e)),
            };
            ControlFlow::Break(())
        });
        match fed {
            Ok(_) => read,
            Err(_) if self.finish.is_some() => Read::Done,
            Err(sse::TooLong::Line) => Read::Failed(overlong("line")),
            Err(sse::TooLong::Event) => Read::Failed(overlong("event")),
        }
    }

    /// Takes one chunk: gathers its text, remembers its finish reason and usage.
    fn take(
        &mut self,
        chunk: Chunk<'_>,
        events: &UnboundedSender<AgentEvent>,
    ) -> Result<(), AgentError> {
        if let Some(error) = chunk.error {
            return Err(AgentError::ServerStream {
                message: quote(&error.message),
            });
        }
        if let Some(u) = chunk.usage {
            self.usage = Some(Usage {
                prompt_tokens: u.prompt_tokens,
                completion_tokens: u.completion_tokens,
            });
        }
        // Only one choice is asked for; some servers omit `index`, so take the first.
        if let Some(choice) = chunk.choices.into_iter().next() {
            let delta = choice.delta.unwrap_or_default();
            if let Some(thinking) = delta.reasoning_content.or(delta.reasoning) {
                self.reasoning(&thinking, events);
            }
            if let Some(text) = delta.content
                && !text.is_empty()
            {
                if self.think.passes_through() {
                    self.answer(&text, events);
                } else {
                    let split = self.think.push(&text);
                    self.forward(split, events);
                }
            }
            if let Some(reason) = choice.finish_reason.filter(|r| !r.is_empty()) {
                self.finish = Some(reason.into_owned());
            }
        }
        Ok(())
    }
}

/// What is wrong with an event's data that is not a chunk: a server's error in
/// OpenAI's shape, or text that is not JSON.
fn unreadable_chunk(data: &str, e: &serde_json::Error) -> AgentError {
    match serde_json::from_str::<WrappedError>(data) {
        Ok(wrapped) => AgentError::ServerStream {
            message: quote(&wrapped.error.message),
        },
        Err(_) => {
            tracing::debug!(error = %e, "a chunk that is not JSON");
            AgentError::Protocol(format!(
                "a reply chunk was not valid JSON: {:?}",
                quote(data)
            ))
        }
    }
}

/// How a finish reason ends the reply.
fn finish_end(reason: &str) -> StreamEnd {
    match reason {
        "length" => StreamEnd::Interrupted("the reply hit the model's length limit".into()),
        "content_filter" => {
            StreamEnd::Interrupted("the server's content filter stopped the reply".into())
        }
        // `stop`, and the other names servers use for a natural end (`eos`, `end_turn`…).
        _ => StreamEnd::Complete,
    }
}

/// The request body: the system prompt first, then the setup's documents (job
/// description, CV) in a user message of their own, then the history in order (the
/// new user message is its last turn).
pub fn build_request(request: &ChatRequest, include_usage: bool) -> CreateChatCompletionRequest {
    build_request_shaped(
        request,
        RequestShape {
            include_usage,
            max_tokens: None,
        },
    )
}

// `max_tokens` is deprecated by OpenAI in favour of `max_completion_tokens`, but it is
// the name every compatible server knows; `open` switches when a server asks.
#[allow(deprecated)]
fn build_request_shaped(request: &ChatRequest, shape: RequestShape) -> CreateChatCompletionRequest {
    let include_usage = shape.include_usage;
    let mut messages: Vec<ChatCompletionRequestMessage> =
        Vec::with_capacity(request.history.len() + 1);
    if !request.system_prompt.trim().is_empty() {
        messages
            .push(ChatCompletionRequestSystemMessage::from(request.system_prompt.as_str()).into());
    }
    // The job description and CV travel in their own user message, fenced with a
    // fresh token for this request, never inside the system prompt.
    if let Some(documents) = super::persona::documents_message(&request.setup) {
        messages.push(ChatCompletionRequestUserMessage::from(documents.as_str()).into());
    }
    for turn in &request.history {
        let content = turn.content.as_str();
        messages.push(match turn.role {
            Role::System => ChatCompletionRequestSystemMessage::from(content).into(),
            Role::User => ChatCompletionRequestUserMessage::from(content).into(),
            Role::Assistant => ChatCompletionRequestAssistantMessage::from(content).into(),
        });
    }
    CreateChatCompletionRequest {
        model: request.model.clone(),
        messages,
        stream: Some(true),
        stream_options: include_usage.then_some(ChatCompletionStreamOptions {
            include_usage: Some(true),
            include_obfuscation: None,
        }),
        max_tokens: match shape.max_tokens {
            Some(TokenBound::MaxTokens(n)) => Some(n),
            _ => None,
        },
        max_completion_tokens: match shape.max_tokens {
            Some(TokenBound::MaxCompletionTokens(n)) => Some(n),
            _ => None,
        },
        ..Default::default()
    }
}

fn mentions_stream_options(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("stream_options") || m.contains("include_usage")
}

/// Whether `api_base` names this machine or a private network (127.0.0.0/8, ::1,
/// `localhost`, 10/8, 172.16/12, 192.168/16, fc00::/7): a server there may need no key.
pub fn key_optional(api_base: &str) -> bool {
    match host_of(api_base) {
        Some(Host::Name(d)) => is_localhost(&d),
        Some(Host::Ip(IpAddr::V4(ip))) => ip.is_loopback() || ip.is_private(),
        Some(Host::Ip(IpAddr::V6(ip))) => ip.is_loopback() || (ip.segments()[0] & 0xfe00) == 0xfc00,
        None => false,
    }
}

enum Host {
    Name(String),
    Ip(IpAddr),
}

fn host_of(api_base: &str) -> Option<Host> {
    let url = reqwest::Url::parse(api_base.trim()).ok()?;
    let host = url.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    Some(match bare.parse::<IpAddr>() {
        Ok(ip) => Host::Ip(ip),
        Err(_) => Host::Name(host.to_string()),
    })
}

fn is_localhost(domain: &str) -> bool {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    d == "localhost" || d.ends_with(".localhost")
}

/// Whether a key sent to `api_base` would cross a network unencrypted: plain
/// `http://` to anything but this machine.
fn key_would_travel_in_clear(api_base: &str) -> bool {
    let plain = reqwest::Url::parse(api_base.trim()).is_ok_and(|u| u.scheme() == "http");
    let on_this_machine = match host_of(api_base) {
        Some(Host::Name(d)) => is_localhost(&d),
        Some(Host::Ip(ip)) => ip.is_loopback(),
        None => false,
    };
    plain && !on_this_machine
}

/// One model a server offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerModel {
    pub id: String,
    /// Who the server says owns it ("" when it does not say).
    pub owned_by: String,
}

/// `GET /models` as servers really answer it: OpenAI's shape, but local servers
/// leave out `created` or `owned_by`, so only `id` is required.
#[derive(Debug, Deserialize)]
struct ModelList {
    #[serde(default)]
    data: Vec<ListedModel>,
}

#[derive(Debug, Deserialize)]
struct ListedModel {
    id: String,
    #[serde(default)]
    owned_by: Option<String>,
}

/// Refuses a base URL reqwest could never use, before any request is made.
fn validate_api_base(api_base: &str) -> Result<(), AgentError> {
    let invalid = |reason: String| AgentError::InvalidApiBase {
        url: api_base.to_string(),
        reason,
    };
    let url = reqwest::Url::parse(api_base).map_err(|e| invalid(e.to_string()))?;
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(invalid(format!(
            "the scheme must be http or https, not {other:?}"
        ))),
    }
}

// ----- lenient stream chunk types -------------------------------------------------

/// One `chat.completion.chunk`, reading only what is used and tolerating what
/// OpenAI-compatible servers leave out. Its text borrows from the event's data
/// when it holds no escapes.
#[derive(Debug, Deserialize)]
pub(crate) struct Chunk<'a> {
    #[serde(default, borrow)]
    choices: Vec<ChunkChoice<'a>>,
    #[serde(default)]
    usage: Option<ChunkUsage>,
    /// Some servers report a failure mid-stream as `data: {"error": {...}}`.
    #[serde(default)]
    error: Option<ChunkError>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice<'a> {
    #[serde(default, borrow)]
    delta: Option<ChunkDelta<'a>>,
    #[serde(default, borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
struct ChunkDelta<'a> {
    #[serde(default, borrow)]
    content: Option<Cow<'a, str>>,
    /// Reasoning models' thinking (DeepSeek, vLLM: `reasoning_content`; Ollama,
    /// OpenRouter: `reasoning`). Kept apart from the answer (`AgentEvent::Reasoning`).
    #[serde(default, borrow)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
struct ChunkUsage {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
}

#[derive(Debug, Deserialize)]
struct ChunkError {
    #[serde(default)]
    message: String,
}

// ----- response probe -------------------------------------------------------------

/// Status and `Retry-After` of the last response one client received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ResponseMeta {
    pub status: u16,
    pub retry_after_secs: Option<u64>,
}

#[derive(Debug, Clone, Default)]
struct ResponseProbe {
    meta: Arc<Mutex<Option<ResponseMeta>>>,
}

impl ResponseProbe {
    fn record(&self, meta: ResponseMeta) {
        *self.meta.lock().unwrap_or_else(|e| e.into_inner()) = Some(meta);
    }

    fn get(&self) -> Option<ResponseMeta> {
        *self.meta.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The HTTP client, built once on first use (or by [`LazyHttp::prewarm`] on a
/// thread of its own), so that nothing waits for it before it is needed. An
/// `https://` base gets the platform's root certificates (reading them all takes
/// several milliseconds); a plain `http://` base (a local server) gets none, so it
/// never reads them, and a redirect from it to `https://` is refused with a
/// sentence saying which address to configure instead.
#[derive(Clone)]
struct LazyHttp {
    cell: Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
    connect: Duration,
    plain: bool,
}

impl LazyHttp {
    fn new(api_base: &str, connect: Duration) -> LazyHttp {
        let plain = reqwest::Url::parse(api_base).is_ok_and(|u| u.scheme() == "http");
        LazyHttp {
            cell: Arc::default(),
            connect,
            plain,
        }
    }

    /// Builds the client now on another thread; [`LazyHttp::get`] then waits for
    /// that build instead of starting its own.
    fn prewarm(&self) {
        let me = self.clone();
        let _ = std::thread::Builder::new()
            .name("http-client".into())
            .spawn(move || {
                let _ = me.get();
            });
    }

    /// The client, or why it cannot be built (for example no root certificates
    /// on this system for an `https://` base).
    fn get(&self) -> Result<&reqwest::Client, &str> {
        self.cell
            .get_or_init(|| {
                let builder = reqwest::Client::builder().connect_timeout(self.connect);
                let builder = if self.plain {
                    builder.tls_certs_only(std::iter::empty()).redirect(
                        reqwest::redirect::Policy::custom(|attempt| {
                            if attempt.url().scheme() == "https" {
                                let to = display_url(attempt.url().as_str());
                                attempt.error(format!(
                                    "the server redirects to {to}: set api_base to that address"
                                ))
                            } else if attempt.previous().len() >= 10 {
                                attempt.error("too many redirects")
                            } else {
                                attempt.follow()
                            }
                        }),
                    )
                } else {
                    builder
                };
                builder.build().map_err(|e| source_chain(&e))
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// [`ReqwestService`] plus a note of each response's status and `Retry-After`.
#[derive(Clone)]
struct ProbedService {
    inner: ReqwestService,
    /// The same client as `inner`'s, for requests sent without a key.
    http: reqwest::Client,
    /// No key: the `Authorization` header async-openai always adds is taken off.
    keyless: bool,
    probe: ResponseProbe,
}

type ProbedFuture =
    Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send + 'static>>;

impl tower_service::Service<HttpRequestFactory> for ProbedService {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = ProbedFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequestFactory) -> Self::Future {
        let response: ProbedFuture = if self.keyless {
            let http = self.http.clone();
            Box::pin(async move {
                let mut request = request.build().await?;
                request.headers_mut().remove(reqwest::header::AUTHORIZATION);
                http.execute(request).await.map_err(OpenAIError::Reqwest)
            })
        } else {
            self.inner.call(request)
        };
        let probe = self.probe.clone();
        Box::pin(async move {
            let response = response.await?;
            probe.record(response_meta(&response));
            Ok(response)
        })
    }
}

/// The largest JSON body accepted in place of a stream.
const MAX_JSON_REPLY_BYTES: usize = 16 * 1024 * 1024;

/// A successful answer to a streamed request, as the event stream to read: a
/// server that answers with one `chat.completion` JSON body (it ignored `"stream":
/// true`) gets that body turned into one chunk event and `[DONE]`.
async fn readable_stream(response: reqwest::Response) -> Result<reqwest::Response, AgentError> {
    let is_json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    if !is_json {
        return Ok(response);
    }
    let status = response.status();
    let too_large = format!(
        "the server answered with one JSON body instead of a stream, over {} MB",
        MAX_JSON_REPLY_BYTES / (1024 * 1024)
    );
    let body = read_bounded(response, MAX_JSON_REPLY_BYTES, &too_large)
        .await
        .map_err(|e| {
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
            {
                Some(transport) => AgentError::Dropped {
                    reason: source_chain(transport),
                },
                None => AgentError::Protocol(e.to_string()),
            }
        })?;
    let mut events = http::Response::new(reqwest::Body::from(json_reply_as_events(&body)));
    *events.status_mut() = status;
    Ok(reqwest::Response::from(events))
}

/// The whole body, or an error once it passes `limit` bytes (`too_large` says
/// what that means to the user).
pub(super) async fn read_bounded(
    response: reqwest::Response,
    limit: usize,
    too_large: &str,
) -> std::io::Result<Vec<u8>> {
    let mut stream = response.bytes_stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(std::io::Error::other)?;
        if body.len() + chunk.len() > limit {
            return Err(std::io::Error::other(too_large.to_string()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A `chat.completion` body as the stream it stands for: one chunk with the whole
/// message, its finish reason and usage, then `[DONE]`. Any other JSON (an
/// `{"error": …}` body) is passed on as one event, and a body that is not JSON as
/// one event on one line, which the reader reports as unreadable.
fn json_reply_as_events(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let event = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => match value["choices"].as_array() {
            Some(choices) => {
                let choices: Vec<serde_json::Value> = choices
                    .iter()
                    .map(|c| {
                        serde_json::json!({
                            "index": c["index"],
                            "delta": c["message"],
                            "finish_reason": c["finish_reason"],
                        })
                    })
                    .collect();
                serde_json::json!({"choices": choices, "usage": value["usage"]}).to_string()
            }
            None => value.to_string(),
        },
        Err(_) => text.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    format!("data: {event}\n\ndata: [DONE]\n\n").into_bytes()
}

/// The longest line of an event stream accepted. One chunk event is a few hundred
/// bytes; a line that never ends would otherwise grow in memory while a core spins
/// looking for its end.
pub const MAX_SSE_LINE_BYTES: usize = 1024 * 1024;

/// `Retry-After` in seconds (fractions round up). The HTTP-date form is rare on
/// API servers and ignored.
fn parse_retry_after(value: &str) -> Option<u64> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| secs.ceil() as u64)
}

// ----- error mapping --------------------------------------------------------------

struct ErrorContext<'a> {
    model: &'a str,
    api_base: &'a str,
    connect_timeout: Duration,
}

/// Maps an error from opening a request (or from a non-streaming call).
fn map_error(err: OpenAIError, meta: Option<ResponseMeta>, cx: &ErrorContext<'_>) -> AgentError {
    match err {
        OpenAIError::ApiError(resp) => {
            from_status(resp.status_code.as_u16(), &resp.api_error, meta, cx)
        }
        // A failure status whose body is not OpenAI's error JSON (a proxy's HTML page).
        OpenAIError::JSONDeserialize(_, body)
            if meta.is_some_and(|m| !(200..300).contains(&m.status)) =>
        {
            let status = meta.map(|m| m.status).unwrap_or_default();
            let api_error = ApiError {
                message: body,
                ..Default::default()
            };
            from_status(status, &api_error, meta, cx)
        }
        OpenAIError::JSONDeserialize(e, body) => {
            AgentError::Protocol(format!("{e} in {:?}", quote(&body)))
        }
        OpenAIError::Reqwest(e) => from_transport(&e, cx),
        OpenAIError::StreamError(e) => stream_failure(&e),
        OpenAIError::Boxed(e) => match e.downcast_ref::<reqwest::Error>() {
            Some(re) => from_transport(re, cx),
            None => AgentError::Network {
                reason: source_chain(e.as_ref()),
            },
        },
        other => AgentError::Protocol(source_chain(&other)),
    }
}

/// A line or an event of the stream (`what`) passed [`MAX_SSE_LINE_BYTES`].
fn overlong(what: &str) -> AgentError {
    AgentError::Protocol(format!(
        "one {what} of the stream passed {} MB without ending, so the reply was cut off there",
        MAX_SSE_LINE_BYTES >> 20
    ))
}

fn stream_failure(e: &StreamError) -> AgentError {
    match e {
        StreamError::EventStream(reason) => AgentError::Dropped {
            reason: quote(reason),
        },
        StreamError::UnknownEvent(event) => {
            AgentError::Protocol(format!("unexpected event {:?}", quote(&event.event)))
        }
    }
}

fn from_status(
    status: u16,
    api_error: &ApiError,
    meta: Option<ResponseMeta>,
    cx: &ErrorContext<'_>,
) -> AgentError {
    let message = server_message(&api_error.message);
    match status {
        401 | 403 => AgentError::BadKey { status, message },
        404 => AgentError::UnknownModel {
            model: cx.model.to_string(),
            message,
        },
        400 | 413 | 422 => AgentError::BadRequest { message },
        429 => {
            let is_quota = |s: &Option<String>| s.as_deref() == Some("insufficient_quota");
            AgentError::RateLimited {
                quota: is_quota(&api_error.code) || is_quota(&api_error.r#type),
                retry_after_secs: meta.and_then(|m| m.retry_after_secs),
                message,
            }
        }
        500..=599 => AgentError::Server { status, message },
        _ => AgentError::Http { status, message },
    }
}

/// The human part of an error body: OpenAI's `error.message` when the body is JSON
/// (5xx bodies reach us raw), cut to one short line.
fn server_message(raw: &str) -> String {
    let text = if let Some(message) = json_error_message(raw) {
        message
    } else if raw.trim_start().starts_with('<') {
        html_summary(raw)
    } else {
        raw.to_string()
    };
    let text = quote(&text);
    if text.is_empty() {
        "no details given".to_string()
    } else {
        text
    }
}

/// The message of the error bodies OpenAI-compatible servers send:
/// `{"error": {"message"}}` (OpenAI, Ollama), `{"error": "…"}`,
/// `{"message": "…"}` (vLLM) and `{"detail": "…"}` (FastAPI-based servers).
fn json_error_message(raw: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(raw).ok()?;
    let candidates = [
        &value["error"]["message"],
        &value["error"],
        &value["message"],
        &value["detail"],
    ];
    candidates
        .into_iter()
        .find_map(|v| v.as_str().filter(|s| !s.trim().is_empty()))
        .map(str::to_string)
        .or_else(|| value.get("detail").map(|d| d.to_string()))
}

/// A proxy's HTML error page in a few words: its `<title>`, else its text.
fn html_summary(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>"))
        && start + 7 <= end
    {
        return html[start + 7..end].trim().to_string();
    }
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn from_transport(e: &reqwest::Error, cx: &ErrorContext<'_>) -> AgentError {
    if e.is_builder() {
        return AgentError::InvalidApiBase {
            url: cx.api_base.to_string(),
            reason: source_chain(e),
        };
    }
    if e.is_connect() || (e.is_timeout() && !e.is_body()) {
        let reason = if e.is_timeout() {
            format!(
                "no connection within {}s",
                cx.connect_timeout.as_secs().max(1)
            )
        } else {
            let chain = source_chain(e);
            // reqwest does not say which connect step failed; past TCP and DNS on an
            // https URL only the TLS handshake is left.
            let tcp_or_dns = chain.contains("tcp connect") || chain.contains("dns error");
            if cx.api_base.starts_with("https:") && !tcp_or_dns {
                format!("the TLS handshake failed ({chain})")
            } else {
                chain
            }
        };
        return AgentError::Connect {
            url: cx.api_base.to_string(),
            reason,
        };
    }
    AgentError::Network {
        reason: source_chain(e),
    }
}

/// An error's causes on one line, innermost last, skipping wrappers that only
/// repeat the URL or say "client error", and never a Debug dump.
pub(crate) fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        let noise = text.starts_with("error sending request")
            || text.starts_with("client error (")
            || text.is_empty();
        if !noise && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    if parts.is_empty() {
        return err.to_string();
    }
    quote(&parts.join(": "))
}

/// Text from a server or transport made safe and short for one line of output.
/// Secrets go first (`secrets::redact`, every redactor registered in this
/// process): cutting the text short could otherwise leave a prefix of the key that
/// no redactor recognises afterwards.
fn quote(text: &str) -> String {
    let text = crate::redact::redact(text);
    let flat = crate::sanitize::single_line(&text);
    if flat.chars().count() <= MAX_QUOTED_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(MAX_QUOTED_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ChatTurn;
    use crate::domain::InterviewSetup;

    fn cx() -> ErrorContext<'static> {
        ErrorContext {
            model: "gpt-test",
            api_base: "http://127.0.0.1:9/v1",
            connect_timeout: Duration::from_secs(10),
        }
    }

    fn api(status: u16, message: &str, code: Option<&str>) -> OpenAIError {
        OpenAIError::ApiError(async_openai::error::ApiErrorResponse {
            status_code: reqwest::StatusCode::from_u16(status).expect("status"),
            api_error: ApiError {
                message: message.into(),
                code: code.map(Into::into),
                ..Default::default()
            },
        })
    }

    fn meta(status: u16, retry_after_secs: Option<u64>) -> Option<ResponseMeta> {
        Some(ResponseMeta {
            status,
            retry_after_secs,
        })
    }

    #[test]
    fn the_request_puts_the_system_prompt_first_then_the_history_in_order() {
        let request = ChatRequest {
            model: "gpt-4o-mini".into(),
            system_prompt: "You interview.".into(),
            history: vec![
                ChatTurn {
                    role: Role::User,
                    content: "Hello".into(),
                },
                ChatTurn {
                    role: Role::Assistant,
                    content: "Tell me about you.".into(),
                },
                ChatTurn {
                    role: Role::User,
                    content: "I build things.".into(),
                },
            ],
            setup: InterviewSetup::default(),
            choice: Default::default(),
        };
        let body = serde_json::to_value(build_request(&request, true)).expect("json");
        let roles: Vec<_> = body["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| {
                (
                    m["role"].as_str().unwrap_or(""),
                    m["content"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            roles,
            [
                ("system", "You interview."),
                ("user", "Hello"),
                ("assistant", "Tell me about you."),
                ("user", "I build things."),
            ]
        );
        assert_eq!(body["model"], "gpt-4o-mini");
        assert_eq!(body["stream"], true);
        assert_eq!(body["stream_options"]["include_usage"], true);

        let plain = serde_json::to_value(build_request(&request, false)).expect("json");
        assert!(plain.get("stream_options").is_none());
    }

    #[test]
    fn an_empty_system_prompt_is_left_out() {
        let request = ChatRequest {
            model: "m".into(),
            system_prompt: " ".into(),
            history: vec![ChatTurn {
                role: Role::User,
                content: "Hi".into(),
            }],
            setup: InterviewSetup::default(),
            choice: Default::default(),
        };
        let body = serde_json::to_value(build_request(&request, false)).expect("json");
        assert_eq!(body["messages"].as_array().map(Vec::len), Some(1));
        assert_eq!(body["messages"][0]["role"], "user");
    }

    #[test]
    fn auth_failures_are_bad_keys() {
        for status in [401, 403] {
            let e = map_error(
                api(status, "Incorrect API key", None),
                meta(status, None),
                &cx(),
            );
            assert!(matches!(e, AgentError::BadKey { status: s, .. } if s == status));
            assert!(e.to_string().contains("key set"));
        }
    }

    #[test]
    fn not_found_names_the_model() {
        let e = map_error(
            api(404, "no such model", Some("model_not_found")),
            None,
            &cx(),
        );
        assert!(matches!(e, AgentError::UnknownModel { .. }));
        assert!(e.to_string().contains("\"gpt-test\""), "{e}");
    }

    #[test]
    fn bad_requests_carry_the_servers_message() {
        let e = map_error(
            api(
                400,
                "This model's maximum context length is 128000 tokens",
                None,
            ),
            None,
            &cx(),
        );
        assert!(e.to_string().contains("maximum context length"), "{e}");
    }

    #[test]
    fn rate_limits_tell_quota_from_throttling_and_carry_retry_after() {
        let e = map_error(api(429, "slow down", None), meta(429, Some(7)), &cx());
        assert_eq!(
            e,
            AgentError::RateLimited {
                quota: false,
                retry_after_secs: Some(7),
                message: "slow down".into()
            }
        );
        assert!(e.to_string().contains("retry after 7s"));
        let q = map_error(
            api(429, "You exceeded your quota", Some("insufficient_quota")),
            meta(429, None),
            &cx(),
        );
        assert!(matches!(
            q,
            AgentError::RateLimited {
                quota: true,
                retry_after_secs: None,
                ..
            }
        ));
        assert!(q.to_string().contains("quota"));
    }

    #[test]
    fn server_errors_quote_the_json_message_or_a_short_raw_body() {
        let body = r#"{"error":{"message":"The server is overloaded","type":"server_error"}}"#;
        let e = map_error(api(503, body, None), None, &cx());
        assert_eq!(
            e,
            AgentError::Server {
                status: 503,
                message: "The server is overloaded".into()
            }
        );
        let html = format!("<html>\n<body>{}</body></html>", "x".repeat(2000));
        let e = map_error(api(502, &html, None), None, &cx());
        let text = e.to_string();
        assert!(!text.contains('\n') && !text.contains("<body>"));
        assert!(text.len() < 600, "{}", text.len());
        let titled = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        let e = map_error(api(502, titled, None), None, &cx());
        assert_eq!(
            e,
            AgentError::Server {
                status: 502,
                message: "502 Bad Gateway".into()
            }
        );
    }

    #[test]
    fn a_failure_status_with_a_non_json_body_maps_by_its_status() {
        let err = serde_json::from_str::<WrappedError>("<h1>nope</h1>").expect_err("not json");
        let e = map_error(
            OpenAIError::JSONDeserialize(err, "<h1>nope</h1>".into()),
            meta(401, None),
            &cx(),
        );
        assert!(matches!(e, AgentError::BadKey { status: 401, .. }));
    }

    #[test]
    fn error_bodies_of_compatible_servers_are_read() {
        let vllm = r#"{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}"#;
        assert_eq!(server_message(vllm), "The model `x` does not exist.");
        assert_eq!(
            server_message(r#"{"error":"model 'x' not found"}"#),
            "model 'x' not found"
        );
        assert_eq!(server_message(r#"{"detail":"Not Found"}"#), "Not Found");
        assert_eq!(server_message(""), "no details given");
        let err = serde_json::from_str::<WrappedError>(vllm).expect_err("not OpenAI's shape");
        let e = map_error(
            OpenAIError::JSONDeserialize(err, vllm.into()),
            meta(404, None),
            &cx(),
        );
        assert_eq!(
            e,
            AgentError::UnknownModel {
                model: "gpt-test".into(),
                message: "The model `x` does not exist.".into()
            }
        );
    }

    #[test]
    fn other_statuses_are_unexpected_responses() {
        let e = map_error(api(418, "teapot", None), None, &cx());
        assert_eq!(
            e,
            AgentError::Http {
                status: 418,
                message: "teapot".into()
            }
        );
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(parse_retry_after("20"), Some(20));
        assert_eq!(parse_retry_after(" 1.2 "), Some(2));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-3"), None);
    }

    #[test]
    fn finish_reasons_map_to_ends() {
        assert_eq!(finish_end("stop"), StreamEnd::Complete);
        assert_eq!(finish_end("eos"), StreamEnd::Complete);
        assert!(matches!(finish_end("length"), StreamEnd::Interrupted(_)));
        assert!(matches!(
            finish_end("content_filter"),
            StreamEnd::Interrupted(_)
        ));
    }

    #[test]
    fn lenient_chunks_accept_what_compatible_servers_send() {
        let minimal: Chunk =
            serde_json::from_str(r#"{"choices":[{"delta":{"content":"Hi"}}]}"#).expect("parse");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut reader = ReplyReader::default();
        reader.take(minimal, &tx).expect("take");
        reader.send(&tx);
        assert_eq!(rx.try_recv().ok(), Some(AgentEvent::Delta("Hi".into())));
        let odd: Chunk = serde_json::from_str(
            r#"{"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"end_turn"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#,
        )
        .expect("parse");
        reader.take(odd, &tx).expect("take");
        assert_eq!(reader.finish.as_deref(), Some("end_turn"));
        assert_eq!(
            reader.usage,
            Some(Usage {
                prompt_tokens: 3,
                completion_tokens: 4
            })
        );
        let thinking: Chunk = serde_json::from_str(
            r#"{"choices":[{"delta":{"content":null,"reasoning_content":"Hmm"}}]}"#,
        )
        .expect("parse");
        let mut fresh = ReplyReader::default();
        fresh.take(thinking, &tx).expect("take");
        assert!(fresh.alive() && !fresh.got_text);
        fresh.send(&tx);
        assert_eq!(
            rx.try_recv().ok(),
            Some(AgentEvent::Reasoning("Hmm".into())),
            "reasoning is passed on apart from the answer"
        );
        let think_block: Chunk = serde_json::from_str(
            r#"{"choices":[{"delta":{"content":"<think>plan</think>\n\nHello"}}]}"#,
        )
        .expect("parse");
        fresh.take(think_block, &tx).expect("take");
        fresh.send(&tx);
        assert_eq!(
            rx.try_recv().ok(),
            Some(AgentEvent::Reasoning("plan".into()))
        );
        assert_eq!(rx.try_recv().ok(), Some(AgentEvent::Delta("Hello".into())));
        let error: Chunk =
            serde_json::from_str(r#"{"error":{"message":"model crashed"}}"#).expect("parse");
        let e = reader.take(error, &tx).expect_err("error chunk");
        assert!(e.to_string().contains("model crashed"));
    }

    /// Every event of one read (and of reads already waiting) goes on as one
    /// event; the thinking and the answer keep their order; `[DONE]` ends the
    /// stream, and what is unreadable after the finish reason is not held against
    /// a whole reply, while an error chunk is.
    #[test]
    fn the_events_of_a_read_go_on_together_in_order() {
        let event = |delta: &str| format!("data: {{\"choices\":[{{\"delta\":{delta}}}]}}\n\n");
        let mut bytes = String::new();
        bytes.push_str(&event(r#"{"reasoning_content":"Let me "}"#));
        bytes.push_str(&event(r#"{"reasoning_content":"think."}"#));
        for word in ["Tell ", "me ", "about ", "caf\\u00e9s."] {
            bytes.push_str(&event(&format!(r#"{{"content":"{word}"}}"#)));
        }
        bytes.push_str(": keep-alive comment\n\nevent: keepalive\ndata: {}\n\n");
        bytes.push_str(r#"data: {"choices":[{"delta":{},"finish_reason":"stop"}]}"#);
        bytes.push_str("\n\ndata: [DONE]\n\ndata: never read\n\n");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut sse = SseReader::new(MAX_SSE_LINE_BYTES);
        let mut reader = ReplyReader::default();
        let (a, b) = bytes.as_bytes().split_at(100);
        assert!(matches!(reader.read(&mut sse, a, &tx), Read::More));
        assert!(matches!(reader.read(&mut sse, b, &tx), Read::Done));
        reader.end(&tx);
        assert_eq!(
            rx.try_recv().ok(),
            Some(AgentEvent::Reasoning("Let me think.".into()))
        );
        assert_eq!(
            rx.try_recv().ok(),
            Some(AgentEvent::Delta("Tell me about caf\u{e9}s.".into()))
        );
        assert!(rx.try_recv().is_err());
        assert!(matches!(reader.finished_or_cut_off(), Outcome::Finished(r) if r == "stop"));

        let finished = r#"data: {"choices":[{"delta":{},"finish_reason":"stop"}]}"#;
        let mut sse = SseReader::new(MAX_SSE_LINE_BYTES);
        let mut reader = ReplyReader::default();
        let after = format!("{finished}\n\ndata: {{not json\n\n");
        assert!(matches!(
            reader.read(&mut sse, after.as_bytes(), &tx),
            Read::Done
        ));
        let mut sse = SseReader::new(MAX_SSE_LINE_BYTES);
        let mut reader = ReplyReader::default();
        let after = format!("{finished}\n\ndata: {{\"error\":{{\"message\":\"boom\"}}}}\n\n");
        assert!(matches!(
            reader.read(&mut sse, after.as_bytes(), &tx),
            Read::Failed(AgentError::ServerStream { .. })
        ));
        let mut sse = SseReader::new(MAX_SSE_LINE_BYTES);
        let mut reader = ReplyReader::default();
        assert!(matches!(
            reader.read(&mut sse, b"data: {not json\n\n", &tx),
            Read::Failed(AgentError::Protocol(m)) if m.contains("not valid JSON")
        ));
    }

    #[test]
    fn base_urls_are_checked_before_use() {
        assert!(validate_api_base("http://localhost:11434/v1").is_ok());
        assert!(matches!(
            validate_api_base("localhost:11434"),
            Err(AgentError::InvalidApiBase { .. })
        ));
        assert!(validate_api_base("ftp://example.com").is_err());
    }

    #[test]
    fn local_and_private_addresses_need_no_key() {
        for base in [
            "http://127.0.0.1:11434/v1",
            "http://127.8.9.10/v1",
            "http://localhost:8080/v1",
            "http://LocalHost./v1",
            "http://[::1]:1234/v1",
            "http://10.1.2.3:8000/v1",
            "http://172.16.0.1/v1",
            "http://172.31.255.255/v1",
            "https://192.168.1.20/v1",
            "http://[fd12:3456::1]/v1",
        ] {
            assert!(key_optional(base), "{base}");
        }
        for base in [
            "https://api.openai.com/v1",
            "http://172.32.0.1/v1",
            "http://8.8.8.8/v1",
            "http://[2001:db8::1]/v1",
            "http://localhost.example.com/v1",
            "not a url",
        ] {
            assert!(!key_optional(base), "{base}");
        }
    }

    fn settings_for(api_base: &str, allow: bool) -> Settings {
        let mut s = Settings::from_args(&crate::cli::GlobalArgs {
            data_dir: Some("/nonexistent/data".into()),
            api_base: Some(api_base.into()),
            ..Default::default()
        })
        .expect("settings");
        s.allow_insecure_http_key = allow;
        s
    }

    #[test]
    fn a_key_never_goes_over_plain_http_off_this_machine_unless_allowed() {
        let key = || Some(ApiKey::new("sk-test-0123456789".into()));
        for base in ["http://192.168.1.20:8000/v1", "http://gateway.example/v1"] {
            let err =
                OpenAiBackend::with_key(&settings_for(base, false), key()).expect_err("refused");
            assert!(matches!(err, AgentError::InsecureKey { .. }), "{err:?}");
            assert!(
                err.to_string().contains("allow_insecure_http_key = true"),
                "{err}"
            );
            assert!(OpenAiBackend::with_key(&settings_for(base, true), key()).is_ok());
            // Without a key there is nothing to protect.
            assert!(OpenAiBackend::with_key(&settings_for(base, false), None).is_ok());
        }
        for base in [
            "http://127.0.0.1:11434/v1",
            "http://localhost:1234/v1",
            "http://[::1]:8080/v1",
            "https://gateway.example/v1",
        ] {
            assert!(
                OpenAiBackend::with_key(&settings_for(base, false), key()).is_ok(),
                "{base}"
            );
        }
    }

    #[test]
    fn a_json_reply_becomes_one_chunk_and_done() {
        let body = br#"{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#;
        let events = String::from_utf8(json_reply_as_events(body)).expect("utf-8");
        let mut lines = events.lines().filter(|l| !l.is_empty());
        let first = lines
            .next()
            .expect("chunk")
            .strip_prefix("data: ")
            .expect("data");
        let chunk: Chunk = serde_json::from_str(first).expect("a chunk");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut reader = ReplyReader::default();
        reader.take(chunk, &tx).expect("take");
        reader.send(&tx);
        assert_eq!(rx.try_recv().ok(), Some(AgentEvent::Delta("Hello".into())));
        assert_eq!(reader.finish.as_deref(), Some("stop"));
        assert_eq!(reader.usage.map(|u| u.completion_tokens), Some(2));
        assert_eq!(lines.next(), Some("data: [DONE]"));
    }

    #[test]
    fn quoting_flattens_and_shortens() {
        assert_eq!(quote("a\n\tb\u{1b}[2J"), "a b [2J");
        assert!(quote(&"y".repeat(1000)).ends_with('…'));
    }

    /// A plain `http://` base builds its client without the system's root
    /// certificates, so a redirect to `https://` is refused with the address to
    /// configure instead (a sentence, not a certificate error).
    #[tokio::test]
    async fn a_plain_http_base_refuses_a_redirect_to_https_and_names_the_address() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let reply = "HTTP/1.1 308 Permanent Redirect\r\nLocation: https://api.example.test/v1/models\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            socket.write_all(reply.as_bytes()).await.expect("write");
        });
        let base = format!("http://127.0.0.1:{port}/v1");
        let backend = OpenAiBackend::with_key(&settings_for(&base, false), None).expect("backend");
        assert!(backend.http.plain);
        let err = backend.list_models().await.expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains("https://api.example.test/v1/models")
                && text.contains("set api_base to that address"),
            "{text}"
        );
        server.await.expect("server");
        let https =
            OpenAiBackend::with_key(&settings_for("https://api.example.test/v1", false), None)
                .expect("backend");
        assert!(!https.http.plain);
    }
}
