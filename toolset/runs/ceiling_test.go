package runs

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
)

func TestCeiling(t *testing.T) {
	tests := []struct {
		name            string
		json, queryBest float64
		want            float64
	}{
		{"json twice the query rate", 100000, 50000, 33333.33},
		{"equal rates halve", 40000, 40000, 20000},
		{"fast database: json bounds it", 10000, 1e9, 9999.9},
		{"slow database bounds it", 1e9, 5000, 4999.97},
		{"json not measured", 0, 50000, 0},
		{"query rate not measured", 100000, 0, 0},
		{"negative is not measured", -1, 50000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Ceiling(tt.json, tt.queryBest); math.Abs(got-tt.want) > 0.01 {
				t.Errorf("Ceiling(%v, %v) = %.2f, want %.2f", tt.json, tt.queryBest, got, tt.want)
			}
		})
	}
}

func TestRatios(t *testing.T) {
	tests := []struct {
		name                string
		e                   CeilingRow
		wantDB, wantFortune float64
	}{
		{"each type over its own ceiling",
			CeilingRow{JSON: 100000, DB: 25000, Fortune: 17000, DBCeiling: Ceiling(100000, 50000), FortuneCeiling: Ceiling(100000, 25000)},
			0.75, 0.85},
		{"no ceiling gives no ratio", CeilingRow{JSON: 100000, DB: 25000, Fortune: 17000}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.DBRatio(); math.Abs(got-tt.wantDB) > 0.001 {
				t.Errorf("DBRatio = %.4f, want %.4f", got, tt.wantDB)
			}
			if got := tt.e.FortuneRatio(); math.Abs(got-tt.wantFortune) > 0.001 {
				t.Errorf("FortuneRatio = %.4f, want %.4f", got, tt.wantFortune)
			}
		})
	}
}

func TestCeilings(t *testing.T) {
	level := func(rps float64, errors int64) []results.Level {
		return []results.Level{{Connections: 256, RequestsPerSecond: rps, Non2xx3xx: errors}}
	}
	doc := results.Document{
		Frameworks: []string{"gin", "echo", "chi"},
		RawData: map[string]map[string][]results.Level{
			"json":    {"gin": level(40000, 0), "chi": level(30000, 0)},
			"db":      {"gin": level(24000, 0), "chi": level(20000, 12)},
			"fortune": {"gin": level(20000, 0)},
			// As results.Create leaves a type no entry loaded.
			"plaintext": {},
		},
		Completed: map[string]string{"gin": "20261126043000", "echo": "build failed: exit status 1\nmain.go:1: oops", "chi": "20261126043100"},
		Verify:    map[string]map[string]string{"chi": {"fortune": "fail"}},
		Ceiling: &results.Ceiling{
			WorldSweep:   results.PgbenchSweep{Best: results.PgbenchPoint{Depth: 64, Clients: 8, QueriesPerSecond: 160000}},
			FortuneSweep: results.PgbenchSweep{Best: results.PgbenchPoint{Depth: 64, Clients: 2, QueriesPerSecond: 60000}},
		},
	}
	rows, ok := NewRun("results.json", doc).Ceilings()
	if !ok || len(rows) != 3 {
		t.Fatalf("Ceilings = %+v, %v; want three rows", rows, ok)
	}
	gin, echo, chi := rows[0], rows[1], rows[2]
	if gin.Entry != "gin" || gin.JSON != 40000 || gin.DB != 24000 || gin.Fortune != 20000 || gin.Error != "" ||
		gin.DBCeiling != Ceiling(40000, 160000) || gin.FortuneCeiling != Ceiling(40000, 60000) {
		t.Errorf("gin = %+v", gin)
	}
	if echo.JSON != 0 || !strings.HasPrefix(echo.Error, "build failed") {
		t.Errorf("echo = %+v, want its build error", echo)
	}
	if chi.DB != 20000 || chi.Error != "db: 12 failed requests; fortune: verification failed" {
		t.Errorf("chi = %+v, want its failed requests and failed verification", chi)
	}
	if _, ok := NewRun("results.json", doc).Reference(); ok {
		t.Error("a run without a reference server has one")
	}

	// With the reference server: its rates beside each entry's, and /plaintext
	// measured for every entry.
	doc.Frameworks = append(doc.Frameworks, "nginx")
	doc.Ceiling.Reference = "nginx"
	doc.RawData["json"]["nginx"] = level(80000, 0)
	doc.RawData["plaintext"] = map[string][]results.Level{"gin": level(100000, 0), "nginx": level(200000, 0)}
	doc.Completed["nginx"] = "20261126043200"
	doc.Verify["chi"]["plaintext"] = "pass" // verified, then not measured
	run := NewRun("results.json", doc)
	ref, ok := run.Reference()
	if !ok || ref.Name != "nginx" || ref.JSON != 80000 || ref.Plaintext != 200000 || ref.Error != "" {
		t.Errorf("Reference = %+v, %v", ref, ok)
	}
	rows, _ = run.Ceilings()
	if len(rows) != 3 {
		t.Fatalf("%d rows with the reference server, want the three entries only", len(rows))
	}
	if gin := rows[0]; gin.JSONShare() != 0.5 || gin.PlaintextShare() != 0.5 || gin.Error != "" {
		t.Errorf("gin beside nginx = %+v (shares %v %v)", gin, gin.JSONShare(), gin.PlaintextShare())
	}
	if chi := rows[2]; !strings.Contains(chi.Error, "plaintext: not measured") {
		t.Errorf("chi = %+v, want its missing /plaintext", chi)
	}
	// An entry that implements plaintext alone, as some FrameworkBenchmarks
	// tests do: it lacks the other types, and that is no failure.
	doc.Frameworks = append(doc.Frameworks, "tfb-gnet")
	doc.Completed["tfb-gnet"] = "20261126043300"
	doc.Verify["tfb-gnet"] = map[string]string{"plaintext": "pass"}
	doc.RawData["plaintext"]["tfb-gnet"] = level(300000, 0)
	rows, _ = NewRun("results.json", doc).Ceilings()
	gnet := rows[len(rows)-1]
	if gnet.Entry != "tfb-gnet" || gnet.Error != "" || gnet.Plaintext != 300000 ||
		!slices.Equal(gnet.Lacks, []config.TestType{config.JSON, config.DB, config.Fortune}) || !gnet.Has(config.Plaintext) {
		t.Errorf("tfb-gnet = %+v, want plaintext measured, the other three lacking and no error", gnet)
	}
	if _, ok := NewRun("results.json", results.Document{}).Ceilings(); ok {
		t.Error("a run without a ceiling block has ceilings")
	}
	_ = config.JSON
}

