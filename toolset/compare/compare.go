// Package compare puts benchmark runs side by side, per entry and test type,
// and says which differences are beyond noise by the rule of package stats;
// it also sets a run beside TechEmpower Round 20's published Go results.
// Runs are read by package runs (this project's results.json and TFB's);
// the results are tables of package table.
package compare

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/table"
)

// Comparison is two or more runs side by side. The first run is the base:
// ratios and verdicts are relative to it.
type Comparison struct {
	Runs   []RunInfo `json:"runs"`
	Groups []Group   `json:"groups"`
	// Profiles sets, per entry and type, the base run's CPU profile beside
	// each other run's, where both took one (tfb benchmark --pprof cpu).
	Profiles []ProfileGroup `json:"profiles,omitempty"`
	// Rule is the verdict rule (stats.Rule).
	Rule string `json:"rule"`
}

// RunInfo describes a run in a comparison.
type RunInfo struct {
	Label  string `json:"label"`
	Path   string `json:"path"`
	Layout string `json:"layout"`
	// Repeats is how many times each level was measured (1 without --repeat
	// and for TFB's files).
	Repeats  int    `json:"repeats"`
	Runtime  string `json:"runtime,omitempty"`
	CPUModel string `json:"cpuModel,omitempty"`
	Cores    int    `json:"cores,omitempty"`
}

// Group is one entry and test type measured in the base run and at least
// one other run.
type Group struct {
	Type  string `json:"type"`
	Entry string `json:"entry"`
	// Best holds, per run (in the order of Comparison.Runs), the run's best
	// level: the one with the highest median requests per second.
	Best []Figure `json:"best"`
	// Levels holds every level any of the runs measured, in ascending order.
	Levels []LevelRow `json:"levels"`
}

// LevelRow is one level across the runs.
type LevelRow struct {
	Level   int      `json:"level"`
	Figures []Figure `json:"figures"` // per run
}

// Figure is one run's measurement of one level.
type Figure struct {
	// Present is false when the run did not measure this entry, type or level.
	Present bool `json:"present"`
	Level   int  `json:"level,omitempty"`
	// N is the number of repeats; Median, Min and Max are over them.
	N      int     `json:"n,omitempty"`
	Median float64 `json:"median,omitempty"`
	Min    float64 `json:"min,omitempty"`
	Max    float64 `json:"max,omitempty"`
	// Ratio is Median over the base run's Median; 0 when either is missing.
	Ratio float64 `json:"ratio,omitempty"`
	// P99 is wrk's 99th percentile latency of the median repeat, in wrk's
	// spelling; empty when the file has none (TFB's files).
	P99 string `json:"p99,omitempty"`
	// RequestsPerServerCPUSecond is the median repeat's requests over the
	// entry's CPU seconds; 0 when the run recorded no server CPU.
	RequestsPerServerCPUSecond float64 `json:"requestsPerServerCpuSecond,omitempty"`
	// ServerMicros is the median repeat's entry CPU microseconds per
	// request, ServerKernelMicros the part of it spent in the kernel; 0
	// when the run recorded none.
	ServerMicros       float64 `json:"serverMicrosPerRequest,omitempty"`
	ServerKernelMicros float64 `json:"serverKernelMicrosPerRequest,omitempty"`
	// Verdict compares this run with the base by stats.Compare: "faster",
	// "slower", "within noise" or "no claim"; empty for the base run itself.
	Verdict string `json:"verdict,omitempty"`
	// Doubt says why this level's rate may not be the entry's own: wrk
	// bound it, or other work disturbed the machine (runs.Doubt). A figure
	// in doubt, or compared with one, gets "no claim".
	Doubt string `json:"doubt,omitempty"`

	samples []float64
	mark    string // the doubt as a short mark
}

