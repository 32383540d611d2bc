package summary

import (
	"fmt"
	"strconv"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// CostNotes explain the columns of a cost table.
var CostNotes = []string{
	"µs/req: CPU microseconds (user+system) per request of the entry (server), PostgreSQL (database) and wrk (client), from the level's median repeat; in brackets, the part of it spent in the kernel (system time: system calls and the network stack), where it was recorded; queries/req: statements PostgreSQL executed per request (pg_stat_statements); req/CPU-s: requests per second of the entry's own CPU, which travels between machines better than req/s.",
	fmt.Sprintf("client-bound: wrk's threads used %.0f%% or more of their cores, so the rate is a bound on the client; disturbed: other work took more than %.0f%% of the machine during the level. Neither makes a claim about the fastest entry.", 100*results.ClientBoundShare, 100*runs.DisturbedShare),
	"—: not recorded on this platform or runtime (other CPU needs every role on this machine; TFB's own results record none).",
}

// Costs is the cost of every measured level of tt in run r: a row per
// entry and level, with its rate, the CPU per request of each role, the
// queries per request, the requests per server CPU-second and any doubt.
// false when no entry measured tt.
func Costs(r runs.Run, tt config.TestType) (table.Table, bool) {
	entries := r.EntriesInOrder(tt)
	if len(entries) == 0 {
		return table.Table{}, false
	}
	t := table.Table{
		Title:   string(tt) + ": cost per request",
		Headers: []string{"entry", "level", "req/s", "server µs/req", "database µs/req", "client µs/req", "queries/req", "req/CPU-s", "doubt"},
		Right:   []bool{false, false, true, true, true, true, true, true, false},
		Notes:   CostNotes,
	}
	for _, entry := range entries {
		for i, m := range r.Measurements(tt, entry) {
			name := ""
			if i == 0 {
				name = entry
			}
			c := m.Cost
			doubt := table.Cell{Text: m.Doubt.Mark(), Tone: table.Bad}
			t.Rows = append(t.Rows, []table.Cell{
				{Text: name}, {Text: runs.LevelName(tt, m.Level)}, {Text: table.Rate(m.Summary.Median)},
				{Text: withKernel(c.Server, c.ServerKernel)}, {Text: withKernel(c.Database, c.DatabaseKernel)}, {Text: withKernel(c.Client, c.ClientKernel)},
				{Text: decimal(c.Queries, 2)}, {Text: rateOf(c.RequestsPerServerCPUSecond)}, doubt,
			})
		}
	}
	return t, true
}

// decimal spells *v with places decimals, or "—" for nil.
func decimal(v *float64, places int) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', places, 64)
}

// withKernel spells a role's CPU per request with, in brackets, the
// kernel's part of it when that was recorded: "7.9 (5.4)".
func withKernel(all, kernel *float64) string {
	if all == nil || kernel == nil {
		return decimal(all, 1)
	}
	return decimal(all, 1) + " (" + decimal(kernel, 1) + ")"
}

// rateOf spells *v as a rate, or "—" for nil.
func rateOf(v *float64) string {
	if v == nil {
		return "—"
	}
	return table.Rate(*v)
}
