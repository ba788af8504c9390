-- End-of-interview feedback reports; a conversation may be re-evaluated, the newest wins.
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('model', 'heuristic')),
    model           TEXT,
    body            TEXT    NOT NULL,   -- JSON of the report, or the raw text when invalid
    valid           INTEGER NOT NULL DEFAULT 1 CHECK (valid IN (0, 1)),
    created_at      INTEGER NOT NULL
);
CREATE INDEX reports_by_conversation ON reports (conversation_id, created_at DESC);
