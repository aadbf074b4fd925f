-- Review cycles (SQLite). migrations/postgres/0003_reviews.sql describes the same tables.
-- A template's sections and questions are one JSON document per version: a version is written
-- once, frozen when a cycle uses it, and editing a frozen version writes the next one.

CREATE TABLE rating_scales (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- JSON list of {value, label, description}, lowest first.
    points TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE review_templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES employees(id),
    created_at INTEGER NOT NULL
);

CREATE TABLE template_versions (
    id INTEGER PRIMARY KEY,
    template_id INTEGER NOT NULL REFERENCES review_templates(id),
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    frozen INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (template_id, version)
);

CREATE TABLE review_cycles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    goal_period_id INTEGER REFERENCES goal_periods(id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'nomination', 'writing', 'calibration', 'released', 'closed')),
    -- Comma-separated reviewer types: self, manager, peer, upward.
    reviewer_types TEXT NOT NULL,
    anonymous INTEGER NOT NULL,
    peer_min INTEGER NOT NULL,
    peer_max INTEGER NOT NULL,
    -- 'all', 'department' or 'people'; scope_value is the department id or the e-mail list.
    scope TEXT NOT NULL CHECK (scope IN ('all', 'department', 'people')),
    scope_value TEXT NOT NULL,
    hired_before TEXT,
    nomination_due TEXT,
    writing_due TEXT NOT NULL,
    calibration_due TEXT NOT NULL,
    release_due TEXT NOT NULL,
    template_version_id INTEGER NOT NULL REFERENCES template_versions(id),
    -- JSON object {scale value: percent}, or NULL.
    target_distribution TEXT,
    created_by INTEGER NOT NULL REFERENCES employees(id),
    created_at INTEGER NOT NULL,
    launched_at INTEGER,
    closed_at INTEGER
);

-- A different template for the people of one top-level department.
CREATE TABLE cycle_templates (
    cycle_id INTEGER NOT NULL REFERENCES review_cycles(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    template_version_id INTEGER NOT NULL REFERENCES template_versions(id),
    PRIMARY KEY (cycle_id, department_id)
);

-- One person reviewed in a cycle; manager and department as they were at launch.
CREATE TABLE review_participants (
    id INTEGER PRIMARY KEY,
    cycle_id INTEGER NOT NULL REFERENCES review_cycles(id),
    person_id INTEGER NOT NULL REFERENCES employees(id),
    manager_id INTEGER REFERENCES employees(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    top_department_id INTEGER NOT NULL REFERENCES departments(id),
    template_version_id INTEGER NOT NULL REFERENCES template_versions(id),
    proposed_rating REAL,
    final_rating INTEGER,
    released_at INTEGER,
    employee_comment TEXT,
    acknowledged_at INTEGER,
    signed_off_at INTEGER,
    UNIQUE (cycle_id, person_id)
);
CREATE INDEX review_participants_cycle_dept ON review_participants(cycle_id, top_department_id, final_rating, proposed_rating);
CREATE INDEX review_participants_cycle_manager ON review_participants(cycle_id, manager_id);
CREATE INDEX review_participants_person ON review_participants(person_id);
CREATE INDEX review_participants_manager ON review_participants(manager_id, cycle_id);

-- Who writes which review of whom. Answers are a JSON object {question key: answer}.
CREATE TABLE review_assignments (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES review_participants(id),
    cycle_id INTEGER NOT NULL REFERENCES review_cycles(id),
    reviewer_id INTEGER NOT NULL REFERENCES employees(id),
    kind TEXT NOT NULL CHECK (kind IN ('self', 'manager', 'peer', 'upward')),
    state TEXT NOT NULL CHECK (state IN ('nominated', 'declined', 'pending', 'draft', 'submitted')),
    answers TEXT NOT NULL,
    saved_at INTEGER,
    submitted_at INTEGER,
    UNIQUE (participant_id, reviewer_id, kind)
);
CREATE INDEX review_assignments_reviewer ON review_assignments(reviewer_id, state);
CREATE INDEX review_assignments_cycle ON review_assignments(cycle_id, kind, state, participant_id);

-- Calibration: every change of a final rating, with its reason.
CREATE TABLE rating_changes (
    id INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES review_participants(id),
    actor_id INTEGER NOT NULL REFERENCES employees(id),
    before_rating REAL,
    after_rating INTEGER NOT NULL,
    justification TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX rating_changes_participant ON rating_changes(participant_id, at);

-- The notification centre.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES employees(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_person ON notifications(person_id, read_at, created_at);
