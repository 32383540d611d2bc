package compare

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
)

// level describes one measured level for writeRun: its key and the req/s
// of every repeat.
type level struct {
	connections, queries int
	rps                  []float64
	p50, p99             string
}

// writeRun writes a results.json in this project's layout, with repeats,
// under dir/name and returns the directory.
func writeRun(t *testing.T, dir, name string, env results.Environment, data map[config.TestType]map[string][]level) string {
	t.Helper()
	doc := results.Document{
		Name:        name,
		RawData:     map[string]map[string][]results.Level{},
		Repeats:     map[string]map[string][][]results.Level{},
		Environment: env,
	}
	for tt, entries := range data {
		doc.RawData[string(tt)] = map[string][]results.Level{}
		doc.Repeats[string(tt)] = map[string][][]results.Level{}
		for entry, levels := range entries {
			for _, l := range levels {
				var reps []results.Level
				for _, r := range l.rps {
					reps = append(reps, results.Level{Connections: l.connections, Queries: l.queries, RequestsPerSecond: r, LatencyP50: l.p50, LatencyP99: l.p99})
				}
				doc.RepeatCount = max(doc.RepeatCount, len(reps))
				doc.Repeats[string(tt)][entry] = append(doc.Repeats[string(tt)][entry], reps)
				doc.RawData[string(tt)][entry] = append(doc.RawData[string(tt)][entry], reps[stats.MedianIndex(l.rps)])
			}
		}
	}
	data2, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(dir, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, results.FileName), data2, 0o644); err != nil {
		t.Fatal(err)
	}
	return d
}

func loadAll(t *testing.T, paths ...string) []runs.Run {
	t.Helper()
	rs, err := runs.LoadAll(paths)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestCompareVerdicts: known repeats give the verdict of stats.Compare and
// the ratio of the medians, at the best level and per level.
func TestCompareVerdicts(t *testing.T) {
	tests := []struct {
		name        string
		base, other []float64
		verdict     stats.Verdict
		ratio       float64
	}{
		{"faster", []float64{100, 101, 102}, []float64{110, 111, 112}, stats.Faster, 111.0 / 101},
		{"slower", []float64{100, 101, 102}, []float64{90, 91, 99}, stats.Slower, 91.0 / 101},
		{"within noise", []float64{100, 101, 105}, []float64{104, 110, 111}, stats.WithinNoise, 110.0 / 101},
		{"no claim with one sample each", []float64{100}, []float64{150}, stats.NoClaim, 1.5},
		{"no claim with one side repeated", []float64{100, 101, 102}, []float64{150}, stats.NoClaim, 150.0 / 101},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a := writeRun(t, dir, "a", results.Environment{}, map[config.TestType]map[string][]level{
				config.JSON: {"gin": {{connections: 16, rps: tc.base}}},
			})
			b := writeRun(t, dir, "b", results.Environment{}, map[config.TestType]map[string][]level{
				config.JSON: {"gin": {{connections: 16, rps: tc.other}}},
			})
			c, err := Compare(loadAll(t, a, b))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Groups) != 1 {
				t.Fatalf("%d groups, want 1", len(c.Groups))
			}
			g := c.Groups[0]
			for _, f := range []Figure{g.Best[1], g.Levels[0].Figures[1]} {
				if f.Verdict != tc.verdict.String() {
					t.Errorf("verdict %q, want %q", f.Verdict, tc.verdict)
				}
				if math.Abs(f.Ratio-tc.ratio) > 1e-9 {
					t.Errorf("ratio %v, want %v", f.Ratio, tc.ratio)
				}
			}
			if g.Best[0].Verdict != "" || g.Best[0].Ratio != 1 {
				t.Errorf("base figure: verdict %q ratio %v, want none and 1", g.Best[0].Verdict, g.Best[0].Ratio)
			}
		})
	}
}

