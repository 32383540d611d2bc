package benchmark

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/openloop"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/verify"
	"github.com/go-tfb/suite/toolset/wrk"
)

// cannedReportFile is the wrk report toolset/wrk's parser test reads: 19566
// requests, 17803.98 per second, p99 10.24ms.
const cannedReportFile = "../wrk/testdata/report.txt"

func readCannedReport(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(cannedReportFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fakeRuntime builds, starts and loads nothing: it records calls and
// answers every wrk run with a canned report.
type fakeRuntime struct {
	report    string // wrk's output for every run
	failBuild map[string]bool
	// rps, when set, gives the requests per second of the report for each
	// measured run, in the order they run.
	rps       []float64
	measured  int
	runs      []wrk.Run
	builds    []string
	stopped   []string
	dbsClosed int
	// clientCPUs is what wrk could use, by the fake's Load; 2 when unset.
	clientCPUs float64
	// profiles makes the fake's servers answer profile requests.
	profiles bool
	// openLoops are the fixed-rate loads asked for.
	openLoops []openloop.Options
}

type fakeDB struct{ rt *fakeRuntime }

func (d fakeDB) URL() string                   { return "postgres://fake" }
func (d fakeDB) Close(_ context.Context) error { d.rt.dbsClosed++; return nil }
func (d fakeDB) StartUsage(context.Context) (backend.UsageProbe, error) {
	return fakeProbe{cpu: 700 * time.Millisecond}, nil
}

type fakeServer struct {
	rt   *fakeRuntime
	name string
}

func (s fakeServer) BaseURL() string { return "http://127.0.0.1:1/" + s.name }
func (s fakeServer) StartUsage(context.Context) (backend.UsageProbe, error) {
	return fakeProbe{cpu: 1500 * time.Millisecond, peak: 1 << 20}, nil
}
func (s fakeServer) Profile(_ context.Context, path string) ([]byte, error) {
	if !s.rt.profiles {
		return nil, backend.ErrNoProfiles
	}
	return []byte("pprof of " + s.name + " " + path), nil
}
func (s fakeServer) Stop(context.Context) error {
	s.rt.stopped = append(s.rt.stopped, s.name)
	return nil
}

type fakeProbe struct {
	cpu  time.Duration
	peak int64
}

func (p fakeProbe) Finish(context.Context) (backend.Usage, error) {
	return backend.Usage{CPU: p.cpu, PeakMemory: p.peak}, nil
}

func (f *fakeRuntime) Name() string                        { return "fake" }
func (f *fakeRuntime) Prepare(context.Context, bool) error { return nil }
func (f *fakeRuntime) ClientCores() int                    { return 2 }
func (f *fakeRuntime) Describe() backend.Description       { return backend.Description{Name: "fake"} }
func (f *fakeRuntime) Close(context.Context) error         { return nil }
func (f *fakeRuntime) StartDatabase(context.Context) (backend.Database, error) {
	return fakeDB{f}, nil
}
func (f *fakeRuntime) Build(_ context.Context, t config.Test, _ io.Writer) error {
	f.builds = append(f.builds, t.Name)
	if f.failBuild[t.Name] {
		return errors.New("compile error")
	}
	return nil
}
func (f *fakeRuntime) StartServer(_ context.Context, t config.Test, _ backend.Database, _ io.Writer) (backend.Server, error) {
	return fakeServer{f, t.Name}, nil
}

var requestsPerSecondLine = regexp.MustCompile(`Requests/sec:\s+[0-9.]+`)

func (f *fakeRuntime) RunOpenLoop(_ context.Context, o openloop.Options) (backend.Load, error) {
	f.openLoops = append(f.openLoops, o)
	res := openloop.Result{RequestedRate: o.Rate, AchievedRate: o.Rate, Requests: int64(o.Rate * o.Duration.Seconds()),
		LatencyP50: 100, LatencyP90: 200, LatencyP99: 400, LatencyP999: 800, LatencyMax: 900}
	data, err := json.Marshal(res)
	return backend.Load{CommandLine: "openloop", Output: string(data)}, err
}

func (f *fakeRuntime) RunLoad(_ context.Context, run wrk.Run) (backend.Load, error) {
	f.runs = append(f.runs, run)
	report := f.report
	if f.rps != nil && run.Threads != 8 {
		// Every run but the primer (8 threads); tests setting rps leave
		// out the warmup.
		report = requestsPerSecondLine.ReplaceAllString(report, fmt.Sprintf("Requests/sec: %.2f", f.rps[f.measured]))
		f.measured++
	}
	cpu := 400 * time.Millisecond
	cpus := cmp.Or(f.clientCPUs, 2)
	return backend.Load{CommandLine: run.CommandLine(), Output: report, ClientCPU: &cpu, ClientCPUs: cpus}, nil
}

func fakeVerifier(failing map[config.TestType]bool) Verifier {
	return func(_ context.Context, _ string, _ config.Test, _ string, types []config.TestType) ([]verify.Result, error) {
		var rs []verify.Result
		for _, tt := range types {
			r := verify.Result{Type: tt}
			if failing[tt] {
				r.Problems = []verify.Problem{{Severity: verify.Fail, Message: "Date header missing", URL: "/db"}}
			}
			rs = append(rs, r)
		}
		return rs, nil
	}
}

// quickSettings: no sleeps, levels of 16 and 32 connections.
func quickSettings() Settings {
	s := Round20()
	s.Duration = time.Second
	s.ConcurrencyLevels = []int{16, 32}
	s.SleepAfterPrimer, s.SleepAfterWarmup, s.SleepBetweenLevels = 0, 0, 0
	return s
}

func entry(name string) config.Test {
	return config.Test{Name: name, JSONURL: "/json", DBURL: "/db", Port: 8080}
}

// recording is a consumer keeping every event.
type recording struct{ events []Event }

func (r *recording) Consume(e Event) error { r.events = append(r.events, e); return nil }

// kinds names the events, e.g. "EntryStarted gin 1".
func (r *recording) kinds() []string {
	var out []string
	for _, e := range r.events {
		name := reflect.TypeOf(e).Name()
		switch e := e.(type) {
		case EntryStarted:
			name += fmt.Sprintf(" %s %d", e.Entry, e.Pass)
		case StageStarted:
			name += fmt.Sprintf(" %s %s", e.Stage, e.Entry)
		case Verified:
			name += " " + e.Entry
		case StepStarted:
			name += fmt.Sprintf(" %s %s %s %d", e.Entry, e.Type, e.Step.Label(), e.Pass)
		case LevelMeasured:
			name += fmt.Sprintf(" %s %s %d %d", e.Entry, e.Type, e.Level, e.Pass)
		case TypeFinished:
			name += fmt.Sprintf(" %s %s %d", e.Entry, e.Type, e.Pass)
		case EntryFinished:
			name += fmt.Sprintf(" %s %d", e.Entry, e.Pass)
		case RunFinished:
			name += fmt.Sprintf(" interrupted=%v", e.Interrupted)
		}
		out = append(out, name)
	}
	return out
}

func newWriter(t *testing.T, repeats int, entries ...string) *results.Writer {
	t.Helper()
	w, err := results.Create(t.TempDir(), results.Meta{Frameworks: entries, RepeatCount: repeats})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// load reads back the results.json w wrote.
func load(t *testing.T, w *results.Writer) results.Document {
	t.Helper()
	d, err := readResults(w.File())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// readResults reads the results.json at path as a results.Document.
func readResults(path string) (results.Document, error) {
	var d results.Document
	data, err := os.ReadFile(path)
	if err != nil {
		return d, fmt.Errorf("read results: %w", err)
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

func TestRunnerGoesOnPastABrokenEntryAndWritesResults(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t), failBuild: map[string]bool{"broken": true}}
	w := newWriter(t, 1, "broken", "ok")
	var out bytes.Buffer
	r := &Runner{Runtime: rt, Verify: fakeVerifier(map[config.TestType]bool{config.DB: true}), Settings: quickSettings(),
		Types: config.TestTypes, LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w), NewProgress(&out, "fake")}}
	outcomes, err := r.Run(t.Context(), []config.Test{entry("broken"), entry("ok")}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(outcomes) != 2 || outcomes[0].Err == nil || outcomes[1].Err != nil {
		t.Fatalf("outcomes = %+v", outcomes)
	}
	d := load(t, w)
	verification, _ := os.ReadFile(filepath.Join(w.Dir(), "ok", "db", "verification.txt"))
	best, _ := runs.NewRun(w.File(), d).Best(config.JSON, "ok")
	checks := []struct {
		name string
		ok   bool
	}{
		{"broken entry completed with its error", strings.Contains(d.Completed["broken"], "compile error")},
		{"ok entry completed with a timestamp", len(d.Completed["ok"]) == len(results.TimestampFormat)},
		{"json succeeded for ok", strings.Join(d.Succeeded["json"], ",") == "ok"},
		{"db failed for ok (verification) and broken", strings.Join(d.Failed["db"], ",") == "broken,ok"},
		{"verify map", d.Verify["ok"]["json"] == "pass" && d.Verify["ok"]["db"] == "fail" && d.Verify["broken"]["json"] == "fail"},
		{"verification findings", slices.Equal(d.VerifyProblems["ok"]["db"], []string{"fail: Date header missing (/db)"}) &&
			strings.Contains(d.VerifyProblems["broken"]["json"][0], "compile error")},
		{"verification.txt is verify's rendering", strings.HasPrefix(string(verification), "ok db: fail") &&
			strings.Contains(string(verification), "  fail: Date header missing (/db)")},
		{"one level per concurrency level", len(d.RawData["json"]["ok"]) == 2},
		{"level carries the report", len(d.RawData["json"]["ok"]) == 2 && d.RawData["json"]["ok"][1].TotalRequests == 19566 && d.RawData["json"]["ok"][1].Connections == 32 && d.RawData["json"]["ok"][1].LatencyP99 == "10.24ms"},
		{"level carries server usage", len(d.RawData["json"]["ok"]) == 2 && *d.RawData["json"]["ok"][0].ServerCPUSeconds == 1.5},
		{"level carries each role's cost", len(d.RawData["json"]["ok"]) == 2 && *d.RawData["json"]["ok"][0].DatabaseCPUSeconds == 0.7 &&
			*d.RawData["json"]["ok"][0].ClientCPUSeconds == 0.4 && d.RawData["json"]["ok"][0].MeasuredSeconds != nil},
		{"wrk's 0.4 s of 2 threads over the canned 2 s do not bind it", len(d.RawData["json"]["ok"]) == 2 && d.RawData["json"]["ok"][0].ClientBound != nil && !*d.RawData["json"]["ok"][0].ClientBound},
		{"no other CPU off one machine, no statements uncounted", len(d.RawData["json"]["ok"]) == 2 && d.RawData["json"]["ok"][0].OtherCPUSeconds == nil && d.RawData["json"]["ok"][0].DatabaseQueries == nil},
		{"failed db type not loaded", len(d.RawData["db"]["ok"]) == 0},
		{"primer, warmup and two levels ran for json only", len(rt.runs) == 4},
		{"server stopped and database closed", strings.Join(rt.stopped, ",") == "ok" && rt.dbsClosed == 1},
		{"problem shown to the contributor", strings.Contains(out.String(), "    fail: Date header missing (/db)")},
		{"best level kept", slices.Equal(best.RPS, []float64{17803.98}) && best.Level == 16},
		{"run finished, not interrupted", d.CompletionTime != nil && !d.Interrupted},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so\nresults: %+v\noutput:\n%s", c.name, d, out.String())
		}
	}
}

func TestRepeatsInterleaveEntriesAndKeepTheMedian(t *testing.T) {
	// Two entries, json only, two levels, three passes: measured runs go
	// a16 a32 b16 b32 (pass 1), then pass 2, then pass 3.
	rt := &fakeRuntime{report: readCannedReport(t), rps: []float64{
		100, 10, 1000, 1, // pass 1: a16 a32 b16 b32
		300, 30, 3000, 3, // pass 2
		200, 20, 2000, 2, // pass 3
	}}
	w := newWriter(t, 3, "a", "b")
	rec := &recording{}
	settings := quickSettings()
	settings.NoWarmup = true // every run but the primer is a level
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: settings, Types: []config.TestType{config.JSON},
		Repeat: 3, LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w), rec}}
	_, err := r.Run(t.Context(), []config.Test{entry("a"), entry("b")}, true)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range rec.events {
		if e, ok := e.(EntryStarted); ok {
			order = append(order, fmt.Sprintf("%s%d", e.Entry, e.Pass))
		}
	}
	if got, want := strings.Join(order, " "), "a1 b1 a2 b2 a3 b3"; got != want {
		t.Errorf("entries ran in the order %s, want %s (round-robin passes)", got, want)
	}
	if got := strings.Join(rt.builds, " "); got != "a b" {
		t.Errorf("builds = %s, want each entry once", got)
	}
	primers := 0
	for _, run := range rt.runs {
		if run.Threads == 8 {
			primers++
		}
	}
	if primers != 6 {
		t.Errorf("%d primers, want one per entry and pass (6)", primers)
	}
	verified := 0
	for _, e := range rec.events {
		if _, ok := e.(Verified); ok {
			verified++
		}
	}
	if verified != 2 {
		t.Errorf("verified %d times, want once per entry", verified)
	}
	d := load(t, w)
	raw := d.RawData["json"]["a"]
	if len(raw) != 2 || raw[0].RequestsPerSecond != 200 || raw[1].RequestsPerSecond != 20 {
		t.Errorf("rawData.json.a = %+v, want the median repeats 200 and 20", raw)
	}
	if raw := d.RawData["json"]["b"]; len(raw) != 2 || raw[0].RequestsPerSecond != 2000 || raw[1].RequestsPerSecond != 2 {
		t.Errorf("rawData.json.b = %+v, want the median repeats 2000 and 2", raw)
	}
	reps := d.Repeats["json"]["a"]
	if len(reps) != 2 || len(reps[0]) != 3 || reps[0][0].RequestsPerSecond != 100 || reps[0][1].RequestsPerSecond != 300 || reps[0][2].RequestsPerSecond != 200 {
		t.Errorf("repeats.json.a = %+v, want 100, 300, 200 at 16 connections", reps)
	}
	if d.RepeatCount != 3 || strings.Join(d.Succeeded["json"], ",") != "a,b" {
		t.Errorf("repeatCount %d, succeeded %v", d.RepeatCount, d.Succeeded)
	}
	rawText, _ := os.ReadFile(filepath.Join(w.Dir(), "a", "json", "raw.txt"))
	if !strings.Contains(string(rawText), "Concurrency: 32 for a (repeat 3 of 3)") {
		t.Errorf("raw.txt does not name the repeats:\n%s", rawText)
	}
	if best, _ := runs.NewRun(w.File(), d).Best(config.JSON, "b"); best.Level != 16 || !slices.Equal(best.RPS, []float64{1000, 3000, 2000}) {
		t.Errorf("best of b = %v at level %d", best.RPS, best.Level)
	}
}

