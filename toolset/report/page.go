package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
)

//go:embed assets/echarts.min.js
var echartsJS string

//go:embed page.html.tmpl
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// page is what the template renders.
type page struct {
	Title       string
	Generated   string
	Runs        []runHeader
	Environment envTable
	Types       []typeSection
	Grid        grid
	Sections    []pageSection
	TableStyle  template.CSS
	Rule        string
	ECharts     template.JS
	// FlameJS is d3 and d3-flame-graph, set only when the page has a
	// flame graph.
	FlameJS template.JS
}

// pageSection is an extra section with its tables rendered.
type pageSection struct {
	Title  string
	Intro  string
	Tables []template.HTML
}

// runHeader introduces one run at the top of the page.
type runHeader struct {
	Label       string
	Name        string
	Results     link
	Started     string
	Interrupted bool
	Unfinished  bool // no completion time yet: the run is going on
	Repeats     int
}

// link is an href relative to the page, with the text to show.
type link struct {
	Text string
	Href string
}

// envTable is the environment table: a column per run, a row per property.
type envTable struct {
	Columns []string
	Rows    [][]string
}

// chart is one chart container and the ECharts option it draws.
type chart struct {
	Wide   bool // spans the width of the page
	ID     string
	Title  string
	Note   string
	Option map[string]any
}

// fileLinks are one series' raw files for a type.
type fileLinks struct {
	Name  string
	Files []link
}

// typeSection is everything shown for one test type.
type typeSection struct {
	Type   string
	Anchor string
	Unit   string
	Charts []chart
	Best   template.HTML   // the table of each series' best level
	Costs  []template.HTML // per run, the cost of every level
	// Overheads are, per run with platform entries, each entry over the
	// entry it runs on.
	Overheads []template.HTML
	// FixedRates are, per run with fixed-rate loads, their table.
	FixedRates []template.HTML
	// Flames are the CPU profiles of the series that have one; Diffs the
	// differentials of later runs against the first.
	Flames []flameGraph
	Diffs  []flameGraph
	// Troubles are, per run that has some, its levels in trouble.
	Troubles []template.HTML
	Links    []fileLinks
	Missing  string // set when no run measured the type
}

