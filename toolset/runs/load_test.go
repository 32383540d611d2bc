package runs

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
	if run.Doc.Verify["gin"]["cached_query"] != "pass" || run.Doc.Completed["echo"] != "20201229010500" || len(run.Doc.Failed) != 7 || len(run.Doc.Succeeded["json"]) != 2 {
		t.Errorf("verify %v, completed %v, failed %v, succeeded %v: want TFB's verification kept", run.Doc.Verify, run.Doc.Completed, run.Doc.Failed, run.Doc.Succeeded)
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
		{"directory without results.json", empty, "empty-run/results.json: no such file: " + empty + " is not a results directory"},
		{"empty file", write("empty.json", "  \n"), "the file is empty"},
		{"truncated", write("corrupt.json", `{"rawData": {"json": `), "not a valid results.json: line 1, column 21: unexpected end of JSON input"},
		{"syntax error", write("syntax.json", "{\n  \"rawData\": {]\n}"), "line 2, column 15: invalid character ']'"},
		{"not an object", write("array.json", `[1, 2]`), "not a valid results.json: line 1, column 1: the value holds a JSON array, expected an object"},
		{"not a results file", write("other.json", `{"name": "x"}`), "none of rawData, verify and frameworks"},
		{"rawData not an object", write("rawstring.json", `{"rawData": "x"}`), "rawData: line 1, column 15: the value holds a JSON string, expected an object"},
		{"suite field of the wrong type", write("suite-field.json", "{\"environment\": {}, \"rawData\": {},\n \"duration\": \"fifteen\"}"), `line 2, column 22: field "duration" holds a JSON string, expected an integer`},
		{"TFB unknown test type", write("tfb-unknown.json", `{"concurrencyLevels": [16], "rawData": {"json": {}, "websocket": {"gin": []}}}`), `unknown test type "websocket"`},
		{"suite unknown test type", write("suite-unknown.json", `{"environment": {}, "rawData": {"jsonx": {}}}`), `rawData: unknown test type "jsonx"`},
		{"suite unknown repeats type", write("suite-repeats.json", `{"environment": {}, "rawData": {}, "repeats": {"nope": {}}}`), `repeats: unknown test type "nope"`},
		{"TFB type not an object", write("tfb-type.json", `{"rawData": {"json": [1]}}`), "rawData.json: line 1, column 22: the value holds a JSON array, expected an object"},
		{"TFB more levels than listed", write("tfb-levels.json", `{"concurrencyLevels": [16], "rawData": {"json": {"gin": [{"totalRequests": 1, "startTime": 1, "endTime": 2}, {"totalRequests": 1, "startTime": 1, "endTime": 2}]}}}`), "rawData.json.gin: 2 levels but concurrencyLevels lists 1"},
		{"TFB field of the wrong type", write("tfb-field.json", `{"concurrencyLevels": "16", "rawData": {}}`), `field "concurrencyLevels" holds a JSON string, expected an array`},
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

// TestLoadDirectoryOrFile: a results directory and its results.json give
// the same run, labelled with the directory's name, also when the path is
// "." or ends in "..".
func TestLoadDirectoryOrFile(t *testing.T) {
	file := filepath.Join("testdata", "run-a", "results.json")
	for _, arg := range []string{filepath.Join("testdata", "run-a"), file, filepath.Join("testdata", "run-a", "..", "run-a")} {
		run, err := Load(arg)
		if err != nil {
			t.Fatalf("Load(%s): %v", arg, err)
		}
		if run.Label != "run-a" || filepath.Clean(run.Path) != file || run.Dir() != filepath.Dir(run.Path) || len(run.Doc.RawData["json"]) == 0 {
			t.Errorf("Load(%s) = label %q, path %q, %d json entries; want run-a, %s and its entries", arg, run.Label, run.Path, len(run.Doc.RawData["json"]), file)
		}
	}
	t.Chdir(filepath.Join("testdata", "run-a"))
	run, err := Load(".")
	if err != nil {
		t.Fatal(err)
	}
	if run.Label != "run-a" {
		t.Errorf("Load(.) label %q, want run-a", run.Label)
	}
}

// TestLoadAllStopsAtTheFirstError: LoadAll gives every run in order, or the
// error of the first path that cannot be read.
func TestLoadAllStopsAtTheFirstError(t *testing.T) {
	got, err := LoadAll([]string{"testdata/run-a", "testdata/tfb-results.json"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Layout != LayoutSuite || got[1].Layout != LayoutTFB {
		t.Fatalf("LoadAll = %d runs, want run-a (%s) then the TFB sample (%s)", len(got), LayoutSuite, LayoutTFB)
	}
	_, err = LoadAll([]string{"testdata/run-a", "testdata/nope", "testdata/also-missing"})
	if err == nil || !strings.Contains(err.Error(), "testdata/nope") || strings.Contains(err.Error(), "also-missing") {
		t.Errorf("LoadAll with a missing run: %v, want the error of testdata/nope", err)
	}
}

// TestLoadOlderTFBSpelling: an older TFB's "cached-query" is cached_query
// in rawData and in the verification sections alike.
func TestLoadOlderTFBSpelling(t *testing.T) {
	data := `{"concurrencyLevels": [16, 64], "cachedQueryIntervals": [1, 100],
  "rawData": {"cached-query": {"gin": [{"totalRequests": 3000, "startTime": 10, "endTime": 25}]}},
  "verify": {"gin": {"cached-query": "warn"}}, "failed": {"cached-query": []}, "succeeded": {"cached-query": ["gin"]}}`
	run, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := run.At(config.CachedQuery, "gin", 1)
	if run.Layout != LayoutTFB || !ok || m.Summary.Median != 200 || m.Median.Connections != 64 {
		t.Errorf("layout %q, cached_query gin at 1 item: %v %+v; want TFB's layout, 200 req/s at 64 connections", run.Layout, ok, m)
	}
	d := run.Doc
	if d.Verify["gin"]["cached_query"] != "warn" || d.Failed["cached_query"] == nil || d.Succeeded["cached_query"][0] != "gin" {
		t.Errorf("verify %v failed %v succeeded %v: want them under cached_query", d.Verify, d.Failed, d.Succeeded)
	}
}