func TestEventsInOrder(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t)}
	rec := &recording{}
	settings := quickSettings()
	settings.ConcurrencyLevels = []int{16}
	settings.NoPrimer = true
	r := &Runner{Runtime: rt, Verify: fakeVerifier(map[config.TestType]bool{config.DB: true}), Settings: settings,
		Types: config.TestTypes, LogDir: t.TempDir(), Consumers: []Consumer{rec}}
	if _, err := r.Run(t.Context(), []config.Test{entry("gin")}, true); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"RunStarted",
		"EntryStarted gin 1",
		"StageStarted building gin",
		"DatabaseStarted",
		"StageStarted starting gin",
		"Verified gin",
		"StepStarted gin json Warmup 1",
		"StepFinished",
		"StepStarted gin json Concurrency: 16 1",
		"StepFinished",
		"LevelMeasured gin json 0 1",
		"TypeFinished gin json 1",
		"TypeFinished gin db 1", // failed verification: not loaded
		"EntryFinished gin 1",
		"RunFinished interrupted=false",
	}
	if got := rec.kinds(); !slices.Equal(got, want) {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, e := range rec.events {
		if e, ok := e.(TypeFinished); ok && e.Type == config.DB && !errors.Is(e.Err, ErrNotVerified) {
			t.Errorf("db finished with %v, want ErrNotVerified", e.Err)
		}
	}
}

