package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

func fixedClock() func() time.Time {
	t := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return func() time.Time { return t }
}

func testMeta() Meta {
	return Meta{
		Frameworks:                []string{"gin", "echo"},
		Duration:                  15,
		ConcurrencyLevels:         []int{16, 32},
		PipelineConcurrencyLevels: []int{256},
		QueryLevels:               []int{1, 20},
		CachedQueryLevels:         []int{1, 100},
		Environment:               Environment{Runtime: "local", Cores: 2},
	}
}

func readRaw(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("results.json is not valid JSON: %v", err)
	}
	return m
}

// readDocument reads the results.json at path as a Document.
func readDocument(t *testing.T, path string) Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return d
}

func TestCreateWritesTFBSkeleton(t *testing.T) {
	root := t.TempDir()
	w, err := create(root, testMeta(), fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "20260304050607"); w.Dir() != want {
		t.Errorf("Dir = %s, want %s", w.Dir(), want)
	}
	m := readRaw(t, w.File())
	for _, key := range []string{"uuid", "name", "environmentDescription", "git", "startTime", "completionTime",
		"concurrencyLevels", "pipelineConcurrencyLevels", "queryIntervals", "cachedQueryIntervals",
		"frameworks", "duration", "rawData", "completed", "succeeded", "failed", "verify", "environment"} {
		if _, ok := m[key]; !ok {
			t.Errorf("results.json lacks top-level key %q", key)
		}
	}
	if m["completionTime"] != nil {
		t.Errorf("completionTime = %v before Finish, want null", m["completionTime"])
	}
	raw := m["rawData"].(map[string]any)
	for _, tt := range config.TestTypes {
		if _, ok := raw[string(tt)]; !ok {
			t.Errorf("rawData lacks test type %s", tt)
		}
		if got := m["succeeded"].(map[string]any)[string(tt)]; got == nil {
			t.Errorf("succeeded[%s] is null, want []", tt)
		}
	}
}

func TestTimestampCollisionGetsSuffix(t *testing.T) {
	root := t.TempDir()
	w1, err := create(root, testMeta(), fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	w2, err := create(root, testMeta(), fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	if w1.Dir() == w2.Dir() {
		t.Fatalf("two runs share %s", w1.Dir())
	}
}

func TestWriterKeepsFileCurrent(t *testing.T) {
	cpu, mem := 1.5, int64(12<<20)
	steps := []struct {
		name  string
		apply func(*Writer) error
		check func(*testing.T, Document)
	}{
		{
			name:  "verify status",
			apply: func(w *Writer) error { return w.SetVerify("gin", config.JSON, "pass", nil) },
			check: func(t *testing.T, d Document) {
				if d.Verify["gin"]["json"] != "pass" || d.VerifyProblems != nil {
					t.Errorf("verify = %v, problems = %v", d.Verify, d.VerifyProblems)
				}
			},
		},
		{
			name: "verify status with findings",
			apply: func(w *Writer) error {
				return w.SetVerify("echo", config.DB, "warn", []string{"warn: Server header missing (/db)"})
			},
			check: func(t *testing.T, d Document) {
				if d.Verify["echo"]["db"] != "warn" || !slices.Equal(d.VerifyProblems["echo"]["db"], []string{"warn: Server header missing (/db)"}) {
					t.Errorf("verify = %v, problems = %v", d.Verify, d.VerifyProblems)
				}
			},
		},
		{
			name: "first level",
			apply: func(w *Writer) error {
				return w.AddLevel("gin", config.JSON, 0, Level{TotalRequests: 100, Connections: 16, LatencyAvg: "1.00ms", StartTime: 1, EndTime: 3, ServerCPUSeconds: &cpu, ServerPeakMemoryBytes: &mem})
			},
			check: func(t *testing.T, d Document) {
				if got := d.RawData["json"]["gin"]; len(got) != 1 || got[0].TotalRequests != 100 || *got[0].ServerCPUSeconds != 1.5 {
					t.Errorf("rawData.json.gin = %+v", got)
				}
			},
		},
		{
			name: "second level appends",
			apply: func(w *Writer) error {
				return w.AddLevel("gin", config.JSON, 1, Level{TotalRequests: 200, Connections: 32})
			},
			check: func(t *testing.T, d Document) {
				if got := d.RawData["json"]["gin"]; len(got) != 2 || got[1].Connections != 32 {
					t.Errorf("rawData.json.gin = %+v", got)
				}
				if d.Repeats != nil || d.RepeatCount != 1 {
					t.Errorf("one repeat per level: repeats = %v, repeatCount = %d", d.Repeats, d.RepeatCount)
				}
			},
		},
		{
			name: "failed then succeeded moves the entry",
			apply: func(w *Writer) error {
				if err := w.MarkFailed("gin", config.JSON); err != nil {
					return err
				}
				return w.MarkSucceeded("gin", config.JSON)
			},
			check: func(t *testing.T, d Document) {
				if !slices.Equal(d.Succeeded["json"], []string{"gin"}) || len(d.Failed["json"]) != 0 {
					t.Errorf("succeeded %v failed %v", d.Succeeded["json"], d.Failed["json"])
				}
			},
		},
		{
			name:  "completed with a message",
			apply: func(w *Writer) error { return w.Completed("echo", "Build failed") },
			check: func(t *testing.T, d Document) {
				if d.Completed["echo"] != "Build failed" {
					t.Errorf("completed = %v", d.Completed)
				}
			},
		},
		{
			name:  "completed with a timestamp",
			apply: func(w *Writer) error { return w.Completed("gin", "") },
			check: func(t *testing.T, d Document) {
				if d.Completed["gin"] != "20260304050607" {
					t.Errorf("completed = %v", d.Completed)
				}
			},
		},
		{
			name:  "finish",
			apply: func(w *Writer) error { return w.Finish() },
			check: func(t *testing.T, d Document) {
				if d.CompletionTime == nil || *d.CompletionTime != d.StartTime || d.Interrupted {
					t.Errorf("completionTime = %v, interrupted = %v", d.CompletionTime, d.Interrupted)
				}
			},
		},
	}
	w, err := create(t.TempDir(), testMeta(), fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			if err := step.apply(w); err != nil {
				t.Fatal(err)
			}
			// Read from disk: what an interrupted run would leave behind.
			d := readDocument(t, w.File())
			step.check(t, d)
		})
	}
	m := readRaw(t, w.File())
	level := m["rawData"].(map[string]any)["json"].(map[string]any)["gin"].([]any)[0].(map[string]any)
	for _, key := range []string{"latencyAvg", "totalRequests", "startTime", "endTime", "connect", "read", "write", "timeout", "5xx", "serverCpuSeconds", "serverPeakMemoryBytes"} {
		if _, ok := level[key]; !ok {
			t.Errorf("level lacks key %q: %v", key, level)
		}
	}
	entries, _ := os.ReadDir(w.Dir())
	for _, e := range entries {
		if e.Name() != FileName {
			t.Errorf("stray file %s left in the run directory", e.Name())
		}
	}
}

