// Package tfb implements the TechEmpower Framework Benchmarks test types once,
// independent of any web framework: the JSON shapes, random ids, the count
// parameter's clamping, data access, the update logic, fortunes and the
// cached-queries cache. Each entry under frameworks/ only routes requests to
// a Service and writes its results through its framework's own API, so the
// framework is the only thing that differs between entries.
package tfb

import (
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
)

// HelloWorld is the message of the json and plaintext test types.
const HelloWorld = "Hello, World!"

// Message is the json test type's object. Build a new one per request and
// serialize it with a JSON library: TFB forbids cached bytes.
type Message struct {
	Message string `json:"message"`
}

// World is a row of the world table as the db, query, update and
// cached_query test types return it.
type World struct {
	ID           int32 `json:"id"`
	RandomNumber int32 `json:"randomNumber"`
}

// Fortune is a row of the fortune table.
type Fortune struct {
	ID      int32
	Message string
}

// WorldRows is the number of rows in the world table; ids run 1..WorldRows
// and random numbers are drawn from the same range.
const WorldRows = 10000

// MaxQueries is the upper bound of the count parameter.
const MaxQueries = 500

// randomID returns a uniformly drawn world id (or random number).
func randomID() int32 {
	return rand.Int32N(WorldRows) + 1
}

// QueryCount parses the count parameter of the query, update and
// cached_query test types. A missing, empty, non-numeric or too small value
// means 1; a value above 500 (however large) means 500. It never fails.
func QueryCount(raw string) int {
	n, err := strconv.Atoi(raw)
	if err != nil {
		// A run of digits too large for an int is still "above 500".
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && raw[0] != '-' {
			return MaxQueries
		}
		return 1
	}
	return min(max(n, 1), MaxQueries)
}

// Config is how an entry is configured: by environment only.
type Config struct {
	// Port is the TCP port to listen on (PORT, default 8080).
	Port string
	// DatabaseURL locates the hello_world database (DATABASE_URL, default
	// postgres://benchmarkdbuser:benchmarkdbpass@tfb-database:5432/hello_world).
	DatabaseURL string
}

// DefaultDatabaseURL is the database every entry uses unless told otherwise.
const DefaultDatabaseURL = "postgres://benchmarkdbuser:benchmarkdbpass@tfb-database:5432/hello_world"

// ConfigFromEnv reads PORT and DATABASE_URL, with their defaults.
func ConfigFromEnv() Config {
	c := Config{Port: os.Getenv("PORT"), DatabaseURL: os.Getenv("DATABASE_URL")}
	if c.Port == "" {
		c.Port = "8080"
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	return c
}

// Addr is the address to listen on: the host TFB_LISTEN_HOST names (a
// name, an IPv4 address, or an IPv6 address in brackets), or every
// interface when it is unset, at Port. The toolset sets it so that an entry
// it runs with host networking listens on loopback only.
func (c Config) Addr() string {
	return os.Getenv("TFB_LISTEN_HOST") + ":" + c.Port
}

// Setup prepares an entry's main: it reads the configuration from the
// environment, logs with log/slog as text to stderr, tagged with the
// entry's name, and creates the Service. A malformed DATABASE_URL is the one
// fatal error: it is logged and the process exits with status 1.
func Setup(entry string) (Config, *Service) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("entry", entry)
	slog.SetDefault(log)
	cfg := ConfigFromEnv()
	svc, err := New(cfg.DatabaseURL, log)
	if err != nil {
		log.Error("bad configuration", "err", err)
		os.Exit(1)
	}
	log.Info("listening", "addr", cfg.Addr())
	return cfg, svc
}
