package compare

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/stats"
)

// TestCompareRound20 maps entries to their Round 20 tests and computes the
// ratios, shares and ranks from known local figures and Round 20's
// published ones.
func TestCompareRound20(t *testing.T) {
	data, err := round20.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := writeRun(t, dir, "run", results.Environment{Runtime: "local", Cores: 2, CPUModel: "Example CPU"}, map[config.TestType]map[string][]level{
		config.JSON: {
			"nethttp": {{connections: 16, rps: []float64{40_000}}, {connections: 32, rps: []float64{50_000}, p50: "0.50ms", p99: "2.00ms"}},
			"gin":     {{connections: 16, rps: []float64{40_000}, p50: "1.25ms", p99: "812.00us"}},
			"fiber":   {{connections: 16, rps: []float64{60_000}}},
			"echo":    {{connections: 16, rps: []float64{30_000}}},
			"custom":  {{connections: 16, rps: []float64{99_000}}},
		},
		config.Query: {
			"nethttp": {{connections: 32, queries: 1, rps: []float64{20_000}}, {connections: 32, queries: 20, rps: []float64{1_000, 1_100, 1_200}}},
			"gin":     {{connections: 32, queries: 20, rps: []float64{800}}},
			"echo":    {{connections: 32, queries: 1, rps: []float64{19_000}}},
		},
		config.CachedQuery: {
			"gin": {{connections: 32, queries: 100, rps: []float64{5_000}}},
		},
		config.Plaintext: {
			"fiber": {{connections: 256, rps: []float64{200_000}, p50: "5.00ms", p99: "20.00ms"}},
		},
	})
	run := loadAll(t, path)[0]
	c, err := CompareRound20(run, data)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Source) != string(data.SourceJSON) {
		t.Error("Source is not Round 20's source block")
	}
	types := map[string]Round20Type{}
	for _, tt := range c.Types {
		types[tt.Type] = tt
	}

	type want struct {
		entry, test          string
		level                int
		local, r20           float64
		localRank, r20Rank   int
		localShare, r20Share float64
		localP50, localP99   float64 // ms; -1 when absent
	}
	check := func(tt string, wants []want) {
		t.Helper()
		rows := types[tt].Rows
		if len(rows) != len(wants) {
			t.Fatalf("%s: %d rows, want %d: %+v", tt, len(rows), len(wants), rows)
		}
		for i, w := range wants {
			r := rows[i]
			if r.Entry != w.entry || r.Round20Test != w.test || r.LocalLevel != w.level {
				t.Errorf("%s row %d: %s → %s at %d, want %s → %s at %d", tt, i, r.Entry, r.Round20Test, r.LocalLevel, w.entry, w.test, w.level)
			}
			if r.LocalRPS != w.local || r.Round20RPS != w.r20 || math.Abs(r.Ratio-w.local/w.r20) > 1e-12 {
				t.Errorf("%s %s: local %v Round 20 %v ratio %v, want %v, %v, %v", tt, r.Entry, r.LocalRPS, r.Round20RPS, r.Ratio, w.local, w.r20, w.local/w.r20)
			}
			if r.LocalRank != w.localRank || r.Round20Rank != w.r20Rank {
				t.Errorf("%s %s: ranks %d / %d, want %d / %d", tt, r.Entry, r.LocalRank, r.Round20Rank, w.localRank, w.r20Rank)
			}
			if math.Abs(r.LocalShare-w.localShare) > 1e-9 || math.Abs(r.Round20Share-w.r20Share) > 1e-9 {
				t.Errorf("%s %s: shares %v / %v, want %v / %v", tt, r.Entry, r.LocalShare, r.Round20Share, w.localShare, w.r20Share)
			}
			for _, p := range []struct {
				got  *float64
				want float64
			}{{r.LocalP50, w.localP50}, {r.LocalP99, w.localP99}} {
				if (p.got == nil) != (p.want < 0) || (p.got != nil && math.Abs(*p.got-p.want) > 1e-9) {
					t.Errorf("%s %s: local latency %v, want %v", tt, r.Entry, p.got, p.want)
				}
			}
		}
	}
	// Round 20 json: fiber 1,182,912; gin 418,676; go 394,544; echo 301,533.
	check("json", []want{
		{"fiber", "fiber", 16, 60_000, 1_182_912, 1, 1, 1, 1, -1, -1},
		{"nethttp", "go", 32, 50_000, 394_544, 2, 3, 50.0 / 60, 394_544.0 / 1_182_912, 0.5, 2},
		{"gin", "gin", 16, 40_000, 418_676, 3, 2, 40.0 / 60, 418_676.0 / 1_182_912, 1.25, 0.812},
		{"echo", "echo", 16, 30_000, 301_533, 4, 4, 0.5, 301_533.0 / 1_182_912, -1, -1},
	})
	if a := types["json"].RankingAgrees; a == nil || *a {
		t.Errorf("json ranking agrees = %v, want false", a)
	}
	if !slices.Contains(types["json"].Notes, "custom: no Round 20 test for json.") {
		t.Errorf("json notes %q lack the entry without counterpart", types["json"].Notes)
	}
	// query at 20 queries, not at the best level; echo has no 20-query level.
	check("query", []want{
		{"nethttp", "go-pgx", 20, 1_100, 19_610, 1, 1, 1, 1, -1, -1},
		{"gin", "gin", 20, 800, 14_444, 2, 2, 800.0 / 1_100, 14_444.0 / 19_610, -1, -1},
	})
	if a := types["query"].RankingAgrees; a == nil || !*a {
		t.Errorf("query ranking agrees = %v, want true", a)
	}
	notes := strings.Join(types["query"].Notes, "\n")
	for _, w := range []string{"gin: Round 20's gin used MySQL, not PostgreSQL.", "echo: this run has no 20 queries level"} {
		if !strings.Contains(notes, w) {
			t.Errorf("query notes %q lack %q", notes, w)
		}
	}
	if len(types["cached_query"].Rows) != 0 || !strings.Contains(strings.Join(types["cached_query"].Notes, " "), "gin: Round 20's gin has no cached-query result.") {
		t.Errorf("cached_query: %+v, want no rows and a note on gin", types["cached_query"])
	}
	if p := types["plaintext"].Rows; len(p) != 1 || p[0].Round20P99 != nil || p[0].Round20P50 == nil || *p[0].Round20P50 != 0.47100000000000003 {
		t.Errorf("plaintext fiber: %+v, want Round 20's p50 0.471 and no p99 (recorded as 0)", p)
	}
	if notes := strings.Join(types["plaintext"].Notes, "\n"); !strings.Contains(notes, "fiber: Round 20's data records no p99 for fiber plaintext") || !strings.Contains(notes, "16,384 connections") {
		t.Errorf("plaintext notes %q: want the missing p99 and the pipelining at 16,384 connections", notes)
	}
	if len(c.Differences) == 0 || !strings.Contains(c.Differences[0], "Example CPU, 2 cores") || !strings.Contains(c.Differences[0], "Xeon Gold 5120") {
		t.Errorf("differences %q: want Round 20's hardware and the run's", c.Differences)
	}
}

