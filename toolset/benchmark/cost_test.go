package benchmark_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/backend/docker"
	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/verify"
)

// TestEveryLevelRecordsItsCost measures nethttp's db and query types (at
// 20 queries) for real on both runtimes and checks that every level holds
// each role's CPU and the kernel's part of it, the other CPU of the machine, the statements executed
// (one per request for db, twenty for query at 20, within 2%) and whether
// wrk bound it.
func TestEveryLevelRecordsItsCost(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	test, _ := cfg.Test("nethttp")
	runtimes := []struct {
		name string
		make func(t *testing.T, port int) backend.Runtime
	}{
		{"local", func(t *testing.T, port int) backend.Runtime {
			return local.New(local.Options{RepoDir: root, ServerPort: port})
		}},
		{"docker", func(t *testing.T, port int) backend.Runtime {
			d, err := docker.New(t.Context(), docker.Options{RepoDir: root, ServerPort: port})
			if err != nil {
				fixture.Unavailable(t, err)
			}
			return d
		}},
	}
	for _, r := range runtimes {
		t.Run(r.name, func(t *testing.T) {
			port, err := pgcluster.FreePort()
			if err != nil {
				t.Fatal(err)
			}
			rt := r.make(t, port)
			t.Cleanup(func() { rt.Close(context.WithoutCancel(t.Context())) })
			if err := rt.Prepare(t.Context(), true); err != nil {
				fixture.Unavailable(t, err)
			}
			s := benchmark.Round20()
			s.Duration, s.ConcurrencyLevels, s.QueryLevels = 2*time.Second, []int{16}, []int{20}
			s.NoPrimer, s.NoWarmup = true, true
			s.SleepAfterPrimer, s.SleepAfterWarmup, s.SleepBetweenLevels = 0, 0, 0
			w, err := results.Create(t.TempDir(), results.Meta{Frameworks: []string{"nethttp"}})
			if err != nil {
				t.Fatal(err)
			}
			runner := &benchmark.Runner{Runtime: rt, Verify: verify.RunWithDatabase, Settings: s, Types: []config.TestType{config.DB, config.Query},
				LogDir: w.Dir(), Consumers: []benchmark.Consumer{benchmark.NewRecorder(w)},
				CountQueries: func(ctx context.Context, url string) (benchmark.QueryCounter, error) {
					return verify.NewStatementCounter(ctx, url)
				}}
			if _, err := runner.Run(t.Context(), []config.Test{test}, true); err != nil {
				t.Fatal(err)
			}
			d := w.Document()
			for tt, perRequest := range map[config.TestType]float64{config.DB: 1, config.Query: 20} {
				levels := d.RawData[string(tt)]["nethttp"]
				if len(levels) != 1 || levels[0].TotalRequests == 0 {
					t.Fatalf("%s: levels %+v, want one measured level", tt, levels)
				}
				l := levels[0]
				for name, v := range map[string]*float64{"serverCpuSeconds": l.ServerCPUSeconds, "databaseCpuSeconds": l.DatabaseCPUSeconds,
					"clientCpuSeconds": l.ClientCPUSeconds, "otherCpuSeconds": l.OtherCPUSeconds, "measuredSeconds": l.MeasuredSeconds} {
					if v == nil || *v < 0 || (name != "otherCpuSeconds" && *v == 0) {
						t.Errorf("%s: %s = %v, want a figure", tt, name, v)
					}
				}
				for _, role := range []struct {
					name        string
					all, kernel *float64
				}{
					{"server", l.ServerCPUSeconds, l.ServerKernelCPUSeconds},
					{"database", l.DatabaseCPUSeconds, l.DatabaseKernelCPUSeconds},
					{"client", l.ClientCPUSeconds, l.ClientKernelCPUSeconds},
				} {
					// Every role makes system calls for each request, so
					// part of its time is the kernel's, never all of it.
					if role.kernel == nil || role.all == nil || *role.kernel <= 0 || *role.kernel > *role.all {
						t.Errorf("%s: %s kernel CPU %v of %v seconds, want a part of them", tt, role.name, role.kernel, role.all)
					}
				}
				if l.ClientBound == nil || l.DatabaseQueries == nil {
					t.Fatalf("%s: clientBound %v, databaseQueries %v; want both", tt, l.ClientBound, l.DatabaseQueries)
				}
				if got := float64(*l.DatabaseQueries) / float64(l.TotalRequests); math.Abs(got-perRequest)/perRequest > 0.02 {
					t.Errorf("%s: %.3f queries per request, want %.0f within 2%%", tt, got, perRequest)
				}
			}
		})
	}
}