func TestConsumerErrorStopsTheRunAndIsReturned(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t)}
	w := newWriter(t, 1, "gin")
	diskFull := errors.New("disk full")
	failing := ConsumerFunc(func(e Event) error {
		if _, ok := e.(LevelMeasured); ok {
			return diskFull
		}
		return nil
	})
	rec := &recording{}
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: quickSettings(), Types: []config.TestType{config.JSON},
		LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w), failing, rec}}
	_, err := r.Run(t.Context(), []config.Test{entry("gin")}, true)
	if !errors.Is(err, diskFull) {
		t.Fatalf("Run = %v, want the consumer's error", err)
	}
	// primer, warmup, the first level; not the second.
	if len(rt.runs) != 3 {
		t.Errorf("wrk ran %d times, want 3 (stop after the failed level)", len(rt.runs))
	}
	kinds := rec.kinds()
	if !slices.Contains(kinds, "LevelMeasured gin json 0 1") {
		t.Errorf("a later consumer missed the event the failing one refused: %v", kinds)
	}
	if last := kinds[len(kinds)-1]; last != "RunFinished interrupted=true" {
		t.Errorf("last event %q, want RunFinished interrupted=true", last)
	}
	if d := load(t, w); !d.Interrupted || d.CompletionTime == nil {
		t.Errorf("results.json interrupted=%v completionTime=%v, want marked interrupted", d.Interrupted, d.CompletionTime)
	}
}

