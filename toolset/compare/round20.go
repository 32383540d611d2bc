package compare

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/table"
	"github.com/go-tfb/suite/toolset/wrk"
)

// Round20Comparison sets one run beside TechEmpower Round 20's published
// results, entry by entry through round20.TestFor.
type Round20Comparison struct {
	// Source is Round 20's source block, unchanged.
	Source json.RawMessage `json:"source"`
	Run    RunInfo         `json:"run"`
	Types  []Round20Type   `json:"types"`
	// Differences says where Round 20 differs in kind from the run as a
	// whole (the hardware); per-type differences are in Round20Type.Notes.
	Differences []string `json:"differences"`

	source round20.Source
}

// Round20Type is one test type of the run beside Round 20.
type Round20Type struct {
	Type string `json:"type"`
	// LocalLevel and Round20Level say at which level each figure was taken.
	LocalLevel   string       `json:"localLevel"`
	Round20Level string       `json:"round20Level"`
	Rows         []Round20Row `json:"rows"`
	// RankingAgrees is whether the entries rank in the same order locally as
	// their counterparts in Round 20; absent with fewer than two rows.
	RankingAgrees *bool `json:"rankingAgrees,omitempty"`
	// KendallTau is Kendall's τ-b between the local and Round 20 figures of
	// the rows: how well the run reproduces Round 20's ranking, 1 for the
	// same order, -1 for the reverse; KendallN is the number of rows it is
	// over. Absent with fewer than two rows.
	KendallTau *float64 `json:"kendallTau,omitempty"`
	KendallN   int      `json:"kendallN,omitempty"`
	// Notes: entries left out and why, and differences in kind.
	Notes []string `json:"notes,omitempty"`
	// Prediction is what the entries' local costs predict for Round 20's
	// machine; absent when no entry has CPU figures on both sides.
	Prediction *Round20Prediction `json:"prediction,omitempty"`
}

// Round20Row is one entry beside its Round 20 test.
type Round20Row struct {
	Entry       string `json:"entry"`
	Round20Test string `json:"round20Test"`
	// SameCode is set for a test of a FrameworkBenchmarks tree whose commit
	// is Round 20's: the run measured Round 20's own code.
	SameCode bool `json:"sameCode,omitempty"`
	// LocalLevel is the run's level the local figures come from.
	LocalLevel int     `json:"localLevel"`
	LocalRPS   float64 `json:"localRps"` // median of the repeats
	LocalN     int     `json:"localN"`
	LocalMin   float64 `json:"localMin"`
	LocalMax   float64 `json:"localMax"`
	// Round20Connections is the connection count of Round 20's figure.
	Round20Connections int     `json:"round20Connections"`
	Round20RPS         float64 `json:"round20Rps"` // as TechEmpower's site shows it
	// Ratio is LocalRPS / Round20RPS.
	Ratio float64 `json:"ratio"`
	// LocalShare is LocalRPS over the fastest entry's in the same run and
	// type; Round20Share the same among these entries' Round 20 tests.
	LocalShare   float64 `json:"localShare"`
	Round20Share float64 `json:"round20Share"`
	LocalRank    int     `json:"localRank"`
	Round20Rank  int     `json:"round20Rank"`
	// Latencies in milliseconds; a local one is absent when the run has none.
	LocalP50 *float64 `json:"localP50Ms,omitempty"`
	LocalP99 *float64 `json:"localP99Ms,omitempty"`
	// A Round 20 one is absent where the published data records 0 (a few
	// plaintext p99s).
	Round20P50 *float64 `json:"round20P50Ms,omitempty"`
	Round20P99 *float64 `json:"round20P99Ms,omitempty"`
	// Round20Database is the database Round 20's test used.
	Round20Database string `json:"round20Database"`
	// LocalRequestsPerServerCPUSecond is the local requests over the
	// entry's CPU seconds; Round20RequestsPerCPUSecond Round 20's rate over
	// its application machine's busy CPU seconds (round20.Result's
	// RequestsPerCPUSecond). Absent when not recorded.
	LocalRequestsPerServerCPUSecond *float64 `json:"localRequestsPerServerCpuSecond,omitempty"`
	Round20RequestsPerCPUSecond     *float64 `json:"round20RequestsPerCpuSecond,omitempty"`
}

