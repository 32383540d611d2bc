// Package benchmark runs TFB's methodology: it verifies each entry, then
// loads every test type with wrk — primer, warmup, then each level with
// sleeps in between — as many times as asked. The Runner tells what
// happens as one stream of typed events (events.go); its consumers turn
// them into results files (Recorder), terminal progress (Progress), each
// entry's verdicts (Tally) and any further view; views of the measurements
// read results.json back through package runs.
package benchmark

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/wrk"
)

// Settings are the methodology's knobs. Round20 returns TFB's values.
type Settings struct {
	Duration                  time.Duration // per warmup and measured level
	ConcurrencyLevels         []int         // json, db, fortune; the largest also sets warmup and query-style connections
	PipelineConcurrencyLevels []int         // plaintext
	QueryLevels               []int         // query, update
	CachedQueryLevels         []int         // cached_query

	PrimerDuration     time.Duration
	PrimerConnections  int
	SleepAfterPrimer   time.Duration
	SleepAfterWarmup   time.Duration
	SleepBetweenLevels time.Duration

	// NoPrimer and NoWarmup leave out the primer and the warmup, for quick
	// iteration while developing; TFB always runs both.
	NoPrimer, NoWarmup bool
	// WarmupDuration is the warmup's length; 0 means Duration, as in TFB.
	WarmupDuration time.Duration
	// Threads, when positive, is wrk's thread count for the warmup and
	// every level instead of TFB's rule (the client's cores, at most the
	// level's connections); the primer keeps its own.
	Threads int
}

// Round20 returns the settings TFB used for Round 20, still its defaults.
func Round20() Settings {
	return Settings{
		Duration:                  15 * time.Second,
		ConcurrencyLevels:         []int{16, 32, 64, 128, 256, 512},
		PipelineConcurrencyLevels: []int{256, 1024, 4096, 16384},
		QueryLevels:               []int{1, 5, 10, 15, 20},
		CachedQueryLevels:         []int{1, 10, 20, 50, 100},
		PrimerDuration:            5 * time.Second,
		PrimerConnections:         8,
		SleepAfterPrimer:          5 * time.Second,
		SleepAfterWarmup:          5 * time.Second,
		SleepBetweenLevels:        2 * time.Second,
	}
}

// MaxConcurrency is the largest of the concurrency levels: the warmup's
// connections, and the connections of every query-style level.
func (s Settings) MaxConcurrency() int {
	if len(s.ConcurrencyLevels) == 0 {
		return 512
	}
	return slices.Max(s.ConcurrencyLevels)
}

// Phase says what a step is for.
type Phase string

// The phases of one test type's run, in order.
const (
	Primer  Phase = "primer"
	Warmup  Phase = "warmup"
	Measure Phase = "level"
)

// Step is one wrk run of a test type and the sleep after it.
type Step struct {
	Phase Phase
	Run   wrk.Run
	// Connections and Queries name the measured level (Queries is 0 for
	// non-query types).
	Connections int
	Queries     int
	Sleep       time.Duration
}

// Label describes the step for progress lines and raw files, in the words
// TFB's scripts print ("Concurrency: 16", "Queries: 20", "Primer", "Warmup").
func (s Step) Label() string {
	switch {
	case s.Phase == Primer:
		return "Primer"
	case s.Phase == Warmup:
		return "Warmup"
	case s.Queries > 0:
		return "Queries: " + strconv.Itoa(s.Queries)
	}
	return "Concurrency: " + strconv.Itoa(s.Connections)
}

// Plan lists the wrk runs for one test type of an entry whose type URL is
// baseURL+path, on a client with cores cores, exactly as TFB's concurrency,
// pipeline and query scripts do.
func Plan(s Settings, tt config.TestType, baseURL, path string, cores int) []Step {
	accept := config.LoadAccept(tt)
	url := baseURL + path
	maxConc := s.MaxConcurrency()
	queryStyle := tt.TakesCount()
	primerURL := url
	if queryStyle {
		primerURL = url + "2"
	}
	threads := func(connections int) int {
		if s.Threads > 0 {
			return min(s.Threads, connections)
		}
		return wrk.Threads(connections, cores)
	}
	warmup := cmp.Or(s.WarmupDuration, s.Duration)
	var steps []Step
	if !s.NoPrimer {
		steps = append(steps, Step{Phase: Primer, Sleep: s.SleepAfterPrimer, Connections: s.PrimerConnections, Run: wrk.Run{
			URL: primerURL, Connections: s.PrimerConnections, Threads: s.PrimerConnections, Duration: s.PrimerDuration, Accept: accept}})
	}
	if !s.NoWarmup {
		steps = append(steps, Step{Phase: Warmup, Sleep: s.SleepAfterWarmup, Connections: maxConc, Run: wrk.Run{
			URL: primerURL, Connections: maxConc, Threads: threads(max(maxConc, cores)), Duration: warmup, Accept: accept}})
	}
	switch {
	case queryStyle:
		levels := s.QueryLevels
		if tt == config.CachedQuery {
			levels = s.CachedQueryLevels
		}
		for _, q := range levels {
			steps = append(steps, Step{Phase: Measure, Sleep: s.SleepBetweenLevels, Connections: maxConc, Queries: q, Run: wrk.Run{
				URL: url + strconv.Itoa(q), Connections: maxConc, Threads: threads(max(maxConc, cores)), Duration: s.Duration, Accept: accept}})
		}
	case tt == config.Plaintext:
		for _, c := range s.PipelineConcurrencyLevels {
			steps = append(steps, Step{Phase: Measure, Sleep: s.SleepBetweenLevels, Connections: c, Run: wrk.Run{
				URL: url, Connections: c, Threads: threads(c), Duration: s.Duration, Accept: accept, Pipeline: wrk.PipelineDepth}})
		}
	default:
		for _, c := range s.ConcurrencyLevels {
			steps = append(steps, Step{Phase: Measure, Sleep: s.SleepBetweenLevels, Connections: c, Run: wrk.Run{
				URL: url, Connections: c, Threads: threads(c), Duration: s.Duration, Accept: accept}})
		}
	}
	return steps
}

// PlannedTime is how long the steps take: wrk durations plus sleeps.
func PlannedTime(steps []Step) time.Duration {
	var d time.Duration
	for _, s := range steps {
		d += s.Run.Duration + s.Sleep
	}
	return d
}

// Validate reports settings that cannot be run.
func (s Settings) Validate() error {
	if s.SleepAfterPrimer < 0 || s.SleepAfterWarmup < 0 || s.SleepBetweenLevels < 0 {
		return fmt.Errorf("--sleep must be 0 or more seconds")
	}
	if s.Duration < time.Second {
		return fmt.Errorf("--duration must be at least 1 second, got %s", s.Duration)
	}
	for name, levels := range map[string][]int{
		"--concurrency-levels": s.ConcurrencyLevels, "--pipeline-concurrency-levels": s.PipelineConcurrencyLevels,
		"--query-levels": s.QueryLevels, "--cached-query-levels": s.CachedQueryLevels,
	} {
		if len(levels) == 0 {
			return fmt.Errorf("%s: no levels given", name)
		}
		for _, l := range levels {
			if l < 1 {
				return fmt.Errorf("%s: %d is not a positive number", name, l)
			}
		}
	}
	return nil
}
