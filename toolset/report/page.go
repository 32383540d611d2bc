package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/stats"
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

// bestRow is one line of the table under the best-level chart.
type bestRow struct {
	Name, Level, Median, Range, Repeats, P99, Errors string
	Verdict                                          string // the fastest entry's note, by stats.Rule
}

// fileLinks are one series' raw files for a type.
type fileLinks struct {
	Name  string
	Files []link
}

// typeSection is everything shown for one test type.
type typeSection struct {
	Type    string
	Anchor  string
	Unit    string
	Charts  []chart
	Best    []bestRow
	Links   []fileLinks
	Missing string // set when no run measured the type
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
	sections := r.Sections
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
	base, err := filepath.Abs(cmpOr(r.BaseDir, "."))
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
		p.Types = append(p.Types, buildTypeSection(r.Runs, all, tt, base, len(p.Types)))
	}
	return p, nil
}

// buildTypeSection makes the charts, the best-level table and the file
// links of one test type. n numbers the section, to give chart ids.
func buildTypeSection(rs []runs.Run, all []series, tt config.TestType, base string, n int) typeSection {
	ts := typeSection{Type: string(tt), Anchor: "type-" + string(tt), Unit: levelUnit(tt)}
	td, ok := typeDataOf(rs, all, tt)
	if !ok {
		ts.Missing = "No level of this type was measured (see the verification grid)."
		return ts
	}
	cats := make([]string, len(td.Levels))
	for i, l := range td.Levels {
		cats[i] = strconv.Itoa(l)
	}
	id := func(kind string) string { return fmt.Sprintf("chart-%d-%s", n, kind) }
	xName := levelUnit(tt)

	rps := chart{
		ID: id("rps"), Title: "Requests per second by level",
		Note:   "Median at each level.",
		Option: lineOption(cats, xName, "req/s", throughputLines(td)),
	}
	if bands := throughputBands(td); len(bands) > 0 {
		rps.Note = "Line: median of the repeats at each level. Shaded band: their min–max."
		addBands(rps.Option, bands)
	}
	ts.Charts = append(ts.Charts, rps)
	bests := bestLevels(td)
	ts.Charts = append(ts.Charts, chart{
		ID: id("best"), Title: "Best level per entry",
		Note:   "Bar: median req/s at the entry's best level. Whisker: min–max of the repeats, drawn when the level ran more than once.",
		Option: bestOption(bests, levelAbbrev(tt)),
	})
	ts.Charts = append(ts.Charts, chart{
		ID: id("latency"), Title: "Latency percentiles by level", Wide: true,
		Note:   "wrk's latency distribution at each level (from the median repeat): p50 thin solid line with circles, p75 dashed with squares, p90 dotted with triangles, p99 thick solid line with diamonds. Logarithmic scale.",
		Option: latencyOption(cats, xName, latencyLines(td)),
	})
	if lines := cpuLines(td); len(lines) > 0 {
		ts.Charts = append(ts.Charts, chart{
			ID: id("cpu"), Title: "Server CPU time by level",
			Note:   "CPU seconds (user + system) the entry used during the level.",
			Option: barOption(cats, xName, "CPU s", lines),
		})
	}
	if lines := memoryLines(td); len(lines) > 0 {
		ts.Charts = append(ts.Charts, chart{
			ID: id("memory"), Title: "Server peak memory by level",
			Note:   "Peak resident memory of the entry during the level, in MB (10⁶ bytes).",
			Option: barOption(cats, xName, "MB", lines),
		})
	}
	notes := fastestNotes(bests)
	for i, b := range bests {
		row := bestRow{
			Verdict: notes[i],
			Name:    b.Name, Level: strconv.Itoa(b.Level), Median: formatRate(b.RPS.Median),
			Repeats: strconv.Itoa(b.RPS.N), P99: cmpOr(b.P99, "—"), Errors: strconv.FormatInt(b.Errors, 10),
		}
		if b.Whisker() {
			row.Range = fmt.Sprintf("%s – %s (spread %.0f%% of median)", formatRate(b.RPS.Min), formatRate(b.RPS.Max), 100*b.RPS.RelativeSpread())
		} else {
			row.Range = "one sample"
		}
		ts.Best = append(ts.Best, row)
	}
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
		if len(fl.Files) > 0 {
			ts.Links = append(ts.Links, fl)
		}
	}
	return ts
}

