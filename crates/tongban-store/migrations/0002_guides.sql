-- Service guides: drafts edited by departments (published only through change requests),
-- and the reference lists the reform office keeps for the guide checks.

CREATE TABLE guide_drafts (
    implementation_code TEXT PRIMARY KEY,
    guide TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

-- One row per entry of a list: retained_proof (保留证明事项目录), intermediary_service
-- (中介服务事项清单), fee (收费清单), sharing_source (可共享获取的材料).
CREATE TABLE reference_entries (
    list TEXT NOT NULL,
    name TEXT NOT NULL,
    detail TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (list, name)
);

-- Local settings the reform office may change (data, not code): name → value as text.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
