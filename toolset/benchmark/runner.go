package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// Verification statuses, as TFB writes them in results.json.
const (
	StatusPass = "pass"
	StatusWarn = "warn"
	StatusFail = "fail"
)

// Problem is one finding of the verifier.
type Problem struct {
	Severity string // "warn" or "fail"
	Message  string
	URL      string
}

// Verdict is the verifier's result for one test type of an entry.
type Verdict struct {
	Type     config.TestType
	Status   string // StatusPass, StatusWarn or StatusFail
	Problems []Problem
}

// Verifier checks a running entry's test types against TFB's rules.
// databaseURL reaches the entry's database, for query counts.
type Verifier func(ctx context.Context, baseURL string, test config.Test, databaseURL string, types []config.TestType) ([]Verdict, error)

// Runner verifies and benchmarks entries on one runtime.
type Runner struct {
	Runtime  backend.Runtime
	Verify   Verifier
	Settings Settings
	Results  *results.Writer
	// Types are the requested test types; each entry runs those it declares.
	Types []config.TestType
	// Out receives progress lines and summaries meant for a person.
	Out io.Writer

	mu      sync.Mutex
	planned time.Duration // still to run, for the time-left estimate
}

// Outcome is what happened to one entry.
type Outcome struct {
	Entry    string
	Verdicts []Verdict
	// Err is why the entry could not be verified at all (build, start).
	Err error
	// Best holds, per test type benchmarked, the best requests per second over its levels.
	Best map[config.TestType]float64
}

// Run verifies every test and, when benchmark is set, benchmarks the test
// types that did not fail verification. The runtime must have been
// prepared (Runtime.Prepare with needLoad = benchmark). An entry that fails to build or
// start is reported in its Outcome and the run goes on; the returned error
// is for faults that stop the whole run (cancellation, an unusable runtime).
func (r *Runner) Run(ctx context.Context, tests []config.Test, benchmark bool) ([]Outcome, error) {
	if benchmark {
		r.planned = r.plannedTime(tests)
		fmt.Fprintf(r.Out, "Benchmarking %d entries on the %s runtime; planned load and sleeps: %s\n", len(tests), r.Runtime.Name(), r.planned.Round(time.Second))
	}
	var outcomes []Outcome
	for i, test := range tests {
		if err := ctx.Err(); err != nil {
			return outcomes, err
		}
		fmt.Fprintf(r.Out, "\n== %s (%d/%d)\n", test.Name, i+1, len(tests))
		o := r.runEntry(ctx, test, benchmark)
		if err := ctx.Err(); err != nil {
			return append(outcomes, o), err
		}
		msg := ""
		if o.Err != nil {
			msg = o.Err.Error()
			fmt.Fprintf(r.Out, "%s: %v\n", test.Name, o.Err)
		}
		if err := r.Results.Completed(test.Name, msg); err != nil {
			return outcomes, err
		}
		outcomes = append(outcomes, o)
	}
	return outcomes, nil
}

func (r *Runner) typesOf(test config.Test) []config.TestType {
	var types []config.TestType
	for _, tt := range test.Types() {
		if slices.Contains(r.Types, tt) {
			types = append(types, tt)
		}
	}
	return types
}

func (r *Runner) plannedTime(tests []config.Test) time.Duration {
	var d time.Duration
	for _, test := range tests {
		for _, tt := range r.typesOf(test) {
			d += PlannedTime(Plan(r.Settings, tt, "", test.URL(tt), r.Runtime.ClientCores()))
		}
	}
	return d
}

