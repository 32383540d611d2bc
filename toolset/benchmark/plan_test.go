package benchmark

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

func TestPlanFollowsTFBScripts(t *testing.T) {
	s := Round20()
	const base = "http://127.0.0.1:8080"
	tests := []struct {
		tt          config.TestType
		path        string
		wantURLs    []string
		wantConns   []int
		wantThreads []int
		wantQueries []int
		pipelined   bool
		accept      string
	}{
		{
			tt: config.JSON, path: "/json",
			wantURLs:    []string{"/json", "/json", "/json", "/json", "/json", "/json", "/json", "/json"},
			wantConns:   []int{8, 512, 16, 32, 64, 128, 256, 512},
			wantThreads: []int{8, 2, 2, 2, 2, 2, 2, 2},
			wantQueries: []int{0, 0, 0, 0, 0, 0, 0, 0},
			accept:      config.AcceptJSON,
		},
		{
			tt: config.Query, path: "/queries?queries=",
			wantURLs:    []string{"/queries?queries=2", "/queries?queries=2", "/queries?queries=1", "/queries?queries=5", "/queries?queries=10", "/queries?queries=15", "/queries?queries=20"},
			wantConns:   []int{8, 512, 512, 512, 512, 512, 512},
			wantThreads: []int{8, 2, 2, 2, 2, 2, 2},
			wantQueries: []int{0, 0, 1, 5, 10, 15, 20},
			accept:      config.AcceptJSON,
		},
		{
			tt: config.CachedQuery, path: "/cached-queries?count=",
			wantURLs:    []string{"/cached-queries?count=2", "/cached-queries?count=2", "/cached-queries?count=1", "/cached-queries?count=10", "/cached-queries?count=20", "/cached-queries?count=50", "/cached-queries?count=100"},
			wantConns:   []int{8, 512, 512, 512, 512, 512, 512},
			wantThreads: []int{8, 2, 2, 2, 2, 2, 2},
			wantQueries: []int{0, 0, 1, 10, 20, 50, 100},
			accept:      config.AcceptJSON,
		},
		{
			tt: config.Plaintext, path: "/plaintext",
			wantURLs:    []string{"/plaintext", "/plaintext", "/plaintext", "/plaintext", "/plaintext", "/plaintext"},
			wantConns:   []int{8, 512, 256, 1024, 4096, 16384},
			wantThreads: []int{8, 2, 2, 2, 2, 2},
			wantQueries: []int{0, 0, 0, 0, 0, 0},
			pipelined:   true,
			accept:      config.AcceptPlaintext,
		},
	}
	for _, tt := range tests {
		t.Run(string(tt.tt), func(t *testing.T) {
			steps := Plan(s, tt.tt, base, tt.path, 2)
			if len(steps) != len(tt.wantURLs) {
				t.Fatalf("%d steps, want %d", len(steps), len(tt.wantURLs))
			}
			for i, st := range steps {
				r := st.Run
				if r.URL != base+tt.wantURLs[i] || r.Connections != tt.wantConns[i] || r.Threads != tt.wantThreads[i] || st.Queries != tt.wantQueries[i] {
					t.Errorf("step %d (%s): %s -c %d -t %d queries %d; want %s -c %d -t %d queries %d",
						i, st.Label(), r.URL, r.Connections, r.Threads, st.Queries, tt.wantURLs[i], tt.wantConns[i], tt.wantThreads[i], tt.wantQueries[i])
				}
				if r.Accept != tt.accept {
					t.Errorf("step %d: Accept %q, want %q", i, r.Accept, tt.accept)
				}
				wantPipe := 0
				if tt.pipelined && st.Phase == Measure {
					wantPipe = 16
				}
				if r.Pipeline != wantPipe {
					t.Errorf("step %d (%s): pipeline %d, want %d", i, st.Label(), r.Pipeline, wantPipe)
				}
				wantDur, wantSleep := 15*time.Second, 2*time.Second
				switch st.Phase {
				case Primer:
					wantDur, wantSleep = 5*time.Second, 5*time.Second
				case Warmup:
					wantSleep = 5 * time.Second
				}
				if r.Duration != wantDur || st.Sleep != wantSleep {
					t.Errorf("step %d (%s): duration %s sleep %s, want %s and %s", i, st.Label(), r.Duration, st.Sleep, wantDur, wantSleep)
				}
			}
			if got := steps[0].Label(); got != "Primer" {
				t.Errorf("first step %q, want Primer", got)
			}
			if last := steps[len(steps)-1].Label(); !strings.HasPrefix(last, "Concurrency: ") && !strings.HasPrefix(last, "Queries: ") {
				t.Errorf("last step label %q", last)
			}
		})
	}
}

func TestPlannedTimeOfRound20JSON(t *testing.T) {
	steps := Plan(Round20(), config.JSON, "http://127.0.0.1:8080", "/json", 2)
	// primer 5+5, warmup 15+5, six levels of 15+2.
	if got, want := PlannedTime(steps), (10+20+6*17)*time.Second; got != want {
		t.Errorf("PlannedTime = %s, want %s", got, want)
	}
}

func TestValidate(t *testing.T) {
	bad := Round20()
	bad.QueryLevels = []int{1, 0}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "--query-levels") {
		t.Errorf("Validate = %v, want an error naming --query-levels", err)
	}
	short := Round20()
	short.Duration = 0
	if err := short.Validate(); err == nil {
		t.Error("Validate accepted a zero duration")
	}
	if err := Round20().Validate(); err != nil {
		t.Errorf("Round20 invalid: %v", err)
	}
}

func TestPlanWithFixedThreadsAndWarmup(t *testing.T) {
	s := Round20()
	s.ConcurrencyLevels = []int{1, 256}
	s.Threads = 3
	s.WarmupDuration = 3 * time.Second
	steps := Plan(s, config.JSON, "http://127.0.0.1:8080", "/json", 8)
	var threads []int
	for _, st := range steps {
		threads = append(threads, st.Run.Threads)
	}
	// The primer keeps its 8 threads; the warmup and the 256 level take 3;
	// one connection can use one thread only.
	if want := []int{8, 3, 1, 3}; !slices.Equal(threads, want) {
		t.Errorf("threads = %v, want %v", threads, want)
	}
	if steps[1].Phase != Warmup || steps[1].Run.Duration != 3*time.Second || steps[2].Run.Duration != s.Duration {
		t.Errorf("warmup %s for %s, level %s; want a 3s warmup and %s levels", steps[1].Phase, steps[1].Run.Duration, steps[2].Run.Duration, s.Duration)
	}
}
