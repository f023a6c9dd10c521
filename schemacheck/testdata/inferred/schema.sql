CREATE TABLE customers (id bigint PRIMARY KEY, email text, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total numeric NOT NULL);
CREATE TABLE tags (id integer PRIMARY KEY, label text NOT NULL);
CREATE TABLE members (id bigint PRIMARY KEY, name text NOT NULL, joined date NOT NULL);
CREATE TABLE firms (id bigint PRIMARY KEY, name text);
CREATE TABLE parcels (id bigint PRIMARY KEY, weight integer NOT NULL);
