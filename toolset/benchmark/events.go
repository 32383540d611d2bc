package benchmark

import (
	"errors"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/verify"
)

// Event is one thing that happened during a run. The runner emits events in
// the order they happen, to every Consumer; the concrete types below are
// all there is.
type Event interface{ event() }

// RunStarted opens the stream.
type RunStarted struct {
	Entries   []string
	Benchmark bool // false for verification only
	// Passes is how many times every level is measured (--repeat); 1 when
	// only verifying.
	Passes int
	// Planned is the load and sleep time the whole run plans, over every
	// pass, entry and test type.
	Planned time.Duration
}

// EntryStarted says an entry is being taken up in a pass: built (first
// pass), given a fresh database and started.
type EntryStarted struct {
	Entry        string
	Types        []config.TestType // the requested types it declares
	Index, Count int               // its place among the entries, from 1
	Pass, Passes int               // the repeat pass, from 1
}

// Stage names what the runner is doing to an entry before loading it.
type Stage string

// The stages of an entry before its load.
const (
	Building Stage = "building"
	Starting Stage = "starting"
)

// StageStarted says an entry entered a stage.
type StageStarted struct {
	Entry string
	Stage Stage
}

// Built says what an entry's build did differently from how TFB builds
// it, one line each (a test of a FrameworkBenchmarks tree built without a
// registry, or on this machine's Go). It follows the build of an entry
// whose runtime says so, built or not.
type Built struct {
	Entry string
	Notes []string
}

// DatabaseStarted says the entry's fresh database answers. Version is the
// server's SELECT version(), empty when it could not be read.
type DatabaseStarted struct {
	Entry   string
	Version string
}

// Verified carries the verifier's verdict on every test type of an entry.
// It comes once per entry, in the first pass.
type Verified struct {
	Entry   string
	Results []verify.Result
}

// StepStarted says one wrk run (primer, warmup or level) is about to start.
type StepStarted struct {
	Entry        string
	Type         config.TestType
	Pass         int
	Step         Step
	Index, Count int // the step's place in the test type's plan, from 1
}

// StepFinished carries one wrk run's command line and output, and the time
// it ran. Err is wrk's failure, if any; the output may still hold a report.
type StepFinished struct {
	Entry          string
	Type           config.TestType
	Pass, Passes   int
	Step           Step
	CommandLine    string
	Output         string
	Started, Ended time.Time
	Err            error
}

// LevelMeasured carries one measured level. Level is its place in the test
// type's list of levels (from 0). Err says why wrk gave no report, in which
// case Result holds only the level's description and times.
type LevelMeasured struct {
	Entry  string
	Type   config.TestType
	Pass   int
	Level  int
	Result results.Level
	Err    error
	// Profiles are the profiles taken from the entry during the level
	// (first pass, with Runner.Profiles).
	Profiles []Captured
}

// TypeFinished closes one test type of an entry in one pass. Every
// benchmarked (entry, type) pair with levels left to measure gets exactly
// one per pass. Err is nil when at least one level was measured and the
// entry ran to the end of the type; ErrNotVerified or ErrEntryFailed when
// the type was not loaded at all. Planned is the load and sleep time the
// type's plan holds, so that a view can tell what is left.
type TypeFinished struct {
	Entry   string
	Type    config.TestType
	Pass    int
	Planned time.Duration
	Err     error
}

// EntryFinished closes an entry in one pass. Err is why it could not be
// verified or loaded (build, database, start), nil otherwise.
type EntryFinished struct {
	Entry string
	Pass  int
	Err   error
}

// RunFinished closes the stream. Interrupted is set when the run was
// canceled (Ctrl-C, SIGTERM) before it finished.
type RunFinished struct {
	Interrupted bool
}

func (RunStarted) event()      {}
func (EntryStarted) event()    {}
func (StageStarted) event()    {}
func (Built) event()           {}
func (DatabaseStarted) event() {}
func (Verified) event()        {}
func (StepStarted) event()     {}
func (StepFinished) event()    {}
func (LevelMeasured) event()   {}
func (TypeFinished) event()    {}
func (EntryFinished) event()   {}
func (RunFinished) event()     {}

// Reasons a test type was not loaded, in TypeFinished.Err.
var (
	ErrNotVerified = errors.New("not benchmarked: verification failed")
	ErrEntryFailed = errors.New("not benchmarked: the entry did not build or start")
)

// Consumer receives every event of a run, in order. An error it returns
// stops the run, and Runner.Run returns it.
type Consumer interface {
	Consume(Event) error
}

// ConsumerFunc adapts a function to Consumer.
type ConsumerFunc func(Event) error

// Consume calls f(e).
func (f ConsumerFunc) Consume(e Event) error { return f(e) }

// AfterEachType returns a consumer that calls refresh once a test type of
// an entry has finished in a pass, and once more when the run finishes,
// interrupted or not: the slot for views regenerated from results.json
// (such as an HTML report). Place it after the results recorder, so that
// results.json already holds what the event brought.
func AfterEachType(refresh func() error) Consumer {
	return ConsumerFunc(func(e Event) error {
		switch e.(type) {
		case TypeFinished, RunFinished:
			return refresh()
		}
		return nil
	})
}

// emit hands e to every consumer, in order; every consumer sees the event
// even when an earlier one failed, and the errors are returned joined.
func emit(consumers []Consumer, e Event) error {
	var errs []error
	for _, c := range consumers {
		if err := c.Consume(e); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
