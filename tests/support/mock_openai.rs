//! A mock OpenAI-compatible server for tests: a real HTTP/1.1 server on a loopback
//! port, speaking `POST …/chat/completions` both streamed (SSE) and plain JSON, with
//! scriptable replies and faults, recording every request it gets.
//!
//! # Use
//!
//! ```ignore
//! mod support;
//! use support::mock_openai::{MockOpenAi, Reply};
//!
//! let mock = MockOpenAi::start();
//! // Queue replies for the next requests, in order; when the queue is empty the
//! // default reply (`set_default`) answers.
//! mock.push(Reply::text("Tell me about yourself.").chunk_size(5));
//! mock.push(Reply::status(429, "Rate limit reached").retry_after("7"));
//! mock.push(Reply::text("Partial answer that").disconnect_after(2));
//! // Point the client at it: OPENAI_BASE_URL / --api-base = mock.base_url()
//! // (".../v1"), any API key.
//! let requests = mock.requests();           // every request, in arrival order
//! let body = &requests[0].body;             // the JSON body (serde_json::Value)
//! let turns = requests[0].messages();       // [(role, content)] of a chat request
//! ```
//!
//! A request whose body has `"stream": true` gets an SSE stream: one
//! `chat.completion.chunk` per `chunk_size` characters of the text (`delay` before
//! each), then a chunk with the finish reason, a usage chunk when the request asked
//! for it with `stream_options.include_usage`, and `data: [DONE]`. Any other request
//! gets one `chat.completion` JSON object with the whole text (use
//! [`Reply::text`] with a JSON string for `response_format` replies), or exactly
//! the body of [`Reply::json`].
//!
//! Faults: [`Reply::status`] (any status, OpenAI-style error JSON, optional
//! `Retry-After`), [`Reply::raw`] (any status and body), and for streams
//! [`Reply::disconnect_after`] (connection dropped mid-body), [`Reply::close_after`]
//! (clean end with no finish reason and no `[DONE]`), [`Reply::stall_after`]
//! (connection held open, silent), [`Reply::malformed_after`] (one chunk that is
//! not JSON, then the rest of the stream) and [`Reply::error_event_after`] (an
//! `{"error": …}` event, then a clean end).
//!
//! Every response is `Connection: close` with a chunked body, so a dropped
//! connection and a clean end are different things on the wire, as with real
//! servers.
//!
//! # Hostile server
//!
//! The same server also plays a hostile one (issue 17), to check that nothing it
//! sends can leak a secret, reach a terminal as a command, or break the client:
//! - it echoes the request back: [`Reply::echo_headers`] (a 4xx/5xx OpenAI error
//!   JSON whose message quotes the request line and every header, `Authorization`
//!   included), [`Reply::echo_headers_html`] (the same in an HTML error page, in its
//!   `<title>` and body), [`Reply::echo_headers_event_after`] (the same in an
//!   `{"error": …}` event mid-stream), [`Reply::huge_html`] (an HTML 500 page of any
//!   size with the request echoed in its middle);
//! - [`HOSTILE_TEXT`] holds escape sequences (OSC 52 clipboard write, OSC 0 title,
//!   CSI clear screen, end of bracketed paste, C1 controls, bidi overrides, `\r`)
//!   for any [`Reply::text`];
//! - it never ends: [`Reply::endless`] (chunks forever) and [`Reply::endless_line`]
//!   (one SSE `data:` line that never gets its newline);
//! - [`Reply::not_streamed`]: one `chat.completion` JSON body even when the
//!   request asked for a stream;
//! - [`Reply::invalid_utf8_after`]: bytes that are not UTF-8 inside a chunk, and a
//!   multi-byte character split across two HTTP chunks.
//!
//! # Local servers (issue 16)
//!
//! It also plays the local servers people run (Ollama, llama.cpp's server, LM
//! Studio, vLLM): [`Reply::models_owned_by`] lists models the way each one does
//! (`owned_by` `library`, `llamacpp`, `organization_owner`, `vllm`);
//! [`MockOpenAi::hold_models`] keeps `GET /models` unanswered until
//! [`MockOpenAi::release_models`], so a test can see what happens before it
//! answers; [`Reply::reasoning`] sends a reasoning model's thinking first, as
//! `reasoning_content` deltas (or in the message, for a non-streamed answer);
//! a `<think>…</think>` block is just [`Reply::text`] starting with one.

