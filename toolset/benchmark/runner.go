package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/verify"
)

// Verifier checks a running entry's test types against TFB's rules and
// returns one result per type. databaseURL reaches the entry's database,
// for query counts.
type Verifier func(ctx context.Context, baseURL string, test config.Test, databaseURL string, types []config.TestType) ([]verify.Result, error)

// QueryCounter counts the statements an entry's database has executed for
// the entry so far (verify.StatementCounter).
type QueryCounter interface {
	Count(ctx context.Context) (int64, error)
	Close(ctx context.Context) error
}

// Runner verifies and benchmarks entries on one runtime. It reports what
// happens only as events, to its Consumers.
type Runner struct {
	Runtime  backend.Runtime
	Verify   Verifier
	Settings Settings
	// Types are the requested test types; each entry runs those it declares.
	Types []config.TestType
	// Repeat is how many times every level is measured when benchmarking
	// (0 counts as 1). The repeats run in passes: pass 1 loads every entry,
	// then pass 2 loads every entry again, and so on, so that a drift of
	// the machine over time reaches every entry alike. Each pass starts each
	// entry afresh with a fresh database and runs TFB's whole methodology
	// (primer, warmup, levels); the entry is built and verified in pass 1
	// only.
	Repeat int
	// LogDir receives each entry's build and server output, as
	// LogDir/<entry>/server.log.
	LogDir string
	// DatabaseVersion, when set, reads the version of an entry's fresh
	// database (SELECT version()); it goes out in DatabaseStarted.
	DatabaseVersion func(ctx context.Context, databaseURL string) (string, error)
	// FixedRates, when set, are fractions of each entry's best rate of a
	// type at which it is loaded open loop after the type's levels (first
	// pass), for the levels' duration (toolset/openloop).
	FixedRates []float64
	// Profiles asks for profiles of the entries during each level of the
	// first pass; the runtime must have been made with backend.Profiling.
	Profiles ProfileSpec
	// CountQueries, when set, connects a counter of the statements an
	// entry's database executes for it, read before and after each level
	// (results.Level's databaseQueries).
	CountQueries func(ctx context.Context, databaseURL string) (QueryCounter, error)
	// Done is what an earlier invocation of the run already measured
	// (tfb benchmark --resume): those levels are not measured again, a
	// test type whose levels are all done is not loaded, and an entry with
	// nothing left in a pass is not started in it. An entry that still has
	// levels to measure is built and verified (the types left only) in the
	// first pass it runs in. The zero Done holds nothing.
	Done results.Done
	// Consumers receive every event of the run, in this order.
	Consumers []Consumer
}

// Run verifies every test and, when benchmark is set, benchmarks the test
// types that did not fail verification, Repeat times. The runtime must have
// been prepared (Runtime.Prepare with needLoad = benchmark). An entry that
// fails to build or start is reported in events and in its Outcome and the
// run goes on; the returned error is for what stops the whole run:
// cancellation, an unusable runtime, or an error of a consumer.
func (r *Runner) Run(ctx context.Context, tests []config.Test, benchmark bool) (outcomes []Outcome, err error) {
	tally := NewTally()
	rn := &run{Runner: r, consumers: append([]Consumer{tally}, r.Consumers...), benchmark: benchmark, passes: 1,
		verdicts: map[string][]verify.Result{}, broken: map[string]bool{}, seen: map[string]bool{}}
	if benchmark {
		rn.passes = max(r.Repeat, 1)
	}
	defer func() {
		err = errors.Join(err, rn.emit(RunFinished{Interrupted: err != nil || ctx.Err() != nil}))
		outcomes = tally.Outcomes()
	}()
	started := RunStarted{Entries: config.Names(tests), Benchmark: benchmark, Passes: rn.passes}
	if benchmark {
		for pass := 1; pass <= rn.passes; pass++ {
			for _, test := range tests {
				for _, tt := range r.typesLeft(pass, test) {
					started.Planned += r.planned(pass, test, tt)
				}
			}
		}
	}
	if err := rn.emit(started); err != nil {
		return nil, err
	}
	for pass := 1; pass <= rn.passes; pass++ {
		for i, test := range tests {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := rn.entry(ctx, pass, i+1, len(tests), test); err != nil {
				return nil, err
			}
		}
	}
	return nil, ctx.Err()
}