// databaseTypes are the test types that use a database.
var databaseTypes = []config.TestType{config.DB, config.Query, config.Fortune, config.Update, config.CachedQuery}

// CompareRound20 sets run beside Round 20. It fails when no entry of the run
// has a Round 20 counterpart measured at Round 20's level.
func CompareRound20(run runs.Run, data round20.Data) (Round20Comparison, error) {
	c := Round20Comparison{Source: data.SourceJSON, Run: info(run), source: data.Source}
	rows := 0
	for _, tt := range config.TestTypes {
		t, ok := compareType(run, data, tt)
		if ok {
			c.Types = append(c.Types, t)
			rows += len(t.Rows)
		}
	}
	if rows == 0 {
		return Round20Comparison{}, fmt.Errorf("%s: no entry has a Round 20 counterpart measured at Round 20's level (entries with one: nethttp, gin, echo, fiber, chi, fasthttp, and tfb-X for Round 20's Go test X)", run.Path)
	}
	env := run.Doc.Environment
	local := "this run recorded no machine (TFB's results.json has no such field)"
	if run.Layout == runs.LayoutSuite {
		local = "this run: " + dash(env.Runtime) + " runtime on " + machine(env.CPUModel, env.Cores)
		if env.ServerHost == "" && env.DatabaseHost == "" && env.ClientHost == "" {
			local += ", the entries, the database and wrk sharing that one machine"
		}
	}
	c.Differences = []string{
		"Hardware: Round 20 ran on " + data.Source.Environment + "; " + local + ". Compare shares and ranks, not req/s.",
		"Round 20 req/s are what TechEmpower's site shows (requests / 15 s); local req/s are this toolset's, over the run's duration.",
		fmt.Sprintf("req/CPU-s: locally, requests per CPU-second (user+system) of the entry's process or container; in Round 20, requests per busy CPU-second of the whole application machine (its dool CPU share of %d hardware threads, so the operating system and anything else on it count too). "+
			"It sets aside how many cores each machine has, which req/s does not; it does not set aside clock speed and microarchitecture (a 2.2 GHz Skylake Xeon in Round 20), hyperthreads (a thread-second of a hyperthreaded core does less than a core-second), the kernel and its network stack (loopback here, 10-gigabit Ethernet there), or the Go version.", round20.AppMachineThreads),
	}
	if info(run).Repeats > 1 {
		c.Differences = append(c.Differences, "Local ranks and shares use the median of the repeats; where two entries' min–max ranges overlap, their order is within noise (tfb compare shows the verdicts).")
	} else {
		c.Differences = append(c.Differences, "Local ranks and shares rest on one measurement per level; on a shared machine the next run may differ by tens of percent, so repeat it (tfb benchmark --repeat N) before reading much into a rank.")
	}
	return c, nil
}

