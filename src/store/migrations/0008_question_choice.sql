-- The offline interview's question choice, fixed at creation: bank questions to
-- steer away from (asked recently) and to bring back (answered weakly), as JSON.
ALTER TABLE conversations ADD COLUMN question_choice TEXT;