func TestInterruptedRunIsMarked(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t)}
	w := newWriter(t, 1, "gin")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stopAtFirstLevel := ConsumerFunc(func(e Event) error {
		if _, ok := e.(LevelMeasured); ok {
			cancel() // as Ctrl-C during the run
		}
		return nil
	})
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: quickSettings(), Types: []config.TestType{config.JSON},
		LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w), stopAtFirstLevel}}
	if _, err := r.Run(ctx, []config.Test{entry("gin")}, true); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	d := load(t, w)
	if !d.Interrupted || d.CompletionTime == nil {
		t.Errorf("interrupted = %v, completionTime = %v; want true and the stop time", d.Interrupted, d.CompletionTime)
	}
	if len(d.RawData["json"]["gin"]) != 1 {
		t.Errorf("rawData = %+v, want the one level measured before the stop", d.RawData["json"]["gin"])
	}
	if len(d.Succeeded["json"]) != 0 {
		t.Errorf("an interrupted type was filed as succeeded: %v", d.Succeeded)
	}
}

func TestAfterEachTypeRefreshesPerTypeAndAtTheEnd(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t)}
	w := newWriter(t, 2, "a", "b")
	var seen []int // levels in results.json at each refresh
	refresh := AfterEachType(func() error {
		d, err := readResults(w.File())
		if err != nil {
			return err
		}
		seen = append(seen, len(d.RawData["json"]["a"])+len(d.RawData["json"]["b"]))
		return nil
	})
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: quickSettings(), Types: []config.TestType{config.JSON},
		Repeat: 2, LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w), refresh}}
	if _, err := r.Run(t.Context(), []config.Test{entry("a"), entry("b")}, true); err != nil {
		t.Fatal(err)
	}
	// One refresh per entry, type and pass (2 × 1 × 2), then the end; the
	// file already holds the type's levels (2 per entry) when it runs.
	if want := []int{2, 4, 4, 4, 4}; !slices.Equal(seen, want) {
		t.Errorf("rawData levels at each refresh = %v, want %v", seen, want)
	}
	failing := AfterEachType(func() error { return errors.New("report: template broken") })
	r.Consumers = []Consumer{failing}
	if _, err := r.Run(t.Context(), []config.Test{entry("a")}, true); err == nil || !strings.Contains(err.Error(), "template broken") {
		t.Errorf("Run = %v, want the refresh's error", err)
	}
}

