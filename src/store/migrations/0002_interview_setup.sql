-- Interview settings (role, seniority, type, question count, job description, CV)
-- as a JSON object, and the archived flag.
ALTER TABLE conversations ADD COLUMN setup TEXT;
ALTER TABLE conversations ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