func (r *Runner) runEntry(ctx context.Context, test config.Test, benchmark bool) (o Outcome) {
	o = Outcome{Entry: test.Name, Best: map[config.TestType]float64{}}
	types := r.typesOf(test)
	if len(types) == 0 {
		o.Err = fmt.Errorf("declares none of the requested test types")
		return o
	}
	failAll := func(err error) Outcome {
		o.Err = err
		for _, tt := range types {
			_ = r.Results.SetVerify(test.Name, tt, StatusFail)
			if benchmark {
				_ = r.Results.Failed(test.Name, tt)
			}
			r.subtractPlanned(test, tt)
		}
		return o
	}
	logPath := filepath.Join(r.Results.Dir(), test.Name, "server.log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return failAll(fmt.Errorf("create log: %w", err))
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return failAll(fmt.Errorf("create log: %w", err))
	}
	defer logFile.Close()
	log := &syncWriter{w: logFile}

	fmt.Fprintf(r.Out, "building %s...\n", test.Name)
	start := time.Now()
	if err := r.Runtime.Build(ctx, test, log); err != nil {
		return failAll(fmt.Errorf("build failed: %w (log: %s)", err, logPath))
	}
	slog.Debug("built", "entry", test.Name, "took", time.Since(start))

	teardown := context.WithoutCancel(ctx)
	db, err := r.Runtime.StartDatabase(ctx)
	if err != nil {
		return failAll(fmt.Errorf("database did not start: %w", err))
	}
	defer func() {
		if err := db.Close(teardown); err != nil {
			slog.Warn("stop database", "err", err)
		}
	}()
	fmt.Fprintf(r.Out, "starting %s...\n", test.Name)
	server, err := r.Runtime.StartServer(ctx, test, db, log)
	if err != nil {
		return failAll(fmt.Errorf("did not start: %w (log: %s)", err, logPath))
	}
	defer func() {
		if err := server.Stop(teardown); err != nil {
			slog.Warn("stop server", "entry", test.Name, "err", err)
		}
	}()

	verdicts, err := r.Verify(ctx, server.BaseURL(), test, db.URL(), types)
	if err != nil {
		return failAll(fmt.Errorf("verification could not run: %w", err))
	}
	o.Verdicts = verdicts
	for _, v := range verdicts {
		if err := r.recordVerdict(test, v); err != nil {
			o.Err = err
			return o
		}
	}
	PrintVerdicts(r.Out, test.Name, verdicts)
	if !benchmark {
		return o
	}
	for _, v := range verdicts {
		if ctx.Err() != nil {
			return o
		}
		if v.Status == StatusFail {
			fmt.Fprintf(r.Out, "%s %s: not benchmarked, verification failed\n", test.Name, v.Type)
			_ = r.Results.Failed(test.Name, v.Type)
			r.subtractPlanned(test, v.Type)
			continue
		}
		best, err := r.benchmarkType(ctx, test, v.Type, server)
		if err != nil {
			if ctx.Err() != nil {
				return o
			}
			fmt.Fprintf(r.Out, "%s %s: %v\n", test.Name, v.Type, err)
			_ = r.Results.Failed(test.Name, v.Type)
			continue
		}
		o.Best[v.Type] = best
		_ = r.Results.Succeeded(test.Name, v.Type)
	}
	return o
}

func (r *Runner) recordVerdict(test config.Test, v Verdict) error {
	if err := r.Results.SetVerify(test.Name, v.Type, v.Status); err != nil {
		return err
	}
	path, err := r.Results.EntryFile(test.Name, v.Type, "verification.txt")
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s\n", test.Name, v.Type, strings.ToUpper(v.Status))
	for _, p := range v.Problems {
		fmt.Fprintf(&b, "  %s: %s", strings.ToUpper(p.Severity), p.Message)
		if p.URL != "" {
			fmt.Fprintf(&b, " (%s)", p.URL)
		}
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write verification text: %w", err)
	}
	return nil
}

// PrintVerdicts writes one line per test type, with each problem indented
// under it, so a contributor sees what to fix.
func PrintVerdicts(w io.Writer, entry string, verdicts []Verdict) {
	for _, v := range verdicts {
		fmt.Fprintf(w, "  %-13s %s\n", v.Type, strings.ToUpper(v.Status))
		for _, p := range v.Problems {
			line := "      " + strings.ToUpper(p.Severity) + ": " + p.Message
			if p.URL != "" {
				line += " (" + p.URL + ")"
			}
			fmt.Fprintln(w, line)
		}
	}
}

func (r *Runner) subtractPlanned(test config.Test, tt config.TestType) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planned -= PlannedTime(Plan(r.Settings, tt, "", test.URL(tt), r.Runtime.ClientCores()))
	r.planned = max(r.planned, 0)
}

func (r *Runner) spend(d time.Duration) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.planned = max(r.planned-d, 0)
	return r.planned
}

