package runs

import (
	"math"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/stats"
)

func TestOverheads(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	// level is one repeat of a level of 256 connections with the entry's
	// CPU time over 1000 requests.
	level := func(rps, serverSeconds float64) results.Level {
		return results.Level{Connections: 256, RequestsPerSecond: rps, TotalRequests: 1000, ServerCPUSeconds: f(serverSeconds)}
	}
	repeats := func(ls ...results.Level) [][]results.Level { return [][]results.Level{ls} }
	doc := results.Document{
		Frameworks: []string{"nethttp", "gin", "chi", "fiber", "hertz"},
		Platforms:  map[string]string{"gin": "nethttp", "chi": "nethttp", "fiber": "fasthttp"},
		Repeats: map[string]map[string][][]results.Level{"json": {
			"nethttp": repeats(level(100, 0.010), level(104, 0.010), level(102, 0.010)),
			"gin":     repeats(level(80, 0.012), level(82, 0.012), level(81, 0.012)),
			"chi":     repeats(level(99, 0.010), level(103, 0.011), level(101, 0.010)),
			"fiber":   repeats(level(150, 0.005), level(151, 0.005), level(149, 0.005)),
			"hertz":   repeats(level(120, 0.008), level(121, 0.008), level(122, 0.008)),
		}},
		RepeatCount: 3,
	}
	got := NewRun("results.json", doc).Overheads(config.JSON)
	want := []struct {
		entry, platform string
		missing         bool
		ratio, min, max float64
		verdict         stats.Verdict
		cpu             float64
	}{
		{"gin", "nethttp", false, 81.0 / 102, 80.0 / 104, 82.0 / 100, stats.Slower, 1.2},
		{"chi", "nethttp", false, 101.0 / 102, 99.0 / 104, 103.0 / 100, stats.WithinNoise, 1.0},
		{"fiber", "fasthttp", true, 0, 0, 0, stats.NoClaim, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("Overheads = %+v, want %d rows (hertz has no platform entry)", got, len(want))
	}
	for i, w := range want {
		o := got[i]
		if o.Entry != w.entry || o.Platform != w.platform || o.Missing != w.missing || o.Verdict != w.verdict ||
			!approx(o.Ratio, w.ratio) || !approx(o.Min, w.min) || !approx(o.Max, w.max) {
			t.Errorf("row %d = %+v, want %+v", i, o, w)
		}
		if w.missing != (o.CPU == nil) || (o.CPU != nil && !approx(*o.CPU, w.cpu)) {
			t.Errorf("%s: CPU ratio %v, want %v", o.Entry, o.CPU, w.cpu)
		}
	}
}

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
