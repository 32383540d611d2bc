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
// and its ratio on /db or /fortunes is the measured rate over that ceiling
// (runs.Ceiling). The entries are loaded through the benchmark runner with
// Options.Settings, so that a ceiling run is a results directory like any
// other, with PostgreSQL's side recorded in results.json's ceiling block.
package ceiling

import (
	"context"
	"errors"
	"io"
	"slices"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/nginx"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
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

// Settings are the benchmark settings tfb ceiling loads each entry's
// CeilingTypes with: no primer, a warmup of o.Warmup, one level of
// o.Connections connections with o.Threads threads for o.Duration (for
// /plaintext too, pipelined as TFB's), and no sleeps.
func (o Options) Settings() benchmark.Settings {
	s := benchmark.Round20()
	s.Duration = o.Duration
	s.ConcurrencyLevels = []int{o.Connections}
	s.PipelineConcurrencyLevels = []int{o.Connections}
	s.Threads = o.Threads
	s.NoPrimer = true
	s.WarmupDuration = o.Warmup
	s.NoWarmup = o.Warmup <= 0
	s.SleepAfterPrimer, s.SleepAfterWarmup, s.SleepBetweenLevels = 0, 0, 0
	return s
}

// MeasureSweeps starts a database on rt, which must be prepared, and sweeps
// pgbench over the world and the fortune select. log receives progress.
// The ceiling it returns names the reference server Tests adds.
func MeasureSweeps(ctx context.Context, rt backend.Runtime, opts Options, log io.Writer) (results.Ceiling, error) {
	c := results.Ceiling{PgbenchSeconds: max(1, int(opts.PgbenchDuration.Seconds())), Reference: nginx.Name}
	if len(opts.PgbenchDepths) == 0 || len(opts.PgbenchClients) == 0 {
		return c, errors.New("ceiling: no pipeline depths or client counts to sweep")
	}
	pgbench, err := lookPgbench()
	if err != nil {
		return c, err
	}
	db, err := rt.StartDatabase(ctx)
	if err != nil {
		return c, err
	}
	defer db.Close(context.WithoutCancel(ctx))
	for _, s := range []struct {
		q   Query
		dst *results.PgbenchSweep
	}{{WorldQuery, &c.WorldSweep}, {FortuneQuery, &c.FortuneSweep}} {
		sw, err := sweep(ctx, pgbench, db.URL(), s.q, opts, log)
		if err != nil {
			return c, err
		}
		*s.dst = sw
	}
	return c, nil
}

// Tests are the tests a ceiling run loads: the entries, then the reference
// server (toolset/nginx) that MeasureSweeps's ceiling names.
func Tests(entries []config.Test) []config.Test {
	return append(slices.Clip(entries), nginx.Test())
}

// Result is ceiling.json: the options, both sweeps and every entry with its
// rates and ceilings.
type Result struct {
	Start        time.Time            `json:"start"`
	Runtime      string               `json:"runtime"`
	Options      Options              `json:"options"`
	WorldSweep   results.PgbenchSweep `json:"worldSweep"`   // the db type's select
	FortuneSweep results.PgbenchSweep `json:"fortuneSweep"` // the fortunes type's select
	// Reference is the reference server's rates, when it ran.
	Reference *Reference `json:"reference,omitempty"`
	Entries   []Entry    `json:"entries"`
}

// Reference is what was measured of the reference server (toolset/nginx).
type Reference struct {
	Name      string  `json:"name"`
	JSON      float64 `json:"json"`      // requests per second
	Plaintext float64 `json:"plaintext"` // requests per second
	Error     string  `json:"error,omitempty"`
}

// Entry is what was measured for one entry.
type Entry struct {
	Name           string  `json:"name"`
	JSON           float64 `json:"json"`           // requests per second
	Plaintext      float64 `json:"plaintext"`      // requests per second
	DB             float64 `json:"db"`             // requests per second
	Fortune        float64 `json:"fortune"`        // requests per second
	DBCeiling      float64 `json:"dbCeiling"`      // runs.Ceiling(JSON, the world select's best)
	FortuneCeiling float64 `json:"fortuneCeiling"` // runs.Ceiling(JSON, the fortune select's best)
	// JSONShare and PlaintextShare are the rates over the reference
	// server's; 0 without it.
	JSONShare      float64 `json:"jsonShare,omitempty"`
	PlaintextShare float64 `json:"plaintextShare,omitempty"`
	// JSONShares and PlaintextShares are each pass's share, in run order,
	// when every level was measured more than once (tfb ceiling --repeat);
	// the shares above are then their medians.
	JSONShares      []float64 `json:"jsonShares,omitempty"`
	PlaintextShares []float64 `json:"plaintextShares,omitempty"`
	// Lacks names the types the entry does not implement (their rates are 0).
	Lacks []config.TestType `json:"lacks,omitempty"`
	Error string            `json:"error,omitempty"`
}

// ResultOf reads a tfb ceiling run back as ceiling.json's Result; false
// when the run holds no ceiling.
func ResultOf(run runs.Run, opts Options) (Result, bool) {
	rows, ok := run.Ceilings()
	if !ok {
		return Result{}, false
	}
	d := run.Doc
	res := Result{Start: time.UnixMilli(d.StartTime).UTC(), Runtime: d.Environment.Runtime, Options: opts,
		WorldSweep: d.Ceiling.WorldSweep, FortuneSweep: d.Ceiling.FortuneSweep}
	if ref, ok := run.Reference(); ok {
		res.Reference = &Reference{Name: ref.Name, JSON: ref.JSON, Plaintext: ref.Plaintext, Error: ref.Error}
	}
	for _, r := range rows {
		res.Entries = append(res.Entries, Entry{Name: r.Entry, JSON: r.JSON, Plaintext: r.Plaintext, DB: r.DB, Fortune: r.Fortune,
			DBCeiling: r.DBCeiling, FortuneCeiling: r.FortuneCeiling, JSONShare: r.JSONShare(), PlaintextShare: r.PlaintextShare(),
			JSONShares: r.JSONShares, PlaintextShares: r.PlaintextShares, Lacks: r.Lacks, Error: r.Error})
	}
	return res, true
}