#![allow(dead_code)] // Each test binary uses a different part of the mock.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What an answer is written to: the connection, or (for [`Reply::one_write`]) the
/// connection's reading half joined to a buffer.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Text a hostile model sends: a clipboard write (OSC 52), a window title (OSC 0),
/// a clear screen (CSI), the end of a bracketed paste followed by a command and a
/// carriage return, C1 controls (a one-character CSI and OSC), and a bidi override.
pub const HOSTILE_TEXT: &str = "Fine.\u{1b}]52;c;dG91Y2ggL3RtcC9wd25lZA==\u{7}\u{1b}]0;PWNED-TITLE\u{7}\u{1b}[2J\u{1b}[201~touch /tmp/pwned\r\n\u{9b}31m\u{9d}0;c1-title\u{9c} \u{202E}txet desrever\u{202C} done.";

/// What the server does with one request.
#[derive(Debug, Clone)]
pub struct Reply {
    text: String,
    chunk_chars: usize,
    delay: Duration,
    usage: Option<(u32, u32)>,
    finish_reason: Option<String>,
    kind: Kind,
    /// Answer a streaming request with one JSON body.
    not_streamed: bool,
    /// Send the whole streamed answer with one write.
    one_write: bool,
    /// A reasoning model's thinking, sent before the text.
    reasoning: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    Answer(StreamFault),
    Status {
        status: u16,
        body: String,
        retry_after: Option<String>,
        content_type: &'static str,
    },
    Json(Value),
    /// An error whose message quotes the request (JSON or an HTML page).
    Echo {
        status: u16,
        html: bool,
    },
    /// An HTML page of about `bytes` bytes with the request echoed in its middle.
    HugeHtml {
        status: u16,
        bytes: usize,
    },
    /// One `data:` line that grows forever and never ends.
    EndlessLine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamFault {
    None,
    DisconnectAfter(usize),
    CloseAfter(usize),
    StallAfter(usize),
    MalformedAfter(usize),
    ErrorEventAfter(usize),
    EchoEventAfter(usize),
    InvalidUtf8After(usize),
    Endless,
}

impl Reply {
    /// A normal answer: `text` in 4-character chunks, finish reason `stop`, usage
    /// 12 prompt / 34 completion tokens.
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            chunk_chars: 4,
            delay: Duration::ZERO,
            usage: Some((12, 34)),
            finish_reason: Some("stop".into()),
            kind: Kind::Answer(StreamFault::None),
            not_streamed: false,
            one_write: false,
            reasoning: None,
        }
    }

    /// An HTTP error with OpenAI's error JSON:
    /// `{"error": {"message", "type", "param": null, "code"}}`.
    pub fn status(status: u16, message: &str) -> Reply {
        let error_type = match status {
            401 | 403 => "invalid_request_error",
            429 => "requests",
            500..=599 => "server_error",
            _ => "invalid_request_error",
        };
        let body =
            json!({"error": {"message": message, "type": error_type, "param": null, "code": null}});
        Reply::raw(status, &body.to_string())
    }

    /// Any status with exactly this body (e.g. a proxy's HTML error page).
    pub fn raw(status: u16, body: &str) -> Reply {
        Reply {
            kind: Kind::Status {
                status,
                body: body.to_string(),
                retry_after: None,
                content_type: "application/json",
            },
            ..Reply::text("")
        }
    }

    /// Any status with this body as `text/html`.
    pub fn html(status: u16, body: &str) -> Reply {
        Reply {
            kind: Kind::Status {
                status,
                body: body.to_string(),
                retry_after: None,
                content_type: "text/html",
            },
            ..Reply::text("")
        }
    }

    /// Hostile: an OpenAI error JSON with this status whose message quotes the
    /// request line and every request header (`Invalid header: Authorization:
    /// Bearer …`).
    pub fn echo_headers(status: u16) -> Reply {
        Reply {
            kind: Kind::Echo {
                status,
                html: false,
            },
            ..Reply::text("")
        }
    }

    /// Hostile: an HTML error page (`text/html`) with this status whose `<title>`
    /// and body quote the request line and every request header.
    pub fn echo_headers_html(status: u16) -> Reply {
        Reply {
            kind: Kind::Echo { status, html: true },
            ..Reply::text("")
        }
    }

    /// Hostile: an HTML page of about `bytes` bytes with this status, the request
    /// and its headers echoed in the middle of it.
    pub fn huge_html(status: u16, bytes: usize) -> Reply {
        Reply {
            kind: Kind::HugeHtml { status, bytes },
            ..Reply::text("")
        }
    }

    /// Hostile: a stream whose first `data:` line never ends (no newline, ever).
    pub fn endless_line() -> Reply {
        Reply {
            kind: Kind::EndlessLine,
            ..Reply::text("")
        }
    }

    /// Hostile: streams the text's chunks, then the same again, forever, never
    /// sending a finish reason.
    pub fn endless(mut self) -> Reply {
        self.kind = Kind::Answer(StreamFault::Endless);
        self
    }

    /// Hostile: streams `n` chunks, then an `{"error": …}` event quoting the request
    /// headers, then a clean end.
    pub fn echo_headers_event_after(mut self, n: usize) -> Reply {
        self.kind = Kind::Answer(StreamFault::EchoEventAfter(n));
        self
    }

    /// Hostile: chunk `n` carries bytes that are not UTF-8 (`\xFF\xFE`) before its
    /// text, and its event is cut across two HTTP chunks in the middle of a
    /// multi-byte character (`é`, which the chunk also carries).
    pub fn invalid_utf8_after(mut self, n: usize) -> Reply {
        self.kind = Kind::Answer(StreamFault::InvalidUtf8After(n));
        self
    }

    /// Answers with one `chat.completion` JSON body even when the request asked for
    /// a stream, as some servers and proxies do.
    pub fn not_streamed(mut self) -> Reply {
        self.not_streamed = true;
        self
    }

    /// Thinking sent before the text: `reasoning_content` deltas in a stream (in
    /// `chunk_size` pieces), `message.reasoning_content` in one JSON body.
    pub fn reasoning(mut self, text: &str) -> Reply {
        self.reasoning = Some(text.to_string());
        self
    }

    /// A `GET /models` answer listing these ids with this `owned_by`, as a given
    /// local server does (`library`: Ollama, `llamacpp`, `organization_owner`: LM
    /// Studio, `vllm`).
    pub fn models_owned_by(ids: &[&str], owner: &str) -> Reply {
        let data: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "object": "model", "created": 0, "owned_by": owner}))
            .collect();
        Reply::json(json!({"object": "list", "data": data}))
    }

    /// A `GET /models` answer listing these model ids, in OpenAI's shape.
    pub fn models(ids: &[&str]) -> Reply {
        let data: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "object": "model", "created": 0, "owned_by": "mock"}))
            .collect();
        Reply::json(json!({"object": "list", "data": data}))
    }

    /// A non-streaming 200 response with exactly this JSON body.
    pub fn json(body: Value) -> Reply {
        Reply {
            kind: Kind::Json(body),
            ..Reply::text("")
        }
    }

    /// Sets `error.code` (and `error.type` to the same) of a [`Reply::status`] body,
    /// e.g. `insufficient_quota` or `model_not_found`.
    pub fn error_code(mut self, code: &str) -> Reply {
        if let Kind::Status { body, .. } = &mut self.kind
            && let Ok(mut v) = serde_json::from_str::<Value>(body)
        {
            v["error"]["code"] = json!(code);
            v["error"]["type"] = json!(code);
            *body = v.to_string();
        }
        self
    }

    /// Adds a `Retry-After` header to an error reply.
    pub fn retry_after(mut self, value: &str) -> Reply {
        if let Kind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(value.to_string());
        }
        self
    }

    /// Characters of text per streamed chunk.
    pub fn chunk_size(mut self, chars: usize) -> Reply {
        self.chunk_chars = chars.max(1);
        self
    }

    /// Send the whole streamed answer (every event, then the end of the body) with
    /// one write, as a fast server whose reply is ready at once would: the client
    /// reads it in a few large pieces instead of one event at a time.
    pub fn one_write(mut self) -> Reply {
        self.one_write = true;
        self
    }

    /// Wait before each streamed chunk.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Token usage reported (when asked for), or none at all.
    pub fn usage(mut self, usage: Option<(u32, u32)>) -> Reply {
        self.usage = usage;
        self
    }

    /// The finish reason sent at the end (`None`: a final chunk without one).
    pub fn finish(mut self, reason: Option<&str>) -> Reply {
        self.finish_reason = reason.map(str::to_string);
        self
    }

    /// Streams `n` chunks, then drops the connection in the middle of the body.
    pub fn disconnect_after(mut self, n: usize) -> Reply {
        self.kind = Kind::Answer(StreamFault::DisconnectAfter(n));
        self
    }

    /// Streams `n` chunks, then ends the body cleanly: no finish reason, no `[DONE]`.
    pub fn close_after(mut self, n: usize) -> Reply {
        self.kind = Kind::Answer(StreamFault::CloseAfter(n));
        self
    }

    /// Streams `n` chunks, then sends nothing more while holding the connection open.
    pub fn stall_after(mut self, n: usize) -> Reply {
        self.kind = Kind::Answer(StreamFault::StallAfter(n));
        self
    }

    /// Streams `n` chunks, then one `data:` line that is not JSON, then the rest.
    pub fn malformed_after(mut self, n: usize) -> Reply {
        self.kind = Kind::Answer(StreamFault::MalformedAfter(n));
        self
    }

    /// Streams `n` chunks, then `data: {"error": {"message": "The model crashed"}}`
    /// and a clean end, as some servers report a failure after starting.
    pub fn error_event_after(mut self, n: usize) -> Reply {
        self.kind = Kind::Answer(StreamFault::ErrorEventAfter(n));
        self
    }

    /// The text split into chunks as they will be streamed.
    pub fn chunks(&self) -> Vec<String> {
        let chars: Vec<char> = self.text.chars().collect();
        chars
            .chunks(self.chunk_chars)
            .map(|c| c.iter().collect())
            .collect()
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON (`Value::Null` when it is not JSON).
    pub body: Value,
    /// The body exactly as it came, for what parsing loses (the order of keys).
    pub raw_body: String,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `(role, content)` of each message of a chat request, in order.
    pub fn messages(&self) -> Vec<(String, String)> {
        self.body["messages"]
            .as_array()
            .map(|ms| {
                ms.iter()
                    .map(|m| {
                        (
                            m["role"].as_str().unwrap_or_default().to_string(),
                            m["content"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

struct State {
    queue: VecDeque<Reply>,
    default: Reply,
    /// The answer to `GET …/models`.
    models: Reply,
    /// `GET …/models` waits while this is set.
    models_held: bool,
    requests: Vec<RecordedRequest>,
}

/// The running server. Dropping it stops it.
pub struct MockOpenAi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl MockOpenAi {
    /// Starts the server on `127.0.0.1` and a free port, on its own runtime (so it
    /// serves both plain `#[test]`s driving a child process and `#[tokio::test]`s).
    pub fn start() -> MockOpenAi {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("mock runtime");
        // Bound with std so that starting works inside another runtime too.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind mock server");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("mock address");
        let state = Arc::new(Mutex::new(State {
            queue: VecDeque::new(),
            default: Reply::text("Tell me about a project you are proud of."),
            models: Reply::models(&["mock-model", "gpt-4o-mini"]),
            models_held: false,
            requests: Vec::new(),
        }));
        let accept_state = state.clone();
        runtime.spawn(async move {
            let Ok(listener) = TcpListener::from_std(listener) else {
                return;
            };
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, accept_state.clone()));
            }
        });
        MockOpenAi {
            addr,
            state,
            runtime: Some(runtime),
        }
    }

    /// The API base to give the client, e.g. `http://127.0.0.1:41234/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues a reply for the next request that has none.
    pub fn push(&self, reply: Reply) {
        self.lock().queue.push_back(reply);
    }

    /// What `GET …/models` answers (by default: mock-model and gpt-4o-mini).
    pub fn set_models(&self, reply: Reply) {
        self.lock().models = reply;
    }

    /// `GET …/models` is received (and recorded) but not answered until
    /// [`MockOpenAi::release_models`].
    pub fn hold_models(&self) {
        self.lock().models_held = true;
    }

    pub fn release_models(&self) {
        self.lock().models_held = false;
    }

    /// The reply used when the queue is empty.
    pub fn set_default(&self, reply: Reply) {
        self.lock().default = reply;
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The chat requests received so far (paths ending in `/chat/completions`).
    pub fn chat_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/chat/completions"))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for MockOpenAi {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            // Stalled connections are parked forever; do not wait for them.
            rt.shutdown_background();
        }
    }
}

/// Handles one connection: one request, one response, close.
async fn serve(mut socket: TcpStream, state: Arc<Mutex<State>>) {
    let mut first = [0u8; 1];
    // A TLS ClientHello (0x16) at a plain-HTTP port gets what a real server sends:
    // a plain 400, which the client's TLS layer cannot read.
    if socket.peek(&mut first).await.is_ok() && first[0] == 0x16 {
        let _ = socket
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            )
            .await;
        let _ = socket.shutdown().await;
        return;
    }
    let Some(request) = read_request(&mut socket).await else {
        return;
    };
    let is_chat = request.method == "POST" && request.path.ends_with("/chat/completions");
    let is_models = request.method == "GET" && request.path.ends_with("/models");
    let reply = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.requests.push(request.clone());
        if is_chat {
            let next = s.queue.pop_front();
            Some(next.unwrap_or_else(|| s.default.clone()))
        } else if is_models {
            Some(s.models.clone())
        } else {
            None
        }
    };
    if is_models {
        while state.lock().unwrap_or_else(|e| e.into_inner()).models_held {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    let Some(reply) = reply else {
        let body = json!({"error": {"message": format!("no route {} {}", request.method, request.path), "type": "invalid_request_error", "param": null, "code": null}});
        let _ = write_whole(
            &mut socket,
            404,
            "application/json",
            &body.to_string(),
            None,
        )
        .await;
        return;
    };
    let model = request.body["model"]
        .as_str()
        .unwrap_or("mock-model")
        .to_string();
    let wants_stream = request.body["stream"].as_bool() == Some(true);
    let wants_usage = request.body["stream_options"]["include_usage"].as_bool() == Some(true);
    match &reply.kind {
        Kind::Status {
            status,
            body,
            retry_after,
            content_type,
        } => {
            let _ = write_whole(
                &mut socket,
                *status,
                content_type,
                body,
                retry_after.as_deref(),
            )
            .await;
        }
        Kind::Echo {
            status,
            html: false,
        } => {
            let message = format!("Invalid header: {}", echo(&request));
            let body = json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": null}});
            let _ = write_whole(
                &mut socket,
                *status,
                "application/json",
                &body.to_string(),
                None,
            )
            .await;
        }
        Kind::Echo { status, html: true } => {
            let echoed = echo(&request);
            let body = format!(
                "<html><head><title>{status} {} {echoed}</title></head>\n<body><h1>Bad Gateway</h1><pre>{echoed}</pre></body></html>",
                reason(*status)
            );
            let _ = write_whole(&mut socket, *status, "text/html", &body, None).await;
        }
        Kind::HugeHtml { status, bytes } => {
            let filler = "<p>lorem ipsum dolor sit amet</p>\n";
            let half = filler.repeat(bytes / 2 / filler.len() + 1);
            let body = format!(
                "<html><body>{half}<pre>{}</pre>{half}</body></html>",
                echo(&request)
            );
            let _ = write_whole(&mut socket, *status, "text/html", &body, None).await;
        }
        Kind::EndlessLine => {
            let _ = endless_line(&mut socket).await;
        }
        Kind::Json(body) => {
            let _ = write_whole(
                &mut socket,
                200,
                "application/json",
                &body.to_string(),
                None,
            )
            .await;
        }
        Kind::Answer(fault) if wants_stream && reply.one_write => {
            // The whole response gathered first, then sent with one write.
            let mut gathered = Vec::new();
            let (read, _) = socket.split();
            let mut io = tokio::io::join(read, &mut gathered);
            let _ = stream_answer(&mut io, &reply, *fault, &model, wants_usage, &request).await;
            if socket.write_all(&gathered).await.is_ok() {
                let _ = socket.shutdown().await;
            }
        }
        Kind::Answer(fault) if wants_stream && !reply.not_streamed => {
            let _ = stream_answer(&mut socket, &reply, *fault, &model, wants_usage, &request).await;
        }
        Kind::Answer(_) => {
            let mut body = json!({
                "id": "chatcmpl-mock",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": model,
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.text},
                    "finish_reason": reply.finish_reason,
                }],
            });
            if let Some(thinking) = &reply.reasoning {
                body["choices"][0]["message"]["reasoning_content"] = json!(thinking);
            }
            if let Some((p, c)) = reply.usage {
                body["usage"] =
                    json!({"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c});
            }
            let _ = write_whole(
                &mut socket,
                200,
                "application/json",
                &body.to_string(),
                None,
            )
            .await;
        }
    }
}

async fn stream_answer<S: Io>(
    socket: &mut S,
    reply: &Reply,
    fault: StreamFault,
    model: &str,
    wants_usage: bool,
    request: &RecordedRequest,
) -> std::io::Result<()> {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\
              transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        )
        .await?;
    let chunk = |delta: Value, finish: Option<&str>| {
        json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
    };
    if let Some(thinking) = &reply.reasoning {
        let chars: Vec<char> = thinking.chars().collect();
        for piece in chars.chunks(reply.chunk_chars.max(1)) {
            let piece: String = piece.iter().collect();
            send_event(
                socket,
                &chunk(json!({"reasoning_content": piece, "content": null}), None).to_string(),
            )
            .await?;
        }
    }
    for (i, piece) in reply.chunks().iter().enumerate() {
        match fault {
            StreamFault::DisconnectAfter(n) if i == n => {
                // Dropping the socket mid-body: the chunked body never terminates.
                return Ok(());
            }
            StreamFault::CloseAfter(n) if i == n => return end_body(socket).await,
            StreamFault::StallAfter(n) if i == n => return stall(socket).await,
            StreamFault::ErrorEventAfter(n) if i == n => return error_event(socket).await,
            StreamFault::EchoEventAfter(n) if i == n => {
                return echo_event(socket, request).await;
            }
            StreamFault::InvalidUtf8After(n) if i == n => {
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                send_invalid_utf8_event(socket, &chunk(json!({"content": "é"}), None), piece)
                    .await?;
                continue;
            }
            StreamFault::MalformedAfter(n) if i == n => {
                send_event(socket, "{\"choices\": [{\"delta\": {\"content\": ").await?;
            }
            _ => {}
        }
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let delta = if i == 0 {
            json!({"role": "assistant", "content": piece})
        } else {
            json!({"content": piece})
        };
        send_event(socket, &chunk(delta, None).to_string()).await?;
    }
    if fault == StreamFault::Endless {
        let chunks = reply.chunks();
        if chunks.is_empty() {
            return stall(socket).await;
        }
        loop {
            for piece in &chunks {
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                send_event(socket, &chunk(json!({"content": piece}), None).to_string()).await?;
            }
        }
    }
    let total = reply.chunks().len();
    match fault {
        StreamFault::DisconnectAfter(n) if n >= total => return Ok(()),
        StreamFault::CloseAfter(n) if n >= total => return end_body(socket).await,
        StreamFault::StallAfter(n) if n >= total => return stall(socket).await,
        StreamFault::ErrorEventAfter(n) if n >= total => return error_event(socket).await,
        StreamFault::EchoEventAfter(n) if n >= total => return echo_event(socket, request).await,
        _ => {}
    }
    send_event(
        socket,
        &chunk(json!({}), reply.finish_reason.as_deref()).to_string(),
    )
    .await?;
    if wants_usage && let Some((p, c)) = reply.usage {
        let usage = json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": model,
            "choices": [],
            "usage": {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c},
        });
        send_event(socket, &usage.to_string()).await?;
    }
    send_event(socket, "[DONE]").await?;
    end_body(socket).await
}

