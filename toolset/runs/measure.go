package runs

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/stats"
)

// Measurement is one level of one entry and test type in one run: every
// repeat's requests per second and the repeat that stands for the level.
type Measurement struct {
	// Level is the level's key: connections for json, db, fortune and
	// plaintext; queries (or cached items) per request for query, update
	// and cached_query.
	Level int
	// RPS holds the requests per second of every repeat, in run order.
	RPS     []float64
	Summary stats.Summary
	// Median is the repeat with the median requests per second (the lower
	// of the two middle ones for an even count); its latencies are shown.
	Median results.Level
	// Cost is what one request cost, by role, in the median repeat.
	Cost Cost
	// Doubt says whether any repeat was bound by wrk or disturbed by other
	// work on the machine.
	Doubt Doubt
}

// LevelKey returns the key that identifies a level of test type tt.
func LevelKey(tt config.TestType, l results.Level) int {
	if tt.TakesCount() {
		return l.Queries
	}
	return l.Connections
}

// Measurements returns an entry's levels of one test type, ordered by level.
func (r Run) Measurements(tt config.TestType, entry string) []Measurement {
	var out []Measurement
	for _, reps := range r.Doc.LevelRepeats(string(tt), entry) {
		if len(reps) == 0 {
			continue
		}
		m := Measurement{Level: LevelKey(tt, reps[0])}
		for _, l := range reps {
			m.RPS = append(m.RPS, l.RequestsPerSecond)
		}
		m.Summary = stats.Summarize(m.RPS)
		m.Median = reps[stats.MedianIndex(m.RPS)]
		m.Cost = CostOf(m.Median, r.Doc.Environment.Cores)
		m.Doubt = doubtOf(reps, r.Doc.Environment.Cores)
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Measurement) int { return cmp.Compare(a.Level, b.Level) })
	return out
}

// Best returns the level with the highest median requests per second, as
// TFB's charts headline; false when the entry has no level of that type.
func (r Run) Best(tt config.TestType, entry string) (Measurement, bool) {
	ms := r.Measurements(tt, entry)
	if len(ms) == 0 {
		return Measurement{}, false
	}
	best := ms[0]
	for _, m := range ms[1:] {
		if m.Summary.Median > best.Summary.Median {
			best = m
		}
	}
	return best, true
}

// At returns the level with the given key.
func (r Run) At(tt config.TestType, entry string, level int) (Measurement, bool) {
	for _, m := range r.Measurements(tt, entry) {
		if m.Level == level {
			return m, true
		}
	}
	return Measurement{}, false
}

// Entries returns the entries with at least one measured level of tt, sorted.
func (r Run) Entries(tt config.TestType) []string {
	var out []string
	for entry := range r.Doc.RawData[string(tt)] {
		if len(r.Measurements(tt, entry)) > 0 {
			out = append(out, entry)
		}
	}
	for entry := range r.Doc.Repeats[string(tt)] {
		if !slices.Contains(out, entry) && len(r.Measurements(tt, entry)) > 0 {
			out = append(out, entry)
		}
	}
	slices.Sort(out)
	return out
}

// LevelName spells a level of tt with its unit: "16 conn", "20 queries",
// "1 item".
func LevelName(tt config.TestType, level int) string {
	switch {
	case (tt == config.Query || tt == config.Update) && level == 1:
		return "1 query"
	case tt == config.Query || tt == config.Update:
		return fmt.Sprintf("%d queries", level)
	case tt == config.CachedQuery && level == 1:
		return "1 item"
	case tt == config.CachedQuery:
		return fmt.Sprintf("%d items", level)
	}
	return fmt.Sprintf("%d conn", level)
}

// FixedRates returns the run's open-loop loads of tt, in the order they
// ran.
func (r Run) FixedRates(tt config.TestType) []results.FixedRate {
	var out []results.FixedRate
	for _, f := range r.Doc.FixedRate {
		if f.Type == string(tt) {
			out = append(out, f)
		}
	}
	return out
}
