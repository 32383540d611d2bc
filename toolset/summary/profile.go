package summary

import (
	"fmt"

	"github.com/go-tfb/suite/toolset/profiles"
	"github.com/go-tfb/suite/toolset/table"
)

// TopFunctions is the table of a profile's n largest functions by flat
// share (ByFlat) or cumulative share (ByCum), with both shares.
func TopFunctions(title string, p profiles.Profile, n int, by profiles.Order) table.Table {
	t := table.Table{
		Title:   title,
		Headers: []string{"function", "flat", "cum"},
		Right:   []bool{false, true, true},
	}
	for _, f := range p.Top(n, by) {
		t.Rows = append(t.Rows, []table.Cell{{Text: f.Name}, {Text: Percent(f.FlatShare)}, {Text: Percent(f.CumShare)}})
	}
	t.Notes = []string{"flat: share of the samples taken in the function itself; cum: share of those with it anywhere on the stack."}
	return t
}

// ProfileChanges sets the functions of two profiles side by side: each
// function's flat and cumulative share under base and under other, and
// the change in percentage points, grown toned bad and shrunk good (a
// larger share of the CPU is more of the cost).
func ProfileChanges(title, base, other string, cs []profiles.Change) table.Table {
	t := table.Table{
		Title: title,
		Headers: []string{"function", "flat " + base, "flat " + other, "flat change",
			"cum " + base, "cum " + other, "cum change"},
		Right: []bool{false, true, true, true, true, true, true},
	}
	for _, c := range cs {
		t.Rows = append(t.Rows, []table.Cell{{Text: c.Name},
			{Text: Percent(c.BaseFlat)}, {Text: Percent(c.Flat)}, change(c.FlatDelta),
			{Text: Percent(c.BaseCum)}, {Text: Percent(c.Cum)}, change(c.CumDelta)})
	}
	t.Notes = []string{fmt.Sprintf("Shares of each profile's own samples, so profiles of different lengths and rates compare; change: %s's share minus %s's, in percentage points.", other, base)}
	return t
}

// Percent spells a share as a percentage with one decimal.
func Percent(share float64) string {
	return fmt.Sprintf("%.1f%%", 100*share)
}

// change is a change of share in percentage points, toned by its sign
// when it is at least a tenth of a point.
func change(delta float64) table.Cell {
	c := table.Cell{Text: fmt.Sprintf("%+.1f pp", 100*delta)}
	switch {
	case delta >= 0.001:
		c.Tone = table.Bad
	case delta <= -0.001:
		c.Tone = table.Good
	default:
		c.Text = "0.0 pp"
		c.Tone = table.Muted
	}
	return c
}
