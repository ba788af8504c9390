//! Server-sent events (the `text/event-stream` format a streamed reply comes in),
//! read from the bytes of a response as they arrive: lines are found at the byte
//! level (`memchr`) and decoded once each, so a network read holding a thousand
//! events costs one pass over its bytes, whatever its size.
//!
//! Follows the format's rules (the WHATWG HTML standard, "Interpreting an event
//! stream"): lines end with `\n`, `\r\n` or `\r` (also when the two bytes of `\r\n`
//! arrive in different reads); a blank line ends an event; `data:` lines join with
//! `\n`; a line starting with `:` is a comment; one space after the colon is
//! dropped; a leading byte order mark is skipped; an event with no data, and one
//! the stream ends in the middle of, are not dispatched. `id` and `retry` are not
//! used here and are ignored.
//!
//! Hostile input stays bounded: bytes that are not UTF-8 become U+FFFD (line by
//! line, so a character split across reads is put back together first), and a line
//! or an event longer than the given limit stops the reader with an error instead
//! of growing in memory.
//!
//! Pure: bytes in, events out; no I/O.

use std::ops::ControlFlow;

/// One dispatched event. Borrowed from the reader: valid until the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    /// The `event:` field, or `"message"` when the event has none.
    pub event: &'a str,
    /// The `data:` lines, joined with `\n`.
    pub data: &'a str,
}

/// Why the reader stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLong {
    /// One line passed the limit without ending.
    Line,
    /// One event's data passed the limit without a blank line ending it.
    Event,
}

/// Reads an event stream piece by piece (see the module docs).
#[derive(Debug)]
pub struct SseReader {
    /// The longest line, and the most data one event may gather, in bytes.
    limit: usize,
    /// The start of a line whose end is in a later read.
    partial: Vec<u8>,
    /// The last read ended with `\r`: a `\n` starting the next one ends nothing.
    after_cr: bool,
    /// No line read yet (the first may start with a byte order mark).
    at_start: bool,
    /// The event being gathered.
    data: String,
    has_data: bool,
    event: String,
}

impl SseReader {
    /// A reader refusing lines and events of more than `limit` bytes.
    pub fn new(limit: usize) -> SseReader {
        SseReader {
            limit,
            partial: Vec::new(),
            after_cr: false,
            at_start: true,
            data: String::new(),
            has_data: false,
            event: String::new(),
        }
    }

    /// Reads the next piece of the stream, calling `on_event` for each event it
    /// completes, in order, until `on_event` says to stop (then the rest of the
    /// piece is dropped: the caller is done with the stream).
    pub fn feed<F>(&mut self, mut bytes: &[u8], mut on_event: F) -> Result<ControlFlow<()>, TooLong>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        if self.after_cr && !bytes.is_empty() {
            self.after_cr = false;
            if bytes[0] == b'\n' {
                bytes = &bytes[1..];
            }
        }
        while let Some(end) = memchr::memchr2(b'\n', b'\r', bytes) {
            let flow = if self.partial.is_empty() {
                self.line(&bytes[..end], &mut on_event)?
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&bytes[..end]);
                if line.len() > self.limit {
                    return Err(TooLong::Line);
                }
                let flow = self.line(&line, &mut on_event)?;
                line.clear();
                self.partial = line;
                flow
            };
            if let ControlFlow::Break(()) = flow {
                return Ok(flow);
            }
            let after = end + 1;
            if bytes[end] == b'\r' {
                match bytes.get(after) {
                    Some(b'\n') => bytes = &bytes[after + 1..],
                    Some(_) => bytes = &bytes[after..],
                    None => {
                        self.after_cr = true;
                        bytes = &[];
                    }
                }
            } else {
                bytes = &bytes[after..];
            }
        }
        if self.partial.len() + bytes.len() > self.limit {
            return Err(TooLong::Line);
        }
        self.partial.extend_from_slice(bytes);
        Ok(ControlFlow::Continue(()))
    }

    /// One whole line, without its end.
    fn line<F>(&mut self, mut line: &[u8], on_event: &mut F) -> Result<ControlFlow<()>, TooLong>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        if self.at_start {
            self.at_start = false;
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            return Ok(self.dispatch(on_event));
        }
        if line[0] == b':' {
            return Ok(ControlFlow::Continue(()));
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.has_data = true;
                self.data.push_str(&text(value));
                if self.data.len() > self.limit {
                    return Err(TooLong::Event);
                }
            }
            b"event" => {
                self.event.clear();
                self.event.push_str(&text(value));
            }
            _ => {}
        }
        Ok(ControlFlow::Continue(()))
    }

    fn dispatch<F>(&mut self, on_event: &mut F) -> ControlFlow<()>
    where
        F: FnMut(Event<'_>) -> ControlFlow<()>,
    {
        let flow = if self.has_data {
            let event = if self.event.is_empty() {
                "message"
            } else {
                self.event.as_str()
            };
            on_event(Event {
                event,
                data: &self.data,
            })
        } else {
            ControlFlow::Continue(())
        };
        self.data.clear();
        self.has_data = false;
        self.event.clear();
        flow
    }
}

