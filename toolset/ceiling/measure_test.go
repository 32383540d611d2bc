package ceiling

import (
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/verify"
)

// TestMeasure runs a short, real measurement: pgbench against a local
// cluster, then the net/http entry as a local process through the
// benchmark runner with the ceiling's settings, read back through runs.
func TestMeasure(t *testing.T) {
	for _, tool := range []string{"pgbench", "wrk", "nginx"} {
		if _, err := exec.LookPath(tool); err != nil {
			fixture.Unavailable(t, err)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	test, ok := cfg.Test("nethttp")
	if !ok {
		t.Fatal("no nethttp entry in benchmark_config.json")
	}
	port, err := fixture.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	rt := local.New(local.Options{RepoDir: root, ServerPort: port})
	t.Cleanup(func() { rt.Close(t.Context()) })
	if err := rt.Prepare(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	opts := Options{Duration: time.Second, Connections: 16, Threads: 1,
		PgbenchDuration: time.Second, PgbenchDepths: []int{1, 8}, PgbenchClients: []int{1, 2}, PgbenchThreads: 1}
	sweeps, err := MeasureSweeps(t.Context(), rt, opts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, sw := range []results.PgbenchSweep{sweeps.WorldSweep, sweeps.FortuneSweep} {
		if len(sw.Points) != 4 {
			t.Errorf("%s: %d points, want 2 depths x 2 client counts: %+v", sw.Query, len(sw.Points), sw.Points)
		}
		for _, p := range sw.Points {
			if p.QueriesPerSecond <= 0 {
				t.Errorf("%s: no rate at %+v", sw.Query, p)
			}
		}
		if sw.Best != Best(sw.Points) || sw.Best.QueriesPerSecond <= 0 {
			t.Errorf("%s: best %+v is not the fastest of %+v", sw.Query, sw.Best, sw.Points)
		}
	}

	settings := opts.Settings()
	tests := Tests([]config.Test{test})
	w, err := results.Create(t.TempDir(), results.Meta{Frameworks: []string{test.Name, tests[1].Name}, Duration: 1,
		ConcurrencyLevels: settings.ConcurrencyLevels, Threads: settings.Threads, RepeatCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetCeiling(sweeps); err != nil {
		t.Fatal(err)
	}
	runner := &benchmark.Runner{Runtime: rt, Verify: verify.RunWithDatabase, Settings: settings, Types: runs.CeilingTypes, Repeat: 2,
		LogDir: w.Dir(), Consumers: []benchmark.Consumer{benchmark.NewRecorder(w)}}
	if _, err := runner.Run(t.Context(), tests, true); err != nil {
		t.Fatal(err)
	}
	rows, ok := runs.NewRun(w.File(), w.Document()).Ceilings()
	if !ok || len(rows) != 1 {
		t.Fatalf("ceilings = %+v, %v", rows, ok)
	}
	e := rows[0]
	if e.Error != "" || e.JSON <= 0 || e.Plaintext <= 0 || e.DB <= 0 || e.Fortune <= 0 {
		t.Fatalf("entry: %+v", e)
	}
	ref, ok := runs.NewRun(w.File(), w.Document()).Reference()
	if !ok || ref.Error != "" || ref.JSON <= 0 || ref.Plaintext <= 0 {
		t.Fatalf("reference server: %+v, %v", ref, ok)
	}
	run := runs.NewRun(w.File(), w.Document())
	for _, s := range []struct {
		tt       config.TestType
		share    float64
		perPass  []float64
		refRates []float64
	}{{config.JSON, e.JSONShare(), e.JSONShares, ref.JSONPasses}, {config.Plaintext, e.PlaintextShare(), e.PlaintextShares, ref.PlaintextPasses}} {
		levels := run.Measurements(s.tt, test.Name)
		if len(levels) != 1 || levels[0].Level != opts.Connections || len(levels[0].RPS) != 2 {
			t.Fatalf("%s: levels %+v, want two passes of one level at %d connections", s.tt, levels, opts.Connections)
		}
		if len(s.perPass) != 2 || len(s.refRates) != 2 {
			t.Fatalf("%s: per-pass shares %v over nginx's passes %v, want two", s.tt, s.perPass, s.refRates)
		}
		for i, rps := range levels[0].RPS {
			if s.perPass[i] != rps/s.refRates[i] {
				t.Errorf("%s: pass %d's share %.3f is not its rate %.0f over nginx's %.0f", s.tt, i, s.perPass[i], rps, s.refRates[i])
			}
		}
		if s.share != stats.Median(s.perPass) {
			t.Errorf("%s: share %.3f is not the median of %v", s.tt, s.share, s.perPass)
		}
	}
	for _, c := range []struct {
		name             string
		ceiling, queries float64
	}{{"/db", e.DBCeiling, sweeps.WorldSweep.Best.QueriesPerSecond}, {"/fortunes", e.FortuneCeiling, sweeps.FortuneSweep.Best.QueriesPerSecond}} {
		if c.ceiling != runs.Ceiling(e.JSON, c.queries) {
			t.Errorf("%s ceiling %.0f is not Ceiling(json %.0f, best %.0f)", c.name, c.ceiling, e.JSON, c.queries)
		}
		if c.ceiling <= 0 || c.ceiling >= e.JSON || c.ceiling >= c.queries {
			t.Errorf("%s ceiling %.0f must be below both json %.0f and the select's best %.0f", c.name, c.ceiling, e.JSON, c.queries)
		}
	}
	res, ok := ResultOf(runs.NewRun(w.File(), w.Document()), opts)
	if !ok || len(res.Entries) != 1 || res.Entries[0].DB != e.DB || res.WorldSweep.Best != sweeps.WorldSweep.Best ||
		res.Reference == nil || res.Reference.JSON != ref.JSON {
		t.Errorf("ceiling.json's result = %+v, want the run's entry and sweeps", res)
	}
}
