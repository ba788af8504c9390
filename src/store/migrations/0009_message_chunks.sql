-- A streaming reply's text is appended here, one row per flush, instead of
-- rewriting the whole reply (and re-indexing it for search) every 200 ms, which
-- cost the square of its length. The pieces are folded into messages.content, and
-- indexed, once when the reply ends (or when start-up recovery ends it).
CREATE TABLE message_chunks (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;