// Chart styling shared by every chart.
var (
	textStyle = map[string]any{"fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "fontSize": 12}
	gridBox   = map[string]any{"left": 16, "right": 24, "top": 40, "bottom": 72, "containLabel": true}
)

// baseOption is the part of every chart's option that does not depend on
// its data: no animation (the page is a document, and screenshots are
// deterministic), a legend under the plot, a tooltip.
func baseOption() map[string]any {
	return map[string]any{
		"animation": false,
		"textStyle": textStyle,
		"grid":      gridBox,
		"legend":    map[string]any{"type": "scroll", "bottom": 0},
		"tooltip":   map[string]any{"trigger": "axis"},
	}
}

// valueAxis is a value y axis named with its unit.
func valueAxis(unit string) map[string]any {
	return map[string]any{
		"type": "value", "name": unit, "nameTextStyle": map[string]any{"fontWeight": "bold", "align": "left"},
		"splitLine": map[string]any{"lineStyle": map[string]any{"color": "#e6e6e6"}},
	}
}

// categoryAxis is the x axis of levels.
func categoryAxis(cats []string, name string) map[string]any {
	return map[string]any{
		"type": "category", "data": cats, "name": name,
		"nameLocation": "middle", "nameGap": 28, "nameTextStyle": map[string]any{"fontWeight": "bold"},
	}
}

// lineOption draws one line per series over the levels.
func lineOption(cats []string, xName, unit string, lines []lineSeries) map[string]any {
	o := baseOption()
	o["xAxis"] = categoryAxis(cats, xName)
	o["yAxis"] = valueAxis(unit)
	ss := make([]map[string]any, 0, len(lines))
	for _, l := range lines {
		width := 2.0
		switch {
		case strings.HasSuffix(l.Name, " p99"):
			width = 3.5
		case strings.HasSuffix(l.Name, " p50"):
			width = 1.5
		}
		ss = append(ss, map[string]any{
			"type": "line", "name": l.Name, "data": l.Values, "connectNulls": true,
			"symbol": cmpOr(l.Symbol, "circle"), "symbolSize": 7, "color": l.Color,
			"lineStyle": map[string]any{"type": cmpOr(l.Dash, "solid"), "width": width},
		})
	}
	o["series"] = ss
	return o
}

// addBands shades each band under its series' line: an invisible line at
// the minimum and, stacked on it, an area as high as max − min. The band
// series share the line's name, so its legend entry hides them together,
// and are silent, so the tooltip (per point) shows the medians only.
func addBands(o map[string]any, bands []band) {
	ss := o["series"].([]map[string]any)
	for i, b := range bands {
		height := make([]*float64, len(b.Min))
		for j := range b.Min {
			if b.Min[j] != nil && b.Max[j] != nil {
				h := *b.Max[j] - *b.Min[j]
				height[j] = &h
			}
		}
		stack := fmt.Sprintf("band-%d", i)
		common := func(data []*float64) map[string]any {
			return map[string]any{
				"type": "line", "name": b.Name, "data": data, "stack": stack, "silent": true,
				"symbol": "none", "color": b.Color, "lineStyle": map[string]any{"opacity": 0},
			}
		}
		low, high := common(b.Min), common(height)
		high["areaStyle"] = map[string]any{"color": b.Color, "opacity": 0.18}
		ss = append(ss, low, high)
	}
	o["series"] = ss
	o["tooltip"] = map[string]any{"trigger": "item"}
}

// latencyOption draws the latency lines on a logarithmic axis (p99 is often
// ten times p50), with a legend that wraps instead of scrolling.
func latencyOption(cats []string, xName string, lines []lineSeries) map[string]any {
	o := lineOption(cats, xName, "ms", lines)
	y := valueAxis("ms (log scale)")
	y["type"] = "log"
	y["logBase"] = 10
	o["yAxis"] = y
	rows := (len(lines) + 7) / 8
	o["legend"] = map[string]any{"type": "plain", "bottom": 0, "itemWidth": 36}
	o["grid"] = map[string]any{"left": 16, "right": 24, "top": 40, "bottom": 48 + 24*rows, "containLabel": true}
	return o
}

// barOption draws grouped bars, one per series at each level.
func barOption(cats []string, xName, unit string, lines []lineSeries) map[string]any {
	o := baseOption()
	o["xAxis"] = categoryAxis(cats, xName)
	o["yAxis"] = valueAxis(unit)
	o["tooltip"] = map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}}
	ss := make([]map[string]any, 0, len(lines))
	for _, l := range lines {
		ss = append(ss, map[string]any{"type": "bar", "name": l.Name, "data": l.Values, "color": l.Color})
	}
	o["series"] = ss
	return o
}

