package runs

import (
	"math"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/stats"
)

func f(v float64) *float64 { return &v }
func n(v int64) *int64     { return &v }
func b(v bool) *bool       { return &v }

func near(p *float64, want float64) bool {
	return p != nil && math.Abs(*p-want) < 1e-6*math.Max(1, math.Abs(want))
}

func TestCostOf(t *testing.T) {
	l := results.Level{TotalRequests: 100000, ServerCPUSeconds: f(2), DatabaseCPUSeconds: f(1.5), ClientCPUSeconds: f(0.5),
		OtherCPUSeconds: f(0.3), MeasuredSeconds: f(10), DatabaseQueries: n(2000000)}
	c := CostOf(l, 2)
	checks := []struct {
		name string
		got  *float64
		want float64
	}{
		{"server µs per request", c.Server, 20},
		{"database µs per request", c.Database, 15},
		{"client µs per request", c.Client, 5},
		{"other µs per request", c.Other, 3},
		{"queries per request", c.Queries, 20},
		{"requests per server CPU-second", c.RequestsPerServerCPUSecond, 50000},
		{"other share of 2 cores over 10 s", c.OtherShare, 0.015},
	}
	for _, ch := range checks {
		if !near(ch.got, ch.want) {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if c.Disturbed() {
		t.Error("1.5% of the machine counts as disturbed")
	}
	if none := CostOf(results.Level{TotalRequests: 100}, 2); none.Server != nil || none.Queries != nil || none.OtherShare != nil || none.Disturbed() {
		t.Errorf("figures from nothing: %+v", none)
	}
	if zero := CostOf(results.Level{ServerCPUSeconds: f(1)}, 2); zero.Server != nil {
		t.Error("a cost per request of a level without requests")
	}
}

func TestDoubtfulBestLevelsMakeNoClaim(t *testing.T) {
	level := func(rps float64, other float64, clientBound bool) results.Level {
		return results.Level{Connections: 16, RequestsPerSecond: rps, TotalRequests: int64(rps * 10),
			OtherCPUSeconds: f(other), MeasuredSeconds: f(10), ClientBound: b(clientBound)}
	}
	doc := results.Document{Frameworks: []string{"gin", "echo"}, Environment: results.Environment{Cores: 2},
		RawData: map[string]map[string][]results.Level{"json": {}},
		Repeats: map[string]map[string][][]results.Level{"json": {
			"gin":  {{level(100, 0.1, false), level(110, 0.1, false), level(105, 0.1, false)}},
			"echo": {{level(200, 0.1, false), level(210, 5, false), level(205, 0.1, true)}},
		}}}
	for e, reps := range doc.Repeats["json"] {
		doc.RawData["json"][e] = reps[0][:1]
	}
	r := NewRun("results.json", doc)
	m, _ := r.Best(config.JSON, "echo")
	if m.Doubt.ClientBound != 1 || m.Doubt.Disturbed != 1 || m.Doubt.Mark() != "client-bound, disturbed" || math.Abs(m.Doubt.MaxOtherShare-0.25) > 1e-9 {
		t.Errorf("echo's doubt = %+v, want one client-bound and one disturbed repeat (25%%)", m.Doubt)
	}
	c := r.Fastest(config.JSON)
	if c.Entry != "echo" || c.Verdict != stats.NoClaim || c.Marked() {
		t.Fatalf("claim = %+v, want echo highest with no claim", c)
	}
	for _, want := range []string{"no claim about the fastest (echo has the highest median)", "echo: wrk used at least 90% of its cores in 1 of 3 repeats", "other work took up to 25% of the machine in 1 of 3 repeats"} {
		if !strings.Contains(c.Sentence(), want) {
			t.Errorf("sentence %q lacks %q", c.Sentence(), want)
		}
	}
	if got := c.Note("echo"); !strings.Contains(got, "in doubt") {
		t.Errorf("note = %q", got)
	}
}