// benchmarkType runs the primer, warmup and levels of one test type and
// returns the best requests per second among the levels.
func (r *Runner) benchmarkType(ctx context.Context, test config.Test, tt config.TestType, server backend.Server) (float64, error) {
	rawPath, err := r.Results.EntryFile(test.Name, tt, "raw.txt")
	if err != nil {
		return 0, err
	}
	raw, err := os.Create(rawPath)
	if err != nil {
		return 0, fmt.Errorf("create raw file: %w", err)
	}
	defer raw.Close()
	steps := Plan(r.Settings, tt, server.BaseURL(), test.URL(tt), r.Runtime.ClientCores())
	best, measured := 0.0, 0
	var lastErr error
	for i, step := range steps {
		left := r.spend(0)
		fmt.Fprintf(r.Out, "[%s left] %s %s: %s (%d/%d)\n", formatLeft(left), test.Name, tt, step.Label(), i+1, len(steps))
		fmt.Fprintf(raw, "\n---------------------------------------------------------\n")
		if step.Phase == Measure {
			fmt.Fprintf(raw, " %s for %s\n", step.Label(), test.Name)
		} else {
			fmt.Fprintf(raw, " Running %s %s\n", step.Label(), test.Name)
		}
		var probe backend.UsageProbe
		if step.Phase == Measure {
			probe, err = server.StartUsage(ctx)
			if err != nil {
				slog.Debug("server usage unavailable", "err", err)
				probe = nil
			}
		}
		started := time.Now()
		cmdline, out, runErr := r.Runtime.RunLoad(ctx, step.Run)
		ended := time.Now()
		fmt.Fprintf(raw, " %s\n---------------------------------------------------------\n\n%s", cmdline, out)
		if ctx.Err() != nil {
			return best, ctx.Err()
		}
		r.spend(step.Run.Duration)
		if step.Phase == Measure {
			fmt.Fprintf(raw, "STARTTIME %d\nENDTIME %d\n", started.Unix(), ended.Unix())
			level := results.Level{Connections: step.Connections, Queries: step.Queries, Pipeline: step.Run.Pipeline,
				StartTime: started.Unix(), EndTime: ended.Unix()}
			report, parseErr := wrk.Parse(out)
			if parseErr == nil {
				fillLevel(&level, report)
				best = max(best, report.RequestsPerSecond)
				measured++
				fmt.Fprintf(r.Out, "    %.0f req/s, latency avg %s p99 %s, %d errors, %d non-2xx\n",
					report.RequestsPerSecond, report.LatencyAvg, report.Percentiles["99"], report.SocketErrors.Total(), report.Non2xx3xx)
			} else {
				lastErr = errors.Join(parseErr, runErr)
				fmt.Fprintf(r.Out, "    no wrk report: %v\n", lastErr)
			}
			if probe != nil {
				if u, err := probe.Finish(ctx); err == nil {
					cpu, mem := math.Round(u.CPU.Seconds()*1000)/1000, u.PeakMemory
					level.ServerCPUSeconds, level.ServerPeakMemoryBytes = &cpu, &mem
				} else {
					slog.Debug("server usage unavailable", "err", err)
				}
			}
			if err := r.Results.AddLevel(test.Name, tt, level); err != nil {
				return best, err
			}
		} else if runErr != nil {
			slog.Warn("wrk failed", "phase", step.Phase, "err", runErr)
		}
		if err := sleep(ctx, step.Sleep); err != nil {
			return best, err
		}
		r.spend(step.Sleep)
	}
	if measured == 0 {
		return 0, fmt.Errorf("no level produced a wrk report: %v (raw output: %s)", lastErr, rawPath)
	}
	return best, nil
}

func fillLevel(l *results.Level, rep wrk.Report) {
	l.LatencyAvg, l.LatencyStdev, l.LatencyMax = rep.LatencyAvg, rep.LatencyStdev, rep.LatencyMax
	l.TotalRequests = rep.TotalRequests
	l.Connect, l.Read, l.Write, l.Timeout = rep.SocketErrors.Connect, rep.SocketErrors.Read, rep.SocketErrors.Write, rep.SocketErrors.Timeout
	l.Non2xx3xx = rep.Non2xx3xx
	l.RequestsPerSecond = rep.RequestsPerSecond
	l.LatencyP50, l.LatencyP75, l.LatencyP90, l.LatencyP99 = rep.Percentiles["50"], rep.Percentiles["75"], rep.Percentiles["90"], rep.Percentiles["99"]
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func formatLeft(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	return fmt.Sprintf("%d:%02d:%02d", h, m, s)
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
