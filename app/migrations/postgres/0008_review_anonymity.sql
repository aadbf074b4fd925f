-- Issue 11: anonymity that survives a determined manager (PostgreSQL).
-- migrations/sqlite/0008_review_anonymity.sql does the same. Threat model: docs/ARCHITECTURE.md.

-- Anonymous answers of a type are shown from this many reviewers up (and each question from
-- this many non-empty answers). New cycles default to 5; cycles created before this version
-- keep the 3 they were launched with.
ALTER TABLE review_cycles ADD COLUMN anonymity_threshold BIGINT NOT NULL DEFAULT 5;
UPDATE review_cycles SET anonymity_threshold = 3;

-- A submitted anonymous review's answers, one row per non-empty answer, with nothing that
-- leads back to the reviewer: no reviewer, no time, no assignment, and an id drawn at random.
-- Completion stays on the assignment (state 'submitted', its answers emptied). Rows written in
-- one transaction share a transaction id (xmin) and sit together in the heap: closing writing
-- re-deals a cycle's answers (store::reviews::cycles::redeal_anonymous_answers).
CREATE TABLE review_anonymous_answers (
    id BIGINT PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES review_participants(id),
    kind TEXT NOT NULL CHECK (kind IN ('peer', 'upward')),
    question_key TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX review_anonymous_answers_participant ON review_anonymous_answers(participant_id, kind);

-- Answers submitted before this version move out of their assignments.
INSERT INTO review_anonymous_answers (id, participant_id, kind, question_key, answer)
SELECT (floor(random() * 2147483648)::bigint << 31) | floor(random() * 2147483648)::bigint, a.participant_id, a.kind, j.key, j.value
FROM review_assignments a JOIN review_cycles c ON c.id = a.cycle_id
    CROSS JOIN LATERAL jsonb_each_text(a.answers::jsonb) j
WHERE a.state = 'submitted' AND c.anonymous = 1 AND a.kind IN ('peer', 'upward')
    AND trim(j.value) <> ''
ORDER BY random();
UPDATE review_assignments SET answers = '{}'
WHERE state = 'submitted' AND kind IN ('peer', 'upward')
    AND cycle_id IN (SELECT id FROM review_cycles WHERE anonymous = 1);
