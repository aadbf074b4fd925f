-- Work a migration asks the server to do once the schema is up to date (SQLite;
-- migrations/postgres/0009_pending_work.sql does the same). `store::migrate` does each in one
-- transaction that also deletes its row, so work cut short (a crash, a stop) is done again at
-- the next start instead of being forgotten.
CREATE TABLE pending_work (
    name TEXT PRIMARY KEY,
    requested_at INTEGER NOT NULL
);

-- Migration 0007 clamped goal weights to 1-100, which moves every rolled-up goal whose children
-- had other weights; the one-time recompute of that version covered only the parents of private
-- and individual goals. Recompute every rolled-up goal once.
INSERT INTO pending_work (name, requested_at)
SELECT 'recompute_goal_rollups', 0 WHERE EXISTS (SELECT 1 FROM goals);
