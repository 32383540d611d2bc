package ceiling

import (
	"io"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
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
	rt := backend.NewLocal(backend.LocalOptions{RepoDir: root, ServerPort: port})
	t.Cleanup(func() { rt.Close(t.Context()) })
	opts := Options{Duration: time.Second, Connections: 16, Threads: 1, PgbenchClients: []int{2, 4}, PgbenchThreads: 1}
	res, err := Measure(t.Context(), rt, []config.Test{test}, opts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.PgbenchRuns) != 2 || res.PgbenchBest <= 0 || (res.PgbenchClients != 2 && res.PgbenchClients != 4) {
		t.Errorf("pgbench: best %.0f at -c %d, runs %v", res.PgbenchBest, res.PgbenchClients, res.PgbenchRuns)
	}
	e := res.Entries[0]
	if e.Error != "" || e.JSON <= 0 || e.DB <= 0 || e.Fortune <= 0 {
		t.Fatalf("entry: %+v", e)
	}
	if e.Ceiling != Ceiling(e.JSON, res.PgbenchBest) {
		t.Errorf("ceiling %.0f is not Ceiling(json %.0f, pgbench %.0f)", e.Ceiling, e.JSON, res.PgbenchBest)
	}
	if e.Ceiling <= 0 || e.Ceiling >= e.JSON || e.Ceiling >= res.PgbenchBest {
		t.Errorf("ceiling %.0f must be below both json %.0f and pgbench %.0f", e.Ceiling, e.JSON, res.PgbenchBest)
	}
}
