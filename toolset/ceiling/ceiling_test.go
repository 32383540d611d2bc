package ceiling

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/results"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestBest(t *testing.T) {
	tests := []struct {
		name   string
		points []results.PgbenchPoint
		want   results.PgbenchPoint
	}{
		{"highest rate wins, wherever it is",
			[]results.PgbenchPoint{pt(1, 2, 18000), pt(1, 8, 20000), pt(64, 2, 158000), pt(64, 8, 170000), pt(256, 8, 150000)},
			pt(64, 8, 170000)},
		{"deepest pipeline is not preferred for itself",
			[]results.PgbenchPoint{pt(256, 32, 90000), pt(16, 8, 120000)},
			pt(16, 8, 120000)},
		{"first of equals", []results.PgbenchPoint{pt(16, 2, 100000), pt(64, 2, 100000)}, pt(16, 2, 100000)},
		{"nothing measured", nil, results.PgbenchPoint{}},
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
		{"no transaction finished", "number of clients: 32\nduration: 3 s\nnumber of transactions actually processed: 0\nnumber of failed transactions: 0 (NaN%)\n", 0, false},
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

// TestResultJSON checks the field names ceiling.json is documented with.
func TestResultJSON(t *testing.T) {
	r := Result{Options: DefaultOptions(), WorldSweep: results.PgbenchSweep{Points: []results.PgbenchPoint{pt(64, 8, 1)}}, Entries: []Entry{{Name: "gin", DBCeiling: 1, FortuneCeiling: 2}}}
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

// pt is a sweep's point at depth and clients with rate queries per second.
func pt(depth, clients int, rate float64) results.PgbenchPoint {
	return results.PgbenchPoint{Depth: depth, Clients: clients, QueriesPerSecond: rate}
}
