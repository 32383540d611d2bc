package summary

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

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

func TestCeilingMarkdown(t *testing.T) {
	world := results.PgbenchSweep{Points: []results.PgbenchPoint{pt(1, 2, 18000), pt(1, 8, 20000), pt(64, 2, 150000), pt(64, 8, 160000)}}
	world.Best = world.Points[3]
	fortune := results.PgbenchSweep{Points: []results.PgbenchPoint{pt(1, 2, 15000), pt(1, 8, 16000), pt(64, 2, 60000), pt(64, 8, 55000)}}
	fortune.Best = fortune.Points[2]
	one := func(rps float64) []results.Level { return []results.Level{{Connections: 256, RequestsPerSecond: rps}} }
	doc := results.Document{
		StartTime:         time.Date(2026, 11, 26, 4, 30, 0, 0, time.UTC).UnixMilli(),
		Frameworks:        []string{"gin", "echo"},
		Duration:          10,
		Threads:           2,
		ConcurrencyLevels: []int{256},
		RawData:           map[string]map[string][]results.Level{"json": {"gin": one(40000)}, "db": {"gin": one(24000)}, "fortune": {"gin": one(20000)}},
		Completed:         map[string]string{"gin": "20261126043100", "echo": "build: exit status 1\nmain.go:1: oops"},
		Ceiling:           &results.Ceiling{PgbenchSeconds: 3, WorldSweep: world, FortuneSweep: fortune},
		Environment:       results.Environment{Runtime: "local"},
	}
	tables, ok := Ceiling(runs.NewRun("results.json", doc))
	if !ok {
		t.Fatal("no ceiling tables")
	}
	var b bytes.Buffer
	if err := table.WriteMarkdown(&b, tables); err != nil {
		t.Fatal(err)
	}
	golden(t, "ceiling.md", b.String())
	for _, banned := range []string{"goal", "✓", "✗"} {
		if strings.Contains(b.String(), banned) {
			t.Errorf("the table speaks of goals (%q)", banned)
		}
	}
	if _, ok := Ceiling(runs.NewRun("results.json", results.Document{})); ok {
		t.Error("tables for a run without a ceiling block")
	}
}

// TestCeilingPassesMarkdown renders a run of three passes beside nginx:
// the rates are medians, and each share is the median of the passes'
// shares with their range. A FrameworkBenchmarks test that serves
// plaintext alone gets dashes for the types it lacks.
func TestCeilingPassesMarkdown(t *testing.T) {
	world := results.PgbenchSweep{Points: []results.PgbenchPoint{pt(64, 8, 160000)}}
	world.Best = world.Points[0]
	passes := func(rps ...float64) [][]results.Level {
		var out []results.Level
		for _, r := range rps {
			out = append(out, results.Level{Connections: 256, RequestsPerSecond: r})
		}
		return [][]results.Level{out}
	}
	doc := results.Document{
		StartTime:         time.Date(2026, 12, 3, 21, 0, 0, 0, time.UTC).UnixMilli(),
		Frameworks:        []string{"fiber", "tfb-gnet", "nginx"},
		Duration:          10,
		Threads:           2,
		ConcurrencyLevels: []int{256},
		RepeatCount:       3,
		Repeats: map[string]map[string][][]results.Level{
			"json":      {"fiber": passes(90000, 80000, 45000), "nginx": passes(100000, 100000, 50000)},
			"plaintext": {"fiber": passes(300000, 330000, 360000), "tfb-gnet": passes(400000, 400000, 400000), "nginx": passes(100000, 110000, 100000)},
			"db":        {"fiber": passes(20000, 21000, 22000)},
			"fortune":   {"fiber": passes(18000, 19000, 17000)},
		},
		Completed:   map[string]string{"fiber": "20261203210500", "tfb-gnet": "20261203210700", "nginx": "20261203211000"},
		Verify:      map[string]map[string]string{"tfb-gnet": {"plaintext": "pass"}},
		Ceiling:     &results.Ceiling{PgbenchSeconds: 3, WorldSweep: world, FortuneSweep: world, Reference: "nginx"},
		Environment: results.Environment{Runtime: "local"},
	}
	tables, _ := Ceiling(runs.NewRun("results.json", doc))
	var b bytes.Buffer
	if err := table.WriteMarkdown(&b, tables); err != nil {
		t.Fatal(err)
	}
	golden(t, "ceiling-passes.md", b.String())
}

// pt is a sweep's point at depth and clients with rate queries per second.
func pt(depth, clients int, rate float64) results.PgbenchPoint {
	return results.PgbenchPoint{Depth: depth, Clients: clients, QueriesPerSecond: rate}
}
