// Package ceiling measures how close each entry's database test types come
// to what this machine allows, so that figures from any machine can be
// compared.
//
// A database request costs at least what the entry's own /json costs (HTTP
// and the load generator) plus what one database round trip costs, whose
// best rate pgbench measures for the same single-row select with prepared
// statements. An entry's ceiling is therefore
//
//	1 / (1/json + 1/pgbench_best)
//
// and its ratio on /db or /fortunes is the measured rate over that ceiling.
package ceiling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/wrk"
)

// Goals are the ratios of the ceiling every entry is to reach: /db at
// DBGoal of it, /fortunes at FortuneGoal.
const (
	DBGoal      = 0.65
	FortuneGoal = 0.55
)

// PgbenchScript is the single-row select pgbench runs, the same query the
// db test type issues.
const PgbenchScript = "\\set id random(1, 10000)\nSELECT id, randomnumber FROM world WHERE id = :id;\n"

// Options sets how long and how hard each measurement runs.
type Options struct {
	Duration       time.Duration // of each measured run
	Warmup         time.Duration // of the unmeasured run before each entry's URLs
	Connections    int           // wrk -c
	Threads        int           // wrk -t
	PgbenchClients []int         // pgbench -c values tried; the best counts
	PgbenchThreads int           // pgbench -j
}

// DefaultOptions are the settings the goals are measured with: wrk with 2
// threads and 256 connections, 10 s runs after a 3 s warmup.
func DefaultOptions() Options {
	return Options{
		Duration:       10 * time.Second,
		Warmup:         3 * time.Second,
		Connections:    256,
		Threads:        2,
		PgbenchClients: []int{8, 16, 32, 64, 128},
		PgbenchThreads: 2,
	}
}

// Entry is what was measured for one entry.
type Entry struct {
	Name    string  `json:"name"`
	JSON    float64 `json:"json"`    // requests per second
	DB      float64 `json:"db"`      // requests per second
	Fortune float64 `json:"fortune"` // requests per second
	Ceiling float64 `json:"ceiling"` // 1 / (1/JSON + 1/pgbench best)
	Error   string  `json:"error,omitempty"`
}

// Ceiling is the highest rate of a request that costs what /json costs plus
// one database round trip at pgbench's best rate: 1 / (1/json +
// 1/pgbenchBest), both in requests per second. It is 0 when either is not
// positive (not measured).
func Ceiling(json, pgbenchBest float64) float64 {
	if json <= 0 || pgbenchBest <= 0 {
		return 0
	}
	return 1 / (1/json + 1/pgbenchBest)
}

// DBRatio is the entry's /db rate over its ceiling.
func (e Entry) DBRatio() float64 { return ratio(e.DB, e.Ceiling) }

// FortuneRatio is the entry's /fortunes rate over its ceiling.
func (e Entry) FortuneRatio() float64 { return ratio(e.Fortune, e.Ceiling) }

func ratio(rate, ceiling float64) float64 {
	if ceiling == 0 {
		return 0
	}
	return rate / ceiling
}

// Result is one whole measurement.
type Result struct {
	Start          time.Time       `json:"start"`
	Runtime        string          `json:"runtime"`
	Options        Options         `json:"options"`
	PgbenchBest    float64         `json:"pgbenchBest"`    // transactions per second
	PgbenchClients int             `json:"pgbenchClients"` // the client count that reached it
	PgbenchRuns    map[int]float64 `json:"pgbenchRuns"`
	Entries        []Entry         `json:"entries"`
}

// Measure starts a database, finds pgbench's best rate on it, then for
// each test starts the entry and measures /json, /db and /fortunes with wrk.
// log receives progress and the entries' output.
func Measure(ctx context.Context, rt backend.Runtime, tests []config.Test, opts Options, log io.Writer) (*Result, error) {
	pgbench, err := exec.LookPath("pgbench")
	if err != nil {
		return nil, errors.New("pgbench is not installed: install it with apt-get install postgresql-contrib (or postgresql)")
	}
	if err := rt.Prepare(ctx, true); err != nil {
		return nil, err
	}
	res := &Result{Start: time.Now().UTC(), Runtime: rt.Name(), Options: opts, PgbenchRuns: map[int]float64{}}
	db, err := rt.StartDatabase(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close(context.WithoutCancel(ctx))

	for _, clients := range opts.PgbenchClients {
		tps, err := runPgbench(ctx, pgbench, db.URL(), clients, opts)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "pgbench -c %d: %.0f tps\n", clients, tps)
		res.PgbenchRuns[clients] = tps
		if tps > res.PgbenchBest {
			res.PgbenchBest, res.PgbenchClients = tps, clients
		}
	}
	for _, test := range tests {
		e := measureEntry(ctx, rt, test, db, opts, log)
		e.Ceiling = Ceiling(e.JSON, res.PgbenchBest)
		res.Entries = append(res.Entries, e)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
	return res, nil
}

func measureEntry(ctx context.Context, rt backend.Runtime, test config.Test, db backend.Database, opts Options, log io.Writer) Entry {
	e := Entry{Name: test.Name}
	for _, tt := range []config.TestType{config.JSON, config.DB, config.Fortune} {
		if test.URL(tt) == "" {
			e.Error = fmt.Sprintf("declares no %s URL", tt)
			return e
		}
	}
	if err := rt.Build(ctx, test, log); err != nil {
		e.Error = err.Error()
		return e
	}
	srv, err := rt.StartServer(ctx, test, db, log)
	if err != nil {
		e.Error = err.Error()
		return e
	}
	defer srv.Stop(context.WithoutCancel(ctx))
	for _, m := range []struct {
		tt  config.TestType
		dst *float64
	}{{config.JSON, &e.JSON}, {config.DB, &e.DB}, {config.Fortune, &e.Fortune}} {
		run := wrk.Run{
			URL:         srv.BaseURL() + test.URL(m.tt),
			Connections: opts.Connections,
			Threads:     opts.Threads,
			Accept:      wrk.AcceptJSON,
		}
		if opts.Warmup > 0 {
			run.Duration = opts.Warmup
			if _, _, err := rt.RunLoad(ctx, run); err != nil {
				e.Error = err.Error()
				return e
			}
		}
		run.Duration = opts.Duration
		_, out, err := rt.RunLoad(ctx, run)
		if err != nil {
			e.Error = err.Error()
			return e
		}
		rep, err := wrk.Parse(out)
		if err != nil {
			e.Error = fmt.Sprintf("%s: %v", m.tt, err)
			return e
		}
		if bad := rep.Non2xx3xx + rep.SocketErrors.Total(); bad > 0 {
			e.Error = fmt.Sprintf("%s: %d failed requests", m.tt, bad)
		}
		*m.dst = rep.RequestsPerSecond
		fmt.Fprintf(log, "%s %s: %.0f req/s\n", test.Name, m.tt, rep.RequestsPerSecond)
	}
	return e
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)

// runPgbench runs the single-row select with prepared statements and
// returns pgbench's transactions per second.
func runPgbench(ctx context.Context, pgbench, url string, clients int, opts Options) (float64, error) {
	dir, err := os.MkdirTemp("", "tfb-pgbench-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "select.sql")
	if err := os.WriteFile(script, []byte(PgbenchScript), 0o644); err != nil {
		return 0, err
	}
	args := []string{"-n", "-M", "prepared", "-f", script,
		"-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, opts.PgbenchThreads)),
		"-T", strconv.Itoa(int(opts.Duration.Seconds())), url}
	out, err := exec.CommandContext(ctx, pgbench, args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench %s: %w\n%s", strings.Join(args[:len(args)-1], " "), err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps line:\n%s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