func TestRunnerStopsOnCancel(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t)}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: quickSettings(), Types: config.TestTypes, LogDir: t.TempDir()}
	if _, err := r.Run(ctx, []config.Test{entry("a")}, true); !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel = %v, want context.Canceled", err)
	}
	if len(rt.runs) != 0 {
		t.Errorf("wrk ran %d times after cancel", len(rt.runs))
	}
}

// brokenPipe fails every write, as a closed terminal or pipe does.
type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, errors.New("write |1: broken pipe") }

func TestProgressWriteErrorStopsTheRun(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t)}
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: quickSettings(), Types: []config.TestType{config.JSON},
		LogDir: t.TempDir(), Consumers: []Consumer{NewProgress(brokenPipe{}, "fake")}}
	_, err := r.Run(t.Context(), []config.Test{entry("gin")}, true)
	if err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("Run = %v, want the progress writer's error", err)
	}
	if len(rt.runs) != 0 {
		t.Errorf("wrk ran %d times after the terminal went away", len(rt.runs))
	}
}

func TestProgressCountsTimeLeftDownToZero(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t), failBuild: map[string]bool{"broken": true}}
	settings := quickSettings()
	settings.SleepBetweenLevels = time.Millisecond // so the plan holds sleeps too
	var out bytes.Buffer
	progress := NewProgress(&out, "fake")
	r := &Runner{Runtime: rt, Verify: fakeVerifier(map[config.TestType]bool{config.DB: true}), Settings: settings,
		Types: config.TestTypes, Repeat: 2, LogDir: t.TempDir(), Consumers: []Consumer{progress}}
	if _, err := r.Run(t.Context(), []config.Test{entry("broken"), entry("ok")}, true); err != nil {
		t.Fatal(err)
	}
	// broken's and db's planned time is dropped when they are skipped, so
	// nothing is left at the end.
	if progress.left != 0 {
		t.Errorf("time left at the end = %s, want 0", progress.left)
	}
	// At pass 2's first step, ok's json and db of that pass are ahead: 8 s
	// each (primer 5, warmup 1, two levels of 1).
	for _, want := range []string{"Benchmarking 2 entries on the fake runtime, every level 2 times", "== ok (2/2, repeat 2/2)\nstarting ok...\n[0:00:16 left] ok json: Primer (1/4)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, out.String())
		}
	}
}

