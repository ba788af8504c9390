-- The practice loop: drills (a conversation that is one drilled question) and the
-- spaced-repetition schedule of weak spots. Written to stand
-- alone: it creates only its own tables (IF NOT EXISTS) and touches no other
-- migration's, so it does not depend on 0008 or 0009.
CREATE TABLE IF NOT EXISTS review_items (
    id                     INTEGER PRIMARY KEY,
    kind                   TEXT    NOT NULL CHECK (kind IN ('question', 'competency')),
    interview_type         TEXT    NOT NULL,
    subject                TEXT    NOT NULL,
    question               TEXT    NOT NULL DEFAULT '',
    bank_id                TEXT,
    step                   INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
    due_at                 INTEGER NOT NULL,
    last_score             INTEGER CHECK (last_score BETWEEN 1 AND 5),
    source_conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
    done                   INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    UNIQUE (kind, interview_type, subject)
);
CREATE INDEX IF NOT EXISTS review_items_due ON review_items (done, due_at);

CREATE TABLE IF NOT EXISTS drills (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    review_item_id  INTEGER REFERENCES review_items(id) ON DELETE SET NULL,
    interview_type  TEXT    NOT NULL,
    question        TEXT    NOT NULL,
    bank_id         TEXT,
    competency      TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    first_score     INTEGER CHECK (first_score BETWEEN 1 AND 5),
    last_score      INTEGER CHECK (last_score BETWEEN 1 AND 5),
    created_at      INTEGER NOT NULL
);