/// Bytes as text, what is not UTF-8 as U+FFFD (checked the fast way first: it
/// nearly always is).
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event of `pieces` read in order: (event, data).
    fn read(limit: usize, pieces: &[&[u8]]) -> Result<Vec<(String, String)>, TooLong> {
        let mut reader = SseReader::new(limit);
        let mut events = Vec::new();
        for piece in pieces {
            let flow = reader.feed(piece, |e| {
                events.push((e.event.to_string(), e.data.to_string()));
                ControlFlow::Continue(())
            })?;
            assert_eq!(flow, ControlFlow::Continue(()));
        }
        Ok(events)
    }

    fn message(data: &str) -> (String, String) {
        ("message".to_string(), data.to_string())
    }

    const STREAM: &[u8] = b"\xEF\xBB\xBFdata: {\"a\":1}\n\n: a comment\r\n\
        data:no space\r\ndata:  two spaces\r\n\r\n\
        event: keepalive\rdata\r\r\
        id: 7\nretry: 10\nevent: only a type\n\n\
        data: caf\xC3\xA9 \xFF end\n\n\
        data: [DONE]\n\ndata: never ended";

    fn expected() -> Vec<(String, String)> {
        vec![
            message("{\"a\":1}"),
            message("no space\n two spaces"),
            ("keepalive".to_string(), String::new()),
            message("caf\u{e9} \u{FFFD} end"),
            message("[DONE]"),
        ]
    }

    #[test]
    fn events_are_read_by_the_rules_of_the_format() {
        assert_eq!(read(1 << 20, &[STREAM]).expect("read"), expected());
    }

    #[test]
    fn any_split_across_reads_reads_the_same() {
        for at in 0..=STREAM.len() {
            let (a, b) = STREAM.split_at(at);
            assert_eq!(
                read(1 << 20, &[a, b]).expect("read"),
                expected(),
                "split at {at}"
            );
        }
        let bytes: Vec<&[u8]> = STREAM.chunks(1).collect();
        assert_eq!(read(1 << 20, &bytes).expect("read"), expected());
    }

    #[test]
    fn a_line_or_an_event_past_the_limit_stops_the_reader() {
        assert_eq!(read(8, &[b"data: 12", b"3"]), Err(TooLong::Line));
        assert_eq!(
            read(8, &[b"data: 1", b"2\n\n"]).expect("read"),
            vec![message("12")]
        );
        assert_eq!(
            read(8, &[b"data: 1234\ndata: 5678\n"]),
            Err(TooLong::Event),
            "no blank line: the data would grow without end"
        );
    }

    #[test]
    fn the_caller_can_stop_at_an_event() {
        let mut reader = SseReader::new(1024);
        let mut seen = Vec::new();
        let flow = reader
            .feed(b"data: 1\n\ndata: 2\n\ndata: 3\n\n", |e| {
                seen.push(e.data.to_string());
                if e.data == "2" {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .expect("read");
        assert_eq!(flow, ControlFlow::Break(()));
        assert_eq!(seen, ["1", "2"]);
    }
}
