// Package summary builds the tables that sum up benchmark runs, from their
// one read model (package runs), for every view to render with package
// table: tfb benchmark's end table on the terminal, the best-level table of
// report.html, tfb ceiling's Markdown. It computes nothing itself: best
// levels, medians, spreads and claims about the fastest entry come from
// runs and stats.
package summary

import (
	"fmt"
	"strconv"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/table"
)

// NoResults is the end table's text when no level was measured.
const NoResults = "No benchmark results."

// BestLevels is tfb benchmark's end table of a run: a row per entry, a
// column per test type any entry measured, each cell the median requests
// per second at the entry's best level (the level with the highest median)
// and, with repeats, that level's min–max. '*' marks the fastest entry of a
// type only where its runs.Claim allows; the notes say, per type, why no
// entry is marked. "-" means the entry has no result for a type.
func BestLevels(r runs.Run) table.Table {
	var types []config.TestType
	for _, tt := range config.TestTypes {
		if len(r.Entries(tt)) > 0 {
			types = append(types, tt)
		}
	}
	if len(types) == 0 {
		return table.Table{Notes: []string{NoResults}}
	}
	t := table.Table{Headers: []string{"entry"}, Right: []bool{false}}
	claims := map[config.TestType]runs.Claim{}
	var why []string
	marked, repeated := false, false
	for _, tt := range types {
		t.Headers = append(t.Headers, string(tt))
		t.Right = append(t.Right, true)
		c := r.Fastest(tt)
		claims[tt] = c
		marked = marked || c.Marked()
		if s := c.Sentence(); s != "" {
			why = append(why, string(tt)+": "+s)
		}
	}
	for _, entry := range entriesOf(r, types) {
		row := []table.Cell{{Text: entry}}
		for _, tt := range types {
			m, ok := r.Best(tt, entry)
			if !ok {
				row = append(row, table.Cell{Text: "-"})
				continue
			}
			repeated = repeated || m.Summary.N > 1
			text := rate(m.Summary)
			if c := claims[tt]; c.Marked() && c.Entry == entry {
				text = "*" + text
			}
			row = append(row, table.Cell{Text: text})
		}
		t.Rows = append(t.Rows, row)
	}
	if repeated {
		t.Notes = append(t.Notes, "Median requests per second at each entry's best level (the level with the highest median), with the min–max of its repeats.")
	} else {
		t.Notes = append(t.Notes, "Requests per second at each entry's best level.")
	}
	if marked {
		t.Notes = append(t.Notes, "* marks the fastest entry of a type: "+stats.Rule+".")
	}
	t.Notes = append(t.Notes, why...)
	return t
}

// rate spells a best level's median and, over repeats, its min–max.
func rate(s stats.Summary) string {
	text := strconv.FormatFloat(s.Median, 'f', 0, 64)
	if s.N > 1 {
		text += fmt.Sprintf(" (%.0f–%.0f)", s.Min, s.Max)
	}
	return text
}

// entriesOf lists the run's entries, those that measured nothing included,
// in the run's order, then any others that measured one of types.
func entriesOf(r runs.Run, types []config.TestType) []string {
	var out []string
	seen := map[string]bool{}
	add := func(e string) {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	for _, e := range r.Doc.Frameworks {
		add(e)
	}
	for _, tt := range types {
		for _, e := range r.EntriesInOrder(tt) {
			add(e)
		}
	}
	return out
}

// BestLevel is report.html's best-level table of one test type: a row per
// run and entry that measured it (each named by name), with the level, the
// median requests per second and the min–max of its repeats, the p99
// latency and the errors of the median repeat, and what may be claimed
// about the fastest entry of each run. Entries are compared only within
// their run.
func BestLevel(tt config.TestType, rs []runs.Run, name func(run int, entry string) string) table.Table {
	t := table.Table{
		Title:   "Best level",
		Headers: []string{"Entry", "Level", "Median req/s", "Min – max req/s", "Repeats", "p99 latency", "Errors", "Fastest?"},
		Right:   []bool{false, true, true, false, true, true, true, false},
	}
	for i, r := range rs {
		claim := r.Fastest(tt)
		for _, entry := range r.EntriesInOrder(tt) {
			m, _ := r.Best(tt, entry)
			spread := "one sample"
			if m.Summary.N > 1 {
				spread = fmt.Sprintf("%s – %s (spread %.0f%% of median)", table.Rate(m.Summary.Min), table.Rate(m.Summary.Max), 100*m.Summary.RelativeSpread())
			}
			t.Rows = append(t.Rows, []table.Cell{
				{Text: name(i, entry)}, {Text: strconv.Itoa(m.Level)}, {Text: table.Rate(m.Summary.Median)}, {Text: spread},
				{Text: strconv.Itoa(m.Summary.N)}, {Text: dash(m.Median.LatencyP99)}, {Text: strconv.FormatInt(m.Median.Errors(), 10)},
				claimCell(claim, entry),
			})
		}
	}
	return t
}

// claimCell is the claim's note beside entry, toned when it is a claim.
func claimCell(c runs.Claim, entry string) table.Cell {
	cell := table.Cell{Text: c.Note(entry)}
	switch {
	case cell.Text == "":
	case c.Marked():
		cell.Tone = table.Good
	default:
		cell.Tone = table.Muted
	}
	return cell
}

// dash is s, or "—" when it is empty.
func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