// perRunTables renders the table tableOf gives for each run that has one,
// titled with the run's label when there are several.
func perRunTables(rs []runs.Run, tt config.TestType, tableOf func(runs.Run, config.TestType) (table.Table, bool), what string) ([]template.HTML, error) {
	var out []template.HTML
	for i, r := range rs {
		t, ok := tableOf(r, tt)
		if !ok {
			continue
		}
		if len(rs) > 1 {
			t.Title = fmt.Sprintf("%s: %s, run %s", tt, what, labels(rs)[i])
		}
		h, err := table.RenderHTML(t)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// buildPage turns the report into the template's data.
func buildPage(r Report) (page, error) {
	names := labels(r.Runs)
	all := seriesOf(r.Runs)
	types := typesOf(r.Runs)
	p := page{
		Title:      "TFB benchmark report: " + strings.Join(names, ", "),
		Generated:  time.Now().UTC().Format("2006-01-02 15:04:05 UTC"),
		Grid:       verificationGrid(r.Runs, all, types),
		Rule:       stats.Rule,
		TableStyle: template.CSS(table.HTMLStyle),
		ECharts:    template.JS(echartsJS),
	}
	sections := append(ceilingSections(r.Runs, names), r.Sections...)
	if r.Round20 {
		sec, ok, err := round20Section(r.Runs)
		if err != nil {
			return page{}, err
		}
		if ok {
			sections = append([]Section{sec}, sections...)
		}
	}
	for _, sec := range sections {
		ps := pageSection{Title: sec.Title, Intro: sec.Intro}
		for _, t := range sec.Tables {
			h, err := table.RenderHTML(t)
			if err != nil {
				return page{}, fmt.Errorf("section %q: %w", sec.Title, err)
			}
			ps.Tables = append(ps.Tables, h)
		}
		p.Sections = append(p.Sections, ps)
	}
	base, err := filepath.Abs(cmp.Or(r.BaseDir, "."))
	if err != nil {
		return page{}, fmt.Errorf("report directory: %w", err)
	}
	for i, run := range r.Runs {
		d := run.Doc
		p.Runs = append(p.Runs, runHeader{
			Label:       names[i],
			Name:        d.Name,
			Results:     resultsLink(base, run.Path),
			Started:     formatMillis(d.StartTime),
			Interrupted: d.Interrupted,
			Unfinished:  d.CompletionTime == nil,
			Repeats:     max(d.RepeatCount, 1),
		})
	}
	for i, row := range p.Grid.Rows { // rows follow all, one per series
		s := all[i]
		if r.Runs[s.Run].Path == "" {
			continue
		}
		for j := range row.Cells {
			path := filepath.Join(r.Runs[s.Run].Dir(), s.Entry, string(p.Grid.Types[j]), "verification.txt")
			if _, err := os.Stat(path); err == nil {
				row.Cells[j].Href = fileLink(base, path, "").Href
			}
		}
	}
	p.Environment = environmentTable(r.Runs, names)
	for _, tt := range types {
		ts, err := buildTypeSection(r.Runs, all, tt, base, len(p.Types))
		if err != nil {
			return page{}, err
		}
		p.Types = append(p.Types, ts)
		if len(ts.Flames) > 0 && p.FlameJS == "" {
			if p.FlameJS, err = flameJS(); err != nil {
				return page{}, err
			}
		}
	}
	return p, nil
}

// buildTypeSection makes the charts, the best-level table and the file
// links of one test type. n numbers the section, to give chart ids.
func buildTypeSection(rs []runs.Run, all []series, tt config.TestType, base string, n int) (typeSection, error) {
	ts := typeSection{Type: string(tt), Anchor: "type-" + string(tt), Unit: levelUnit(tt)}
	td, ok := typeDataOf(rs, all, tt)
	if !ok {
		ts.Missing = "No level of this type was measured (see the verification grid)."
		return ts, nil
	}
	ts.Charts = typeCharts(td, n)
	names := map[[2]any]string{}
	for _, s := range td.Series {
		names[[2]any{s.Run, s.Entry}] = s.Name
	}
	best, err := table.RenderHTML(summary.BestLevel(tt, rs, func(run int, entry string) string { return names[[2]any{run, entry}] }))
	if err != nil {
		return ts, err
	}
	ts.Best = best
	if ts.Troubles, err = perRunTables(rs, tt, summary.Troubles, "levels in trouble"); err != nil {
		return ts, err
	}
	if ts.Costs, err = perRunTables(rs, tt, summary.Costs, "cost per request"); err != nil {
		return ts, err
	}
	if ts.Overheads, err = perRunTables(rs, tt, summary.Overhead, "framework overhead"); err != nil {
		return ts, err
	}
	if ts.FixedRates, err = fixedRateTables(td); err != nil {
		return ts, err
	}
	if ts.Flames, ts.Diffs, err = profileViews(td, n); err != nil {
		return ts, err
	}
	ts.Links = typeLinks(rs, all, tt, base)
	return ts, nil
}

// typeCharts draws one test type: requests per second by level, the best
// level per series, latency percentiles, and the server's CPU time and
// memory where they were recorded. n numbers the section, to give chart ids.
func typeCharts(td typeData, n int) []chart {
	cats := make([]string, len(td.Levels))
	for i, l := range td.Levels {
		cats[i] = strconv.Itoa(l)
	}
	id := func(kind string) string { return fmt.Sprintf("chart-%d-%s", n, kind) }
	xName := levelUnit(td.Type)

	rps := chart{
		ID: id("rps"), Title: "Requests per second by level",
		Note:   "Median at each level.",
		Option: lineOption(cats, xName, "req/s", throughputLines(td)),
	}
	if bands := throughputBands(td); len(bands) > 0 {
		rps.Note = "Line: median of the repeats at each level. Shaded band: their min–max."
		addBands(rps.Option, bands)
	}
	charts := []chart{rps, {
		ID: id("best"), Title: "Best level per entry",
		Note:   "Bar: median req/s at the entry's best level. Whisker: min–max of the repeats, drawn when the level ran more than once.",
		Option: bestOption(bestLevels(td), levelAbbrev(td.Type)),
	}, {
		ID: id("latency"), Title: "Latency percentiles by level", Wide: true,
		Note:   "wrk's latency distribution at each level (from the median repeat): p50 thin solid line with circles, p75 dashed with squares, p90 dotted with triangles, p99 thick solid line with diamonds. Logarithmic scale.",
		Option: latencyOption(cats, xName, latencyLines(td)),
	}}
	if lines := cpuLines(td); len(lines) > 0 {
		charts = append(charts, chart{
			ID: id("cpu"), Title: "Server CPU time by level",
			Note:   "CPU seconds (user + system) the entry used during the level.",
			Option: barOption(cats, xName, "CPU s", lines),
		})
	}
	if cats, bars, ok := costBars(td); ok {
		charts = append(charts, chart{
			ID: id("cost"), Title: "CPU per request by role, at the best level", Wide: true,
			Note:   "CPU microseconds (user + system) one request cost the entry, PostgreSQL, wrk and everything else on the machine, at each entry's best level (its median repeat). Where a role's kernel (system) time was recorded, its bar is split: the lighter part is the time in the kernel (system calls, the network stack), the darker its own code. A part the runtime could not read is left out.",
			Option: stackedBarOption(cats, "µs/request", bars),
		})
	}
	if lines := memoryLines(td); len(lines) > 0 {
		charts = append(charts, chart{
			ID: id("memory"), Title: "Server peak memory by level",
			Note:   "Peak resident memory of the entry during the level, in MB (10⁶ bytes).",
			Option: barOption(cats, xName, "MB", lines),
		})
	}
	if c, ok := fixedRateChart(td, id("fixed")); ok {
		charts = append(charts, c)
	}
	return charts
}

// typeLinks are each series' raw.txt and verification.txt of a type,
// relative to base.
func typeLinks(rs []runs.Run, all []series, tt config.TestType, base string) []fileLinks {
	var out []fileLinks
	for _, s := range all {
		if rs[s.Run].Path == "" {
			continue // a run given without its file has no files to link
		}
		dir := filepath.Join(rs[s.Run].Dir(), s.Entry, string(tt))
		fl := fileLinks{Name: s.Name}
		for _, name := range []string{"raw.txt", "verification.txt"} {
			path := filepath.Join(dir, name)
			if _, err := os.Stat(path); err == nil {
				fl.Files = append(fl.Files, fileLink(base, path, name))
			}
		}
		for _, prof := range rs[s.Run].Doc.Profiles[string(tt)][s.Entry] {
			path := filepath.Join(rs[s.Run].Dir(), filepath.FromSlash(prof.File))
			if _, err := os.Stat(path); err == nil {
				fl.Files = append(fl.Files, fileLink(base, path, filepath.Base(path)))
			}
		}
		if len(fl.Files) > 0 {
			out = append(out, fl)
		}
	}
	return out
}

// Chart styling shared by every chart.
var (
	textStyle = map[string]any{"fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "fontSize": 12}
	gridBox   = map[string]any{"left": 16, "right": 24, "top": 40, "bottom": 72, "containLabel": true}
)
