package benchmark

import (
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/verify"
)

// Outcome is what happened to one entry over the whole run.
type Outcome struct {
	Entry string
	// Results is the verifier's verdict per test type.
	Results []verify.Result
	// Err is why the entry could not be verified or loaded (build, start),
	// in the first pass that failed.
	Err error
	// Samples holds, per test type loaded, per level (in the order of the
	// type's levels), the requests per second of every repeat that produced
	// a wrk report.
	Samples map[config.TestType][][]float64
}

// Best returns the repeats of the level with the highest median requests
// per second of a test type, and that level's index; nil and -1 when the
// type has no measurement.
func (o Outcome) Best(tt config.TestType) (samples []float64, level int) {
	level = -1
	best := 0.0
	for i, s := range o.Samples[tt] {
		if len(s) == 0 {
			continue
		}
		if m := stats.Median(s); level < 0 || m > best {
			samples, level, best = s, i, m
		}
	}
	return samples, level
}

// Tally is a consumer that collects each entry's Outcome from the events.
type Tally struct {
	order   []string
	entries map[string]*Outcome
}

// NewTally returns an empty Tally.
func NewTally() *Tally { return &Tally{entries: map[string]*Outcome{}} }

func (t *Tally) outcome(entry string) *Outcome {
	o, ok := t.entries[entry]
	if !ok {
		o = &Outcome{Entry: entry, Samples: map[config.TestType][][]float64{}}
		t.entries[entry] = o
		t.order = append(t.order, entry)
	}
	return o
}

// Consume implements Consumer.
func (t *Tally) Consume(e Event) error {
	switch e := e.(type) {
	case EntryStarted:
		t.outcome(e.Entry)
	case Verified:
		t.outcome(e.Entry).Results = e.Results
	case LevelMeasured:
		if e.Err != nil {
			return nil
		}
		o := t.outcome(e.Entry)
		levels := o.Samples[e.Type]
		for len(levels) <= e.Level {
			levels = append(levels, nil)
		}
		levels[e.Level] = append(levels[e.Level], e.Result.RequestsPerSecond)
		o.Samples[e.Type] = levels
	case EntryFinished:
		if o := t.outcome(e.Entry); e.Err != nil && o.Err == nil {
			o.Err = e.Err
		}
	}
	return nil
}

// Outcomes returns the outcomes in the order the entries started.
func (t *Tally) Outcomes() []Outcome {
	out := make([]Outcome, len(t.order))
	for i, name := range t.order {
		out[i] = *t.entries[name]
	}
	return out
}
