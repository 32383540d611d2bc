package report

import (
	"slices"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
)

// gridCell is one entry × type cell of the verification grid.
type gridCell struct {
	Status  string
	Reasons []string
	Href    string // the verifier's output for the cell, relative to the page; empty when absent
}

// gridRow is one entry (of one run) in the verification grid.
type gridRow struct {
	Name  string
	Cells []gridCell // parallel to grid.Types
	// Note is what the run recorded as the entry's completion when it is
	// not a timestamp: the reason the entry stopped early.
	Note string
}

// grid is the verification grid of all runs.
type grid struct {
	Types []config.TestType
	Rows  []gridRow
}

// verificationGrid builds the grid of the given types: a row per series,
// a cell per type with the verifier's status and findings. An entry listed
// as failed with no verification status is a failure (it did not start or
// its benchmark failed).
func verificationGrid(rs []runs.Run, all []series, types []config.TestType) grid {
	g := grid{Types: types}
	for _, s := range all {
		doc := rs[s.Run].Doc
		row := gridRow{Name: s.Name}
		if msg, failed := results.CompletedError(doc.Completed[s.Entry]); failed {
			row.Note = msg
		}
		for _, tt := range types {
			c := gridCell{Status: strings.ToLower(doc.Verify[s.Entry][string(tt)]), Reasons: doc.VerifyProblems[s.Entry][string(tt)]}
			if slices.Contains(doc.Failed[string(tt)], s.Entry) && c.Status != statusFail {
				if c.Status == "" || c.Status == statusPass {
					c.Reasons = append(c.Reasons, "the benchmark of this type failed")
				}
				c.Status = statusFail
			}
			if c.Status == "" {
				c.Status = statusNotRun
			}
			row.Cells = append(row.Cells, c)
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}
