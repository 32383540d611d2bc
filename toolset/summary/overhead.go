package summary

import (
	"fmt"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/table"
)

// Overhead is what each entry's framework costs over the entry it runs on,
// for tt (runs.Overheads): the ratio of requests per second with its range
// over the repeats and the verdict beyond noise, and the ratio of server CPU
// per request. A row whose platform entry was not measured says which
// entry to add. false when no entry of the run has a platform entry.
func Overhead(r runs.Run, tt config.TestType) (table.Table, bool) {
	rows := r.Overheads(tt)
	if len(rows) == 0 {
		return table.Table{}, false
	}
	t := table.Table{
		Title:   string(tt) + ": framework overhead",
		Headers: []string{"entry", "runs on", "req/s ÷ platform's", "range", "verdict", "server CPU/req ÷ platform's"},
		Right:   []bool{false, false, true, true, false, true},
		Notes: []string{"Each entry's best level beside the best level of the entry it runs on (benchmark_config.json's platform: nethttp for net/http, fasthttp for fasthttp), in this run; range: the entry's slowest repeat over the platform's fastest, and the reverse.",
			fmt.Sprintf("verdict: %s; slower means the framework costs more than the noise.", stats.Rule)},
	}
	for _, o := range rows {
		if o.Missing {
			t.Rows = append(t.Rows, []table.Cell{{Text: o.Entry}, {Text: o.Platform}, {Text: "not measured", Tone: table.Bad}})
			t.Notes = append(t.Notes, fmt.Sprintf("%s: the run did not measure %s, the entry it runs on: add it (tfb benchmark --test ... %s).", o.Entry, o.Platform, o.Platform))
			continue
		}
		cpu := "—"
		if o.CPU != nil {
			cpu = fmt.Sprintf("%.2f", *o.CPU)
		}
		tone := table.Plain
		if o.Verdict == stats.Slower {
			tone = table.Bad
		}
		t.Rows = append(t.Rows, []table.Cell{{Text: o.Entry}, {Text: o.Platform}, {Text: fmt.Sprintf("%.2f", o.Ratio)},
			{Text: fmt.Sprintf("%.2f–%.2f", o.Min, o.Max)}, {Text: o.Verdict.String(), Tone: tone}, {Text: cpu}})
	}
	return t, true
}