async fn error_event<S: Io>(socket: &mut S) -> std::io::Result<()> {
    let error = json!({"error": {"message": "The model crashed", "type": "server_error", "param": null, "code": null}});
    send_event(socket, &error.to_string()).await?;
    end_body(socket).await
}

/// The request line and every header, on one line, as a careless server quotes them.
fn echo(request: &RecordedRequest) -> String {
    let headers: Vec<String> = request
        .headers
        .iter()
        .map(|(n, v)| {
            // `Authorization` as a client sends it, capitalised.
            let name = if n == "authorization" {
                "Authorization"
            } else {
                n.as_str()
            };
            format!("{name}: {v}")
        })
        .collect();
    format!(
        "{} {}; {}",
        request.method,
        request.path,
        headers.join("; ")
    )
}

async fn echo_event<S: Io>(socket: &mut S, request: &RecordedRequest) -> std::io::Result<()> {
    let message = format!("upstream rejected the request {}", echo(request));
    let error =
        json!({"error": {"message": message, "type": "server_error", "param": null, "code": null}});
    send_event(socket, &error.to_string()).await?;
    end_body(socket).await
}

/// One chunk event whose content is `\xFF\xFE` + `piece` + `é`, the event cut across
/// two HTTP chunks between the two bytes of `é`.
async fn send_invalid_utf8_event<S: Io>(
    socket: &mut S,
    template: &Value,
    piece: &str,
) -> std::io::Result<()> {
    // Built from a valid event, then the marker replaced by raw bytes.
    let mut value = template.clone();
    value["choices"][0]["delta"]["content"] = json!(format!("INVALID{piece}é"));
    let event = format!("data: {value}\n\n");
    let mut bytes = event.into_bytes();
    let marker = b"INVALID";
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("marker");
    bytes.splice(at..at + marker.len(), [0xFF, 0xFE]);
    // Split between the two bytes of `é` (C3 A9).
    let split = bytes.iter().position(|&b| b == 0xC3).expect("é") + 1;
    for part in [&bytes[..split], &bytes[split..]] {
        let mut framed = format!("{:x}\r\n", part.len()).into_bytes();
        framed.extend_from_slice(part);
        framed.extend_from_slice(b"\r\n");
        socket.write_all(&framed).await?;
        socket.flush().await?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// The head of an SSE response, then one `data:` line that never ends: 64 KiB of
/// text at a time, until the client goes away.
async fn endless_line(socket: &mut TcpStream) -> std::io::Result<()> {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\
              transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        )
        .await?;
    let start = "data: {\"choices\":[{\"delta\":{\"content\":\"";
    socket
        .write_all(format!("{:x}\r\n{start}\r\n", start.len()).as_bytes())
        .await?;
    let block = "a".repeat(64 * 1024);
    let framed = format!("{:x}\r\n{block}\r\n", block.len());
    loop {
        socket.write_all(framed.as_bytes()).await?;
        socket.flush().await?;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// One SSE event as one HTTP chunk, flushed.
async fn send_event<S: Io>(socket: &mut S, data: &str) -> std::io::Result<()> {
    let event = format!("data: {data}\n\n");
    let framed = format!("{:x}\r\n{event}\r\n", event.len());
    socket.write_all(framed.as_bytes()).await?;
    socket.flush().await
}

async fn end_body<S: Io>(socket: &mut S) -> std::io::Result<()> {
    socket.write_all(b"0\r\n\r\n").await?;
    socket.flush().await?;
    socket.shutdown().await
}

/// Holds the connection open, silent, until the client goes away.
async fn stall<S: Io>(socket: &mut S) -> std::io::Result<()> {
    let mut buf = [0u8; 1024];
    loop {
        if socket.read(&mut buf).await? == 0 {
            return Ok(());
        }
    }
}

async fn write_whole(
    socket: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
    retry_after: Option<&str>,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n",
        reason(status),
        body.len()
    );
    if let Some(r) = retry_after {
        head.push_str(&format!("retry-after: {r}\r\n"));
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(body.as_bytes()).await?;
    socket.flush().await?;
    socket.shutdown().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Reads one HTTP/1.1 request with a `Content-Length` body.
async fn read_request(socket: &mut TcpStream) -> Option<RecordedRequest> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = socket.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split_whitespace();
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Some(RecordedRequest {
        method,
        path,
        headers,
        raw_body: String::from_utf8_lossy(&body).into_owned(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    })
}
