package report

import (
	"fmt"

	"github.com/go-tfb/suite/toolset/compare"
	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
)

// round20Title heads the Round 20 section.
const round20Title = "Round 20"

// round20Section sets each run of this project's layout beside Round 20's
// published results, as tfb compare --round 20 does: Round 20's source
// block once, then per run a table per test type and the differences in
// kind. A run with no entry that has a Round 20 counterpart gets a line
// saying so. ok is false when no run is of this project's layout (a TFB
// results.json has no machine to set beside Round 20's).
func round20Section(rs []runs.Run) (sec Section, ok bool, err error) {
	data, err := round20.Load()
	if err != nil {
		return Section{}, false, fmt.Errorf("round 20 section: %w", err)
	}
	sec = Section{
		Title: round20Title,
		Intro: "Each run beside TechEmpower Round 20's published Go results, entry by entry, as tfb compare --round 20 shows them. " +
			"The hardware differs: compare each entry's share of the fastest and the ranking, not req/s.",
		Tables: []table.Table{compare.SourceTable(data.Source)},
	}
	for _, r := range rs {
		if r.Layout != runs.LayoutSuite {
			continue
		}
		ok = true
		c, err := compare.CompareRound20(r, data)
		if err != nil {
			sec.Tables = append(sec.Tables, table.Table{Title: r.Label, Notes: []string{err.Error()}})
			continue
		}
		sec.Tables = append(sec.Tables, c.RunTables()...)
	}
	return sec, ok, nil
}

// ceilingSections gives each tfb ceiling run a section of its tables: the
// entries beside the machine's ceiling and pgbench's sweeps, as tfb ceiling
// prints them.
func ceilingSections(rs []runs.Run, names []string) []Section {
	var out []Section
	for i, r := range rs {
		tables, ok := summary.Ceiling(r)
		if !ok {
			continue
		}
		title := "Ceiling"
		if len(rs) > 1 {
			title += " of " + names[i]
		}
		out = append(out, Section{Title: title,
			Intro:  "Each entry's /db and /fortunes over the most this machine allows them: 1 / (1/json + 1/the select's best rate in PostgreSQL), the best from pgbench's sweep in pipeline mode.",
			Tables: tables})
	}
	return out
}