// TestClientBound: wrk's 0.4 s of CPU over the canned report's 1.10 s are
// 36% of one thread: bound when it had a third of a CPU, not with two.
func TestClientBound(t *testing.T) {
	for _, tt := range []struct {
		cpus  float64
		bound bool
	}{{2, false}, {1.0 / 3, true}} {
		rt := &fakeRuntime{report: readCannedReport(t), clientCPUs: tt.cpus}
		w := newWriter(t, 1, "gin")
		s := quickSettings()
		s.NoPrimer, s.NoWarmup, s.ConcurrencyLevels = true, true, []int{16}
		r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: s, Types: []config.TestType{config.JSON},
			LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w)}}
		if _, err := r.Run(t.Context(), []config.Test{entry("gin")}, true); err != nil {
			t.Fatal(err)
		}
		l := w.Document().RawData["json"]["gin"][0]
		if l.ClientBound == nil || *l.ClientBound != tt.bound {
			t.Errorf("with %.2f CPUs for wrk, clientBound = %v, want %v", tt.cpus, l.ClientBound, tt.bound)
		}
	}
}

// TestProfilesOfTheBestLevel: the entry's profiles are taken during each
// level of the first pass and written beside raw.txt; at the end only the
// best level's stay, unless all are asked for.
func TestProfilesOfTheBestLevel(t *testing.T) {
	for _, all := range []bool{false, true} {
		rt := &fakeRuntime{report: readCannedReport(t), profiles: true, rps: []float64{100, 300}}
		w := newWriter(t, 1, "gin")
		s := quickSettings()
		s.NoWarmup = true
		rec := NewRecorder(w)
		rec.AllProfiles = all
		r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: s, Types: []config.TestType{config.JSON},
			LogDir: w.Dir(), Consumers: []Consumer{rec}, Profiles: ProfileSpec{Kinds: []string{"cpu", "heap"}, AllLevels: all}}
		if _, err := r.Run(t.Context(), []config.Test{entry("gin")}, true); err != nil {
			t.Fatal(err)
		}
		d := w.Document()
		ps := d.Profiles["json"]["gin"]
		want := map[string]bool{"gin/json/cpu-32.pprof": true, "gin/json/heap-32.pprof": true}
		if all {
			want["gin/json/cpu-16.pprof"], want["gin/json/heap-16.pprof"] = false, false
		}
		if len(ps) != len(want) {
			t.Fatalf("all=%v: profiles %+v, want %v", all, ps, want)
		}
		for _, p := range ps {
			best, ok := want[p.File]
			if !ok || p.Best != best {
				t.Errorf("all=%v: profile %+v, want best=%v among %v", all, p, best, want)
			}
			data, err := os.ReadFile(filepath.Join(w.Dir(), p.File))
			wantData := "pprof of gin profile?seconds=1"
			if p.Kind == "heap" {
				wantData = "pprof of gin heap"
			}
			if err != nil || string(data) != wantData || (p.Kind == "cpu") != (p.Seconds == 1) {
				t.Errorf("all=%v: %s holds %q (%v), seconds %d; want %q", all, p.File, data, err, p.Seconds, wantData)
			}
		}
		if _, err := os.Stat(filepath.Join(w.Dir(), "gin/json/cpu-16.pprof")); all == os.IsNotExist(err) {
			t.Errorf("all=%v: cpu-16.pprof exists: %v", all, err == nil)
		}
	}
}

