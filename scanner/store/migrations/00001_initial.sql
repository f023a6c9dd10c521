-- +goose Up
-- Batches group scans started by one POST /api/v3/batch request; at most
-- max_concurrent_jobs of a batch's jobs run at once.
CREATE TABLE batches (
    batch_id            uuid PRIMARY KEY,
    max_pages           integer NOT NULL CHECK (max_pages > 0),
    max_concurrent_jobs integer NOT NULL CHECK (max_concurrent_jobs > 0),
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- Domains are the hosts that have been scanned, one row per host.
CREATE TABLE domains (
    domain_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    host            text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_scanned_at timestamptz
);

-- Jobs are scans. The table is also the work queue: workers claim pending
-- rows with FOR UPDATE SKIP LOCKED. owner and attempts fence every write of a
-- running job, so a job taken over after a crash cannot be written to by the
-- instance that lost it.
CREATE TABLE jobs (
    job_id            uuid PRIMARY KEY,
    domain_id         bigint NOT NULL REFERENCES domains (domain_id),
    batch_id          uuid REFERENCES batches (batch_id) ON DELETE CASCADE,
    base_url          text NOT NULL,
    max_pages         integer NOT NULL CHECK (max_pages > 0),
    status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'running', 'completed', 'failed', 'interrupted')),
    error             text,
    files_found       integer NOT NULL DEFAULT 0,
    files_failed      integer NOT NULL DEFAULT 0,
    urls_found        bigint NOT NULL DEFAULT 0,
    max_pages_reached boolean NOT NULL DEFAULT false,
    attempts          integer NOT NULL DEFAULT 0,
    owner             text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    heartbeat_at      timestamptz
);

CREATE INDEX jobs_pending_idx ON jobs (created_at, job_id) WHERE status = 'pending';
CREATE INDEX jobs_running_idx ON jobs (owner, heartbeat_at) WHERE status = 'running';
CREATE INDEX jobs_batch_idx ON jobs (batch_id, status) WHERE batch_id IS NOT NULL;
CREATE INDEX jobs_domain_idx ON jobs (domain_id);

-- Sitemap files read by a job. url_count is the number of URLs recorded from
-- the file (for an index: the child sitemaps it lists); lastmod comes from
-- the parent index's <lastmod> or else the Last-Modified header.
CREATE TABLE sitemap_files (
    file_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     uuid NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    url        text NOT NULL,
    kind       text CHECK (kind IN ('urlset', 'sitemapindex')),
    source     text NOT NULL CHECK (source IN ('robots', 'well-known', 'index')),
    parent_url text,
    depth      integer NOT NULL DEFAULT 0,
    url_count  integer NOT NULL DEFAULT 0,
    bytes      bigint NOT NULL DEFAULT 0,
    lastmod    timestamptz,
    error      text,
    fetched_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, url)
);

-- URLs found in urlset files, at most one row per job and location.
CREATE TABLE sitemap_urls (
    url_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     uuid NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    file_id    bigint NOT NULL REFERENCES sitemap_files (file_id) ON DELETE CASCADE,
    loc        text NOT NULL,
    lastmod    timestamptz,
    changefreq text,
    priority   real,
    UNIQUE (job_id, loc)
);

CREATE INDEX sitemap_urls_file_idx ON sitemap_urls (file_id);

-- +goose Down
DROP TABLE sitemap_urls;
DROP TABLE sitemap_files;
DROP TABLE jobs;
DROP TABLE domains;
DROP TABLE batches;
