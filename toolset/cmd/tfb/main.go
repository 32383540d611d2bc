// Command tfb verifies and benchmarks the repository's TFB-style entries
// with TFB's Round 20 methodology, in Docker containers or as local
// processes, and writes TFB-format results. Run `tfb help` for usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runtime"
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

// options are the parsed flags shared by every command.
type options struct {
	tests, excludes, types listFlag

	duration                    int
	concurrency, pipeline       intListFlag
	queryLevels, cachedQueryLvl intListFlag
	profile                     string

	runtime, cpuset, memory              string
	serverPort                           int
	serverHost, databaseHost, clientHost string
	resultsDir, resultsName, resultsEnv  string
	configPath                           string
	verbose, noBuild                     bool

	set map[string]bool // the flags given on the command line
}

func newFlagSet(o *options, stderr io.Writer) *flag.FlagSet {
	r20 := benchmark.Round20()
	o.types = listFlag{values: []string{"all"}}
	o.concurrency = intListFlag{values: r20.ConcurrencyLevels}
	o.pipeline = intListFlag{values: r20.PipelineConcurrencyLevels}
	o.queryLevels = intListFlag{values: r20.QueryLevels}
	o.cachedQueryLvl = intListFlag{values: r20.CachedQueryLevels}

	fs := flag.NewFlagSet("tfb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, "Run `tfb help` for the flags.\n") }
	fs.Var(&o.tests, "test", "entries to run")
	fs.Var(&o.excludes, "exclude", "entries to leave out")
	fs.Var(&o.types, "type", "test types to run")
	fs.IntVar(&o.duration, "duration", int(r20.Duration/time.Second), "seconds per warmup and level")
	fs.Var(&o.concurrency, "concurrency-levels", "connections for json, db, fortune")
	fs.Var(&o.pipeline, "pipeline-concurrency-levels", "connections for plaintext")
	fs.Var(&o.queryLevels, "query-levels", "queries for query and update")
	fs.Var(&o.cachedQueryLvl, "cached-query-levels", "counts for cached_query")
	fs.StringVar(&o.profile, "profile", "", "round20")
	fs.StringVar(&o.runtime, "runtime", "", "docker or local")
	fs.StringVar(&o.cpuset, "cpuset", "", "CPUs for every entry")
	fs.StringVar(&o.memory, "memory", "", "memory limit for every entry")
	fs.IntVar(&o.serverPort, "server-port", 0, "port for every entry")
	fs.StringVar(&o.serverHost, "server-host", "", "Docker endpoint for entries")
	fs.StringVar(&o.databaseHost, "database-host", "", "Docker endpoint for the database")
	fs.StringVar(&o.clientHost, "client-host", "", "Docker endpoint for wrk")
	fs.StringVar(&o.resultsDir, "results-dir", "results", "results root")
	fs.StringVar(&o.resultsName, "results-name", "", "name recorded in results.json")
	fs.StringVar(&o.resultsEnv, "results-environment", "", "environment description recorded in results.json")
	fs.StringVar(&o.configPath, "config", "", "benchmark_config.json path")
	fs.BoolVar(&o.noBuild, "no-build", false, "docker: use the images already built")
	fs.BoolVar(&o.verbose, "verbose", false, "debug logs")
	fs.BoolVar(&o.verbose, "v", false, "debug logs")
	return fs
}

// parseFlags parses a command's arguments into o, TFB's multi-value syntax
// included, and records in o.set which flags were given.
func parseFlags(o *options, args []string, stderr io.Writer) (*flag.FlagSet, error) {
	fs := newFlagSet(o, stderr)
	if err := fs.Parse(normalizeArgs(args)); err != nil {
		return fs, err
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	return fs, nil
}

// run is main without the exit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	command, rest := args[0], args[1:]
	switch command {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	case "new":
		return cmdNew(context.Background(), rest, stdout, stderr)
	case "lint":
		return cmdLint(context.Background(), rest, stdout, stderr)
	case "changed":
		return cmdChanged(context.Background(), rest, stdout, stderr)
	case "list", "verify", "benchmark", "debug", "ceiling":
	default:
		fmt.Fprintf(stderr, "tfb: unknown command %q (commands: list, verify, benchmark, debug, ceiling, help)\n", command)
		return exitUsage
	}
	var o options
	fs, err := parseFlags(&o, rest, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tfb: unexpected argument %q (flags take values as --test gin echo)\n", fs.Arg(0))
		return exitUsage
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			stop() // a second Ctrl-C now ends the process at once
			fmt.Fprintln(stderr, "\ntfb: stopping; removing the containers and processes it started (Ctrl-C again to skip)")
		case <-finished:
		}
	}()

	app := &app{opts: o, stdout: stdout, stderr: stderr, notes: stdout}
	if command == "ceiling" {
		app.notes = stderr // its stdout is the table alone
	}
	if err := app.run(ctx, command); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "tfb: stopped")
			return exitFailed
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "tfb: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "tfb: %v\n", err)
		return exitFailed
	}
	if app.failed {
		return exitFailed
	}
	return exitOK
}

