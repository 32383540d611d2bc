package summary

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// entryRates is one entry's requests per second, per test type, per level,
// per repeat.
type entryRates struct {
	entry string
	rates map[config.TestType][][]float64
}

// runOf makes a run of this project's layout that measured the rates, each
// level a connection count of 16, 32, ...
func runOf(entries ...entryRates) runs.Run {
	doc := results.Document{RawData: map[string]map[string][]results.Level{}, Repeats: map[string]map[string][][]results.Level{}, RepeatCount: 1}
	for _, e := range entries {
		doc.Frameworks = append(doc.Frameworks, e.entry)
		for tt, levels := range e.rates {
			if doc.RawData[string(tt)] == nil {
				doc.RawData[string(tt)] = map[string][]results.Level{}
				doc.Repeats[string(tt)] = map[string][][]results.Level{}
			}
			var raw []results.Level
			var reps [][]results.Level
			for i, samples := range levels {
				var rep []results.Level
				for _, rps := range samples {
					rep = append(rep, results.Level{Connections: 16 << i, Queries: i + 1, RequestsPerSecond: rps})
				}
				doc.RepeatCount = max(doc.RepeatCount, len(rep))
				reps = append(reps, rep)
				raw = append(raw, rep[0])
			}
			doc.RawData[string(tt)][e.entry] = raw
			doc.Repeats[string(tt)][e.entry] = reps
		}
	}
	return runs.NewRun("results.json", doc)
}

func samples(perLevel ...[]float64) [][]float64 { return perLevel }

