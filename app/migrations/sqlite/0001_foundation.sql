-- Keel foundation schema (SQLite). migrations/postgres/0001_foundation.sql describes the same
-- tables and columns; a test compares the two. Times are UTC unix seconds; dates are YYYY-MM-DD.

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES departments(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX departments_parent ON departments(parent_id);

CREATE TABLE employees (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    manager_id INTEGER REFERENCES employees(id),
    hire_date TEXT NOT NULL,
    location TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX employees_name ON employees(name, id);
CREATE INDEX employees_department ON employees(department_id, name, id);
CREATE INDEX employees_manager ON employees(manager_id, status);
CREATE INDEX employees_status_department ON employees(status, department_id);

CREATE TABLE employee_roles (
    employee_id INTEGER NOT NULL REFERENCES employees(id),
    role TEXT NOT NULL CHECK (role IN ('hr_admin', 'executive', 'admin')),
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (employee_id, role)
);

CREATE TABLE credentials (
    employee_id INTEGER PRIMARY KEY REFERENCES employees(id),
    password_hash TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    employee_id INTEGER NOT NULL REFERENCES employees(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_employee ON sessions(employee_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts(email, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER REFERENCES employees(id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before_json TEXT,
    after_json TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
