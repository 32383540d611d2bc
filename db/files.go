// Package db holds the TFB database fixture: the SQL that creates and fills
// the world and fortune tables, and the PostgreSQL settings TFB runs with.
// The files are embedded so that Go code (the test fixture, the toolset) uses
// exactly what the database image loads.
package db

import (
	_ "embed"
	"net"
	"net/url"
	"strconv"
)

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

// URL is the postgres:// URL that logs in as User with Password to the
// Name database at host:port, without TLS (the fixture serves none).
func URL(host string, port int) string {
	return UserURL(User, Password, host, port)
}

// UserURL is URL for another role; an empty password is left out.
func UserURL(user, password, host string, port int) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(user),
		Host:     net.JoinHostPort(host, strconv.Itoa(port)),
		Path:     "/" + Name,
		RawQuery: "sslmode=disable",
	}
	if password != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}