// bestOption draws one bar per series at its best level, labelled with its
// median, and a min–max whisker (a boxplot whose box is flat at the
// median) where the level was repeated.
func bestOption(bests []best, levelShort string) map[string]any {
	o := baseOption()
	cats := make([]string, len(bests))
	bars := make([]map[string]any, len(bests))
	var whiskers []any
	for i, b := range bests {
		cats[i] = fmt.Sprintf("%s\n(%s %d)", b.Name, levelShort, b.Level)
		bars[i] = map[string]any{
			"value": roundTo(b.RPS.Median, 0), "itemStyle": map[string]any{"color": b.Color},
			"label": map[string]any{"formatter": formatRate(b.RPS.Median)},
		}
		if b.Whisker() {
			whiskers = append(whiskers, []float64{roundTo(b.RPS.Min, 0), roundTo(b.RPS.Median, 0), roundTo(b.RPS.Median, 0), roundTo(b.RPS.Median, 0), roundTo(b.RPS.Max, 0)})
		} else {
			whiskers = append(whiskers, "-")
		}
	}
	o["xAxis"] = map[string]any{"type": "category", "data": cats, "axisLabel": map[string]any{"interval": 0, "margin": 12, "lineHeight": 16}}
	o["yAxis"] = valueAxis("req/s")
	o["tooltip"] = map[string]any{"trigger": "item"}
	o["legend"] = map[string]any{"bottom": 0, "data": []string{"median req/s", "min–max of repeats"}}
	series := []map[string]any{{
		"type": "bar", "name": "median req/s", "data": bars, "barMaxWidth": 64, "color": "#9aa3b2",
		"label": map[string]any{"show": true, "position": "insideBottom", "distance": 10, "color": "#fff", "fontWeight": "bold"},
	}}
	for _, w := range whiskers {
		if w != "-" {
			series = append(series, map[string]any{
				"type": "boxplot", "name": "min–max of repeats", "data": whiskers, "boxWidth": []int{12, 24},
				"color": "#222", "itemStyle": map[string]any{"color": "transparent", "borderColor": "#222", "borderWidth": 2},
			})
			break
		}
	}
	o["series"] = series
	return o
}

func roundTo(v float64, digits int) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', digits, 64), 64)
	return f
}

