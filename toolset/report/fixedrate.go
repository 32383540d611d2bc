package report

import (
	"fmt"
	"html/template"
	"strconv"

	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/summary"
)

// fixedPercentiles are the fixed-rate latencies the chart draws, in order.
var fixedPercentiles = []struct {
	Name string
	Get  func(results.FixedRate) float64
}{
	{"p50", func(f results.FixedRate) float64 { return f.LatencyP50 }},
	{"p90", func(f results.FixedRate) float64 { return f.LatencyP90 }},
	{"p99", func(f results.FixedRate) float64 { return f.LatencyP99 }},
	{"p99.9", func(f results.FixedRate) float64 { return f.LatencyP999 }},
	{"max", func(f results.FixedRate) float64 { return f.LatencyMax }},
}

// fixedRateDashes tell the fractions of one entry apart without colour.
var fixedRateDashes = []struct{ Dash, Symbol string }{
	{"solid", "circle"}, {"dashed", "rect"}, {"dotted", "triangle"}, {"dashed", "diamond"},
}

// fixedRateLines gives one line per series and fraction of its fixed-rate
// loads of td's type: the latency in milliseconds at each of
// fixedPercentiles. A load the client could not keep says so in its name;
// a load without a result is left out.
func fixedRateLines(td typeData) []lineSeries {
	var out []lineSeries
	for _, s := range td.Series {
		k := 0
		for _, f := range td.runs[s.Run].FixedRates(td.Type) {
			if f.Entry != s.Entry || f.Error != "" {
				continue
			}
			name := fmt.Sprintf("%s at %s%%", s.Name, strconv.FormatFloat(100*f.Fraction, 'f', -1, 64))
			if !f.Sustained {
				name += " (rate not kept)"
			}
			style := fixedRateDashes[k%len(fixedRateDashes)]
			k++
			l := lineSeries{Name: name, Color: s.Color, Dash: style.Dash, Symbol: style.Symbol}
			for _, p := range fixedPercentiles {
				ms := p.Get(f) / 1000
				l.Values = append(l.Values, &ms)
			}
			out = append(out, l)
		}
	}
	return out
}

// fixedRateChart draws the fixed-rate latencies of td's type, false when
// no run loaded it at a fixed rate.
func fixedRateChart(td typeData, id string) (chart, bool) {
	lines := fixedRateLines(td)
	if len(lines) == 0 {
		return chart{}, false
	}
	cats := make([]string, len(fixedPercentiles))
	for i, p := range fixedPercentiles {
		cats[i] = p.Name
	}
	return chart{
		ID: id, Title: "Latency at fixed rates, by percentile", Wide: true,
		Note:   "Open loop (tfb benchmark --fixed-rate): each line is an entry loaded at a fraction of its best level's req/s, its latencies counted from each request's due time. A line named \"rate not kept\" is a load the client could not keep (below 95% of the asked rate): its latencies are the client's, not the entry's. Logarithmic scale.",
		Option: latencyOption(cats, "percentile", lines),
	}, true
}

// fixedRateTables renders summary.FixedRates of td's type for each run
// that has one, titled with the run when the page shows several.
func fixedRateTables(td typeData) ([]template.HTML, error) {
	var out []template.HTML
	names := labels(td.runs)
	for i, r := range td.runs {
		t, ok := summary.FixedRates(r, td.Type)
		if !ok {
			continue
		}
		if len(td.runs) > 1 {
			t.Title += ", run " + names[i]
		}
		h, err := renderTables(t)
		if err != nil {
			return nil, err
		}
		out = append(out, h...)
	}
	return out, nil
}
