// Package ceiling measures how close each entry's database test types come
// to what this machine allows, so that figures from any machine can be
// compared.
//
// A database request costs at least what the entry's own /json costs (HTTP
// and the load generator) plus what its query costs PostgreSQL. The query's
// cost is the inverse of PostgreSQL's best rate for that same select, which
// pgbench measures in pipeline mode over a small grid of pipeline depths
// and client counts, as queries per second. An entry's ceiling for a test
// type is therefore
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
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/wrk"
)

// Options sets how long and how hard each measurement runs.
type Options struct {
	Duration        time.Duration `json:"duration"`        // of each measured wrk run (nanoseconds in JSON, as all durations)
	Warmup          time.Duration `json:"warmup"`          // of the unmeasured wrk run before each entry's URLs
	Connections     int           `json:"connections"`     // wrk -c
	Threads         int           `json:"threads"`         // wrk -t
	PgbenchDuration time.Duration `json:"pgbenchDuration"` // of each pgbench run of the sweep (whole seconds, at least 1)
	PgbenchDepths   []int         `json:"pgbenchDepths"`   // queries per pipeline tried
	PgbenchClients  []int         `json:"pgbenchClients"`  // pgbench -c values tried with each depth
	PgbenchThreads  int           `json:"pgbenchThreads"`  // pgbench -j, at most the client count
}

// DefaultOptions are the settings the ceiling is measured with: wrk with 2
// threads and 256 connections, 10 s runs after a 3 s warmup; pgbench at
// pipeline depths 1, 16, 64 and 256 with 2, 8 and 32 clients, 3 s per
// point, so that each select's sweep takes about 40 s.
func DefaultOptions() Options {
	return Options{
		Duration:        10 * time.Second,
		Warmup:          3 * time.Second,
		Connections:     256,
		Threads:         2,
		PgbenchDuration: 3 * time.Second,
		PgbenchDepths:   []int{1, 16, 64, 256},
		PgbenchClients:  []int{2, 8, 32},
		PgbenchThreads:  2,
	}
}

// Entry is what was measured for one entry.
type Entry struct {
	Name           string  `json:"name"`
	JSON           float64 `json:"json"`           // requests per second
	DB             float64 `json:"db"`             // requests per second
	Fortune        float64 `json:"fortune"`        // requests per second
	DBCeiling      float64 `json:"dbCeiling"`      // Ceiling(JSON, the world select's best)
	FortuneCeiling float64 `json:"fortuneCeiling"` // Ceiling(JSON, the fortune select's best)
	Error          string  `json:"error,omitempty"`
}

// Ceiling is the highest rate of a request that costs what /json costs plus
// one query at PostgreSQL's best rate for it: 1 / (1/json + 1/queryBest),
// json in requests and queryBest in queries per second. It is 0 when either
// is not positive (not measured).
func Ceiling(json, queryBest float64) float64 {
	if json <= 0 || queryBest <= 0 {
		return 0
	}
	return 1 / (1/json + 1/queryBest)
}

// DBRatio is the entry's /db rate over its /db ceiling.
func (e Entry) DBRatio() float64 { return ratio(e.DB, e.DBCeiling) }

// FortuneRatio is the entry's /fortunes rate over its /fortunes ceiling.
func (e Entry) FortuneRatio() float64 { return ratio(e.Fortune, e.FortuneCeiling) }

func ratio(rate, ceiling float64) float64 {
	if ceiling == 0 {
		return 0
	}
	return rate / ceiling
}

// Result is one whole measurement.
type Result struct {
	Start        time.Time `json:"start"`
	Runtime      string    `json:"runtime"`
	Options      Options   `json:"options"`
	WorldSweep   Sweep     `json:"worldSweep"`   // the db type's select
	FortuneSweep Sweep     `json:"fortuneSweep"` // the fortunes type's select
	Entries      []Entry   `json:"entries"`
}

// Measure starts a database, sweeps pgbench over the world and the fortune
// select, then for each test starts the entry and measures /json, /db and
// /fortunes with wrk. log receives progress and the entries' output. When
// ctx ends between entries, the entries measured so far are returned with
// ctx's error.
func Measure(ctx context.Context, rt backend.Runtime, tests []config.Test, opts Options, log io.Writer) (*Result, error) {
	if len(opts.PgbenchDepths) == 0 || len(opts.PgbenchClients) == 0 {
		return nil, errors.New("ceiling: no pipeline depths or client counts to sweep")
	}
	pgbench, err := lookPgbench()
	if err != nil {
		return nil, err
	}
	if err := rt.Prepare(ctx, true); err != nil {
		return nil, err
	}
	res := &Result{Start: time.Now().UTC(), Runtime: rt.Name(), Options: opts}
	db, err := rt.StartDatabase(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close(context.WithoutCancel(ctx))

	for _, s := range []struct {
		q   Query
		dst *Sweep
	}{{WorldQuery, &res.WorldSweep}, {FortuneQuery, &res.FortuneSweep}} {
		sw, err := sweep(ctx, pgbench, db.URL(), s.q, opts, log)
		if err != nil {
			return nil, err
		}
		*s.dst = sw
	}
	for _, test := range tests {
		e := measureEntry(ctx, rt, test, db, opts, log)
		e.DBCeiling = Ceiling(e.JSON, res.WorldSweep.Best.QueriesPerSecond)
		e.FortuneCeiling = Ceiling(e.JSON, res.FortuneSweep.Best.QueriesPerSecond)
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
			Accept:      config.AcceptJSON,
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