// TestPassShares checks that a run of several passes pairs each pass of an
// entry with the reference server's pass of the same round, so that a share
// is the median of per-pass shares, not the ratio of two medians taken from
// different passes.
func TestPassShares(t *testing.T) {
	passes := func(rps ...float64) [][]results.Level {
		var out []results.Level
		for _, r := range rps {
			out = append(out, results.Level{Connections: 256, RequestsPerSecond: r})
		}
		return [][]results.Level{out}
	}
	tests := []struct {
		name         string
		entry, nginx []float64
		wantShares   []float64
		wantShare    float64
	}{
		// Medians 80 and 100 would say 0.80; the passes say 0.90.
		{"the machine slows down over the run", []float64{90, 80, 45}, []float64{100, 100, 50}, []float64{0.9, 0.8, 0.9}, 0.9},
		{"one pass: the ratio of the rates", []float64{60}, []float64{100}, nil, 0.6},
		{"unequal passes: the ratio of the medians", []float64{60, 70}, []float64{100}, nil, 0.65},
		{"a reference pass measured nothing", []float64{60, 70}, []float64{100, 0}, nil, 65.0 / 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := results.Document{
				Frameworks:  []string{"fiber", "nginx"},
				RepeatCount: len(tt.entry),
				Repeats: map[string]map[string][][]results.Level{
					"json": {"fiber": passes(tt.entry...), "nginx": passes(tt.nginx...)},
				},
				Ceiling: &results.Ceiling{Reference: "nginx"},
			}
			rows, _ := NewRun("results.json", doc).Ceilings()
			if len(rows) != 1 {
				t.Fatalf("rows = %+v, want fiber's", rows)
			}
			got := rows[0]
			if len(got.JSONShares) != len(tt.wantShares) {
				t.Fatalf("JSONShares = %v, want %v", got.JSONShares, tt.wantShares)
			}
			for i := range tt.wantShares {
				if math.Abs(got.JSONShares[i]-tt.wantShares[i]) > 1e-9 {
					t.Errorf("JSONShares = %v, want %v", got.JSONShares, tt.wantShares)
				}
			}
			if math.Abs(got.JSONShare()-tt.wantShare) > 1e-9 {
				t.Errorf("JSONShare = %v, want %v", got.JSONShare(), tt.wantShare)
			}
		})
	}
}
