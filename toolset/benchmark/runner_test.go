package benchmark

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
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
	runs      []wrk.Run
	stopped   []string
	dbsClosed int
}

type fakeDB struct{ rt *fakeRuntime }

func (d fakeDB) URL() string                   { return "postgres://fake" }
func (d fakeDB) Close(_ context.Context) error { d.rt.dbsClosed++; return nil }

type fakeServer struct {
	rt   *fakeRuntime
	name string
}

func (s fakeServer) BaseURL() string { return "http://127.0.0.1:1" }
func (s fakeServer) StartUsage(context.Context) (backend.UsageProbe, error) {
	return fakeProbe{}, nil
}
func (s fakeServer) Stop(context.Context) error {
	s.rt.stopped = append(s.rt.stopped, s.name)
	return nil
}

type fakeProbe struct{}

func (fakeProbe) Finish(context.Context) (backend.Usage, error) {
	return backend.Usage{CPU: 1500 * time.Millisecond, PeakMemory: 1 << 20}, nil
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
	if f.failBuild[t.Name] {
		return errors.New("compile error")
	}
	return nil
}
func (f *fakeRuntime) StartServer(_ context.Context, t config.Test, _ backend.Database, _ io.Writer) (backend.Server, error) {
	return fakeServer{f, t.Name}, nil
}
func (f *fakeRuntime) RunLoad(_ context.Context, run wrk.Run) (string, string, error) {
	f.runs = append(f.runs, run)
	return run.CommandLine(), f.report, nil
}

func fakeVerifier(failing map[config.TestType]bool) Verifier {
	return func(_ context.Context, _ string, _ config.Test, _ string, types []config.TestType) ([]Verdict, error) {
		var vs []Verdict
		for _, tt := range types {
			v := Verdict{Type: tt, Status: StatusPass}
			if failing[tt] {
				v.Status = StatusFail
				v.Problems = []Problem{{Severity: "fail", Message: "Date header missing", URL: "/db"}}
			}
			vs = append(vs, v)
		}
		return vs, nil
	}
}

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

func TestRunnerGoesOnPastABrokenEntryAndWritesResults(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t), failBuild: map[string]bool{"broken": true}}
	w, err := results.Create(t.TempDir(), results.Meta{Frameworks: []string{"ok", "broken"}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &Runner{Runtime: rt, Verify: fakeVerifier(map[config.TestType]bool{config.DB: true}), Settings: quickSettings(),
		Results: w, Types: config.TestTypes, Out: &out}
	outcomes, err := r.Run(t.Context(), []config.Test{entry("broken"), entry("ok")}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(outcomes) != 2 || outcomes[0].Err == nil || outcomes[1].Err != nil {
		t.Fatalf("outcomes = %+v", outcomes)
	}
	d, err := results.Load(w.File())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"broken entry completed with its error", strings.Contains(d.Completed["broken"], "compile error")},
		{"ok entry completed with a timestamp", len(d.Completed["ok"]) == len(results.TimestampFormat)},
		{"json succeeded for ok", strings.Join(d.Succeeded["json"], ",") == "ok"},
		{"db failed for ok (verification) and broken", strings.Join(d.Failed["db"], ",") == "broken,ok"},
		{"verify map", d.Verify["ok"]["json"] == "pass" && d.Verify["ok"]["db"] == "fail" && d.Verify["broken"]["json"] == "fail"},
		{"one level per concurrency level", len(d.RawData["json"]["ok"]) == 2},
		{"level carries the report", len(d.RawData["json"]["ok"]) == 2 && d.RawData["json"]["ok"][1].TotalRequests == 19566 && d.RawData["json"]["ok"][1].Connections == 32 && d.RawData["json"]["ok"][1].LatencyP99 == "10.24ms"},
		{"level carries server usage", len(d.RawData["json"]["ok"]) == 2 && *d.RawData["json"]["ok"][0].ServerCPUSeconds == 1.5},
		{"failed db type not loaded", len(d.RawData["db"]["ok"]) == 0},
		{"primer, warmup and two levels ran for json only", len(rt.runs) == 4},
		{"server stopped and database closed", strings.Join(rt.stopped, ",") == "ok" && rt.dbsClosed == 1},
		{"problem shown to the contributor", strings.Contains(out.String(), "FAIL: Date header missing (/db)")},
		{"best rps kept", outcomes[1].Best[config.JSON] == 17803.98},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so\nresults: %+v\noutput:\n%s", c.name, d, out.String())
		}
	}
}

func TestRunnerStopsOnCancel(t *testing.T) {
	rt := &fakeRuntime{report: readCannedReport(t)}
	w, err := results.Create(t.TempDir(), results.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := &Runner{Runtime: rt, Verify: fakeVerifier(nil), Settings: quickSettings(), Results: w, Types: config.TestTypes, Out: io.Discard}
	if _, err := r.Run(ctx, []config.Test{entry("a")}, true); !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel = %v, want context.Canceled", err)
	}
	if len(rt.runs) != 0 {
		t.Errorf("wrk ran %d times after cancel", len(rt.runs))
	}
}

func TestPrintTableMarksFastest(t *testing.T) {
	var b bytes.Buffer
	PrintTable(&b, []Outcome{
		{Entry: "gin", Best: map[config.TestType]float64{config.JSON: 100, config.Plaintext: 900}},
		{Entry: "echo", Best: map[config.TestType]float64{config.JSON: 200}},
	})
	got := b.String()
	for _, want := range []string{"*200", "*900", "100", "json", "plaintext"} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "db") {
		t.Errorf("table shows a type nobody ran:\n%s", got)
	}
	if !strings.Contains(got, "-") {
		t.Errorf("table lacks '-' for echo plaintext:\n%s", got)
	}
}
