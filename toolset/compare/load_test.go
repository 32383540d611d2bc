package compare

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
)

// TestLoadTFBSample reads the hand-written sample of TFB's results.json:
// levels come from the level lists in order, req/s is totalRequests over
// endTime - startTime, "cached-query" is cached_query, and a level without
// a request count is left out.
func TestLoadTFBSample(t *testing.T) {
	run, err := Load("testdata/tfb-results.json")
	if err != nil {
		t.Fatal(err)
	}
	if run.Layout != LayoutTFB || run.Label != "tfb-results.json" {
		t.Errorf("layout %q label %q, want %q and tfb-results.json", run.Layout, run.Label, LayoutTFB)
	}
	tests := []struct {
		tt          config.TestType
		entry       string
		level       int
		connections int
		rps         float64
	}{
		{config.JSON, "gin", 16, 16, 100_000},
		{config.JSON, "gin", 32, 32, 120_000},
		{config.JSON, "gin", 64, 64, 110_000},
		{config.JSON, "echo", 64, 64, 95_000},
		{config.Plaintext, "gin", 256, 256, 400_000},
		{config.Plaintext, "gin", 1024, 1024, 350_000},
		{config.DB, "echo", 16, 16, 30_000},
		{config.DB, "echo", 64, 64, 35_000},
		{config.Query, "gin", 1, 64, 20_000},
		{config.Query, "gin", 20, 64, 2_000},
		{config.CachedQuery, "gin", 1, 64, 40_000},
		{config.CachedQuery, "gin", 100, 64, 10_000},
	}
	for _, tc := range tests {
		m, ok := run.At(tc.tt, tc.entry, tc.level)
		if !ok {
			t.Errorf("%s %s level %d: missing", tc.tt, tc.entry, tc.level)
			continue
		}
		if math.Abs(m.Summary.Median-tc.rps) > 1e-6 || m.Summary.N != 1 {
			t.Errorf("%s %s level %d: %v req/s over %d samples, want %v over 1", tc.tt, tc.entry, tc.level, m.Summary.Median, m.Summary.N, tc.rps)
		}
		if m.Median.Connections != tc.connections {
			t.Errorf("%s %s level %d: %d connections, want %d", tc.tt, tc.entry, tc.level, m.Median.Connections, tc.connections)
		}
	}
	if got := len(run.Measurements(config.DB, "echo")); got != 2 {
		t.Errorf("db echo: %d levels, want 2 (the level without totalRequests left out)", got)
	}
	if best, _ := run.Best(config.JSON, "gin"); best.Level != 32 {
		t.Errorf("json gin best level %d, want 32", best.Level)
	}
	if m, _ := run.At(config.Plaintext, "gin", 1024); m.Median.Timeout != 12 || m.Median.Read != 3 || m.Median.Pipeline != 16 {
		t.Errorf("plaintext gin 1024: timeout %d read %d pipeline %d, want 12, 3, 16", m.Median.Timeout, m.Median.Read, m.Median.Pipeline)
	}
	if got := run.Entries(config.JSON); strings.Join(got, ",") != "echo,gin" {
		t.Errorf("json entries %v, want [echo gin]", got)
	}
}

// TestLoadSuite reads this project's layout, repeats included.
func TestLoadSuite(t *testing.T) {
	run, err := Load("testdata/run-a")
	if err != nil {
		t.Fatal(err)
	}
	if run.Layout != LayoutSuite || run.Label != "run-a" || run.Path != filepath.Join("testdata", "run-a", "results.json") {
		t.Errorf("layout %q label %q path %q", run.Layout, run.Label, run.Path)
	}
	m, ok := run.At(config.JSON, "nethttp", 16)
	if !ok {
		t.Fatal("json nethttp 16: missing")
	}
	if m.Summary.N != 3 || m.Summary.Median != 51_000 || m.Summary.Min != 50_000 || m.Summary.Max != 52_000 {
		t.Errorf("json nethttp 16: %+v, want 3 samples, median 51000, 50000–52000", m.Summary)
	}
	if m.Median.RequestsPerSecond != 51_000 || m.Median.LatencyP99 != "0.90ms" {
		t.Errorf("median repeat %v req/s p99 %s, want the 51000 one with p99 0.90ms", m.Median.RequestsPerSecond, m.Median.LatencyP99)
	}
}

// TestLoadBadInput: every bad input gets one line naming the file and what
// is wrong.
func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := filepath.Join(dir, "empty-run")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing", filepath.Join(dir, "nope"), "no such file or directory"},
		{"directory without results.json", empty, "no results.json in this directory"},
		{"corrupt", write("corrupt.json", `{"rawData": {"json": `), "invalid JSON"},
		{"not an object", write("array.json", `[1, 2]`), "not a results.json"},
		{"no rawData", write("norawdata.json", `{"name": "x"}`), "no rawData"},
		{"rawData not an object", write("rawstring.json", `{"rawData": "x"}`), "rawData:"},
		{"TFB unknown test type", write("tfb-unknown.json", `{"concurrencyLevels": [16], "rawData": {"json": {}, "websocket": {"gin": []}}}`), `unknown test type "websocket"`},
		{"suite unknown test type", write("suite-unknown.json", `{"environment": {}, "rawData": {"jsonx": {}}}`), `rawData: unknown test type "jsonx"`},
		{"suite unknown repeats type", write("suite-repeats.json", `{"environment": {}, "rawData": {}, "repeats": {"nope": {}}}`), `repeats: unknown test type "nope"`},
		{"TFB type not an object", write("tfb-type.json", `{"rawData": {"json": [1]}}`), "rawData.json: the top level is a JSON array"},
		{"TFB more levels than listed", write("tfb-levels.json", `{"concurrencyLevels": [16], "rawData": {"json": {"gin": [{"totalRequests": 1, "startTime": 1, "endTime": 2}, {"totalRequests": 1, "startTime": 1, "endTime": 2}]}}}`), "rawData.json.gin: 2 levels but concurrencyLevels lists 1"},
		{"TFB field of the wrong type", write("tfb-field.json", `{"concurrencyLevels": "16", "rawData": {}}`), "concurrencyLevels is a JSON string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded, want an error", tc.path)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.path) || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s and saying %q", msg, tc.path, tc.want)
			}
		})
	}
}
