package ceiling

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

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
		e                   Entry
		wantDB, wantFortune float64
	}{
		{"each type over its own ceiling",
			Entry{JSON: 100000, DB: 25000, Fortune: 17000, DBCeiling: Ceiling(100000, 50000), FortuneCeiling: Ceiling(100000, 25000)},
			0.75, 0.85},
		{"no ceiling gives no ratio", Entry{JSON: 100000, DB: 25000, Fortune: 17000}, 0, 0},
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

func TestBest(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		want   Point
	}{
		{"highest rate wins, wherever it is",
			[]Point{{1, 2, 18000}, {1, 8, 20000}, {64, 2, 158000}, {64, 8, 170000}, {256, 8, 150000}},
			Point{64, 8, 170000}},
		{"deepest pipeline is not preferred for itself",
			[]Point{{256, 32, 90000}, {16, 8, 120000}},
			Point{16, 8, 120000}},
		{"first of equals", []Point{{16, 2, 100000}, {64, 2, 100000}}, Point{16, 2, 100000}},
		{"nothing measured", nil, Point{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Best(tt.points); got != tt.want {
				t.Errorf("Best = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestPipelineScript(t *testing.T) {
	tests := []struct {
		q      Query
		depth  int
		golden string
	}{
		{WorldQuery, 1, "world-depth1.sql"},
		{WorldQuery, 3, "world-depth3.sql"},
		{FortuneQuery, 3, "fortune-depth3.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			golden(t, tt.golden, PipelineScript(tt.q, tt.depth))
		})
	}
}

func TestParseTPS(t *testing.T) {
	tests := []struct {
		name, out string
		want      float64
		wantErr   bool
	}{
		{"pgbench 15", "transaction type: world-64.sql\nnumber of clients: 8\nlatency average = 3.2 ms\ninitial connection time = 25.1 ms\ntps = 2477.498405 (without initial connection time)\n", 2477.498405, false},
		{"no tps line", "pgbench: error: connection to server failed\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTPS([]byte(tt.out))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseTPS = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestWriteMarkdown(t *testing.T) {
	world := Sweep{Query: WorldQuery.SQL, Points: []Point{{1, 2, 18000}, {1, 8, 20000}, {64, 2, 150000}, {64, 8, 160000}}}
	world.Best = Best(world.Points)
	fortune := Sweep{Query: FortuneQuery.SQL, Points: []Point{{1, 2, 15000}, {1, 8, 16000}, {64, 2, 60000}, {64, 8, 55000}}}
	fortune.Best = Best(fortune.Points)
	opts := DefaultOptions()
	r := &Result{
		Start: time.Date(2026, 11, 26, 4, 30, 0, 0, time.UTC), Runtime: "local", Options: opts,
		WorldSweep: world, FortuneSweep: fortune,
		Entries: []Entry{
			{Name: "gin", JSON: 40000, DB: 24000, Fortune: 20000, DBCeiling: Ceiling(40000, 160000), FortuneCeiling: Ceiling(40000, 60000)},
			{Name: "echo", Error: "build: exit status 1\nmain.go:1: oops"},
		},
	}
	var b strings.Builder
	if err := r.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "ceiling.md", b.String())
	for _, banned := range []string{"goal", "✓", "✗"} {
		if strings.Contains(b.String(), banned) {
			t.Errorf("the table speaks of goals (%q)", banned)
		}
	}
}

// TestResultJSON checks the field names ceiling.json is documented with.
func TestResultJSON(t *testing.T) {
	r := Result{Options: DefaultOptions(), WorldSweep: Sweep{Points: []Point{{64, 8, 1}}}, Entries: []Entry{{Name: "gin", DBCeiling: 1, FortuneCeiling: 2}}}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"worldSweep":`, `"fortuneSweep":`, `"best":`, `"queriesPerSecond":1`, `"depth":64`,
		`"dbCeiling":1`, `"fortuneCeiling":2`, `"pgbenchDepths":[1,16,64,256]`, `"pgbenchClients":[2,8,32]`, `"duration":10000000000`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("ceiling.json lacks %s:\n%s", key, js)
		}
	}
}
