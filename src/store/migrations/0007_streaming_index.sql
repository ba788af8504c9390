-- Start-up recovery looks for replies left 'streaming' on every open; without an
-- index that is a scan of every message (about a second with a million of them).
-- A partial index holds only the few streaming rows, so it costs nothing to keep.
CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';
