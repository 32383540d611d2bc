package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/wrk"
)

// series identifies one line of data: an entry in a run. Its name is the
// entry's when the report shows one run, "run/entry" when it shows several.
type series struct {
	Run   int    // index into the report's runs
	Entry string // entry name
	Name  string // shown in legends and axes
	Color string
}

// palette colours series alike in every chart of the page, so an entry is
// the same colour throughout (ECharts' default palette, which is easy to
// tell apart).
var palette = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"}

// levelUnit names what a type's levels count.
func levelUnit(tt config.TestType) string {
	switch {
	case tt == config.CachedQuery:
		return "items per request"
	case tt.TakesCount():
		return "queries per request"
	case tt == config.Plaintext:
		return "connections (16 requests pipelined)"
	}
	return "connections"
}

// levelAbbrev is levelUnit in a word, for axis labels.
func levelAbbrev(tt config.TestType) string {
	switch {
	case tt == config.CachedQuery:
		return "items"
	case tt.TakesCount():
		return "queries"
	}
	return "conn."
}

// entriesOf lists the entries a run has measured or verified for a type, in
// the run's framework order, others after them by name.
func entriesOf(doc results.Document, tt config.TestType) []string {
	set := map[string]bool{}
	for e := range doc.RawData[string(tt)] {
		set[e] = true
	}
	for e := range doc.Repeats[string(tt)] {
		set[e] = true
	}
	return ordered(doc.Frameworks, set)
}

// ordered returns the members of set, those in order first and in its
// order, the rest sorted.
func ordered(order []string, set map[string]bool) []string {
	var out []string
	for _, e := range order {
		if set[e] {
			out = append(out, e)
			delete(set, e)
		}
	}
	return append(out, slices.Sorted(maps.Keys(set))...)
}

// seriesOf lists the series of a report: every entry any run measured or
// verified, per run, with a colour each.
func seriesOf(rs []runs.Run) []series {
	names := labels(rs)
	var out []series
	for i, r := range rs {
		set := map[string]bool{}
		for _, tt := range config.TestTypes {
			for _, e := range entriesOf(r.Doc, tt) {
				set[e] = true
			}
		}
		for e := range r.Doc.Verify {
			set[e] = true
		}
		for _, e := range ordered(r.Doc.Frameworks, set) {
			name := e
			if len(rs) > 1 {
				name = names[i] + "/" + e
			}
			out = append(out, series{Run: i, Entry: e, Name: name, Color: palette[len(out)%len(palette)]})
		}
	}
	return out
}

// typeData is what the report shows of one test type.
type typeData struct {
	Type   config.TestType
	Levels []int                // every level any series measured, ascending
	Series []series             // the series that measured this type
	Stats  [][]runs.Measurement // per series (parallel to Series), by level
	At     []map[int]int        // per series: level → index into Stats[i]
	Failed map[string][]int     // entry → runs in which it failed this type

	runs []runs.Run // the report's runs, which Series index
}

// typeDataOf gathers one test type across the runs; ok is false when no run
// measured it.
func typeDataOf(rs []runs.Run, all []series, tt config.TestType) (td typeData, ok bool) {
	td.Type, td.runs = tt, rs
	levels := map[int]bool{}
	for _, s := range all {
		st := rs[s.Run].Measurements(tt, s.Entry)
		if len(st) == 0 {
			continue
		}
		at := map[int]int{}
		for i, l := range st {
			levels[l.Level] = true
			at[l.Level] = i
		}
		td.Series = append(td.Series, s)
		td.Stats = append(td.Stats, st)
		td.At = append(td.At, at)
	}
	td.Levels = slices.Sorted(maps.Keys(levels))
	return td, len(td.Series) > 0
}

// lineSeries is one line of a chart: one value per category, nil where the
// series has no value.
type lineSeries struct {
	Name   string
	Color  string
	Dash   string // ECharts line type: solid, dashed, dotted
	Symbol string // ECharts symbol at each point; empty for the default
	Values []*float64
}

// throughputLines gives, per series, the median requests per second at
// each level of td.Levels.
func throughputLines(td typeData) []lineSeries {
	return perLevel(td, func(l runs.Measurement) (float64, bool) { return l.Summary.Median, true }, "", "solid")
}

// band is the min–max range of one series' repeats at each level, nil
// where a level ran once.
type band struct {
	Name     string
	Color    string
	Min, Max []*float64
}