func TestEntryFile(t *testing.T) {
	w, err := create(t.TempDir(), testMeta(), fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.EntryFile("gin", config.Plaintext, "raw.txt")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(w.Dir(), "gin", "plaintext", "raw.txt"); p != want {
		t.Errorf("EntryFile = %s, want %s", p, want)
	}
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Errorf("EntryFile's directory was not created: %v", err)
	}
}

func TestLevelRepeats(t *testing.T) {
	a, b, c := Level{TotalRequests: 1}, Level{TotalRequests: 2}, Level{TotalRequests: 3}
	d := Document{
		RawData: map[string]map[string][]Level{"json": {"gin": {a, b}, "echo": {c}}},
		Repeats: map[string]map[string][][]Level{"json": {"gin": {{a, c}, {b, b}}}},
	}
	if got := d.LevelRepeats("json", "gin"); len(got) != 2 || len(got[0]) != 2 || got[0][1] != c {
		t.Errorf("with repeats: got %+v", got)
	}
	if got := d.LevelRepeats("json", "echo"); len(got) != 1 || len(got[0]) != 1 || got[0][0] != c {
		t.Errorf("from rawData: got %+v", got)
	}
	if got := d.LevelRepeats("db", "gin"); len(got) != 0 {
		t.Errorf("absent: got %+v", got)
	}
}

func TestRepeatsKeepEveryMeasurementAndTheMedianInRawData(t *testing.T) {
	meta := testMeta()
	meta.RepeatCount = 3
	w, err := create(t.TempDir(), meta, fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	// Two levels, three repeats each, in the order a run makes them:
	// repeat 1 of both levels, then repeat 2, then repeat 3.
	rps := [][]float64{{300, 100, 200}, {50, 70, 60}}
	for rep := range 3 {
		for level := range rps {
			l := Level{Connections: 16 << level, RequestsPerSecond: rps[level][rep], TotalRequests: int64(rep)}
			if err := w.AddLevel("gin", config.JSON, level, l); err != nil {
				t.Fatal(err)
			}
		}
	}
	d := readDocument(t, w.File())
	if d.RepeatCount != 3 {
		t.Errorf("repeatCount = %d, want 3", d.RepeatCount)
	}
	reps := d.Repeats["json"]["gin"]
	if len(reps) != 2 || len(reps[0]) != 3 || len(reps[1]) != 3 {
		t.Fatalf("repeats = %+v, want 2 levels of 3", reps)
	}
	for level := range rps {
		for rep := range 3 {
			if got := reps[level][rep].RequestsPerSecond; got != rps[level][rep] {
				t.Errorf("repeats[%d][%d] = %v req/s, want %v (the order they ran)", level, rep, got, rps[level][rep])
			}
		}
	}
	raw := d.RawData["json"]["gin"]
	if len(raw) != 2 || raw[0].RequestsPerSecond != 200 || raw[0].TotalRequests != 2 || raw[1].RequestsPerSecond != 60 || raw[1].TotalRequests != 2 {
		t.Errorf("rawData = %+v, want the median repeats (200 and 60 req/s, both the third)", raw)
	}
	if got := d.LevelRepeats("json", "gin"); len(got) != 2 || len(got[1]) != 3 {
		t.Errorf("LevelRepeats = %+v", got)
	}
}

func TestFinishInterruptedMarksTheRunAndFileIsWorldReadable(t *testing.T) {
	w, err := create(t.TempDir(), testMeta(), fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.FinishInterrupted(); err != nil {
		t.Fatal(err)
	}
	m := readRaw(t, w.File())
	if m["interrupted"] != true || m["completionTime"] == nil {
		t.Errorf("interrupted = %v, completionTime = %v; want true and the stop time", m["interrupted"], m["completionTime"])
	}
	info, err := os.Stat(w.File())
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o644 {
		t.Errorf("results.json mode = %v, want 0644", perm)
	}
}

func TestAddLevelRejectsANegativeIndex(t *testing.T) {
	w, err := create(t.TempDir(), testMeta(), fixedClock())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddLevel("gin", config.JSON, -1, Level{}); err == nil {
		t.Error("AddLevel(-1) succeeded")
	}
}