// TestCompareRound20NoCounterpart: a run without any mapped entry is an
// error naming the file.
func TestCompareRound20NoCounterpart(t *testing.T) {
	data, err := round20.Load()
	if err != nil {
		t.Fatal(err)
	}
	path := writeRun(t, t.TempDir(), "run", results.Environment{}, map[config.TestType]map[string][]level{
		config.JSON: {"custom": {{connections: 16, rps: []float64{1}}}},
	})
	run := loadAll(t, path)[0]
	_, err = CompareRound20(run, data)
	if err == nil || !strings.Contains(err.Error(), run.Path) {
		t.Errorf("error %v, want one naming %s", err, run.Path)
	}
}

// TestCompareRound20FrameworkBenchmarksTests sets tests of a
// FrameworkBenchmarks tree beside the Round 20 tests of the same name,
// marks them "same code" at Round 20's commit only, and gives Kendall's τ
// of the ranking.
func TestCompareRound20FrameworkBenchmarksTests(t *testing.T) {
	data, err := round20.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Round 20's /json: atreugo 1.32M > fasthttp 1.28M > fiber 1.26M > go 1.09M
	// (roughly); locally fiber and fasthttp swap.
	levels := map[config.TestType]map[string][]level{config.JSON: {
		"tfb-atreugo":  {{connections: 16, rps: []float64{50_000}}},
		"tfb-fiber":    {{connections: 16, rps: []float64{49_000}}},
		"tfb-fasthttp": {{connections: 16, rps: []float64{48_000}}},
		"tfb-go":       {{connections: 16, rps: []float64{30_000}}},
	}}
	for _, tc := range []struct {
		commit   string
		sameCode bool
	}{
		{round20.Commit, true},
		{round20.TagObject, true},
		{"57d92fbec6f8", false},
	} {
		t.Run(tc.commit, func(t *testing.T) {
			env := results.Environment{Runtime: "local", TFBRepo: &results.TFBRepo{Dir: "/tmp/FrameworkBenchmarks", Commit: tc.commit}}
			run := loadAll(t, writeRun(t, t.TempDir(), "run", env, levels))[0]
			c, err := CompareRound20(run, data)
			if err != nil {
				t.Fatal(err)
			}
			jt := c.Types[0]
			if len(jt.Rows) != 4 {
				t.Fatalf("rows %+v, want 4", jt.Rows)
			}
			var local, r20 []float64
			for _, r := range jt.Rows {
				if r.Round20Test != strings.TrimPrefix(r.Entry, "tfb-") || r.SameCode != tc.sameCode {
					t.Errorf("%s: Round 20 test %s, same code %v", r.Entry, r.Round20Test, r.SameCode)
				}
				local, r20 = append(local, r.LocalRPS), append(r20, r.Round20RPS)
			}
			want, _ := stats.KendallTau(local, r20)
			if jt.KendallTau == nil || *jt.KendallTau != want || jt.KendallN != 4 {
				t.Errorf("τ = %v over %d, want %v over 4", jt.KendallTau, jt.KendallN, want)
			}
			text := tablesText(c)
			if strings.Contains(text, "(same code)") != tc.sameCode {
				t.Errorf("same code marked %v, want %v:\n%s", !tc.sameCode, tc.sameCode, text)
			}
			if !strings.Contains(text, "Kendall's τ = ") || !strings.Contains(text, "over n = 4 entries") {
				t.Errorf("no ranking agreement in:\n%s", text)
			}
		})
	}
}

