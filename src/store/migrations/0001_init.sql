-- Conversations and their messages. Times are Unix milliseconds (UTC).
CREATE TABLE conversations (
    id          INTEGER PRIMARY KEY,
    uid         TEXT    NOT NULL UNIQUE,   -- stable identity across export/import
    title       TEXT    NOT NULL,
    persona     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('complete', 'streaming', 'interrupted', 'error')),
    created_at      INTEGER NOT NULL
);

-- The sidebar lists by recency; the message pane reads one conversation in order.
CREATE INDEX conversations_by_recency ON conversations (updated_at DESC, id DESC);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