func TestParseProfileKinds(t *testing.T) {
	if got, err := ParseProfileKinds([]string{"heap", "cpu", "heap"}); err != nil || !slices.Equal(got, []string{"heap", "cpu"}) {
		t.Errorf("ParseProfileKinds = %v, %v", got, err)
	}
	if _, err := ParseProfileKinds([]string{"cpu", "goroutine"}); err == nil || !strings.Contains(err.Error(), `unknown profile "goroutine" (kinds: cpu, heap, allocs, mutex, block)`) {
		t.Errorf("err = %v", err)
	}
}

// TestFixedRatesAfterTheLevels: after a type's levels the entry is loaded
// open loop at each fraction of its best level's rate, with that level's
// URL and connections, and the results land in results.json.
func TestFixedRatesAfterTheLevels(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t), rps: []float64{100, 300}}
	w := newWriter(t, 1, "gin")
	s := quickSettings()
	s.NoWarmup = true
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: s, Types: []config.TestType{config.JSON},
		LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w)}, FixedRates: []float64{0.5, 0.9}}
	if _, err := r.Run(t.Context(), []config.Test{entry("gin")}, true); err != nil {
		t.Fatal(err)
	}
	if len(rt.openLoops) != 2 || rt.openLoops[0].Rate != 150 || rt.openLoops[1].Rate != 270 ||
		rt.openLoops[0].Connections != 32 || !strings.HasSuffix(rt.openLoops[0].URL, "/json") || rt.openLoops[0].Host != "tfb-server" {
		t.Fatalf("open loops %+v, want 150 and 270 req/s on /json with the best level's 32 connections", rt.openLoops)
	}
	rows := w.Document().FixedRate
	if len(rows) != 2 || rows[1].Fraction != 0.9 || rows[1].LatencyP999 != 800 || !rows[1].Sustained || rows[1].Entry != "gin" || rows[1].Type != "json" {
		t.Errorf("fixedRate = %+v", rows)
	}
}

// losingRuntime is a fakeRuntime whose wrk fails at its failAt-th run
// (counting from 1) and whose engine stops answering at the loseAt-th run
// or at the loseAtStart-th database start: from then on that call and
// Check fail.
type losingRuntime struct {
	*fakeRuntime
	failAt, loseAt, loseAtStart int
	loads, starts               int
	lost                        bool
}

func (f *losingRuntime) RunLoad(ctx context.Context, run wrk.Run) (backend.Load, error) {
	f.loads++
	if f.lost || f.loads == f.loseAt || f.loads == f.failAt {
		f.lost = f.lost || f.loads == f.loseAt
		return backend.Load{CommandLine: run.CommandLine()}, errors.New("wait for wrk: unexpected EOF")
	}
	return f.fakeRuntime.RunLoad(ctx, run)
}

func (f *losingRuntime) StartDatabase(ctx context.Context) (backend.Database, error) {
	f.starts++
	if f.lost || f.starts == f.loseAtStart {
		f.lost = true
		return nil, errors.New("create container from go-tfb/database: Cannot connect to the Docker daemon")
	}
	return f.fakeRuntime.StartDatabase(ctx)
}

func (f *losingRuntime) Check(context.Context) error {
	if f.lost {
		return &backend.LostError{What: "docker engine tcp://fake:2375", Err: errors.New("connection refused")}
	}
	return nil
}