// run is the state of one Run: what pass 1 learned about each entry.
type run struct {
	*Runner
	consumers []Consumer
	benchmark bool
	passes    int
	verdicts  map[string][]verify.Result // per entry, from its first pass
	broken    map[string]bool            // entries that did not build or start
	seen      map[string]bool            // entries built and verified
}

func (r *run) emit(e Event) error { return emit(r.consumers, e) }

func (r *Runner) typesOf(test config.Test) []config.TestType {
	var types []config.TestType
	for _, tt := range test.Types() {
		if slices.Contains(r.Types, tt) {
			types = append(types, tt)
		}
	}
	return types
}

// planned is the load and sleep time of one test type of an entry in a
// pass, without the levels already done, the fixed-rate loads included.
func (r *Runner) planned(pass int, test config.Test, tt config.TestType) time.Duration {
	fixed := time.Duration(len(r.FixedRates)) * (r.Settings.Duration + r.Settings.SleepBetweenLevels)
	var steps []Step
	level := 0
	for _, s := range Plan(r.Settings, tt, "", test.URL(tt), r.Runtime.ClientCores()) {
		if s.Phase == Measure {
			level++
			if r.Done.Has(test.Name, tt, level-1, pass) {
				continue
			}
		}
		steps = append(steps, s)
	}
	return PlannedTime(steps) + fixed
}

// levelsLeft reports whether a test type of an entry has a level left to
// measure in a pass.
func (r *Runner) levelsLeft(pass int, test config.Test, tt config.TestType) bool {
	n := 0
	for _, s := range Plan(r.Settings, tt, "", test.URL(tt), r.Runtime.ClientCores()) {
		if s.Phase == Measure {
			n++
		}
	}
	for level := range n {
		if !r.Done.Has(test.Name, tt, level, pass) {
			return true
		}
	}
	return false
}

// typesLeft are the requested types of an entry with a level left to
// measure in a pass.
func (r *Runner) typesLeft(pass int, test config.Test) []config.TestType {
	var left []config.TestType
	for _, tt := range r.typesOf(test) {
		if r.levelsLeft(pass, test, tt) {
			left = append(left, tt)
		}
	}
	return left
}

// typesToVerify are the requested types of an entry with a level left in
// this pass or a later one.
func (r *run) typesToVerify(pass int, test config.Test) []config.TestType {
	var types []config.TestType
	for _, tt := range r.typesOf(test) {
		for p := pass; p <= r.passes; p++ {
			if r.levelsLeft(p, test, tt) {
				types = append(types, tt)
				break
			}
		}
	}
	return types
}

// entry takes one entry through one pass. It returns only what stops the
// run; the entry's own failures go out as events.
func (r *run) entry(ctx context.Context, pass, index, count int, test config.Test) error {
	types := r.typesOf(test)
	if r.benchmark {
		if types = r.typesLeft(pass, test); len(types) == 0 && len(r.typesOf(test)) > 0 {
			return nil // measured before (--resume)
		}
	}
	if r.broken[test.Name] {
		return r.notLoaded(test, types, pass, ErrEntryFailed)
	}
	if err := r.emit(EntryStarted{Entry: test.Name, Types: types, Index: index, Count: count, Pass: pass, Passes: r.passes}); err != nil {
		return err
	}
	entryErr, err := r.startAndLoad(ctx, pass, test, types)
	if err != nil {
		return err
	}
	if entryErr != nil {
		r.broken[test.Name] = true
		// The types were closed as the entry was loaded (it was verified):
		// it exited, or the runtime was lost during a level.
		closed := errors.Is(entryErr, errExited) || backend.IsLost(entryErr) && r.verdicts[test.Name] != nil
		if lost := r.lost(ctx, entryErr); lost != nil {
			entryErr = lost
		}
		if !closed {
			if err := r.notLoaded(test, types, pass, fmt.Errorf("%w: %v", ErrEntryFailed, entryErr)); err != nil {
				return err
			}
		}
	}
	if err := r.emit(EntryFinished{Entry: test.Name, Pass: pass, Err: entryErr}); err != nil {
		return err
	}
	if backend.IsLost(entryErr) {
		return entryErr // nothing more can run: the run stops
	}
	return nil
}

