//! Looking for a local OpenAI-compatible server (Ollama, llama.cpp's server, LM
//! Studio, vLLM) on the usual ports of 127.0.0.1: every port at once, each asked
//! `GET /v1/models` with no `Authorization` header, all within one short time limit.
//! What a server sends is hostile input: the body is bounded, model ids with
//! control characters or of absurd length are dropped, and nothing here is shown
//! unsanitised ([`LocalServer::describe`] makes the text inert).
//!
//! Reads no key and writes nothing; the interface asks for it at start, in the
//! background, and offers what it finds on the welcome screen.

use std::time::Duration;

use serde::Deserialize;
use tokio::time::{Instant, timeout_at};

use crate::sanitize::for_terminal_line;

/// Most bytes of one `/models` answer read.
const MAX_BODY: usize = 1024 * 1024;
/// Most models kept from one server.
const MAX_MODELS: usize = 500;
/// Longest model id kept (longer ones are not model names).
const MAX_ID_CHARS: usize = 200;
/// Models named in the offer; the rest are counted.
const NAMED: usize = 3;

/// A server found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalServer {
    /// The API base to use, e.g. `http://127.0.0.1:11434/v1`.
    pub api_base: String,
    pub port: u16,
    /// What the server is, when its answer says so (a header, `owned_by`).
    pub kind: Option<&'static str>,
    /// Its model ids, sorted, as the server spells them (for requests); shown only
    /// through [`for_terminal_line`].
    pub models: Vec<String>,
}

impl LocalServer {
    /// "Ollama on 127.0.0.1:11434", or, when the answer did not say what it is, "a
    /// local server on 127.0.0.1:8080 (llama.cpp's usual port)": the port is only
    /// a hint.
    pub fn describe(&self) -> String {
        match (self.kind, usual_user(self.port)) {
            (Some(kind), _) => format!("{kind} on 127.0.0.1:{}", self.port),
            (None, Some(usual)) => format!(
                "a local server on 127.0.0.1:{} ({usual}'s usual port)",
                self.port
            ),
            (None, None) => format!("a local server on 127.0.0.1:{}", self.port),
        }
    }

