-- A reasoning model's thinking before a reply (`reasoning_content` deltas, a
-- leading `<think>` block), kept apart from the reply's content: not indexed for
-- search (the full-text triggers follow `content` only), never sent back to the
-- model, never read by the evaluator. NULL when the model sent none.
ALTER TABLE messages ADD COLUMN reasoning TEXT;