// lost is, after failure failed, the runtime's *backend.LostError when
// what it runs on stopped answering (a Docker engine), else nil: the
// failure is then the entry's own. failure itself when it is one already.
func (r *run) lost(ctx context.Context, failure error) error {
	if backend.IsLost(failure) {
		return failure
	}
	c, ok := r.Runtime.(backend.Checker)
	if !ok || ctx.Err() != nil {
		return nil
	}
	return c.Check(ctx)
}

// notLoaded closes every benchmarked type of an entry that was not loaded.
func (r *run) notLoaded(test config.Test, types []config.TestType, pass int, why error) error {
	if !r.benchmark {
		return nil
	}
	for _, tt := range types {
		if err := r.emit(TypeFinished{Entry: test.Name, Type: tt, Pass: pass, Planned: r.planned(pass, test, tt), Err: why}); err != nil {
			return err
		}
	}
	return nil
}

// startAndLoad builds (the entry's first pass), starts, verifies (first
// pass) and loads an entry. entryErr is why the entry could not be
// verified or loaded; err is what stops the run.
func (r *run) startAndLoad(ctx context.Context, pass int, test config.Test, types []config.TestType) (entryErr, err error) {
	if len(types) == 0 {
		return errors.New("declares none of the requested test types"), nil
	}
	first := !r.seen[test.Name]
	r.seen[test.Name] = true
	logPath := filepath.Join(r.LogDir, test.Name, "server.log")
	logFile, err := openLog(logPath, first && r.Done.IsZero())
	if err != nil {
		return err, nil
	}
	defer logFile.Close()
	log := &syncWriter{w: logFile}

	if first {
		if entryErr, err := r.build(ctx, test, log, logPath); entryErr != nil || err != nil {
			return entryErr, err
		}
	}
	teardown := context.WithoutCancel(ctx)
	var stop error // a consumer's error, which stops the run
	started, err := backend.Start(ctx, r.Runtime, test, log, func(db backend.Database) error {
		if stop = r.emit(DatabaseStarted{Entry: test.Name, Version: r.databaseVersion(ctx, db.URL())}); stop != nil {
			return stop
		}
		stop = r.emit(StageStarted{Entry: test.Name, Stage: Starting})
		return stop
	})
	switch {
	case stop != nil:
		return nil, stop
	case errors.Is(err, backend.ErrDatabaseStart):
		return err, ctx.Err()
	case err != nil:
		return fmt.Errorf("%w (log: %s)", err, logPath), ctx.Err()
	}
	defer func() {
		if err := started.Stop(teardown); err != nil {
			slog.Warn("stop", "entry", test.Name, "err", err)
		}
	}()
	server, db := started.Server, started.DB
	if first {
		toVerify := types
		if r.benchmark {
			toVerify = r.typesToVerify(pass, test)
		}
		verdicts, err := r.Verify(ctx, server.BaseURL(), test, db.URL(), toVerify)
		if err != nil {
			return fmt.Errorf("verification could not run: %w", err), ctx.Err()
		}
		if slices.ContainsFunc(verdicts, func(v verify.Result) bool { return v.Status() == verify.Fail }) {
			// Not the entry's failure when its engine went away meanwhile.
			if lost := r.lost(ctx, nil); lost != nil {
				return lost, ctx.Err()
			}
		}
		r.verdicts[test.Name] = verdicts
		if err := r.emit(Verified{Entry: test.Name, Results: verdicts}); err != nil {
			return nil, err
		}
	}
	if !r.benchmark {
		return nil, nil
	}
	return r.loadTypes(ctx, pass, test, started)
}

