package benchmark_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend/local"
	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/compare"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/verify"
)

// busyDuringLevels is a consumer that keeps one core busy with a child
// process (a shell loop, killed with the level or with this process) while
// each measured level runs: work outside the three roles, as another job on
// the machine.
type busyDuringLevels struct {
	t    *testing.T
	busy *exec.Cmd
}

func (b *busyDuringLevels) Consume(e benchmark.Event) error {
	switch e := e.(type) {
	case benchmark.StepStarted:
		if e.Step.Phase == benchmark.Measure {
			// The loop is the shell itself, so that killing it stops it.
			b.busy = exec.Command("sh", "-c", "while :; do :; done")
			b.busy.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			if err := b.busy.Start(); err != nil {
				b.t.Fatal(err)
			}
		}
	case benchmark.StepFinished:
		if b.busy != nil {
			_ = b.busy.Process.Kill()
			_ = b.busy.Wait()
			b.busy = nil
		}
	}
	return nil
}

// measure runs nethttp's json at 16 connections twice on the local
// runtime, with extra consumers, and returns the run read back. An entry
// that did not start (its port, free when picked, taken by another test's
// server or container before it bound it; its database not starting on a
// loaded machine) is tried again on a new port, twice at most, saying why;
// any other run that measured nothing fails the test.
func measure(t *testing.T, root string, extra ...benchmark.Consumer) runs.Run {
	t.Helper()
	for attempt := 1; ; attempt++ {
		run := measureOnce(t, root, extra...)
		if _, ok := run.Best(config.JSON, "nethttp"); ok {
			return run
		}
		// The runner records an entry that did not start (its server or
		// its database) as failing verification too, so how the entry
		// ended says whether it started.
		msg, _ := results.CompletedError(run.Doc.Completed["nethttp"])
		started := !strings.Contains(msg, "did not start")
		if started || attempt == 3 {
			t.Fatalf("the run measured nothing (attempt %d): %s", attempt, whyNothing(run))
		}
		t.Logf("the entry did not start, trying again: %s", whyNothing(run))
	}
}

// measureOnce is one run of measure, on a port free at the time.
func measureOnce(t *testing.T, root string, extra ...benchmark.Consumer) runs.Run {
	t.Helper()
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	test, _ := cfg.Test("nethttp")
	rt := local.New(local.Options{RepoDir: root, ServerPort: port})
	t.Cleanup(func() { rt.Close(t.Context()) })
	if err := rt.Prepare(t.Context(), true); err != nil {
		fixture.Unavailable(t, err)
	}
	s := benchmark.Round20()
	s.Duration, s.ConcurrencyLevels = 3*time.Second, []int{16}
	s.NoPrimer, s.NoWarmup = true, true
	s.SleepAfterPrimer, s.SleepAfterWarmup, s.SleepBetweenLevels = 0, 0, 0
	w, err := results.Create(t.TempDir(), results.Meta{Frameworks: []string{"nethttp"}, RepeatCount: 2,
		Environment: results.Environment{Runtime: "local", Cores: rt.ClientCores()}})
	if err != nil {
		t.Fatal(err)
	}
	r := &benchmark.Runner{Runtime: rt, Verify: verify.RunWithDatabase, Settings: s, Types: []config.TestType{config.JSON},
		Repeat: 2, LogDir: w.Dir(), Consumers: append([]benchmark.Consumer{benchmark.NewRecorder(w)}, extra...)}
	if _, err := r.Run(t.Context(), []config.Test{test}, true); err != nil {
		t.Fatal(err)
	}
	return runs.NewRun(w.File(), w.Document())
}

// TestBusyMachineMakesNoClaim loads an entry twice, the second time with a
// busy loop taking a core beside it: every level of that run is marked
// disturbed, and tfb compare makes no claim about it, saying why.
func TestBusyMachineMakesNoClaim(t *testing.T) {
	if _, err := exec.LookPath("wrk"); err != nil {
		fixture.Unavailable(t, err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	quiet := measure(t, root)
	busy := measure(t, root, &busyDuringLevels{t: t})

	m, _ := busy.Best(config.JSON, "nethttp")
	if m.Doubt.Disturbed != 2 || m.Doubt.MaxOtherShare <= runs.DisturbedShare {
		t.Errorf("the busy run's level: %+v, want both repeats disturbed (other work above %.0f%% of the machine)", m.Doubt, 100*runs.DisturbedShare)
	}
	c, err := compare.Compare([]runs.Run{quiet, busy})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Groups[0].Best[1]
	if f.Verdict != "no claim" || !strings.Contains(f.Doubt, "other work took up to") {
		t.Errorf("compare's verdict on the busy run = %q (%s), want no claim because other work disturbed it", f.Verdict, f.Doubt)
	}
}

// whyNothing says what a run that measured nothing recorded of the entry:
// how it ended, what verification found, each level's error and the
// entry's server.log.
func whyNothing(run runs.Run) string {
	doc := run.Doc
	var b strings.Builder
	fmt.Fprintf(&b, "completed %q, failed %v, verify %v, verify problems %v", doc.Completed["nethttp"], doc.Failed, doc.Verify["nethttp"], doc.VerifyProblems["nethttp"])
	for _, l := range doc.RawData[string(config.JSON)]["nethttp"] {
		fmt.Fprintf(&b, "; level at %d connections: %d requests, error %q", l.Connections, l.TotalRequests, l.Error)
	}
	server, err := os.ReadFile(filepath.Join(filepath.Dir(run.Path), "nethttp", "server.log"))
	fmt.Fprintf(&b, "\nserver.log (%v):\n%s", err, server)
	return b.String()
}
