// Package tfb implements the TechEmpower Framework Benchmarks test types once,
// independent of any web framework: the JSON shapes, random ids, the count
// parameter's clamping, data access, the update logic, fortunes and the
// cached-queries cache. Each entry under frameworks/ only routes requests to
// a Service and writes its results through its framework's own API, so the
// framework is the only thing that differs between entries.
package tfb

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
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

// Config is how an entry is configured: by environment only. Every
// duration is read with time.ParseDuration ("500ms", "5s", "2m").
type Config struct {
	// Port is the TCP port to listen on (PORT, default 8080).
	Port string
	// DatabaseURL locates the hello_world database (DATABASE_URL, default
	// postgres://benchmarkdbuser:benchmarkdbpass@tfb-database:5432/hello_world).
	DatabaseURL string
	// ReadHeaderTimeout bounds reading a request's header
	// (TFB_READ_HEADER_TIMEOUT, default 5s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request (TFB_READ_TIMEOUT,
	// default 10s).
	ReadTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request before it is closed (TFB_IDLE_TIMEOUT, default 60s).
	IdleTimeout time.Duration
	// DatabaseTimeout bounds the database work of one request; past it the
	// request answers 503 (TFB_DB_TIMEOUT, default 8s: wrk's own timeout,
	// past which a response counts as a timeout anyway).
	DatabaseTimeout time.Duration
	// ShutdownTimeout is how long a stopping entry waits for the requests
	// in flight (TFB_SHUTDOWN_TIMEOUT, default 4s, under the grace that
	// tfb and docker stop give before they kill).
	ShutdownTimeout time.Duration
	// GCBallastMiB is the size, in MiB, of a heap allocation the entry holds
	// and never writes (TFB_GC_BALLAST_MIB, default 16; 0: none). The
	// garbage collector counts it as live, so at GOGC=100 it starts a cycle
	// once the heap has grown by the ballast and what else is live, not by
	// Go's 4 MiB floor: the entries whose server allocates on every request
	// (net/http's, about 2.4 KiB), and every entry on the types whose
	// driver allocates, collect about a fifth as often, and mark the cache
	// and the pool's connections that much less. Its pages are never
	// written, so it takes no memory itself; the heap may grow by up to
	// twice its size more between collections. Under GOMEMLIMIT it counts
	// against the limit.
	GCBallastMiB int
	// PprofAddr, when set, is the loopback address net/http/pprof is
	// served on (TFB_PPROF_ADDR, e.g. 127.0.0.1:6061; unset: off).
	PprofAddr string
	// PprofContention makes the mutex and block profiles sample
	// (TFB_PPROF_CONTENTION=1; they cost nothing and say nothing otherwise).
	PprofContention bool
}

// DefaultDatabaseURL is the database every entry uses unless told otherwise.
const DefaultDatabaseURL = "postgres://benchmarkdbuser:benchmarkdbpass@tfb-database:5432/hello_world"

// DefaultDatabaseTimeout is the database deadline of a request unless
// TFB_DB_TIMEOUT sets another.
const DefaultDatabaseTimeout = 8 * time.Second

// DefaultGCBallastMiB is the GC ballast an entry holds unless
// TFB_GC_BALLAST_MIB sets another (Config.GCBallastMiB).
const DefaultGCBallastMiB = 16

// maxGCBallastMiB bounds TFB_GC_BALLAST_MIB, against a unit mistaken for
// bytes.
const maxGCBallastMiB = 4096

// ConfigFromEnv reads the configuration from the environment, with its
// defaults. A duration that does not parse, or is not positive, is an error
// naming the variable, and so is a ballast size that is not a whole number
// of MiB in range.
func ConfigFromEnv() (Config, error) {
	c := Config{Port: os.Getenv("PORT"), DatabaseURL: os.Getenv("DATABASE_URL")}
	if c.Port == "" {
		c.Port = "8080"
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	durations := []struct {
		env string
		def time.Duration
		v   *time.Duration
	}{
		{"TFB_READ_HEADER_TIMEOUT", 5 * time.Second, &c.ReadHeaderTimeout},
		{"TFB_READ_TIMEOUT", 10 * time.Second, &c.ReadTimeout},
		{"TFB_IDLE_TIMEOUT", 60 * time.Second, &c.IdleTimeout},
		{"TFB_DB_TIMEOUT", DefaultDatabaseTimeout, &c.DatabaseTimeout},
		{"TFB_SHUTDOWN_TIMEOUT", 4 * time.Second, &c.ShutdownTimeout},
	}
	c.PprofAddr = os.Getenv("TFB_PPROF_ADDR")
	if c.PprofAddr != "" {
		if err := checkLoopback(c.PprofAddr); err != nil {
			return c, err
		}
		c.PprofContention = os.Getenv("TFB_PPROF_CONTENTION") == "1"
	}
	c.GCBallastMiB = DefaultGCBallastMiB
	if raw := os.Getenv("TFB_GC_BALLAST_MIB"); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil || v < 0 || v > maxGCBallastMiB {
			return c, fmt.Errorf("TFB_GC_BALLAST_MIB=%q: want a whole number of MiB from 0 (none) to %d", raw, maxGCBallastMiB)
		}
		c.GCBallastMiB = v
	}
	for _, d := range durations {
		*d.v = d.def
		raw := os.Getenv(d.env)
		if raw == "" {
			continue
		}
		v, err := time.ParseDuration(raw)
		if err != nil || v <= 0 {
			return c, fmt.Errorf("%s=%q: want a positive duration such as 5s or 500ms", d.env, raw)
		}
		*d.v = v
	}
	return c, nil
}

// Addr is the address to listen on: the host TFB_LISTEN_HOST names (a
// name, an IPv4 address, or an IPv6 address in brackets), or every
// interface when it is unset, at Port. The toolset sets it so that an entry
// it runs with host networking listens on loopback only.
func (c Config) Addr() string {
	return os.Getenv("TFB_LISTEN_HOST") + ":" + c.Port
}