// throughputBands gives, per series with a repeated level, the min and max
// requests per second of the repeats at each level of td.Levels.
func throughputBands(td typeData) []band {
	var out []band
	for i, s := range td.Series {
		b := band{Name: s.Name, Color: s.Color, Min: make([]*float64, len(td.Levels)), Max: make([]*float64, len(td.Levels))}
		any := false
		for j, level := range td.Levels {
			k, ok := td.At[i][level]
			if !ok || td.Stats[i][k].Summary.N < 2 {
				continue
			}
			lo, hi := td.Stats[i][k].Summary.Min, td.Stats[i][k].Summary.Max
			b.Min[j], b.Max[j] = &lo, &hi
			any = true
		}
		if any {
			out = append(out, b)
		}
	}
	return out
}

// percentiles are the latency percentiles the report draws, each with its
// own line type and symbol so that they can be told apart without colour.
var percentiles = []struct {
	Name   string
	Dash   string
	Symbol string
	Get    func(results.Level) string
}{
	{"p50", "solid", "circle", func(l results.Level) string { return l.LatencyP50 }},
	{"p75", "dashed", "rect", func(l results.Level) string { return l.LatencyP75 }},
	{"p90", "dotted", "triangle", func(l results.Level) string { return l.LatencyP90 }},
	{"p99", "solid", "diamond", func(l results.Level) string { return l.LatencyP99 }},
}

// latencyLines gives, per series and percentile, the latency in
// milliseconds of the median repeat at each level.
func latencyLines(td typeData) []lineSeries {
	var out []lineSeries
	for _, p := range percentiles {
		lines := perLevel(td, func(l runs.Measurement) (float64, bool) {
			d, err := wrk.ParseLatency(p.Get(l.Median))
			if err != nil {
				return 0, false
			}
			return float64(d) / float64(time.Millisecond), true
		}, " "+p.Name, p.Dash)
		for i := range lines {
			lines[i].Symbol = p.Symbol
		}
		out = append(out, lines...)
	}
	// Group the lines by series, so the legend reads gin p50 … p99, then
	// the next entry.
	order := map[string]int{}
	for i, s := range td.Series {
		order[s.Name] = i
	}
	slices.SortStableFunc(out, func(a, b lineSeries) int {
		na, _ := cutLastWord(a.Name)
		nb, _ := cutLastWord(b.Name)
		return cmp.Compare(order[na], order[nb])
	})
	return out
}

// cutLastWord splits "gin p99" into "gin" and "p99".
func cutLastWord(s string) (before, last string) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// cpuLines gives, per series, the server's CPU seconds during each level.
func cpuLines(td typeData) []lineSeries {
	return perLevel(td, func(l runs.Measurement) (float64, bool) {
		if l.Median.ServerCPUSeconds == nil {
			return 0, false
		}
		return *l.Median.ServerCPUSeconds, true
	}, "", "solid")
}

// memoryLines gives, per series, the server's peak memory in MB (10⁶ bytes)
// during each level.
func memoryLines(td typeData) []lineSeries {
	return perLevel(td, func(l runs.Measurement) (float64, bool) {
		if l.Median.ServerPeakMemoryBytes == nil {
			return 0, false
		}
		return float64(*l.Median.ServerPeakMemoryBytes) / 1e6, true
	}, "", "solid")
}

// perLevel makes one line per series from value, nil where a level is
// missing or has no value; series with no value at all are left out.
func perLevel(td typeData, value func(runs.Measurement) (float64, bool), suffix, dash string) []lineSeries {
	var out []lineSeries
	for i, s := range td.Series {
		ls := lineSeries{Name: s.Name + suffix, Color: s.Color, Dash: dash, Values: make([]*float64, len(td.Levels))}
		any := false
		for j, level := range td.Levels {
			k, ok := td.At[i][level]
			if !ok {
				continue
			}
			if v, ok := value(td.Stats[i][k]); ok {
				ls.Values[j] = &v
				any = true
			}
		}
		if any {
			out = append(out, ls)
		}
	}
	return out
}

// best is one series' best level: the one with the highest median rate.
type best struct {
	Run    int // index of the run
	Name   string
	Color  string
	Level  int
	Rates  []float64 // the repeats at the best level
	RPS    stats.Summary
	P99    string // the median repeat's p99 latency, in wrk's spelling
	Errors int64  // socket errors and non-2xx/3xx responses of the median repeat
}

