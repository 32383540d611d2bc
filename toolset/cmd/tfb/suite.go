package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/hostinfo"
	"github.com/go-tfb/suite/toolset/report"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
	"github.com/go-tfb/suite/toolset/verify"
)

// newVerifyCommand is `tfb verify`.
func newVerifyCommand() *entryCommand {
	e := newEntryCommand("verify", "check every entry and test type against TFB's rules", verifyHelp)
	e.cmd.StartsProcesses = true
	addSelectFlags(&e.cmd.Flags, &e.sel)
	addTFBRepoFlag(&e.cmd.Flags, &e.sel)
	addRuntimeFlags(&e.cmd.Flags, &e.rt)
	addOutputFlags(&e.cmd.Flags, &e.out)
	addConfigFlags(&e.cmd.Flags, &e.conf)
	e.cmd.Run = func(ctx context.Context, args []string) error { return e.runSuite(ctx, args, false) }
	return e
}

// newBenchmarkCommand is `tfb benchmark`.
func newBenchmarkCommand() *entryCommand {
	e := newEntryCommand("benchmark", "verify, then load every entry with wrk by TFB's methodology", benchmarkHelp)
	e.cmd.StartsProcesses = true
	addSelectFlags(&e.cmd.Flags, &e.sel)
	addTFBRepoFlag(&e.cmd.Flags, &e.sel)
	addMethodFlags(&e.cmd.Flags, &e.method)
	addInsightFlags(&e.cmd.Flags, &e.in)
	addRuntimeFlags(&e.cmd.Flags, &e.rt)
	addOutputFlags(&e.cmd.Flags, &e.out)
	e.cmd.Flags.Group(headingOutput).StringVar(&e.resume, "resume", "RUN",
		"continue the run in RUN (its directory or results.json) with its methodology: measure only the levels it lacks or that failed; other flags must match the run's or be left out")
	addConfigFlags(&e.cmd.Flags, &e.conf)
	e.cmd.Run = func(ctx context.Context, args []string) error { return e.runSuite(ctx, args, true) }
	return e
}

// runSuite verifies the selected entries, and benchmarks them too when
// bench, writing results.json as it goes, then prints the summary. An entry
// or type that failed makes it return base.ErrAlreadyReported: the summary
// says which.
func (e *entryCommand) runSuite(ctx context.Context, args []string, bench bool) error {
	var resumed *results.Writer
	if e.resume != "" {
		w, err := e.takeUpRun()
		if err != nil {
			return err
		}
		resumed = w
	}
	tests, types, err := e.selectEntries(ctx, args)
	if err != nil {
		return err
	}
	settings, err := e.settings()
	if err != nil {
		return &base.UsageError{Err: err}
	}
	if err := lintFirst(e.repoDir, e.cmd.Stderr()); err != nil {
		return err
	}
	rt, err := e.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer e.closeRuntime(ctx, rt)
	if err := rt.Prepare(ctx, bench); err != nil {
		return err
	}
	repeat := 1
	if bench {
		repeat = int(e.method.repeat)
	}
	rec := recording{settings: settings, types: types, repeat: repeat, bench: bench, progress: e.cmd.Stdout(), profiles: e.profiles(),
		fixedRates: e.in.fixedRate.values, resumed: resumed}
	outcomes, w, took, runErr := e.record(ctx, rt, tests, rec)
	if w == nil {
		return runErr
	}
	failed, err := summarize(e.cmd.Stdout(), outcomes, bench, took, w)
	switch {
	case err != nil:
		return errors.Join(runErr, err)
	case runErr != nil:
		return runErr
	case failed:
		return base.ErrAlreadyReported
	}
	return nil
}

// recording says what a run of the benchmark runner measures and where it
// shows its progress.
type recording struct {
	settings benchmark.Settings
	types    []config.TestType
	repeat   int
	bench    bool
	progress io.Writer
	profiles benchmark.ProfileSpec
	// fixedRates are --fixed-rate's fractions.
	fixedRates []float64
	// before, when set, records more into results.json before the runner
	// starts (tfb ceiling's sweeps).
	before func(*results.Writer) error
	// resumed, when set, is the run taken up again (--resume), whose
	// measurements are kept: the runner measures only what it lacks.
	resumed *results.Writer
}

// record runs the benchmark runner on the prepared runtime rt into a new
// results directory: results.json, raw.txt and verification.txt through
// the Recorder, the progress lines, and report.html after every test type
// when benchmarking. w is nil when the directory could not be made.
func (e *entryCommand) record(ctx context.Context, rt backend.Runtime, tests []config.Test, rec recording) (outcomes []benchmark.Outcome, w *results.Writer, took time.Duration, err error) {
	var done results.Done
	if w = rec.resumed; w != nil {
		doc := w.Document()
		done = doc.Done()
		fmt.Fprint(rec.progress, resumedNote(doc))
	} else if w, err = results.Create(e.out.resultsDir, e.resultsMeta(ctx, rt, tests, rec.settings, rec.repeat)); err != nil {
		return nil, nil, 0, err
	}
	if rec.before != nil {
		if err := rec.before(w); err != nil {
			return nil, nil, 0, err
		}
	}
	runner := &benchmark.Runner{Runtime: rt, Verify: verify.RunWithDatabase, Settings: rec.settings, Types: rec.types,
		Repeat: rec.repeat, LogDir: w.Dir(), DatabaseVersion: databaseVersion, CountQueries: countStatements,
		Profiles: rec.profiles, FixedRates: rec.fixedRates, Done: done, Consumers: e.consumers(w, rt, rec)}
	started := time.Now()
	outcomes, err = runner.Run(ctx, tests, rec.bench)
	return outcomes, w, time.Since(started), err
}

