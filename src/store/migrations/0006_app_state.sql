-- What the TUI remembers between runs: unsent drafts per conversation and small
-- key/value state (the conversation that was open, the sidebar's visibility).
CREATE TABLE drafts (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    text            TEXT    NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
