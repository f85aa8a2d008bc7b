-- Users, projects and shop settings.
-- Allowed values (roles, piece types, statuses) are checked in Python, not with CHECK
-- constraints: DuckDB cannot drop a constraint, so adding a status later would mean
-- rebuilding the table.

CREATE SEQUENCE users_id_seq START 1;

CREATE TABLE users (
    id INTEGER PRIMARY KEY DEFAULT nextval('users_id_seq'),
    name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,            -- owner, staff, viewer
    pin_hash VARCHAR NOT NULL,        -- scrypt$N$r$p$salt$hash
    password_hash VARCHAR,            -- optional, same format
    created_at TIMESTAMP NOT NULL,    -- UTC
    disabled BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE projects (
    id VARCHAR PRIMARY KEY,           -- [A-Za-z0-9_-]{1,64}, also capture's project id
    customer VARCHAR NOT NULL,
    contact VARCHAR NOT NULL DEFAULT '',
    piece_type VARCHAR NOT NULL,
    notes VARCHAR NOT NULL DEFAULT '',
    status VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,    -- UTC
    updated_at TIMESTAMP NOT NULL     -- UTC
);

CREATE TABLE settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