// consumers are the run's views, in order: results.json first, so that
// views reading it (such as a benchmark's HTML report through
// benchmark.AfterEachType) see what each event brought.
func (e *entryCommand) consumers(w *results.Writer, rt backend.Runtime, rec recording) []benchmark.Consumer {
	p := benchmark.NewProgress(rec.progress, rt.Name())
	p.Live = progressIsTerminal(rec.progress, e.cmd.Stdout())
	recorder := benchmark.NewRecorder(w)
	recorder.AllProfiles = rec.profiles.AllLevels
	consumers := []benchmark.Consumer{recorder, p}
	if rec.bench {
		consumers = append(consumers, benchmark.AfterEachType(func() error {
			return report.WriteFile(reportFile(w), runs.NewRun(w.File(), w.Document()))
		}))
	}
	return consumers
}

// profiles is what --pprof and --pprof-levels ask for.
func (e *entryCommand) profiles() benchmark.ProfileSpec {
	return benchmark.ProfileSpec{Kinds: e.in.pprof.Values, AllLevels: e.in.pprofLevels == "all"}
}

// progressIsTerminal reports whether the progress writer is a terminal:
// the process's stdout (behind the command's guard) or its stderr.
func progressIsTerminal(progress, stdout io.Writer) bool {
	f := os.Stderr
	if progress == stdout {
		f = os.Stdout
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// resultsMeta is what results.json records of the run before it starts.
func (e *entryCommand) resultsMeta(ctx context.Context, rt backend.Runtime, tests []config.Test, s benchmark.Settings, repeat int) results.Meta {
	return results.Meta{
		Name:                      e.out.resultsName,
		EnvironmentDescription:    e.out.resultsEnvironment,
		Frameworks:                config.Names(tests),
		Duration:                  int(s.Duration / time.Second),
		ConcurrencyLevels:         s.ConcurrencyLevels,
		PipelineConcurrencyLevels: s.PipelineConcurrencyLevels,
		QueryLevels:               s.QueryLevels,
		CachedQueryLevels:         s.CachedQueryLevels,
		Threads:                   s.Threads,
		Environment:               e.environment(ctx, rt),
		RepoDir:                   e.repoDir,
		RepeatCount:               repeat,
		Platforms:                 e.platforms,
	}
}

// summarize prints the verification summary, and for a benchmark the table
// of the best requests per second and the types that failed, then where the
// results are. failed tells that an entry or a type failed.
func summarize(stdout io.Writer, outcomes []benchmark.Outcome, bench bool, took time.Duration, w *results.Writer) (failed bool, err error) {
	var b strings.Builder
	doc := w.Document()
	failed = writeVerificationSummary(&b, outcomes, doc)
	if bench {
		fmt.Fprintf(&b, "\n== Best requests per second\n")
		run := runs.NewRun(w.File(), doc)
		if err := table.WriteText(&b, []table.Table{summary.BestLevels(run)}, false); err != nil {
			return failed, err
		}
		if rates := fixedRateTables(run); len(rates) > 0 {
			fmt.Fprintf(&b, "\n== Latency at fixed rates (open loop)\n\n")
			if err := table.WriteText(&b, rates, false); err != nil {
				return failed, err
			}
		}
		if costs := costTables(run); len(costs) > 0 {
			fmt.Fprintf(&b, "\n== Cost per request\n\n")
			if err := table.WriteText(&b, costs, false); err != nil {
				return failed, err
			}
		}
		if troubles := troubleTables(run); len(troubles) > 0 {
			fmt.Fprintf(&b, "\n== Levels in trouble\n\n")
			if err := table.WriteText(&b, troubles, false); err != nil {
				return failed, err
			}
		}
		for _, tr := range run.Troubles() {
			failed = failed || tr.Failed != ""
		}
		for _, tt := range config.TestTypes {
			if entries := doc.Failed[string(tt)]; len(entries) > 0 {
				failed = true
				fmt.Fprintf(&b, "failed %s: %s\n", tt, strings.Join(entries, ", "))
			}
		}
	}
	fmt.Fprintf(&b, "\nTook %s. Results: %s\n", took.Round(time.Second), w.File())
	if bench {
		fmt.Fprintf(&b, "Report: %s\n", reportFile(w))
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return failed, fmt.Errorf("write summary: %w", err)
	}
	return failed, nil
}

// fixedRateTables are the fixed-rate tables of every type the run loaded
// open loop.
func fixedRateTables(run runs.Run) []table.Table {
	var out []table.Table
	for _, tt := range config.TestTypes {
		if t, ok := summary.FixedRates(run, tt); ok {
			out = append(out, t)
		}
	}
	return out
}

// troubleTables are the tables of the levels in trouble of every type, the
// note under the last one only.
func troubleTables(run runs.Run) []table.Table {
	var out []table.Table
	var notes []string
	for _, tt := range config.TestTypes {
		if t, ok := summary.Troubles(run, tt); ok {
			notes, t.Notes = t.Notes, nil
			out = append(out, t)
		}
	}
	if len(out) > 0 {
		out[len(out)-1].Notes = notes
	}
	return out
}

// costTables are the cost tables of every type the run measured, their
// notes under the last one only.
func costTables(run runs.Run) []table.Table {
	var out []table.Table
	for _, tt := range config.TestTypes {
		if t, ok := summary.Costs(run, tt); ok {
			t.Notes = nil
			out = append(out, t)
		}
	}
	if len(out) > 0 {
		out[len(out)-1].Notes = summary.CostNotes
	}
	return out
}

// writeVerificationSummary writes each entry's verdict per test type, or
// why it failed, and tells whether an entry or a type failed. An entry of
// doc that did not run (a resumed run had nothing left of it) is given
// with its verdicts as doc records them.
func writeVerificationSummary(b *strings.Builder, outcomes []benchmark.Outcome, doc results.Document) (failed bool) {
	fmt.Fprintf(b, "\n== Verification summary\n")
	for _, entry := range doc.Frameworks {
		if slices.ContainsFunc(outcomes, func(o benchmark.Outcome) bool { return o.Entry == entry }) {
			continue
		}
		var parts []string
		for _, tt := range config.TestTypes {
			if status, ok := doc.Verify[entry][string(tt)]; ok {
				parts = append(parts, fmt.Sprintf("%s %s", tt, status))
			}
		}
		fmt.Fprintf(b, "%s: %s (measured before)\n", entry, strings.Join(parts, ", "))
	}
	for _, o := range outcomes {
		if o.Err != nil {
			failed = true
			fmt.Fprintf(b, "%s: FAILED: %v\n", o.Entry, o.Err)
			continue
		}
		var parts []string
		for _, r := range o.Results {
			if r.Status() == verify.Fail {
				failed = true
			}
			parts = append(parts, fmt.Sprintf("%s %s", r.Type, r.Status()))
		}
		fmt.Fprintf(b, "%s: %s\n", o.Entry, strings.Join(parts, ", "))
	}
	return failed
}

// reportFile is where a benchmark writes its HTML report: beside results.json.
func reportFile(w *results.Writer) string { return filepath.Join(w.Dir(), report.FileName) }

// settings is the methodology the flags ask for, checked.
func (e *entryCommand) settings() (benchmark.Settings, error) {
	m := e.method
	s := benchmark.Round20()
	switch m.profile {
	case "":
		s.Duration = time.Duration(m.duration.seconds) * time.Second
		s.ConcurrencyLevels = m.concurrency.Values
		s.PipelineConcurrencyLevels = m.pipeline.Values
		s.QueryLevels = m.queryLevels.Values
		s.CachedQueryLevels = m.cachedQueryLevel.Values
	case "round20":
	default:
		return s, fmt.Errorf("--profile: unknown profile %q (known: round20)", m.profile)
	}
	s.NoPrimer, s.NoWarmup = m.noPrimer, m.noWarmup
	if m.sleep.given {
		d := time.Duration(m.sleep.seconds) * time.Second
		s.SleepAfterPrimer, s.SleepAfterWarmup, s.SleepBetweenLevels = d, d, d
	}
	return s, s.Validate()
}

// environment describes where the run happens, for results.json.
func (e *entryCommand) environment(ctx context.Context, rt backend.Runtime) results.Environment {
	d := rt.Describe()
	host := hostinfo.Read()
	env := results.Environment{
		Runtime: d.Name, Cores: rt.ClientCores(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		GoVersion: runtime.Version(), CPUSet: e.rt.cpuset, MemoryLimit: string(e.rt.memory),
		ServerHost: d.ServerHost, DatabaseHost: d.DatabaseHost, ClientHost: d.ClientHost, Engines: d.Engines,
		ServerCPUNote: d.UsageNote, CPUModel: host.CPUModel, MemoryBytes: host.MemoryBytes, Kernel: host.Kernel,
		CommandLine: e.cmd.CommandLine(), Partition: d.Partition, PartitionNote: e.partitionNote,
		ClientCPUs: float64(e.rt.clientCPUs),
	}
	if e.tree != nil {
		env.TFBRepo = &results.TFBRepo{Dir: e.tree.Dir, Commit: e.tree.Commit}
	}
	if v, ok := rt.(backend.WrkVersioner); ok {
		if version, err := v.WrkVersion(ctx); err == nil {
			env.WrkVersion = version
		} else {
			slog.Debug("wrk version unavailable", "err", err)
		}
	}
	return env
}
