-- The TFB database fixture for PostgreSQL.
--
-- Load it as a superuser into an empty hello_world database owned by
-- benchmarkdbuser:
--
--   psql -v ON_ERROR_STOP=1 -U postgres -d hello_world -f db/create-postgres.sql
--
-- It is plain SQL (no psql meta-commands), so the Go fixture can run it too.

-- The verifier counts queries with pg_stat_statements; the server must also
-- have it in shared_preload_libraries (see postgresql.conf).
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

CREATE TABLE world (
    id           integer NOT NULL PRIMARY KEY,
    randomnumber integer NOT NULL DEFAULT 0
);
INSERT INTO world (id, randomnumber)
SELECT id, floor(random() * 10000)::integer + 1
FROM generate_series(1, 10000) AS id;

CREATE TABLE fortune (
    id      integer NOT NULL PRIMARY KEY,
    message varchar(2048) NOT NULL
);
INSERT INTO fortune (id, message) VALUES
    (1, 'fortune: No such file or directory'),
    (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
    (3, 'After enough decimal places, nobody gives a damn.'),
    (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
    (5, 'A computer program does what you tell it to do, not what you want it to do.'),
    (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
    (7, 'Any program that runs right is obsolete.'),
    (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
    (9, 'Feature: A bug with seniority.'),
    (10, 'Computers make very fast, very accurate mistakes.'),
    (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
    (12, 'フレームワークのベンチマーク');

-- TFB also creates quoted, capitalised twins for entries that use them.
CREATE TABLE "World" (
    id           integer NOT NULL PRIMARY KEY,
    randomNumber integer NOT NULL DEFAULT 0
);
INSERT INTO "World" (id, randomnumber) SELECT id, randomnumber FROM world;

CREATE TABLE "Fortune" (
    id      integer NOT NULL PRIMARY KEY,
    message varchar(2048) NOT NULL
);
INSERT INTO "Fortune" (id, message) SELECT id, message FROM fortune;

GRANT SELECT, UPDATE ON world, fortune, "World", "Fortune" TO benchmarkdbuser;

ANALYZE;