// TestLostRuntimeStopsTheRun: when the runtime stops answering (a Docker
// engine gone), the level or entry fails with its one error, and the run
// stops there, returning it, instead of failing every entry left; a level
// failing while the runtime answers fails that level only.
func TestLostRuntimeStopsTheRun(t *testing.T) {
	const lostMsg = "docker engine tcp://fake:2375 stopped answering: connection refused"
	// Each entry's json runs wrk 4 times: primer, warmup, 16 and 32.
	tests := []struct {
		name                        string
		failAt, loseAt, loseAtStart int
		loseAtVerify                bool // the engine goes as a is verified, failing it
		wantLost                    bool
		wantLoads                   int    // wrk runs in all
		wantLevelErr                string // of a's json level 16, if it failed
		wantCompletedA              string // a's completed, "" for a timestamp
		wantStartedB                bool
	}{
		{name: "during a level", loseAt: 3, wantLost: true, wantLoads: 3, wantLevelErr: lostMsg, wantCompletedA: lostMsg},
		{name: "at an entry's start", loseAtStart: 2, wantLost: true, wantLoads: 4, wantStartedB: true},
		{name: "during a verification", loseAtVerify: true, wantLost: true, wantCompletedA: lostMsg},
		{name: "a level failing on an answering engine", failAt: 3, wantLoads: 8, wantLevelErr: "wait for wrk: unexpected EOF", wantStartedB: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := &losingRuntime{fakeRuntime: &fakeRuntime{report: readCannedReport(t)}, failAt: tt.failAt, loseAt: tt.loseAt, loseAtStart: tt.loseAtStart}
			w := newWriter(t, 1, "a", "b")
			rec := &recording{}
			verifier := fakeVerifier(nil)
			if tt.loseAtVerify {
				failing := fakeVerifier(map[config.TestType]bool{config.JSON: true})
				verifier = func(ctx context.Context, base string, test config.Test, db string, types []config.TestType) ([]verify.Result, error) {
					rt.lost = true
					return failing(ctx, base, test, db, types)
				}
			}
			r := &Runner{Runtime: rt, Verify: verifier, Settings: quickSettings(), Types: []config.TestType{config.JSON},
				LogDir: w.Dir(), Consumers: []Consumer{NewRecorder(w), rec}}
			_, err := r.Run(t.Context(), []config.Test{entry("a"), entry("b")}, true)
			if got := backend.IsLost(err); got != tt.wantLost || (tt.wantLost && err.Error() != lostMsg) || (!tt.wantLost && err != nil) {
				t.Fatalf("Run = %v, want lost %v (%q)", err, tt.wantLost, lostMsg)
			}
			if rt.loads != tt.wantLoads {
				t.Errorf("%d wrk runs, want %d: %v", rt.loads, tt.wantLoads, rec.kinds())
			}
			d := load(t, w)
			if tt.wantLevelErr != "" {
				if ls := d.RawData["json"]["a"]; len(ls) == 0 || !strings.Contains(ls[0].Error, tt.wantLevelErr) {
					t.Errorf("a's json levels = %+v, want the first failed with %q", ls, tt.wantLevelErr)
				}
			}
			if tt.wantCompletedA != "" && d.Completed["a"] != tt.wantCompletedA {
				t.Errorf("completed.a = %q, want %q", d.Completed["a"], tt.wantCompletedA)
			}
			if startedB := slices.Contains(rec.kinds(), "EntryStarted b 1"); startedB != tt.wantStartedB {
				t.Errorf("b started = %v, want %v: %v", startedB, tt.wantStartedB, rec.kinds())
			}
			if tt.wantLost && !slices.Contains(d.Failed["json"], "a") && !slices.Contains(d.Failed["json"], "b") {
				t.Errorf("failed = %v, want the type the lost runtime failed", d.Failed)
			}
			if p := d.VerifyProblems["a"]["json"]; tt.loseAtVerify && (len(p) != 1 || !strings.Contains(p[0], lostMsg)) {
				t.Errorf("verification problems of a's json = %q, want the lost runtime's error, not the failed checks", p)
			}
			switch {
			case tt.wantLost && (!d.Interrupted || d.CompletionTime == nil):
				t.Errorf("interrupted = %v, completionTime = %v; want the stopped run marked", d.Interrupted, d.CompletionTime)
			case tt.loseAtStart > 0 && (d.Completed["b"] != lostMsg || !slices.Contains(d.Failed["json"], "b")):
				t.Errorf("completed.b = %q, failed = %v; want b failed with %q", d.Completed["b"], d.Failed, lostMsg)
			case !tt.wantLost && (d.Interrupted || len(d.Succeeded["json"]) != 2):
				t.Errorf("interrupted = %v, succeeded = %v; want a whole run", d.Interrupted, d.Succeeded)
			}
		})
	}
}