// Compare puts runs side by side. It needs at least two runs and at least
// one entry and test type that the first run and another run both measured.
func Compare(rs []runs.Run) (Comparison, error) {
	if len(rs) < 2 {
		return Comparison{}, errors.New("compare needs at least two runs")
	}
	c := Comparison{Rule: stats.Rule}
	seen := map[string]bool{}
	unique := true
	for _, r := range rs {
		c.Runs = append(c.Runs, info(r))
		unique = unique && !seen[r.Label]
		seen[r.Label] = true
	}
	if !unique {
		for i := range c.Runs {
			c.Runs[i].Label = fmt.Sprintf("#%d %s", i+1, c.Runs[i].Label)
		}
	}
	base := rs[0]
	for _, tt := range config.TestTypes {
		for _, entry := range base.Entries(tt) {
			g, ok := group(rs, tt, entry)
			if ok {
				c.Groups = append(c.Groups, g)
			}
		}
	}
	if len(c.Groups) == 0 {
		others := make([]string, 0, len(rs)-1)
		for _, r := range rs[1:] {
			others = append(others, r.Path)
		}
		return Comparison{}, fmt.Errorf("no entry and test type of %s is measured in %s too", base.Path, strings.Join(others, " or "))
	}
	ps, err := runProfiles(rs, c.Runs, c.Groups)
	if err != nil {
		return Comparison{}, err
	}
	c.Profiles = ps
	return c, nil
}

func info(r runs.Run) RunInfo {
	return RunInfo{
		Label:    r.Label,
		Path:     r.Path,
		Layout:   r.Layout,
		Repeats:  max(r.Doc.RepeatCount, 1),
		Runtime:  r.Doc.Environment.Runtime,
		CPUModel: r.Doc.Environment.CPUModel,
		Cores:    r.Doc.Environment.Cores,
	}
}

func group(rs []runs.Run, tt config.TestType, entry string) (Group, bool) {
	g := Group{Type: string(tt), Entry: entry}
	measured := 0
	var levels []int
	for _, r := range rs {
		best, ok := r.Best(tt, entry)
		g.Best = append(g.Best, figure(best, ok))
		if ok {
			measured++
		}
		for _, m := range r.Measurements(tt, entry) {
			levels = insertSorted(levels, m.Level)
		}
	}
	if measured < 2 {
		return Group{}, false
	}
	judge(g.Best)
	for _, level := range levels {
		row := LevelRow{Level: level}
		for _, r := range rs {
			m, ok := r.At(tt, entry, level)
			row.Figures = append(row.Figures, figure(m, ok))
		}
		judge(row.Figures)
		g.Levels = append(g.Levels, row)
	}
	return g, true
}

func insertSorted(xs []int, x int) []int {
	for i, v := range xs {
		if v == x {
			return xs
		}
		if v > x {
			return append(xs[:i], append([]int{x}, xs[i:]...)...)
		}
	}
	return append(xs, x)
}

func figure(m runs.Measurement, ok bool) Figure {
	if !ok {
		return Figure{}
	}
	f := Figure{
		Present: true,
		Level:   m.Level,
		N:       m.Summary.N,
		Median:  m.Summary.Median,
		Min:     m.Summary.Min,
		Max:     m.Summary.Max,
		P99:     m.Median.LatencyP99,
		Doubt:   m.Doubt.Reason(),
		samples: m.RPS,
		mark:    m.Doubt.Mark(),
	}
	if e := m.Cost.RequestsPerServerCPUSecond; e != nil {
		f.RequestsPerServerCPUSecond = *e
	}
	if c := m.Cost.Server; c != nil {
		f.ServerMicros = *c
	}
	if k := m.Cost.ServerKernel; k != nil {
		f.ServerKernelMicros = *k
	}
	return f
}

// judge fills the ratio and verdict of every figure against the first.
func judge(fs []Figure) {
	base := fs[0]
	for i := range fs {
		f := &fs[i]
		if !f.Present || !base.Present {
			continue
		}
		if base.Median > 0 {
			f.Ratio = f.Median / base.Median
		}
		if i > 0 {
			f.Verdict = stats.Compare(base.samples, f.samples).String()
			if f.Doubt != "" || base.Doubt != "" {
				f.Verdict = stats.NoClaim.String()
			}
		}
	}
}

// bestLevel labels the rows of each run's best level.
const bestLevel = "best"