// usageError is a mistake in the command line.
type usageError struct{ error }

type app struct {
	opts           options
	stdout, stderr io.Writer
	notes          io.Writer // where side remarks such as the runtime chosen go
	repoDir        string
	failed         bool
}

func (a *app) run(ctx context.Context, command string) error {
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
			return usageError{fmt.Errorf("debug runs one entry: name it with --test (entries: %s)", strings.Join(names(tests), ", "))}
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

	w, err := results.Create(a.opts.resultsDir, results.Meta{
		Name:                      a.opts.resultsName,
		EnvironmentDescription:    a.opts.resultsEnv,
		Frameworks:                names(tests),
		Duration:                  int(settings.Duration / time.Second),
		ConcurrencyLevels:         settings.ConcurrencyLevels,
		PipelineConcurrencyLevels: settings.PipelineConcurrencyLevels,
		QueryLevels:               settings.QueryLevels,
		CachedQueryLevels:         settings.CachedQueryLevels,
		Environment:               a.environment(rt),
		RepoDir:                   a.repoDir,
	})
	if err != nil {
		return err
	}
	runner := &benchmark.Runner{Runtime: rt, Verify: verifyWithRuleEngine, Settings: settings, Results: w, Types: types, Out: a.stdout}
	started := time.Now()
	outcomes, runErr := runner.Run(ctx, tests, bench)
	if err := w.Finish(); err != nil {
		slog.Warn("finish results", "err", err)
	}
	a.summarize(outcomes, bench, time.Since(started), w)
	return runErr
}

func (a *app) summarize(outcomes []benchmark.Outcome, bench bool, took time.Duration, w *results.Writer) {
	fmt.Fprintf(a.stdout, "\n== Verification summary\n")
	for _, o := range outcomes {
		if o.Err != nil {
			a.failed = true
			fmt.Fprintf(a.stdout, "%s: FAILED: %v\n", o.Entry, o.Err)
			continue
		}
		var parts []string
		for _, v := range o.Verdicts {
			if v.Status == benchmark.StatusFail {
				a.failed = true
			}
			parts = append(parts, fmt.Sprintf("%s %s", v.Type, strings.ToUpper(v.Status)))
		}
		fmt.Fprintf(a.stdout, "%s: %s\n", o.Entry, strings.Join(parts, ", "))
	}
	if bench {
		fmt.Fprintf(a.stdout, "\n== Best requests per second\n")
		benchmark.PrintTable(a.stdout, outcomes)
		doc := w.Document()
		for tt, entries := range doc.Failed {
			if len(entries) > 0 {
				a.failed = true
				fmt.Fprintf(a.stdout, "failed %s: %s\n", tt, strings.Join(entries, ", "))
			}
		}
	}
	fmt.Fprintf(a.stdout, "\nTook %s. Results: %s\n", took.Round(time.Second), w.File())
}

func (a *app) closeRuntime(ctx context.Context, rt runtime.Runtime) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTime)
	defer cancel()
	if err := rt.Close(cctx); err != nil {
		fmt.Fprintf(a.stderr, "tfb: cleanup: %v\n", err)
	}
}

func (a *app) loadConfig() (*config.Config, error) {
	path := a.opts.configPath
	if path == "" {
		root, err := findRepoRoot()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(root, config.FileName)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	a.repoDir = filepath.Dir(abs)
	return config.Load(abs)
}

// findRepoRoot walks up from the working directory to the directory holding
// benchmark_config.json.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no %s in this directory or above: run tfb inside the repository, or pass --config", config.FileName)
		}
		dir = parent
	}
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
	return s, s.Validate()
}

func (a *app) limits() (runtime.Limits, error) {
	mem, err := parseBytes(a.opts.memory)
	if err != nil {
		return runtime.Limits{}, usageError{fmt.Errorf("--memory: %w", err)}
	}
	return runtime.Limits{CPUSet: a.opts.cpuset, MemoryBytes: mem}, nil
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

func (a *app) environment(rt runtime.Runtime) results.Environment {
	d := rt.Describe()
	env := results.Environment{
		Runtime: rt.Name(), Cores: rt.ClientCores(), OS: goruntime.GOOS, Arch: goruntime.GOARCH,
		GoVersion: goruntime.Version(), CPUSet: a.opts.cpuset, MemoryLimit: a.opts.memory,
		ServerHost: d["server-host"], DatabaseHost: d["database-host"], ClientHost: d["client-host"],
	}
	if rt.Name() == "local" {
		env.ServerCPUNote = "local runtime: serverCpuSeconds from /proc/PID/stat, serverPeakMemoryBytes from VmHWM (reset per level); Linux only"
	} else {
		env.ServerCPUNote = "docker runtime: serverCpuSeconds from the container's CPU usage, serverPeakMemoryBytes the highest memory usage (less inactive file cache) in its stats stream"
	}
	return env
}

func names(tests []config.Test) []string {
	n := make([]string, len(tests))
	for i, t := range tests {
		n[i] = t.Name
	}
	return n
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
