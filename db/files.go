// Package db holds the TFB database fixture: the SQL that creates and fills
// the world and fortune tables, and the PostgreSQL settings TFB runs with.
// The files are embedded so that Go code (the test fixture, the toolset) uses
// exactly what the database image loads.
package db

import _ "embed"

// CreateSQL is create-postgres.sql: plain SQL that, run by a superuser in an
// empty hello_world database owned by benchmarkdbuser, creates the
// pg_stat_statements extension and the world and fortune tables.
//
//go:embed create-postgres.sql
var CreateSQL string

// PostgresConf is postgresql.conf: TFB's server settings, with
// pg_stat_statements preloaded.
//
//go:embed postgresql.conf
var PostgresConf string

// The names every entry and tool uses by default, as docs/spec.md gives them.
const (
	Name     = "hello_world"
	User     = "benchmarkdbuser"
	Password = "benchmarkdbpass"
	Host     = "tfb-database"
	Port     = 5432
)