func tablesText(c Round20Comparison) string {
	var b strings.Builder
	for _, tab := range c.Tables() {
		for _, row := range tab.Rows {
			for _, cell := range row {
				b.WriteString(cell.Text + " | ")
			}
			b.WriteString("\n")
		}
		b.WriteString(strings.Join(tab.Notes, "\n") + "\n")
	}
	return b.String()
}

// TestPredictRound20 checks which entries the prediction is calibrated on,
// the factor and busy threads as medians over them, the left-out check of
// each calibration entry, and the mark on predictions above Round 20's
// fastest Go test.
func TestPredictRound20(t *testing.T) {
	data, err := round20.Load()
	if err != nil {
		t.Fatal(err)
	}
	// row is an entry whose local req/CPU-s is k times its Round 20 test's.
	row := func(entry, test string, k float64) Round20Row {
		res, _ := data.Tests[test].Result(config.JSON)
		r20, ok := res.RequestsPerCPUSecond()
		if !ok {
			t.Fatalf("Round 20's %s has no json CPU figure", test)
		}
		local := k * r20
		return Round20Row{Entry: entry, Round20Test: test, Round20RPS: res.PublishedRPS, LocalRequestsPerServerCPUSecond: &local, Round20RequestsPerCPUSecond: &r20}
	}
	busy := func(test string) float64 {
		res, _ := data.Tests[test].Result(config.JSON)
		return res.AppMachineCPUPercent / 100 * round20.AppMachineThreads
	}
	local := func(r Round20Row) float64 { return *r.LocalRequestsPerServerCPUSecond }
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

	tests := []struct {
		name        string
		rows        []Round20Row
		calibrated  []string
		same        bool
		factor      float64
		busyThreads float64
		checks      map[string]float64 // entry → check; absent: no check
	}{
		{
			name:       "a checkout's tests calibrate, ours are predicted",
			rows:       []Round20Row{row("tfb-go", "go", 4), row("tfb-fasthttp", "fasthttp", 2), row("tfb-atreugo", "atreugo", 3), row("fiber", "fiber", 10)},
			calibrated: []string{"tfb-atreugo", "tfb-fasthttp", "tfb-go"}, same: true, factor: 3,
			busyThreads: stats.Median([]float64{busy("go"), busy("fasthttp"), busy("atreugo")}),
			checks: map[string]float64{
				// left out: the median factor and busy threads of the other two
				"tfb-go":       local(row("tfb-go", "go", 4)) / 2.5 * stats.Median([]float64{busy("fasthttp"), busy("atreugo")}) / data.Tests["go"].Results["json"].PublishedRPS,
				"tfb-fasthttp": local(row("tfb-fasthttp", "fasthttp", 2)) / 3.5 * stats.Median([]float64{busy("go"), busy("atreugo")}) / data.Tests["fasthttp"].Results["json"].PublishedRPS,
				"tfb-atreugo":  local(row("tfb-atreugo", "atreugo", 3)) / 3 * stats.Median([]float64{busy("go"), busy("fasthttp")}) / data.Tests["atreugo"].Results["json"].PublishedRPS,
			},
		},
		{
			name:       "without a checkout, this suite's entries calibrate",
			rows:       []Round20Row{row("nethttp", "go", 4), row("fiber", "fiber", 2)},
			calibrated: []string{"fiber", "nethttp"}, same: false, factor: 3,
			busyThreads: stats.Median([]float64{busy("go"), busy("fiber")}),
			checks: map[string]float64{
				"nethttp": local(row("nethttp", "go", 4)) / 2 * busy("fiber") / data.Tests["go"].Results["json"].PublishedRPS,
				"fiber":   local(row("fiber", "fiber", 2)) / 4 * busy("go") / data.Tests["fiber"].Results["json"].PublishedRPS,
			},
		},
		{
			name:       "one calibration entry checks nothing by itself",
			rows:       []Round20Row{row("tfb-go", "go", 4)},
			calibrated: []string{"tfb-go"}, same: true, factor: 4, busyThreads: busy("go"),
			checks: map[string]float64{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := predictRound20(data, config.JSON, tc.rows)
			if p == nil {
				t.Fatal("no prediction")
			}
			if !slices.Equal(p.CalibratedOn, tc.calibrated) || p.SameProgram != tc.same {
				t.Errorf("calibrated on %v (same program %v), want %v (%v)", p.CalibratedOn, p.SameProgram, tc.calibrated, tc.same)
			}
			if !near(p.Factor, tc.factor) || !near(p.BusyThreads, tc.busyThreads) {
				t.Errorf("factor %v, busy threads %v; want %v, %v", p.Factor, p.BusyThreads, tc.factor, tc.busyThreads)
			}
			if len(p.Rows) != len(tc.rows) {
				t.Fatalf("%d rows, want %d", len(p.Rows), len(tc.rows))
			}
			for i, r := range p.Rows {
				if i > 0 && r.PredictedRPS > p.Rows[i-1].PredictedRPS {
					t.Errorf("rows not sorted fastest first: %s after %s", r.Entry, p.Rows[i-1].Entry)
				}
				in := slices.IndexFunc(tc.rows, func(x Round20Row) bool { return x.Entry == r.Entry })
				if want := local(tc.rows[in]) / p.Factor * p.BusyThreads; !near(r.PredictedRPS, want) {
					t.Errorf("%s predicted %v, want %v", r.Entry, r.PredictedRPS, want)
				}
				if r.BeyondRound20 != (r.PredictedRPS > p.Round20FastestRPS) {
					t.Errorf("%s: beyond Round 20 = %v at %v (fastest %v)", r.Entry, r.BeyondRound20, r.PredictedRPS, p.Round20FastestRPS)
				}
				want, ok := tc.checks[r.Entry]
				switch {
				case r.Calibration && !ok && r.Check != nil:
					t.Errorf("%s: check %v, want none", r.Entry, *r.Check)
				case ok && (r.Check == nil || !near(*r.Check, want)):
					t.Errorf("%s: check %v, want %v", r.Entry, r.Check, want)
				case !r.Calibration && (r.Check == nil || !near(*r.Check, r.PredictedRPS/r.Round20RPS)):
					t.Errorf("%s (not calibrated on): check %v, want its prediction over Round 20's %s", r.Entry, r.Check, r.Round20Test)
				}
			}
		})
	}
	// fiber at ten times Round 20's efficiency is predicted beyond any Go test of the round.
	p := predictRound20(data, config.JSON, tests[0].rows)
	if i := slices.IndexFunc(p.Rows, func(r PredictionRow) bool { return r.Entry == "fiber" }); !p.Rows[i].BeyondRound20 || p.Round20Fastest == "" {
		t.Errorf("fiber at 10× predicted %v, fastest %s %v: want it marked beyond", p.Rows[i].PredictedRPS, p.Round20Fastest, p.Round20FastestRPS)
	}
	if p := predictRound20(data, config.JSON, []Round20Row{{Entry: "gin", Round20Test: "gin", Round20RPS: 1}}); p != nil {
		t.Errorf("a row without CPU figures gave a prediction: %+v", p)
	}
}
