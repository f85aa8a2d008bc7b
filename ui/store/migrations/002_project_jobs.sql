-- The jobs a project started on the box's services (reconstruction, patterns, render),
-- so a project remembers its models, patterns and renders across restarts of the UI.
-- The services own the jobs and their results; this table only says which belong to
-- which project and what to call them. Allowed services and kinds are checked in Python.

CREATE TABLE project_jobs (
    project_id VARCHAR NOT NULL,      -- projects.id
    service VARCHAR NOT NULL,         -- reconstruction, patterns, render
    kind VARCHAR NOT NULL,            -- the service's job kind, e.g. patterns, turntable
    job_id VARCHAR NOT NULL,          -- the service's job id
    created_at TIMESTAMP NOT NULL,    -- UTC
    label VARCHAR NOT NULL DEFAULT '',-- what people see, e.g. "from chair.ply"
    PRIMARY KEY (service, job_id)
);

CREATE INDEX project_jobs_by_project ON project_jobs (project_id, service);