    /// Its first models by name, the rest counted, made inert for a terminal:
    /// "llama3.1:8b, qwen2.5:7b and 3 more".
    pub fn models_summary(&self) -> String {
        let named: Vec<String> = self
            .models
            .iter()
            .take(NAMED)
            .map(|m| shorten(&for_terminal_line(m), 40))
            .collect();
        let rest = self.models.len().saturating_sub(NAMED);
        match rest {
            0 => named.join(", "),
            n => format!("{} and {n} more", named.join(", ")),
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Whose usual port `port` is.
pub fn usual_user(port: u16) -> Option<&'static str> {
    match port {
        11434 => Some("Ollama"),
        8080 => Some("llama.cpp"),
        1234 => Some("LM Studio"),
        8000 => Some("vLLM"),
        _ => None,
    }
}

/// Looks on `ports` of 127.0.0.1 at once, within `limit` for all of them; the
/// first port in the list's order that answered with at least one model.
pub async fn find(ports: &[u16], limit: Duration) -> Option<LocalServer> {
    let deadline = Instant::now() + limit;
    // Plain http to this machine only: no root certificates to read (several
    // milliseconds at start), and a redirect elsewhere is not followed.
    let http = reqwest::Client::builder()
        .connect_timeout(limit)
        .no_proxy()
        .tls_certs_only(std::iter::empty())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .ok()?;
    let probes = ports.iter().map(|&port| {
        let http = http.clone();
        async move {
            match timeout_at(deadline, probe(&http, port)).await {
                Ok(Ok(server)) => Some(server),
                Ok(Err(why)) => {
                    tracing::debug!(port, %why, "no local server");
                    None
                }
                Err(_) => {
                    tracing::debug!(port, "no answer from a local server in time");
                    None
                }
            }
        }
    });
    let found = futures::future::join_all(probes).await;
    found.into_iter().flatten().find(|s| !s.models.is_empty())
}

#[derive(Deserialize)]
struct ModelList {
    data: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    id: serde_json::Value,
    #[serde(default)]
    owned_by: Option<serde_json::Value>,
}

/// One port: `GET /v1/models`, without a key.
async fn probe(http: &reqwest::Client, port: u16) -> Result<LocalServer, String> {
    let api_base = format!("http://127.0.0.1:{port}/v1");
    let response = http
        .get(format!("{api_base}/models"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("answered {}", response.status()));
    }
    let server_header = response
        .headers()
        .get(reqwest::header::SERVER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_lowercase);
    let body = super::openai::read_bounded(response, MAX_BODY, "the model list is too large")
        .await
        .map_err(|e| e.to_string())?;
    read_models(&api_base, port, server_header.as_deref(), &body)
}

/// A `/models` answer as a [`LocalServer`]; `Err` when it is not one.
fn read_models(
    api_base: &str,
    port: u16,
    server_header: Option<&str>,
    body: &[u8],
) -> Result<LocalServer, String> {
    let list: ModelList =
        serde_json::from_slice(body).map_err(|e| format!("not a model list: {e}"))?;
    let mut owners = Vec::new();
    let mut models: Vec<String> = list
        .data
        .into_iter()
        .filter_map(|m| {
            if let Some(owner) = m.owned_by.as_ref().and_then(|o| o.as_str()) {
                owners.push(owner.to_lowercase());
            }
            m.id.as_str().map(str::to_string)
        })
        .filter(|id| {
            !id.trim().is_empty()
                && id.chars().count() <= MAX_ID_CHARS
                && !id
                    .chars()
                    .any(|c| c.is_control() || is_invisible_or_bidi(c))
        })
        .take(MAX_MODELS)
        .collect();
    models.sort();
    models.dedup();
    Ok(LocalServer {
        api_base: api_base.to_string(),
        port,
        kind: kind_of(server_header, &owners),
        models,
    })
}

/// Format characters that make a name look like another (bidi overrides,
/// zero-width): a model id holding one is not offered.
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// What the server is, from what it said about itself: its `Server` header or
/// the `owned_by` its models carry. `None` when neither tells.
fn kind_of(server_header: Option<&str>, owners: &[String]) -> Option<&'static str> {
    if server_header.is_some_and(|h| h.contains("llama.cpp")) {
        return Some("llama.cpp's server");
    }
    let owned = |name: &str| owners.iter().any(|o| o == name);
    if owned("llamacpp") {
        Some("llama.cpp's server")
    } else if owned("vllm") {
        Some("vLLM")
    } else if owned("library") || owned("ollama") {
        Some("Ollama")
    } else if owned("organization_owner") {
        Some("LM Studio")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(body: &str, header: Option<&str>, port: u16) -> LocalServer {
        read_models("http://127.0.0.1:1/v1", port, header, body.as_bytes()).expect("a list")
    }

    #[test]
    fn the_kind_comes_from_the_answer_and_the_port_is_only_a_hint() {
        let ollama = server(
            r#"{"object":"list","data":[{"id":"qwen2.5:7b","owned_by":"library"},{"id":"llama3.1:8b","owned_by":"library"}]}"#,
            None,
            11434,
        );
        assert_eq!(ollama.models, ["llama3.1:8b", "qwen2.5:7b"]);
        assert_eq!(ollama.describe(), "Ollama on 127.0.0.1:11434");
        let unknown = server(r#"{"data":[{"id":"m"}]}"#, None, 8080);
        assert_eq!(
            unknown.describe(),
            "a local server on 127.0.0.1:8080 (llama.cpp's usual port)"
        );
        let header = server(r#"{"data":[{"id":"m"}]}"#, Some("llama.cpp"), 9999);
        assert_eq!(header.describe(), "llama.cpp's server on 127.0.0.1:9999");
        let vllm = server(r#"{"data":[{"id":"m","owned_by":"vllm"}]}"#, None, 11434);
        assert_eq!(
            vllm.describe(),
            "vLLM on 127.0.0.1:11434",
            "the answer beats the port"
        );
        let odd = server(r#"{"data":[{"id":"m"}]}"#, None, 4321);
        assert_eq!(odd.describe(), "a local server on 127.0.0.1:4321");
    }

    #[test]
    fn hostile_model_ids_are_dropped_and_the_summary_is_inert() {
        let long = "x".repeat(300);
        let body = format!(
            r#"{{"data":[{{"id":"evil\u001b]52;c;aGk=\u0007"}},{{"id":"rtl\u202eevil"}},{{"id":"{long}"}},{{"id":42}},{{"id":"  "}},{{"id":"ok-model"}}]}}"#
        );
        let s = server(&body, None, 11434);
        assert_eq!(s.models, ["ok-model"]);
        let many = format!(
            r#"{{"data":[{}]}}"#,
            (0..7)
                .map(|i| format!(r#"{{"id":"m{i}"}}"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(
            server(&many, None, 1).models_summary(),
            "m0, m1, m2 and 4 more"
        );
        assert!(read_models("b", 1, None, b"<html>").is_err());
    }

    #[tokio::test]
    async fn nothing_listening_is_nothing_found() {
        // A port just freed: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        assert_eq!(find(&[port], Duration::from_secs(2)).await, None);
    }
}
