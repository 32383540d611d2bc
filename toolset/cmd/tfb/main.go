// Command tfb verifies and benchmarks the repository's TFB-style entries
// with TFB's Round 20 methodology, in Docker containers or as local
// processes, and writes TFB-format results. Run `tfb help` for usage.
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
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/hostinfo"
	"github.com/go-tfb/suite/toolset/report"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/verify"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1 // an entry failed, or the run was stopped
	exitUsage   = 2
	cleanupTime = 2 * time.Minute
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// app runs one shared-flag command with its parsed options.
type app struct {
	opts           options
	stdout, stderr io.Writer
	notes          io.Writer // where side remarks such as the runtime chosen go
	repoDir        string
	failed         bool
	commandLine    []string // as typed, for results.json
}

// runAs is the action of the shared-flag command called command.
func runAs(command string) func(a *app, ctx context.Context) error {
	return func(a *app, ctx context.Context) error { return a.run(ctx, command) }
}

func (a *app) run(ctx context.Context, command string) error {
	if command == "ceiling" {
		a.notes = a.stderr // its stdout is the table alone
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	tests, err := selectTests(cfg, a.opts.tests.values, a.opts.excludes.values)
	if err != nil {
		return usageError{err}
	}
	types, err := parseTypes(a.opts.types.values)
	if err != nil {
		return usageError{err}
	}
	switch command {
	case "list":
		printList(a.stdout, tests, types)
		return nil
	case "debug":
		if len(tests) != 1 {
			return usageError{fmt.Errorf("debug runs one entry: name it with --test (entries: %s)", strings.Join(config.Names(tests), ", "))}
		}
		return a.debug(ctx, tests[0])
	case "ceiling":
		return a.ceiling(ctx, tests)
	}
	settings, err := a.settings()
	if err != nil {
		return usageError{err}
	}
	if err := lintFirst(a.repoDir, a.stderr); err != nil {
		return err
	}
	rt, err := a.newRuntime(ctx)
	if err != nil {
		return err
	}
	defer a.closeRuntime(ctx, rt)
	bench := command == "benchmark"
	if err := rt.Prepare(ctx, bench); err != nil {
		return err
	}

	repeat := 1
	if bench {
		repeat = a.opts.repeat
	}
	w, err := results.Create(a.opts.resultsDir, results.Meta{
		Name:                      a.opts.resultsName,
		EnvironmentDescription:    a.opts.resultsEnv,
		Frameworks:                config.Names(tests),
		Duration:                  int(settings.Duration / time.Second),
		ConcurrencyLevels:         settings.ConcurrencyLevels,
		PipelineConcurrencyLevels: settings.PipelineConcurrencyLevels,
		QueryLevels:               settings.QueryLevels,
		CachedQueryLevels:         settings.CachedQueryLevels,
		Environment:               a.environment(ctx, rt),
		RepoDir:                   a.repoDir,
		RepeatCount:               repeat,
	})
	if err != nil {
		return err
	}
	// The run's views, in order: results.json first, so that views reading
	// it (such as an HTML report through benchmark.AfterEachType) see what
	// each event brought.
	consumers := []benchmark.Consumer{benchmark.NewRecorder(w), benchmark.NewProgress(a.stdout, rt.Name())}
	if bench {
		consumers = append(consumers, benchmark.AfterEachType(func() error {
			return report.WriteFile(reportFile(w), runs.NewRun(w.File(), w.Document()))
		}))
	}
	runner := &benchmark.Runner{Runtime: rt, Verify: verifyWithRuleEngine, Settings: settings, Types: types,
		Repeat: repeat, LogDir: w.Dir(), DatabaseVersion: databaseVersion, Consumers: consumers}
	started := time.Now()
	outcomes, runErr := runner.Run(ctx, tests, bench)
	if err := a.summarize(outcomes, bench, time.Since(started), w); err != nil {
		return errors.Join(runErr, err)
	}
	return runErr
}

func (a *app) summarize(outcomes []benchmark.Outcome, bench bool, took time.Duration, w *results.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n== Verification summary\n")
	for _, o := range outcomes {
		if o.Err != nil {
			a.failed = true
			fmt.Fprintf(&b, "%s: FAILED: %v\n", o.Entry, o.Err)
			continue
		}
		var parts []string
		for _, r := range o.Results {
			if r.Status() == verify.Fail {
				a.failed = true
			}
			parts = append(parts, fmt.Sprintf("%s %s", r.Type, r.Status()))
		}
		fmt.Fprintf(&b, "%s: %s\n", o.Entry, strings.Join(parts, ", "))
	}
	if bench {
		fmt.Fprintf(&b, "\n== Best requests per second\n")
		if err := benchmark.PrintTable(&b, outcomes); err != nil {
			return err
		}
		doc := w.Document()
		for _, tt := range config.TestTypes {
			if entries := doc.Failed[string(tt)]; len(entries) > 0 {
				a.failed = true
				fmt.Fprintf(&b, "failed %s: %s\n", tt, strings.Join(entries, ", "))
			}
		}
	}
	fmt.Fprintf(&b, "\nTook %s. Results: %s\n", took.Round(time.Second), w.File())
	if bench {
		fmt.Fprintf(&b, "Report: %s\n", reportFile(w))
	}
	if _, err := io.WriteString(a.stdout, b.String()); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// reportFile is where a benchmark writes its HTML report: beside results.json.
func reportFile(w *results.Writer) string { return filepath.Join(w.Dir(), report.FileName) }

func (a *app) closeRuntime(ctx context.Context, rt backend.Runtime) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTime)
	defer cancel()
	if err := rt.Close(cctx); err != nil {
		fmt.Fprintf(a.stderr, "tfb: cleanup: %v\n", err)
	}
}