func compareType(run runs.Run, data round20.Data, tt config.TestType) (Round20Type, bool) {
	entries := run.Entries(tt)
	if len(entries) == 0 {
		return Round20Type{}, false
	}
	r20Name := round20.TypeName(tt)
	t := Round20Type{Type: string(tt), Round20Level: data.Source.Levels[r20Name]}
	if want := round20.HeadlineLevel(tt); want == 0 {
		t.LocalLevel = "best connection count"
	} else {
		t.LocalLevel = runs.LevelName(tt, want) + " per request, the run's connection count"
	}
	for _, entry := range entries {
		row, notes, ok := compareEntry(run, data, tt, entry)
		t.Notes = append(t.Notes, notes...)
		if ok {
			t.Rows = append(t.Rows, row)
		}
	}
	rank(t.Rows)
	if len(t.Rows) > 1 {
		agrees := true
		for _, r := range t.Rows {
			agrees = agrees && r.LocalRank == r.Round20Rank
		}
		t.RankingAgrees = &agrees
		var local, r20 []float64
		for _, r := range t.Rows {
			local, r20 = append(local, r.LocalRPS), append(r20, r.Round20RPS)
		}
		if tau, ok := stats.KendallTau(local, r20); ok {
			t.KendallTau, t.KendallN = &tau, len(t.Rows)
		}
	}
	t.Prediction = predictRound20(data, tt, t.Rows)
	if tt == config.Plaintext {
		var local []string
		for _, r := range t.Rows {
			local = append(local, fmt.Sprintf("%s at %d", r.Entry, r.LocalLevel))
		}
		t.Notes = append(t.Notes, "Round 20 pipelined plaintext 16 deep at up to 16,384 connections across a 10 GbE link; its figures are at the connection count shown. Best local levels: "+strings.Join(local, ", ")+".")
	}
	return t, true
}

// compareEntry sets one entry's level of tt beside its Round 20 test's
// result; ok is false when there is nothing to set beside it, and notes say
// why, or what differs in kind.
func compareEntry(run runs.Run, data round20.Data, tt config.TestType, entry string) (row Round20Row, notes []string, ok bool) {
	r20Name := round20.TypeName(tt)
	name, ok := round20.TestFor(entry, tt)
	if !ok {
		return row, []string{fmt.Sprintf("%s: no Round 20 test for %s.", entry, r20Name)}, false
	}
	test, ok := data.Tests[name]
	res, hasResult := test.Result(tt)
	if !ok || !hasResult {
		return row, []string{fmt.Sprintf("%s: Round 20's %s has no %s result.", entry, name, r20Name)}, false
	}
	var m runs.Measurement
	if want := round20.HeadlineLevel(tt); want == 0 {
		m, ok = run.Best(tt, entry)
	} else if m, ok = run.At(tt, entry, want); !ok {
		return row, []string{fmt.Sprintf("%s: this run has no %s level to set beside Round 20's.", entry, runs.LevelName(tt, want))}, false
	}
	if !ok {
		return row, nil, false
	}
	row = Round20Row{
		Entry:              entry,
		Round20Test:        name,
		SameCode:           sameCode(run, entry),
		LocalLevel:         m.Level,
		LocalRPS:           m.Summary.Median,
		LocalN:             m.Summary.N,
		LocalMin:           m.Summary.Min,
		LocalMax:           m.Summary.Max,
		Round20Connections: res.Connections,
		Round20RPS:         res.PublishedRPS,
		Round20P50:         positive(res.LatencyMS.P50),
		Round20P99:         positive(res.LatencyMS.P99),
		Round20Database:    test.Database,
	}
	if res.PublishedRPS > 0 {
		row.Ratio = m.Summary.Median / res.PublishedRPS
	}
	row.LocalRequestsPerServerCPUSecond = m.Cost.RequestsPerServerCPUSecond
	if v, ok := res.RequestsPerCPUSecond(); ok {
		row.Round20RequestsPerCPUSecond = &v
	}
	if v, ok := latencyMS(m.Median.LatencyP50); ok {
		row.LocalP50 = &v
	}
	if v, ok := latencyMS(m.Median.LatencyP99); ok {
		row.LocalP99 = &v
	}
	if row.Round20P99 == nil {
		notes = append(notes, fmt.Sprintf("%s: Round 20's data records no p99 for %s %s (0 in the published figures).", entry, name, r20Name))
	}
	if top := maxConnections(run.Measurements(tt, entry)); top < res.Connections {
		notes = append(notes, fmt.Sprintf("%s: Round 20's figure is at %s connections; this run measured up to %s.", entry, table.Rate(float64(res.Connections)), table.Rate(float64(top))))
	}
	if slices.Contains(databaseTypes, tt) && test.Database != "postgres" && test.Database != "none" {
		notes = append(notes, fmt.Sprintf("%s: Round 20's %s used %s, not PostgreSQL.", entry, name, databaseName(test.Database)))
	}
	return row, notes, true
}

