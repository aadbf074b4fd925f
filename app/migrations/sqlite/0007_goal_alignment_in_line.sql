-- Issue 11: alignment stays within the owner's line, goal weights are 1 to 100, an individual
-- goal counts towards its parent once its goal-setting session is approved, and the parent shows
-- who aligned each goal under it, and when. (`store::migrate` recomputes the roll-ups once.)
-- Goals aligned before this version are credited to whoever created them.
ALTER TABLE goals ADD COLUMN aligned_by INTEGER REFERENCES employees(id);
ALTER TABLE goals ADD COLUMN aligned_at INTEGER;
UPDATE goals SET aligned_by = created_by, aligned_at = created_at WHERE parent_id IS NOT NULL;
UPDATE goals SET weight = 1 WHERE weight < 1;
UPDATE goals SET weight = 100 WHERE weight > 100;
