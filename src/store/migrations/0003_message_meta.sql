-- Why a reply failed (for status 'error' or 'interrupted'), and token usage when the
-- server reports it.
ALTER TABLE messages ADD COLUMN error TEXT;
ALTER TABLE messages ADD COLUMN prompt_tokens INTEGER;
ALTER TABLE messages ADD COLUMN completion_tokens INTEGER;
ALTER TABLE messages ADD COLUMN model TEXT;
