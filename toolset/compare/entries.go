package compare

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/table"
)

// EntriesComparison is two entries of one run side by side (tfb compare
// --entries A B RUN): their best levels of every type both measured, and
// their CPU profiles where both took one. Base is the first entry:
// ratios and verdicts are relative to it.
type EntriesComparison struct {
	Run   RunInfo `json:"run"`
	Base  string  `json:"base"`
	Other string  `json:"other"`
	// Types holds, per test type both entries measured, their best levels
	// (Best[0] the base entry's).
	Types    []EntryPair    `json:"types"`
	Profiles []ProfileGroup `json:"profiles,omitempty"`
	Rule     string         `json:"rule"`
}

// EntryPair is the best levels of the two entries in one test type.
type EntryPair struct {
	Type string   `json:"type"`
	Best []Figure `json:"best"`
}

// CompareEntries sets entries base and other of run r side by side. It
// needs a test type both measured.
func CompareEntries(r runs.Run, base, other string) (EntriesComparison, error) {
	if base == other {
		return EntriesComparison{}, errors.New("compare two different entries")
	}
	c := EntriesComparison{Run: info(r), Base: base, Other: other, Rule: stats.Rule}
	for _, tt := range config.TestTypes {
		entries := r.Entries(tt)
		if !slices.Contains(entries, base) || !slices.Contains(entries, other) {
			continue
		}
		a, _ := r.Best(tt, base)
		b, _ := r.Best(tt, other)
		pair := EntryPair{Type: string(tt), Best: []Figure{figure(a, true), figure(b, true)}}
		judge(pair.Best)
		c.Types = append(c.Types, pair)
		pg, ok, err := profileGroup(tt, side{r, base, base}, side{r, other, other})
		if err != nil {
			return EntriesComparison{}, err
		}
		if ok {
			c.Profiles = append(c.Profiles, pg)
		}
	}
	if len(c.Types) == 0 {
		return EntriesComparison{}, fmt.Errorf("%s: no test type measured for both %s and %s", r.Path, base, other)
	}
	return c, nil
}

// Tables returns the comparison as tables: the best levels, then the CPU
// profiles side by side.
func (c EntriesComparison) Tables() []table.Table {
	t := table.Table{
		Title:   fmt.Sprintf("%s beside %s, run %s", c.Other, c.Base, c.Run.Label),
		Caption: fmt.Sprintf("Median of the repeats at each entry's best level; ratio to %s.", c.Base),
		Headers: []string{"type", "entry", "level", "req/s", "min–max", "n", "ratio", "p99", "req/CPU-s", "verdict"},
		Right:   []bool{false, false, false, true, true, true, true, true, true},
	}
	for _, p := range c.Types {
		tt := config.TestType(p.Type)
		for i, f := range p.Best {
			row := []table.Cell{{}, {Text: []string{c.Base, c.Other}[i]}, {Text: runs.LevelName(tt, f.Level)}}
			if i == 0 {
				row[0] = table.Cell{Text: p.Type}
			}
			t.Rows = append(t.Rows, append(row, figureCells(f, i == 0)...))
		}
	}
	t.Notes = []string{"Verdict rule: " + c.Rule + "."}
	out := []table.Table{t}
	if cost, ok := c.costTable(); ok {
		out = append(out, cost)
	}
	for _, p := range c.Profiles {
		out = append(out, p.Table())
	}
	return out
}

// costTable splits each type's server CPU per request into the kernel's
// part and the entry's own code, the two entries side by side: which of
// them makes one entry cheaper than the other. false when no type has
// both entries' kernel time.
func (c EntriesComparison) costTable() (table.Table, bool) {
	t := table.Table{
		Title: fmt.Sprintf("Server CPU per request, %s beside %s", c.Other, c.Base),
		Caption: "The entry's CPU microseconds per request at its best level (median repeat), split into the kernel's part " +
			"(system time: system calls and the network stack) and the entry's own code (user time); ratio to " + c.Base + ".",
		Headers: []string{"type", "entry", "µs/req", "ratio", "kernel µs/req", "ratio", "own code µs/req", "ratio"},
		Right:   []bool{false, false, true, true, true, true, true, true},
	}
	for _, p := range c.Types {
		base, other := p.Best[0], p.Best[1]
		if base.ServerKernelMicros <= 0 || other.ServerKernelMicros <= 0 {
			continue
		}
		own := func(f Figure) float64 { return f.ServerMicros - f.ServerKernelMicros }
		for i, f := range p.Best {
			row := []table.Cell{{}, {Text: []string{c.Base, c.Other}[i]}}
			if i == 0 {
				row[0] = table.Cell{Text: p.Type}
			}
			for _, v := range []struct{ of, base float64 }{
				{f.ServerMicros, base.ServerMicros}, {f.ServerKernelMicros, base.ServerKernelMicros}, {own(f), own(base)},
			} {
				r := ""
				if i > 0 && v.base > 0 {
					r = ratio(v.of / v.base)
				}
				row = append(row, table.Cell{Text: strconv.FormatFloat(v.of, 'f', 2, 64)}, table.Cell{Text: r})
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t, len(t.Rows) > 0
}