// loadConfig finds the repository and reads its benchmark_config.json.
func (a *app) loadConfig() (*config.Config, error) {
	root, cfg, err := loadRepository(a.opts.configPath)
	a.repoDir = root
	return cfg, err
}

func selectTests(cfg *config.Config, include, exclude []string) ([]config.Test, error) {
	all := cfg.Names()
	for _, n := range slices.Concat(include, exclude) {
		if !slices.Contains(all, n) {
			return nil, fmt.Errorf("unknown entry %q (entries: %s)", n, strings.Join(all, ", "))
		}
	}
	var tests []config.Test
	for _, t := range cfg.Tests {
		if (len(include) == 0 || slices.Contains(include, t.Name)) && !slices.Contains(exclude, t.Name) {
			tests = append(tests, t)
		}
	}
	if len(tests) == 0 {
		return nil, errors.New("no entry left to run after --test and --exclude")
	}
	return tests, nil
}

func parseTypes(values []string) ([]config.TestType, error) {
	var types []config.TestType
	for _, v := range values {
		if v == "all" {
			return config.TestTypes, nil
		}
		tt, err := config.ParseTestType(v)
		if err != nil {
			return nil, fmt.Errorf("--type: %w", err)
		}
		if !slices.Contains(types, tt) {
			types = append(types, tt)
		}
	}
	if len(types) == 0 {
		return config.TestTypes, nil
	}
	return types, nil
}

func (a *app) settings() (benchmark.Settings, error) {
	s := benchmark.Round20()
	switch a.opts.profile {
	case "":
		s.Duration = time.Duration(a.opts.duration) * time.Second
		s.ConcurrencyLevels = a.opts.concurrency.values
		s.PipelineConcurrencyLevels = a.opts.pipeline.values
		s.QueryLevels = a.opts.queryLevels.values
		s.CachedQueryLevels = a.opts.cachedQueryLvl.values
	case "round20":
	default:
		return s, fmt.Errorf("--profile: unknown profile %q (known: round20)", a.opts.profile)
	}
	s.NoPrimer, s.NoWarmup = a.opts.noPrimer, a.opts.noWarmup
	if a.opts.set["sleep"] {
		d := time.Duration(a.opts.sleep) * time.Second
		s.SleepAfterPrimer, s.SleepAfterWarmup, s.SleepBetweenLevels = d, d, d
	}
	return s, s.Validate()
}

func (a *app) limits() (backend.Limits, error) {
	mem, err := parseBytes(a.opts.memory)
	if err != nil {
		return backend.Limits{}, usageError{fmt.Errorf("--memory: %w", err)}
	}
	return backend.Limits{CPUSet: a.opts.cpuset, MemoryBytes: mem}, nil
}

// parseBytes reads a size such as 512m, 2g, 2GiB or 1048576 (bytes).
func parseBytes(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "ib"), "b")
	mult := int64(1)
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1<<10, t[:len(t)-1]
	case strings.HasSuffix(t, "m"):
		mult, t = 1<<20, t[:len(t)-1]
	case strings.HasSuffix(t, "g"):
		mult, t = 1<<30, t[:len(t)-1]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size such as 512m or 2g", s)
	}
	return n * mult, nil
}

func (a *app) environment(ctx context.Context, rt backend.Runtime) results.Environment {
	d := rt.Describe()
	host := hostinfo.Read()
	env := results.Environment{
		Runtime: d.Name, Cores: rt.ClientCores(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		GoVersion: runtime.Version(), CPUSet: a.opts.cpuset, MemoryLimit: a.opts.memory,
		ServerHost: d.ServerHost, DatabaseHost: d.DatabaseHost, ClientHost: d.ClientHost, Engines: d.Engines,
		ServerCPUNote: d.UsageNote, CPUModel: host.CPUModel, MemoryBytes: host.MemoryBytes, Kernel: host.Kernel,
		CommandLine: a.commandLine,
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

func printList(w io.Writer, tests []config.Test, types []config.TestType) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTRY\tFRAMEWORK\tCLASSIFICATION\tPORT\tTEST TYPES")
	for _, t := range tests {
		var tts []string
		for _, tt := range t.Types() {
			if slices.Contains(types, tt) {
				tts = append(tts, string(tt))
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", t.Name, t.Framework, t.Classification, t.Port, strings.Join(tts, " "))
	}
	tw.Flush()
}