// Whisker reports whether the bar gets a min–max whisker: only when the
// level was measured more than once.
func (b best) Whisker() bool { return b.RPS.N > 1 }

// bestLevels gives each series' best level, in series order, as runs.Best
// finds it.
func bestLevels(td typeData) []best {
	out := make([]best, 0, len(td.Series))
	for _, s := range td.Series {
		top, _ := td.runs[s.Run].Best(td.Type, s.Entry)
		out = append(out, best{
			Run: s.Run, Name: s.Name, Color: s.Color, Level: top.Level, Rates: top.RPS, RPS: top.Summary,
			P99: top.Median.LatencyP99, Errors: top.Median.Errors(),
		})
	}
	return out
}

// Verification statuses as results.json records them, plus the grid's own
// "not run".
const (
	statusPass   = "pass"
	statusWarn   = "warn"
	statusFail   = "fail"
	statusNotRun = "not run"
)

// typesOf lists the test types any run measured, verified or failed, in
// TFB's order.
func typesOf(rs []runs.Run) []config.TestType {
	var out []config.TestType
	for _, tt := range config.TestTypes {
		for _, r := range rs {
			d := r.Doc
			has := len(d.RawData[string(tt)]) > 0 || len(d.Repeats[string(tt)]) > 0 || len(d.Failed[string(tt)]) > 0
			for _, byType := range d.Verify {
				if byType[string(tt)] != "" {
					has = true
				}
			}
			if has {
				out = append(out, tt)
				break
			}
		}
	}
	return out
}

// roles are the parts of a request's cost, in the order the CPU chart
// stacks them, each with its colour. Kernel, where a role has it, gives the
// part of its CPU spent in the kernel, drawn in KernelColor below the rest;
// the two parts are named after Short.
var roles = []struct {
	Name, Short string
	Color       string
	KernelColor string
	Get, Kernel func(runs.Cost) *float64
}{
	{"server (the entry)", "server", "#5470c6", "#a9b8e2",
		func(c runs.Cost) *float64 { return c.Server }, func(c runs.Cost) *float64 { return c.ServerKernel }},
	{"database (PostgreSQL)", "database", "#fac858", "#fde4ab",
		func(c runs.Cost) *float64 { return c.Database }, func(c runs.Cost) *float64 { return c.DatabaseKernel }},
	{"client (wrk)", "client", "#91cc75", "#c8e6ba",
		func(c runs.Cost) *float64 { return c.Client }, func(c runs.Cost) *float64 { return c.ClientKernel }},
	{"other", "other", "#9aa3b2", "",
		func(c runs.Cost) *float64 { return c.Other }, nil},
}

// costBars gives, per role, the CPU microseconds per request at each
// series' best level (parallel to td.Series), and the category names:
// "entry (level)". A role whose kernel time was recorded is two bars, its
// kernel time and the rest (its own code); a series that did not record it
// (results from before it was) has the role's whole time in a third. ok is
// false when no series recorded any role's CPU.
func costBars(td typeData) (cats []string, bars []lineSeries, ok bool) {
	bests := bestLevels(td)
	for _, b := range bests {
		cats = append(cats, fmt.Sprintf("%s\n(%s %d)", b.Name, levelAbbrev(td.Type), b.Level))
	}
	for _, role := range roles {
		kernel := lineSeries{Name: role.Short + ": kernel", Color: role.KernelColor, Values: make([]*float64, len(bests))}
		own := lineSeries{Name: role.Short + ": own code", Color: role.Color, Values: make([]*float64, len(bests))}
		whole := lineSeries{Name: role.Name, Color: role.Color, Values: make([]*float64, len(bests))}
		var split, unsplit bool
		for i, s := range td.Series {
			m, _ := td.runs[s.Run].Best(td.Type, s.Entry)
			v := role.Get(m.Cost)
			if v == nil {
				continue
			}
			ok = true
			var k *float64
			if role.Kernel != nil {
				k = role.Kernel(m.Cost)
			}
			if k == nil {
				whole.Values[i], unsplit = v, true
				continue
			}
			rest := max(*v-*k, 0)
			kernel.Values[i], own.Values[i], split = k, &rest, true
		}
		if split {
			bars = append(bars, kernel, own)
		}
		if unsplit || !split {
			bars = append(bars, whole)
		}
	}
	return cats, bars, ok
}