// Tables returns the comparison as tables: the runs, the figures, then
// the CPU profiles side by side.
func (c Comparison) Tables() []table.Table {
	runTable := table.Table{
		Title:   "Runs",
		Headers: []string{"run", "file", "layout", "repeats", "runtime", "machine"},
		Right:   []bool{false, false, false, true},
	}
	for _, r := range c.Runs {
		runTable.Rows = append(runTable.Rows, []table.Cell{
			{Text: r.Label}, {Text: r.Path}, {Text: r.Layout}, {Text: strconv.Itoa(r.Repeats)},
			{Text: dash(r.Runtime)}, {Text: machine(r.CPUModel, r.Cores)},
		})
	}
	t := table.Table{
		Title:   "Requests per second",
		Caption: fmt.Sprintf("Median of the repeats at each run's best level and at every level; ratio to the first run (%s).", c.Runs[0].Label),
		Headers: []string{"type", "entry", "level", "run", "req/s", "min–max", "n", "ratio", "p99", "req/CPU-s", "verdict"},
		Right:   []bool{false, false, false, false, true, true, true, true, true, true},
	}
	noClaim, doubted := false, false
	for _, g := range c.Groups {
		tt := config.TestType(g.Type)
		first := true
		add := func(level string, fs []Figure) {
			for i, f := range fs {
				row := []table.Cell{{}, {}, {}, {Text: c.Runs[i].Label}}
				if first {
					row[0], row[1] = table.Cell{Text: g.Type}, table.Cell{Text: g.Entry}
					first = false
				}
				if i == 0 {
					row[2] = table.Cell{Text: level}
				}
				if f.Present && level == bestLevel {
					// Each run's best level is its own.
					row[2] = table.Cell{Text: "best: " + runs.LevelName(tt, f.Level)}
				}
				t.Rows = append(t.Rows, append(row, figureCells(f, i == 0)...))
				noClaim = noClaim || (i > 0 && f.Verdict == stats.NoClaim.String())
				doubted = doubted || f.mark != ""
			}
		}
		add(bestLevel, g.Best)
		for _, l := range g.Levels {
			add(runs.LevelName(tt, l.Level), l.Figures)
		}
	}
	t.Notes = append(t.Notes, "Verdict rule: "+c.Rule+".")
	if noClaim {
		t.Notes = append(t.Notes, fmt.Sprintf("\"no claim\": a set has fewer than %d repeats, so no difference can be told from noise; measure with tfb benchmark --repeat N.", stats.MinSamples))
	}
	if doubted {
		t.Notes = append(t.Notes, fmt.Sprintf("(client-bound): wrk's threads used %.0f%% or more of their cores, so the rate is wrk's bound; (disturbed): other work took more than %.0f%% of the machine. Either makes \"no claim\", whatever the ranges; the JSON output says why per figure.", 100*results.ClientBoundShare, 100*runs.DisturbedShare))
	}
	t.Notes = append(t.Notes, "req/CPU-s: requests per second of the entry's own CPU (user+system), at the median repeat; it depends on the machine's cores less than req/s does.")
	out := []table.Table{runTable, t}
	for _, p := range c.Profiles {
		out = append(out, p.Table())
	}
	return out
}

// figureCells are a figure's cells from req/s on: the rate, its spread,
// the repeats, the ratio, p99, requests per CPU-second and the verdict
// ("base" for the first run's).
func figureCells(f Figure, base bool) []table.Cell {
	if !f.Present {
		return []table.Cell{{Text: "—"}, {}, {}, {}, {}, {}, {Text: "not measured", Tone: table.Muted}}
	}
	spread := ""
	if f.N > 1 {
		spread = table.Rate(f.Min) + "–" + table.Rate(f.Max)
	}
	ratioText := ""
	if f.Ratio > 0 {
		ratioText = ratio(f.Ratio)
	}
	verdict := table.Cell{Text: "base", Tone: table.Muted}
	if !base {
		verdict = table.Cell{Text: dash(f.Verdict), Tone: verdictTone(f.Verdict)}
	}
	if f.mark != "" {
		verdict.Text += " (" + f.mark + ")"
	}
	efficiency := "—"
	if f.RequestsPerServerCPUSecond > 0 {
		efficiency = table.Rate(f.RequestsPerServerCPUSecond)
	}
	return []table.Cell{{Text: table.Rate(f.Median)}, {Text: spread}, {Text: strconv.Itoa(f.N)},
		{Text: ratioText}, {Text: dash(f.P99)}, {Text: efficiency}, verdict}
}

func verdictTone(v string) table.Tone {
	switch v {
	case stats.Faster.String():
		return table.Good
	case stats.Slower.String():
		return table.Bad
	}
	return table.Muted
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func machine(cpu string, cores int) string {
	switch {
	case cpu != "" && cores > 0:
		return fmt.Sprintf("%s, %d cores", cpu, cores)
	case cores > 0:
		return fmt.Sprintf("%d cores", cores)
	case cpu != "":
		return cpu
	}
	return "—"
}