// TestCompareLevels: each run's best level is its own; a level one run
// lacks is shown as not measured; entries in only one run are left out.
func TestCompareLevels(t *testing.T) {
	dir := t.TempDir()
	a := writeRun(t, dir, "a", results.Environment{}, map[config.TestType]map[string][]level{
		config.JSON: {
			"gin":   {{connections: 16, rps: []float64{100, 110}}, {connections: 32, rps: []float64{200, 210}}},
			"echo":  {{connections: 16, rps: []float64{90, 95}}},
			"fiber": {{connections: 16, rps: []float64{300, 310}}},
		},
	})
	b := writeRun(t, dir, "b", results.Environment{}, map[config.TestType]map[string][]level{
		config.JSON: {
			"gin":  {{connections: 16, rps: []float64{400, 410}}, {connections: 64, rps: []float64{150, 160}}},
			"echo": {{connections: 16, rps: []float64{91, 94}}},
		},
	})
	c, err := Compare(loadAll(t, a, b))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range c.Groups {
		names = append(names, g.Type+"/"+g.Entry)
	}
	if strings.Join(names, " ") != "json/echo json/gin" {
		t.Fatalf("groups %v, want json/echo json/gin (fiber is in one run only)", names)
	}
	gin := c.Groups[1]
	if gin.Best[0].Level != 32 || gin.Best[1].Level != 16 {
		t.Errorf("best levels %d and %d, want 32 and 16", gin.Best[0].Level, gin.Best[1].Level)
	}
	if gin.Best[1].Verdict != "faster" {
		t.Errorf("best verdict %q, want faster", gin.Best[1].Verdict)
	}
	var levels []int
	for _, l := range gin.Levels {
		levels = append(levels, l.Level)
	}
	if len(levels) != 3 || levels[0] != 16 || levels[1] != 32 || levels[2] != 64 {
		t.Fatalf("levels %v, want [16 32 64]", levels)
	}
	if gin.Levels[1].Figures[1].Present || gin.Levels[2].Figures[0].Present {
		t.Errorf("32 in b or 64 in a marked present")
	}
	if gin.Levels[1].Figures[1].Verdict != "" {
		t.Errorf("absent figure has verdict %q", gin.Levels[1].Figures[1].Verdict)
	}
}

// TestCompareBadRuns: fewer than two runs, or no overlap, is an error naming
// the files.
func TestCompareBadRuns(t *testing.T) {
	dir := t.TempDir()
	a := writeRun(t, dir, "a", results.Environment{}, map[config.TestType]map[string][]level{
		config.JSON: {"gin": {{connections: 16, rps: []float64{100}}}},
	})
	b := writeRun(t, dir, "b", results.Environment{}, map[config.TestType]map[string][]level{
		config.JSON: {"echo": {{connections: 16, rps: []float64{100}}}},
		config.DB:   {"gin": {{connections: 16, rps: []float64{100}}}},
	})
	rs := loadAll(t, a, b)
	if _, err := Compare(rs[:1]); err == nil {
		t.Error("Compare of one run succeeded")
	}
	_, err := Compare(rs)
	if err == nil {
		t.Fatal("Compare of runs without overlap succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, rs[0].Path) || !strings.Contains(msg, rs[1].Path) || strings.Contains(msg, "\n") {
		t.Errorf("error %q: want one line naming both files", msg)
	}
}

func TestDoubtfulLevelsMakeNoClaim(t *testing.T) {
	run := func(label string, rps []float64, bound bool) runs.Run {
		cpu := 2.0
		doc := results.Document{RawData: map[string]map[string][]results.Level{"json": {}}, Repeats: map[string]map[string][][]results.Level{"json": {}}, RepeatCount: 3}
		var reps []results.Level
		for _, r := range rps {
			reps = append(reps, results.Level{Connections: 16, RequestsPerSecond: r, TotalRequests: int64(r * 10), ServerCPUSeconds: &cpu, ClientBound: &bound})
		}
		doc.Repeats["json"]["gin"] = [][]results.Level{reps}
		doc.RawData["json"]["gin"] = reps[:1]
		return runs.NewRun(label+"/results.json", doc)
	}
	c, err := Compare([]runs.Run{run("a", []float64{100, 101, 102}, false), run("b", []float64{200, 201, 202}, true)})
	if err != nil {
		t.Fatal(err)
	}
	f := c.Groups[0].Best[1]
	if f.Verdict != stats.NoClaim.String() || !strings.Contains(f.Doubt, "wrk used at least 90% of its cores") {
		t.Errorf("figure = %+v, want no claim for a client-bound level beyond the base's range", f)
	}
	if f.RequestsPerServerCPUSecond != 1005 {
		t.Errorf("requests per server CPU-second = %v, want 2010 requests / 2 s", f.RequestsPerServerCPUSecond)
	}
	var b strings.Builder
	for _, tab := range c.Tables() {
		for _, row := range tab.Rows {
			for _, cell := range row {
				b.WriteString(cell.Text + "|")
			}
		}
		b.WriteString(strings.Join(tab.Notes, "\n"))
	}
	if !strings.Contains(b.String(), "no claim (client-bound)") || !strings.Contains(b.String(), "(client-bound): wrk's threads") {
		t.Errorf("the tables do not say why there is no claim:\n%s", b.String())
	}
}
