package ceiling

import (
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
)

// TestMeasure runs a short, real measurement: pgbench against a local
// cluster and wrk against the net/http entry as a local process.
func TestMeasure(t *testing.T) {
	for _, tool := range []string{"pgbench", "wrk"} {
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
	opts := Options{Duration: time.Second, Connections: 16, Threads: 1,
		PgbenchDuration: time.Second, PgbenchDepths: []int{1, 8}, PgbenchClients: []int{1, 2}, PgbenchThreads: 1}
	res, err := Measure(t.Context(), rt, []config.Test{test}, opts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, sw := range []Sweep{res.WorldSweep, res.FortuneSweep} {
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
	e := res.Entries[0]
	if e.Error != "" || e.JSON <= 0 || e.DB <= 0 || e.Fortune <= 0 {
		t.Fatalf("entry: %+v", e)
	}
	for _, c := range []struct {
		name             string
		ceiling, queries float64
	}{{"/db", e.DBCeiling, res.WorldSweep.Best.QueriesPerSecond}, {"/fortunes", e.FortuneCeiling, res.FortuneSweep.Best.QueriesPerSecond}} {
		if c.ceiling != Ceiling(e.JSON, c.queries) {
			t.Errorf("%s ceiling %.0f is not Ceiling(json %.0f, best %.0f)", c.name, c.ceiling, e.JSON, c.queries)
		}
		if c.ceiling <= 0 || c.ceiling >= e.JSON || c.ceiling >= c.queries {
			t.Errorf("%s ceiling %.0f must be below both json %.0f and the select's best %.0f", c.name, c.ceiling, e.JSON, c.queries)
		}
	}
}
