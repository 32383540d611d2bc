package round20

import (
	"bytes"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
)

func TestLoad(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(citrineGo, d.SourceJSON) || len(d.SourceJSON) < 100 {
		t.Errorf("SourceJSON is not the file's source block byte for byte")
	}
	if d.Source.Round == "" || d.Source.Environment == "" || len(d.Source.Caveats) == 0 || d.Source.Levels["query"] == "" {
		t.Errorf("source block not parsed: %+v", d.Source)
	}
	// Published figures, as in the file.
	tests := []struct {
		test        string
		tt          config.TestType
		rps         float64
		connections int
	}{
		{"go", config.JSON, 394544, 512},
		{"go-pgx", config.Query, 19610, 512},
		{"gin", config.Plaintext, 713361, 4096},
		{"fiber", config.CachedQuery, 78770, 512},
	}
	for _, tc := range tests {
		r, ok := d.Tests[tc.test].Result(tc.tt)
		if !ok || r.PublishedRPS != tc.rps || r.Connections != tc.connections {
			t.Errorf("%s %s: %+v (found %v), want %v req/s at %d connections", tc.test, tc.tt, r, ok, tc.rps, tc.connections)
		}
	}
	if _, ok := d.Tests["gin"].Result(config.CachedQuery); ok {
		t.Error("gin has a cached-query result; Round 20's gin had none")
	}
}

func TestTestFor(t *testing.T) {
	tests := []struct {
		entry string
		tt    config.TestType
		want  string
		ok    bool
	}{
		{"nethttp", config.JSON, "go", true},
		{"nethttp", config.Plaintext, "go", true},
		{"nethttp", config.DB, "go-pgx", true},
		{"nethttp", config.Query, "go-pgx", true},
		{"nethttp", config.Update, "go-pgx", true},
		{"nethttp", config.Fortune, "go-pgx-quicktemplate", true},
		{"nethttp", config.CachedQuery, "", false},
		{"gin", config.Fortune, "gin", true},
		{"echo", config.DB, "echo", true},
		{"fiber", config.CachedQuery, "fiber", true},
		{"chi", config.JSON, "chi", true},
		{"fasthttp", config.CachedQuery, "fasthttp", true},
		{"mux", config.JSON, "", false},
		{"unknown", config.JSON, "", false},
		{"tfb-fiber", config.Plaintext, "fiber", true},
		{"tfb-go-pgx", config.DB, "go-pgx", true},
		{"tfb-", config.DB, "", false},
	}
	for _, tc := range tests {
		got, ok := TestFor(tc.entry, tc.tt)
		if got != tc.want || ok != tc.ok {
			t.Errorf("TestFor(%s, %s) = %q, %v; want %q, %v", tc.entry, tc.tt, got, ok, tc.want, tc.ok)
		}
	}
}

func TestHeadlineLevel(t *testing.T) {
	want := map[config.TestType]int{config.JSON: 0, config.Plaintext: 0, config.DB: 0, config.Fortune: 0, config.Query: 20, config.Update: 20, config.CachedQuery: 100}
	for tt, w := range want {
		if got := HeadlineLevel(tt); got != w {
			t.Errorf("HeadlineLevel(%s) = %d, want %d", tt, got, w)
		}
	}
	if TypeName(config.CachedQuery) != "cached-query" || TypeName(config.DB) != "db" {
		t.Error("TypeName does not spell Round 20's names")
	}
}

func TestRequestsPerCPUSecond(t *testing.T) {
	if got, ok := (Result{PublishedRPS: 28000, AppMachineCPUPercent: 50}).RequestsPerCPUSecond(); !ok || got != 2000 {
		t.Errorf("28,000 req/s at 50%% of 28 threads = %v, %v; want 2,000 per thread-second", got, ok)
	}
	if _, ok := (Result{PublishedRPS: 28000}).RequestsPerCPUSecond(); ok {
		t.Error("a rate per CPU-second without a CPU figure")
	}
}