func TestBestLevelsClaims(t *testing.T) {
	tests := []struct {
		name    string
		run     runs.Run
		want    []string // substrings of the output
		wantNot []string
	}{
		{
			name: "one sample: no mark, and the table says no claim can be made",
			run: runOf(
				entryRates{"gin", map[config.TestType][][]float64{config.JSON: samples([]float64{100}, []float64{150})}},
				entryRates{"echo", map[config.TestType][][]float64{config.JSON: samples([]float64{200})}},
			),
			want:    []string{"150", "200", "json: no claim about the fastest can be made from one measurement per level (echo has the highest)"},
			wantNot: []string{"*", "–"},
		},
		{
			name: "repeats apart: the fastest is marked, with the rule",
			run: runOf(
				entryRates{"gin", map[config.TestType][][]float64{config.JSON: samples([]float64{100, 110, 105})}},
				entryRates{"echo", map[config.TestType][][]float64{config.JSON: samples([]float64{200, 190, 210})}},
			),
			want:    []string{"*200 (190–210)", "105 (100–110)", "* marks the fastest entry of a type: a difference is claimed only when"},
			wantNot: []string{"no entry is fastest", "no claim"},
		},
		{
			name: "repeats overlapping: no mark, and why",
			run: runOf(
				entryRates{"gin", map[config.TestType][][]float64{config.JSON: samples([]float64{100, 195, 150})}},
				entryRates{"echo", map[config.TestType][][]float64{config.JSON: samples([]float64{200, 190, 210})}},
			),
			want:    []string{"200 (190–210)", "150 (100–195)", "json: no entry is fastest: echo has the highest median, but its range overlaps another entry's"},
			wantNot: []string{"*"},
		},
		{
			name: "best level is the highest median, not the highest sample",
			run: runOf(
				entryRates{"gin", map[config.TestType][][]float64{config.JSON: samples([]float64{10, 500, 20}, []float64{100, 110, 120})}},
			),
			want:    []string{"110 (100–120)"},
			wantNot: []string{"500", "*"},
		},
		{
			name: "types nobody ran are left out; missing results are '-'",
			run: runOf(
				entryRates{"gin", map[config.TestType][][]float64{config.JSON: samples([]float64{100}), config.Plaintext: samples([]float64{900})}},
				entryRates{"echo", map[config.TestType][][]float64{config.JSON: samples([]float64{200})}},
			),
			want:    []string{"json", "plaintext", "-"},
			wantNot: []string{"db", "fortune"},
		},
		{
			name: "an entry that measured nothing keeps its row",
			run: runOf(
				entryRates{"gin", map[config.TestType][][]float64{config.JSON: samples([]float64{100})}},
				entryRates{"broken", nil},
			),
			want: []string{"\nbroken     -\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := table.WriteText(&b, []table.Table{BestLevels(tt.run)}, false); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("table lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("table has %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestBestLevelsWithoutResults(t *testing.T) {
	var b bytes.Buffer
	if err := table.WriteText(&b, []table.Table{BestLevels(runOf(entryRates{"gin", nil}))}, false); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "No benchmark results.\n" {
		t.Errorf("got %q", got)
	}
}

func TestCosts(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	bound := true
	doc := results.Document{Frameworks: []string{"gin"}, Environment: results.Environment{Cores: 2},
		RawData: map[string]map[string][]results.Level{"query": {"gin": {
			{Connections: 512, Queries: 20, RequestsPerSecond: 1000, TotalRequests: 10000, ServerCPUSeconds: f(2), DatabaseCPUSeconds: f(3),
				ClientCPUSeconds: f(0.5), DatabaseQueries: n(200000), OtherCPUSeconds: f(0.1), MeasuredSeconds: f(10),
				ServerKernelCPUSeconds: f(1.25), DatabaseKernelCPUSeconds: f(0.75)},
			{Connections: 512, Queries: 1, RequestsPerSecond: 9000, TotalRequests: 90000, ClientBound: &bound},
		}}}}
	tab, ok := Costs(runs.NewRun("results.json", doc), config.Query)
	if !ok {
		t.Fatal("no cost table")
	}
	var b bytes.Buffer
	if err := table.WriteText(&b, []table.Table{tab}, false); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	// The server's and the database's kernel parts are recorded; the
	// client's is not, so its cell has none.
	for _, want := range []string{"1 query", "20 queries", "200.0 (125.0)", "300.0 (75.0)", " 50.0 ", "20.00", "5,000", "client-bound", "—"} {
		if !strings.Contains(got, want) {
			t.Errorf("cost table lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "1 query") > strings.Index(got, "20 queries") {
		t.Errorf("levels not in ascending order:\n%s", got)
	}
	if _, ok := Costs(runs.NewRun("results.json", doc), config.JSON); ok {
		t.Error("a cost table for a type nobody measured")
	}
}

func TestFixedRates(t *testing.T) {
	doc := results.Document{Frameworks: []string{"gin", "fiber"}, FixedRate: []results.FixedRate{
		{Entry: "gin", Type: "json", Fraction: 0.5, Connections: 256, RequestedRate: 50000, AchievedRate: 49990, Sustained: true,
			LatencyP50: 150, LatencyP90: 300, LatencyP99: 1250, LatencyP999: 4000, LatencyMax: 9000},
		{Entry: "gin", Type: "json", Fraction: 0.9, Connections: 256, RequestedRate: 90000, AchievedRate: 60000, Sustained: false},
		{Entry: "fiber", Type: "json", Fraction: 0.5, Connections: 256, RequestedRate: 70000, Error: "openloop exited 1"},
		{Entry: "gin", Type: "db", Fraction: 0.5, Connections: 256, RequestedRate: 10000, AchievedRate: 10000, Sustained: true},
	}}
	tab, ok := FixedRates(runs.NewRun("results.json", doc), config.JSON)
	if !ok {
		t.Fatal("no fixed-rate table")
	}
	if len(tab.Rows) != 3 {
		t.Fatalf("%d rows, want the 3 of json", len(tab.Rows))
	}
	var b bytes.Buffer
	if err := table.WriteText(&b, []table.Table{tab}, false); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"150.00us", "1.25ms", "4.00ms", "9.00ms", "49,990", "client could not keep the rate", "no result: openloop exited 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("fixed-rate table lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "gin") != 1 {
		t.Errorf("the entry's name is not written once for its rows:\n%s", got)
	}
	if _, ok := FixedRates(runs.NewRun("results.json", doc), config.Fortune); ok {
		t.Error("a fixed-rate table for a type nobody loaded open loop")
	}
}

func TestOverhead(t *testing.T) {
	doc := results.Document{Frameworks: []string{"nethttp", "gin", "fiber"}, Platforms: map[string]string{"gin": "nethttp", "fiber": "fasthttp"},
		Repeats: map[string]map[string][][]results.Level{"json": {
			"nethttp": {{{Connections: 256, RequestsPerSecond: 100}, {Connections: 256, RequestsPerSecond: 102}}},
			"gin":     {{{Connections: 256, RequestsPerSecond: 80}, {Connections: 256, RequestsPerSecond: 81}}},
			"fiber":   {{{Connections: 256, RequestsPerSecond: 150}, {Connections: 256, RequestsPerSecond: 151}}},
		}}, RepeatCount: 2}
	tab, ok := Overhead(runs.NewRun("results.json", doc), config.JSON)
	if !ok {
		t.Fatal("no overhead table")
	}
	var b bytes.Buffer
	if err := table.WriteText(&b, []table.Table{tab}, false); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"gin", "0.80", "0.78–0.81", "slower", "fiber", "not measured", "add it (tfb benchmark --test ... fasthttp)"} {
		if !strings.Contains(got, want) {
			t.Errorf("overhead table lacks %q:\n%s", want, got)
		}
	}
	if _, ok := Overhead(runs.NewRun("results.json", results.Document{Frameworks: []string{"gin"}}), config.JSON); ok {
		t.Error("an overhead table for a run without platforms")
	}
}