// build builds an entry and says what its build did differently from
// TFB's. entryErr is why it did not build; err is what stops the run.
func (r *run) build(ctx context.Context, test config.Test, log io.Writer, logPath string) (entryErr, err error) {
	if err := r.emit(StageStarted{Entry: test.Name, Stage: Building}); err != nil {
		return nil, err
	}
	start := time.Now()
	buildErr := r.Runtime.Build(ctx, test, log)
	if n, ok := r.Runtime.(backend.BuildNoter); ok {
		if notes := n.BuildNotes(test.Name); len(notes) > 0 {
			if err := r.emit(Built{Entry: test.Name, Notes: notes}); err != nil {
				return nil, err
			}
		}
	}
	if buildErr != nil {
		return fmt.Errorf("build failed: %w (log: %s)", buildErr, logPath), ctx.Err()
	}
	slog.Debug("built", "entry", test.Name, "took", time.Since(start))
	return nil, nil
}

// loadTypes loads every type of the running entry that passed its
// verification and has levels left in this pass, and closes each with
// TypeFinished. entryErr, wrapping errExited, says the entry exited while
// it was loaded, or, a *backend.LostError, that the runtime stopped
// answering: the types not loaded yet are closed as not loaded. err is what
// stops the run.
func (r *run) loadTypes(ctx context.Context, pass int, test config.Test, started *backend.Started) (entryErr, err error) {
	live := liveEntry{test: test, server: started.Server, db: started.DB}
	if r.CountQueries != nil {
		counter, err := r.CountQueries(ctx, started.DB.URL())
		if err != nil {
			slog.Debug("statements not counted", "entry", test.Name, "err", err)
		} else {
			live.queries = counter
			defer counter.Close(context.WithoutCancel(ctx))
		}
	}
	for _, v := range r.verdicts[test.Name] {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !r.levelsLeft(pass, test, v.Type) {
			continue
		}
		typeErr := ErrNotVerified
		switch {
		case entryErr != nil:
			typeErr = fmt.Errorf("%w: %v", ErrEntryFailed, entryErr)
		case v.Status() != verify.Fail:
			var err error
			if typeErr, err = r.loadType(ctx, pass, live, v.Type); err != nil {
				return nil, err
			}
			if errors.Is(typeErr, errExited) || backend.IsLost(typeErr) {
				entryErr = typeErr
			}
		}
		if err := r.emit(TypeFinished{Entry: test.Name, Type: v.Type, Pass: pass, Planned: r.planned(pass, test, v.Type), Err: typeErr}); err != nil {
			return nil, err
		}
	}
	return entryErr, nil
}

// errExited is wrapped by the error of a level during which the entry
// exited: its test type fails, and so does the entry from there on.
var errExited = errors.New("the entry exited during its load")

// liveEntry is an entry running against its database while it is loaded.
type liveEntry struct {
	test    config.Test
	server  backend.Server
	db      backend.Database
	queries QueryCounter // nil when statements are not counted
}

func (r *run) databaseVersion(ctx context.Context, url string) string {
	if r.DatabaseVersion == nil {
		return ""
	}
	v, err := r.DatabaseVersion(ctx, url)
	if err != nil {
		slog.Debug("database version unavailable", "err", err)
	}
	return v
}

// openLog opens an entry's server.log, truncating it in the first pass and
// appending in later ones.
func openLog(path string, truncate bool) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create log: %w", err)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if truncate {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create log: %w", err)
	}
	return f, nil
}

// syncWriter serialises writes from a server's stdout and stderr.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
