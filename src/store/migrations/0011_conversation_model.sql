-- The model each conversation talks to: chosen when it starts (`ask --model`, the
-- configured one, the TUI's model picker) and switched later by the user. NULL for
-- offline practice (the question bank) and for conversations from before it existed.
ALTER TABLE conversations ADD COLUMN model TEXT;