// environmentTable lists, per run, where and how it was made.
func environmentTable(rs []runs.Run, names []string) envTable {
	t := envTable{Columns: append([]string{""}, names...)}
	rows := []struct {
		name string
		get  func(runs.Run) string
	}{
		{"Name", func(r runs.Run) string { return specified(r.Doc.Name) }},
		{"Started", func(r runs.Run) string { return formatMillis(r.Doc.StartTime) }},
		{"Finished", func(r runs.Run) string {
			switch {
			case r.Doc.Interrupted:
				return "interrupted at " + formatMillisPtr(r.Doc.CompletionTime)
			case r.Doc.CompletionTime == nil:
				return "not yet (run in progress or stopped without a trace)"
			}
			return formatMillisPtr(r.Doc.CompletionTime)
		}},
		{"Runtime", func(r runs.Run) string { return r.Doc.Environment.Runtime }},
		{"CPU", func(r runs.Run) string { return r.Doc.Environment.CPUModel }},
		{"Cores", func(r runs.Run) string { return positive(r.Doc.Environment.Cores) }},
		{"Memory", func(r runs.Run) string { return formatBytes(r.Doc.Environment.MemoryBytes) }},
		{"OS / arch", func(r runs.Run) string { return joinNonEmpty(" / ", r.Doc.Environment.OS, r.Doc.Environment.Arch) }},
		{"Kernel", func(r runs.Run) string { return r.Doc.Environment.Kernel }},
		{"Go", func(r runs.Run) string { return r.Doc.Environment.GoVersion }},
		{"wrk", func(r runs.Run) string { return r.Doc.Environment.WrkVersion }},
		{"PostgreSQL", func(r runs.Run) string { return r.Doc.Environment.PostgresVersion }},
		{"Entry limits", func(r runs.Run) string {
			e := r.Doc.Environment
			return joinNonEmpty(", ", prefixed("cpuset ", e.CPUSet), prefixed("memory ", e.MemoryLimit))
		}},
		{"Git commit", func(r runs.Run) string {
			if r.Doc.Git == nil {
				return ""
			}
			return joinNonEmpty(" ", r.Doc.Git.CommitID, parenthesized(r.Doc.Git.BranchName))
		}},
		{"Command line", func(r runs.Run) string { return strings.Join(r.Doc.Environment.CommandLine, " ") }},
		{"Duration per level", func(r runs.Run) string { return positive(r.Doc.Duration) + prefixed("", unitIf(r.Doc.Duration, " s")) }},
		{"Repeats per level", func(r runs.Run) string { return strconv.Itoa(max(r.Doc.RepeatCount, 1)) }},
		{"Concurrency levels", func(r runs.Run) string { return joinInts(r.Doc.ConcurrencyLevels) }},
		{"Pipeline concurrency levels", func(r runs.Run) string { return joinInts(r.Doc.PipelineConcurrency) }},
		{"Query levels", func(r runs.Run) string { return joinInts(r.Doc.QueryIntervals) }},
		{"Cached query levels", func(r runs.Run) string { return joinInts(r.Doc.CachedQueryIntervals) }},
		{"Description", func(r runs.Run) string { return specified(r.Doc.EnvironmentDescription) }},
		{"Note", func(r runs.Run) string { return r.Doc.Environment.ServerCPUNote }},
	}
	for _, row := range rows {
		cells := []string{row.name}
		any := false
		for _, r := range rs {
			v := strings.TrimSpace(row.get(r))
			any = any || v != ""
			cells = append(cells, cmpOr(v, "—"))
		}
		if any {
			t.Rows = append(t.Rows, cells)
		}
	}
	return t
}

// resultsLink links to a run's results.json; none for a run without a path.
func resultsLink(base, path string) link {
	if path == "" {
		return link{}
	}
	return fileLink(base, path, "results.json")
}

// fileLink links to path relative to base, as a URL path (each segment
// escaped), or as a file:// URL when no relative path exists.
func fileLink(base, path, text string) link {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil {
		return link{Text: text, Href: (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}
	}
	return link{Text: text, Href: (&url.URL{Path: filepath.ToSlash(rel)}).String()}
}

// specified drops the "(unspecified)" TFB writes for a name or description
// not given.
func specified(s string) string {
	if s == "(unspecified)" {
		return ""
	}
	return s
}

func formatMillis(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
}

func formatMillisPtr(ms *int64) string {
	if ms == nil {
		return "unknown time"
	}
	return formatMillis(*ms)
}

func positive(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func unitIf(n int, unit string) string {
	if n <= 0 {
		return ""
	}
	return unit
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, " ")
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
