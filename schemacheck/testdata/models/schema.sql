-- The schema the models in this package are checked against.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN email AS text;
CREATE TABLE sitemap_files (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	url text NOT NULL,
	job_id varchar(36) NOT NULL,
	fetched_at timestamptz,
	size int4 NOT NULL DEFAULT 0,
	tenant_id int NOT NULL
);
CREATE TABLE jobs (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	parent_id uuid,
	status mood NOT NULL DEFAULT 'ok',
	note text,
	owner email,
	started_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	payload jsonb,
	tags text[] NOT NULL DEFAULT '{}',
	attempts int NOT NULL DEFAULT 0,
	client inet
);
CREATE VIEW job_notes AS SELECT id, note FROM jobs;
