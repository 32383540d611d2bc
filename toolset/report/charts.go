package report

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-tfb/suite/toolset/table"
)

// The ECharts options of the report's charts, built as maps that encode to
// the JSON ECharts takes.

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
			"symbol": cmp.Or(l.Symbol, "circle"), "symbolSize": 7, "color": l.Color,
			"lineStyle": map[string]any{"type": cmp.Or(l.Dash, "solid"), "width": width},
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
			"label": map[string]any{"formatter": table.Rate(b.RPS.Median)},
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

// stackedBarOption draws one bar per category, stacked from the lines'
// values (one line per part), labelled under it.
func stackedBarOption(cats []string, unit string, parts []lineSeries) map[string]any {
	o := baseOption()
	o["xAxis"] = map[string]any{"type": "category", "data": cats, "axisLabel": map[string]any{"interval": 0, "margin": 12, "lineHeight": 16}}
	o["yAxis"] = valueAxis(unit)
	o["tooltip"] = map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}}
	ss := make([]map[string]any, 0, len(parts))
	for _, p := range parts {
		ss = append(ss, map[string]any{"type": "bar", "name": p.Name, "data": p.Values, "color": p.Color, "stack": "cost", "barMaxWidth": 64})
	}
	o["series"] = ss
	return o
}
