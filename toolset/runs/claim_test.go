package runs

import (
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/stats"
)

// runWithBest makes a run whose entries measured json at one level, with
// the given requests per second over the repeats.
func runWithBest(rates map[string][]float64, order ...string) Run {
	doc := results.Document{Frameworks: order, RawData: map[string]map[string][]results.Level{"json": {}},
		Repeats: map[string]map[string][][]results.Level{"json": {}}}
	for entry, rs := range rates {
		var reps []results.Level
		for _, r := range rs {
			reps = append(reps, results.Level{Connections: 16, RequestsPerSecond: r})
		}
		doc.RawData["json"][entry] = reps[:1]
		doc.Repeats["json"][entry] = [][]results.Level{reps}
	}
	return NewRun("results.json", doc)
}

func TestFastest(t *testing.T) {
	tests := []struct {
		name     string
		rates    map[string][]float64
		entry    string
		verdict  stats.Verdict
		notes    map[string]string
		sentence string
	}{
		{"beyond the spread", map[string][]float64{"gin": {100, 110, 120}, "echo": {200, 210, 220}}, "echo", stats.Faster,
			map[string]string{"gin": "", "echo": "fastest: beyond the spread of every other entry"}, ""},
		{"overlapping", map[string][]float64{"gin": {100, 150, 205}, "echo": {200, 210, 220}}, "echo", stats.WithinNoise,
			map[string]string{"gin": "", "echo": "highest median, within the spread of another entry: no claim"},
			"no entry is fastest: echo has the highest median, but its range overlaps another entry's"},
		{"one sample", map[string][]float64{"gin": {300}, "echo": {200}}, "gin", stats.NoClaim,
			map[string]string{"gin": "highest median; fewer than 2 repeats: no claim", "echo": ""},
			"no claim about the fastest can be made from one measurement per level (gin has the highest); measure with --repeat 3 or more"},
		{"one entry: nothing to compare", map[string][]float64{"gin": {1, 2, 3}}, "gin", stats.NoClaim,
			map[string]string{"gin": ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runWithBest(tt.rates, "gin", "echo").Fastest(config.JSON)
			if c.Entry != tt.entry || c.Verdict != tt.verdict {
				t.Errorf("claim = %s %v, want %s %v", c.Entry, c.Verdict, tt.entry, tt.verdict)
			}
			if c.Marked() != (tt.verdict == stats.Faster) {
				t.Errorf("Marked = %v with verdict %v", c.Marked(), c.Verdict)
			}
			for entry, want := range tt.notes {
				if got := c.Note(entry); got != want {
					t.Errorf("Note(%s) = %q, want %q", entry, got, want)
				}
			}
			if got := c.Sentence(); got != tt.sentence {
				t.Errorf("Sentence = %q, want %q", got, tt.sentence)
			}
		})
	}
}

func TestFastestOfNoEntry(t *testing.T) {
	c := runWithBest(map[string][]float64{"gin": {1}}).Fastest(config.DB)
	if c.Entry != "" || c.Entries != 0 || c.Note("gin") != "" || c.Sentence() != "" {
		t.Errorf("claim of an unmeasured type = %+v", c)
	}
}

func TestEntriesInOrder(t *testing.T) {
	r := runWithBest(map[string][]float64{"zeta": {1}, "gin": {1}, "alpha": {1}}, "gin", "missing")
	got := r.EntriesInOrder(config.JSON)
	if len(got) != 3 || got[0] != "gin" || got[1] != "alpha" || got[2] != "zeta" {
		t.Errorf("EntriesInOrder = %v, want gin (the run's order), then alpha and zeta by name", got)
	}
}