// sameCode reports whether entry is a test of the FrameworkBenchmarks tree
// the run recorded, at Round 20's commit.
func sameCode(run runs.Run, entry string) bool {
	r := run.Doc.Environment.TFBRepo
	return strings.HasPrefix(entry, config.TFBPrefix) && r != nil && round20.SameCode(r.Commit)
}

// positive returns a pointer to v, or nil when v is not above 0.
func positive(v float64) *float64 {
	if v <= 0 {
		return nil
	}
	return &v
}

// maxConnections is the most connections any of the levels used.
func maxConnections(ms []runs.Measurement) int {
	top := 0
	for _, m := range ms {
		top = max(top, m.Median.Connections)
	}
	return top
}

// rank fills shares and ranks; rows with equal figures share a rank.
func rank(rows []Round20Row) {
	var bestLocal, bestR20 float64
	for _, r := range rows {
		bestLocal = max(bestLocal, r.LocalRPS)
		bestR20 = max(bestR20, r.Round20RPS)
	}
	for i := range rows {
		if bestLocal > 0 {
			rows[i].LocalShare = rows[i].LocalRPS / bestLocal
		}
		if bestR20 > 0 {
			rows[i].Round20Share = rows[i].Round20RPS / bestR20
		}
		rows[i].LocalRank, rows[i].Round20Rank = 1, 1
		for _, o := range rows {
			if o.LocalRPS > rows[i].LocalRPS {
				rows[i].LocalRank++
			}
			if o.Round20RPS > rows[i].Round20RPS {
				rows[i].Round20Rank++
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b Round20Row) int {
		return cmp.Or(cmp.Compare(a.LocalRank, b.LocalRank), cmp.Compare(a.Entry, b.Entry))
	})
}

func databaseName(db string) string {
	switch strings.ToLower(db) {
	case "mysql":
		return "MySQL"
	case "mongodb":
		return "MongoDB"
	case "postgres":
		return "PostgreSQL"
	}
	return db
}

// Tables returns the comparison as tables: Round 20's source, one table per
// test type, and the differences in kind.
func (c Round20Comparison) Tables() []table.Table {
	return append([]table.Table{SourceTable(c.source)}, c.RunTables()...)
}

// SourceTable shows Round 20's source block: where the figures come from,
// the hardware, and the caveats. Every view of Round 20's figures shows it.
func SourceTable(src round20.Source) table.Table {
	source := table.Table{
		Title: "TechEmpower Round 20 (source)",
		Notes: []string{
			"round: " + src.Round,
			"data: " + src.Data,
			"environment: " + src.Environment,
			"published req/s: " + src.PublishedRPS,
		},
	}
	for _, cv := range src.Caveats {
		source.Notes = append(source.Notes, "caveat: "+cv)
	}
	return source
}

// RunTables returns the run beside Round 20 without the source block: one
// table per test type and the differences in kind.
func (c Round20Comparison) RunTables() []table.Table {
	var tables []table.Table
	for _, t := range c.Types {
		tab := table.Table{
			Title:   fmt.Sprintf("%s: %s beside Round 20", t.Type, c.Run.Label),
			Caption: fmt.Sprintf("Local: %s. Round 20: %s.", t.LocalLevel, dash(t.Round20Level)),
			Headers: []string{"entry", "Round 20 test", "local level", "local req/s", "Round 20 req/s", "local/R20",
				"share of fastest local / R20", "rank local / R20", "p50 ms local / R20", "p99 ms local / R20", "req/CPU-s local / R20"},
			Right: []bool{false, false, true, true, true, true, true, true, true, true, true},
		}
		if len(t.Rows) == 0 {
			tab.Headers, tab.Right = nil, nil
		}
		for _, r := range t.Rows {
			tt := config.TestType(t.Type)
			rankCell := table.Cell{Text: fmt.Sprintf("%d / %d", r.LocalRank, r.Round20Rank)}
			if r.LocalRank != r.Round20Rank {
				rankCell.Tone = table.Bad
			}
			r20Test := r.Round20Test
			if r.SameCode {
				r20Test += " (same code)"
			}
			tab.Rows = append(tab.Rows, []table.Cell{
				{Text: r.Entry}, {Text: r20Test}, {Text: runs.LevelName(tt, r.LocalLevel)},
				{Text: localRPS(r)}, {Text: fmt.Sprintf("%s (%d conn)", table.Rate(r.Round20RPS), r.Round20Connections)},
				{Text: ratio(r.Ratio)},
				{Text: fmt.Sprintf("%.0f%% / %.0f%%", 100*r.LocalShare, 100*r.Round20Share)},
				rankCell,
				{Text: ms(r.LocalP50) + " / " + ms(r.Round20P50)},
				{Text: ms(r.LocalP99) + " / " + ms(r.Round20P99)},
				{Text: efficiency(r)},
			})
		}
		tau := ""
		if t.KendallTau != nil {
			tau = fmt.Sprintf(" Kendall's τ = %.2f over n = %d entries (1: Round 20's order, −1: its reverse).", *t.KendallTau, t.KendallN)
		}
		switch {
		case t.RankingAgrees == nil && len(t.Rows) == 1:
			tab.Notes = append(tab.Notes, "Ranking: one entry, nothing to rank.")
		case t.RankingAgrees != nil && *t.RankingAgrees:
			tab.Notes = append(tab.Notes, "Ranking: agrees with Round 20."+tau)
		case t.RankingAgrees != nil:
			tab.Notes = append(tab.Notes, "Ranking: differs from Round 20."+tau)
		}
		tab.Notes = append(tab.Notes, t.Notes...)
		tables = append(tables, tab)
		if t.Prediction != nil {
			tables = append(tables, predictionTable(t.Type, t.Prediction))
		}
	}
	tables = append(tables, table.Table{Title: "Where Round 20 differs in kind", Notes: c.Differences})
	return tables
}

// efficiency spells the requests per CPU-second beside Round 20's, with
// their ratio ("41,210 / 12,004 = 3.43×").
func efficiency(r Round20Row) string {
	l, p := r.LocalRequestsPerServerCPUSecond, r.Round20RequestsPerCPUSecond
	switch {
	case l != nil && p != nil:
		return fmt.Sprintf("%s / %s = %s", table.Rate(*l), table.Rate(*p), ratio(*l / *p))
	case l != nil:
		return table.Rate(*l) + " / —"
	case p != nil:
		return "— / " + table.Rate(*p)
	}
	return "—"
}

// localRPS spells the local median, with the min–max of the repeats when
// there are several ("20,229 (9,804–21,074)").
func localRPS(r Round20Row) string {
	if r.LocalN > 1 {
		return fmt.Sprintf("%s (%s–%s)", table.Rate(r.LocalRPS), table.Rate(r.LocalMin), table.Rate(r.LocalMax))
	}
	return table.Rate(r.LocalRPS)
}

// ratio spells a ratio with at least two significant digits ("1.25×",
// "0.014×").
func ratio(v float64) string {
	if v > 0 && v < 0.1 {
		return fmt.Sprintf("%.2g×", v)
	}
	return fmt.Sprintf("%.2f×", v)
}

// ms spells a latency in milliseconds with three significant digits; "—"
// when absent.
func ms(v *float64) string {
	if v == nil {
		return "—"
	}
	switch {
	case *v >= 100:
		return fmt.Sprintf("%.0f", *v)
	case *v >= 10:
		return fmt.Sprintf("%.1f", *v)
	}
	return fmt.Sprintf("%.2f", *v)
}

// latencyMS converts one of wrk's latency spellings ("1.25ms") to
// milliseconds; false when it is empty or not one of wrk's.
func latencyMS(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	d, err := wrk.ParseLatency(s)
	if err != nil {
		return 0, false
	}
	return float64(d) / float64(time.Millisecond), true
}
