-- Goals and OKRs (SQLite). migrations/postgres/0002_goals.sql describes the same tables.
-- Progress is a percentage 0..100 kept current on the goal row by every write that changes it,
-- so lists and the alignment tree never recompute it from check-ins.

CREATE TABLE goal_periods (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('quarter', 'half', 'year', 'custom')),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES employees(id),
    level TEXT NOT NULL CHECK (level IN ('company', 'department', 'team', 'individual')),
    department_id INTEGER REFERENCES departments(id),
    period_id INTEGER NOT NULL REFERENCES goal_periods(id),
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    weight INTEGER NOT NULL CHECK (weight >= 0),
    status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'cancelled')),
    progress_mode TEXT NOT NULL CHECK (progress_mode IN ('manual', 'rolled_up')),
    parent_id INTEGER REFERENCES goals(id),
    progress REAL NOT NULL,
    confidence TEXT CHECK (confidence IN ('on_track', 'at_risk', 'off_track')),
    last_check_in_at INTEGER,
    created_by INTEGER NOT NULL REFERENCES employees(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX goals_period_level ON goals(period_id, level, id);
-- Covers the tree's "n aligned" counts, which filter on visibility and owner.
CREATE INDEX goals_parent ON goals(parent_id, visibility, owner_id);
CREATE INDEX goals_owner_period ON goals(owner_id, period_id);

CREATE TABLE key_results (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('number', 'percent', 'currency', 'milestone')),
    unit TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('increase', 'decrease')),
    start_value REAL NOT NULL,
    target_value REAL NOT NULL,
    current_value REAL NOT NULL,
    weight INTEGER NOT NULL CHECK (weight >= 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX key_results_goal ON key_results(goal_id, position);

-- Append-only: a check-in is never changed or removed.
CREATE TABLE check_ins (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id),
    author_id INTEGER NOT NULL REFERENCES employees(id),
    confidence TEXT NOT NULL CHECK (confidence IN ('on_track', 'at_risk', 'off_track')),
    comment TEXT NOT NULL,
    progress REAL NOT NULL,
    key_result_values TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX check_ins_goal ON check_ins(goal_id, created_at);
CREATE TRIGGER check_ins_no_update BEFORE UPDATE ON check_ins
BEGIN
    SELECT RAISE(ABORT, 'check_ins is append-only');
END;
CREATE TRIGGER check_ins_no_delete BEFORE DELETE ON check_ins
BEGIN
    SELECT RAISE(ABORT, 'check_ins is append-only');
END;

-- Comments on a goal (during goal-setting) or under one of its check-ins.
CREATE TABLE goal_comments (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals(id),
    check_in_id INTEGER REFERENCES check_ins(id),
    author_id INTEGER NOT NULL REFERENCES employees(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX goal_comments_goal ON goal_comments(goal_id, created_at);

-- A goal-setting session: one person's individual goals for one period, agreed with their manager.
CREATE TABLE goal_plans (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES employees(id),
    period_id INTEGER NOT NULL REFERENCES goal_periods(id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'changes_requested', 'approved')),
    updated_at INTEGER NOT NULL,
    UNIQUE (owner_id, period_id)
);
CREATE INDEX goal_plans_period_state ON goal_plans(period_id, state);
