package summary

import (
	"strconv"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
	"github.com/go-tfb/suite/toolset/wrk"
)

// FixedRates is the latency of each entry loaded open loop at fractions of
// its best rate of tt (tfb benchmark --fixed-rate): a row per entry and
// fraction, with the rate asked and reached and the percentiles from each
// request's due time. false when the run has no such load of tt.
func FixedRates(r runs.Run, tt config.TestType) (table.Table, bool) {
	rows := r.FixedRates(tt)
	if len(rows) == 0 {
		return table.Table{}, false
	}
	t := table.Table{
		Title:   string(tt) + ": latency at fixed rates",
		Headers: []string{"entry", "fraction", "connections", "req/s asked", "req/s reached", "p50", "p90", "p99", "p99.9", "max", "errors", "note"},
		Right:   []bool{false, true, true, true, true, true, true, true, true, true, true, false},
		Notes: []string{"Open loop: requests sent on a fixed schedule at that fraction of the entry's best level's req/s, with its connections, for a level's duration; each latency counted from when its request was due (an HDR histogram), so a slow answer does not hide the requests it delayed, as wrk's closed loop does.",
			"A load the client could not keep (below 95% of the asked rate) says so: its latencies belong to the client."},
	}
	prev := ""
	for _, f := range rows {
		name := f.Entry
		if name == prev {
			name = ""
		}
		prev = f.Entry
		row := []table.Cell{{Text: name}, {Text: strconv.FormatFloat(f.Fraction, 'f', -1, 64)}, {Text: strconv.Itoa(f.Connections)},
			{Text: table.Rate(f.RequestedRate)}}
		switch {
		case f.Error != "":
			row = append(row, table.Cell{}, table.Cell{}, table.Cell{}, table.Cell{}, table.Cell{}, table.Cell{}, table.Cell{}, table.Cell{Text: "no result: " + f.Error, Tone: table.Bad})
		default:
			note := table.Cell{}
			if !f.Sustained {
				note = table.Cell{Text: "client could not keep the rate: latencies are the client's", Tone: table.Bad}
			}
			row = append(row, table.Cell{Text: table.Rate(f.AchievedRate)}, table.Cell{Text: wrk.SpellMicros(f.LatencyP50)}, table.Cell{Text: wrk.SpellMicros(f.LatencyP90)},
				table.Cell{Text: wrk.SpellMicros(f.LatencyP99)}, table.Cell{Text: wrk.SpellMicros(f.LatencyP999)}, table.Cell{Text: wrk.SpellMicros(f.LatencyMax)},
				table.Cell{Text: strconv.FormatInt(f.Errors, 10)}, note)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, true
}
