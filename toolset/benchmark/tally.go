package benchmark

import (
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
		o = &Outcome{Entry: entry}
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
