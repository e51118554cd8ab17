-- A multi-tenant project tracker: organisations, their users, projects,
-- tasks and comments, an append-only activity log and invoices.  Every
-- tenant table carries org_id; rls.sql confines the application's role
-- to one organisation.
CREATE TABLE orgs (
    id          int PRIMARY KEY,
    name        text NOT NULL,
    plan        text NOT NULL,           -- free, team, business, enterprise
    created_at  timestamptz NOT NULL
);
CREATE TABLE users (
    id            int PRIMARY KEY,
    org_id        int NOT NULL REFERENCES orgs,
    email         text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL,         -- owner, admin, member, guest
    last_seen_at  timestamptz,
    deleted_at    timestamptz
);
CREATE TABLE projects (
    id          int PRIMARY KEY,
    org_id      int NOT NULL REFERENCES orgs,
    owner_id    int NOT NULL REFERENCES users,
    name        text NOT NULL,
    archived    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL
);
CREATE TABLE tasks (
    id           bigint PRIMARY KEY,
    org_id       int NOT NULL,
    project_id   int NOT NULL REFERENCES projects,
    assignee_id  int REFERENCES users,
    status       text NOT NULL,          -- todo, doing, review, done
    priority     int NOT NULL,
    title        text NOT NULL,
    labels       jsonb NOT NULL DEFAULT '{}',
    due_at       timestamptz,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    closed_at    timestamptz
);
CREATE TABLE comments (
    id          bigint PRIMARY KEY,
    org_id      int NOT NULL,
    task_id     bigint NOT NULL REFERENCES tasks,
    author_id   int NOT NULL REFERENCES users,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE TABLE activity (
    id          bigint PRIMARY KEY,
    org_id      int NOT NULL,
    actor_id    int,
    entity      text NOT NULL,           -- task, comment, project
    entity_id   bigint NOT NULL,
    action      text NOT NULL,
    at          timestamptz NOT NULL     -- rows arrive in time order
);
CREATE TABLE invoices (
    id            int PRIMARY KEY,
    org_id        int NOT NULL REFERENCES orgs,
    status        text NOT NULL,         -- open, paid, overdue, void
    amount_cents  int NOT NULL,
    issued_at     date NOT NULL,
    paid_at       date
);
