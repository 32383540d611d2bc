package runs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/stats"
)

// Claim is what may be said of the fastest entry of one test type in one
// run, by stats.Rule over each entry's best level: the entry with the
// highest median, and whether it is faster than every other entry beyond
// the spread of their repeats.
type Claim struct {
	Type config.TestType
	// Entry has the highest median at its best level; empty when no entry
	// measured the type.
	Entry string
	// Entries is how many entries measured the type.
	Entries int
	// Verdict is stats.Faster when Entry's repeats lie above every other
	// entry's, stats.WithinNoise when another entry's range overlaps them,
	// stats.NoClaim when some entry has too few repeats (or only one entry
	// measured the type, or some entry's best level is in doubt).
	Verdict stats.Verdict
	// Doubts holds, per entry whose best level was bound by wrk or
	// disturbed by other work, why; any makes the verdict NoClaim.
	Doubts map[string]Doubt
}

// Fastest returns the claim about the fastest entry of tt in the run.
func (r Run) Fastest(tt config.TestType) Claim {
	c := Claim{Type: tt}
	entries := r.EntriesInOrder(tt)
	var sets [][]float64
	for _, e := range entries {
		m, _ := r.Best(tt, e)
		sets = append(sets, m.RPS)
		if m.Doubt.Any() {
			if c.Doubts == nil {
				c.Doubts = map[string]Doubt{}
			}
			c.Doubts[e] = m.Doubt
		}
	}
	c.Entries = len(entries)
	i, v := stats.Fastest(sets)
	if i >= 0 {
		c.Entry, c.Verdict = entries[i], v
	}
	if len(c.Doubts) > 0 && c.Entries > 1 {
		c.Verdict = stats.NoClaim
	}
	return c
}

// doubtText names the entries whose best level is in doubt, and why.
func (c Claim) doubtText() string {
	var parts []string
	for _, e := range slices.Sorted(maps.Keys(c.Doubts)) {
		parts = append(parts, e+": "+c.Doubts[e].Reason())
	}
	return strings.Join(parts, "; ")
}

// Marked reports whether Entry may be called the fastest.
func (c Claim) Marked() bool { return c.Verdict == stats.Faster }

// Sentence says in one line why no entry is marked the fastest; empty when
// one is, or when fewer than two entries measured the type.
func (c Claim) Sentence() string {
	if c.Entries < 2 || c.Marked() {
		return ""
	}
	if len(c.Doubts) > 0 {
		return fmt.Sprintf("no claim about the fastest (%s has the highest median): a best level is in doubt (%s)", c.Entry, c.doubtText())
	}
	if c.Verdict == stats.WithinNoise {
		return fmt.Sprintf("no entry is fastest: %s has the highest median, but its range overlaps another entry's", c.Entry)
	}
	return fmt.Sprintf("no claim about the fastest can be made from one measurement per level (%s has the highest); measure with --repeat 3 or more", c.Entry)
}

// Note is the claim as a short note beside Entry's figure; empty for other
// entries, and when fewer than two entries measured the type.
func (c Claim) Note(entry string) string {
	if c.Entries < 2 || entry != c.Entry {
		return ""
	}
	if len(c.Doubts) > 0 {
		return "highest median; a best level is in doubt (client-bound or disturbed): no claim"
	}
	switch c.Verdict {
	case stats.Faster:
		return "fastest: beyond the spread of every other entry"
	case stats.WithinNoise:
		return "highest median, within the spread of another entry: no claim"
	}
	return fmt.Sprintf("highest median; fewer than %d repeats: no claim", stats.MinSamples)
}

// EntriesInOrder returns the entries with at least one measured level of
// tt in the order of the run's frameworks, then any others by name.
func (r Run) EntriesInOrder(tt config.TestType) []string {
	measured := r.Entries(tt)
	var out []string
	for _, e := range r.Doc.Frameworks {
		if slices.Contains(measured, e) && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	for _, e := range measured {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}
