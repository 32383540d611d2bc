package compare

import (
	"fmt"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
)

// OverheadComparison is each entry of one run beside the entry it runs on
// (tfb compare --overhead RUN), per test type: what the framework costs
// over its HTTP server.
type OverheadComparison struct {
	Run   RunInfo         `json:"run"`
	Types []TypeOverheads `json:"types"`
	Rule  string          `json:"rule"`
	run   runs.Run
}

// TypeOverheads are the overheads of one test type.
type TypeOverheads struct {
	Type    string          `json:"type"`
	Entries []EntryOverhead `json:"entries"`
}

// EntryOverhead is runs.Overhead as JSON.
type EntryOverhead struct {
	Entry    string `json:"entry"`
	Platform string `json:"platform"`
	// Missing says the platform entry was not measured in the run.
	Missing bool     `json:"missing,omitempty"`
	Ratio   float64  `json:"ratio,omitempty"`
	Min     float64  `json:"min,omitempty"`
	Max     float64  `json:"max,omitempty"`
	Verdict string   `json:"verdict,omitempty"`
	CPU     *float64 `json:"serverCpuRatio,omitempty"`
}

// Overheads sets each entry of r that has a platform entry beside it. It
// needs at least one such entry.
func Overheads(r runs.Run) (OverheadComparison, error) {
	c := OverheadComparison{Run: info(r), Rule: stats.Rule, run: r}
	for _, tt := range config.TestTypes {
		rows := r.Overheads(tt)
		if len(rows) == 0 {
			continue
		}
		t := TypeOverheads{Type: string(tt)}
		for _, o := range rows {
			e := EntryOverhead{Entry: o.Entry, Platform: o.Platform, Missing: o.Missing, CPU: o.CPU}
			if !o.Missing {
				e.Ratio, e.Min, e.Max, e.Verdict = o.Ratio, o.Min, o.Max, o.Verdict.String()
			}
			t.Entries = append(t.Entries, e)
		}
		c.Types = append(c.Types, t)
	}
	if len(c.Types) == 0 {
		return c, fmt.Errorf("%s: no measured entry runs on another entry of benchmark_config.json (a run from before platforms were recorded, or without an entry whose platform has one)", r.Path)
	}
	return c, nil
}

// Tables returns one summary.Overhead table per test type.
func (c OverheadComparison) Tables() []table.Table {
	var out []table.Table
	for _, t := range c.Types {
		if tab, ok := summary.Overhead(c.run, config.TestType(t.Type)); ok {
			out = append(out, tab)
		}
	}
	return out
}
