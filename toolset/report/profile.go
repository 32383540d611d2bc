package report

import (
	"embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/go-tfb/suite/toolset/profiles"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/summary"
	"github.com/go-tfb/suite/toolset/table"
)

//go:embed assets/flamegraph/*.min.js
var flameAssets embed.FS

// flameModules are the scripts of the flame graphs in the order they load:
// each d3 module after those it needs, d3-flame-graph last.
var flameModules = []string{
	"d3-array", "d3-color", "d3-dispatch", "d3-ease", "d3-format", "d3-interpolate", "d3-time", "d3-time-format",
	"d3-scale", "d3-selection", "d3-timer", "d3-transition", "d3-hierarchy", "d3-flamegraph",
}

// flameJS is the flame graphs' scripts joined, for a page that has one.
func flameJS() (template.JS, error) {
	var b strings.Builder
	for _, m := range flameModules {
		data, err := flameAssets.ReadFile("assets/flamegraph/" + m + ".min.js")
		if err != nil {
			return "", fmt.Errorf("flame graph script %s: %w", m, err)
		}
		b.Write(data)
		b.WriteString("\n;\n")
	}
	return template.JS(b.String()), nil
}

// Profile figures of the page.
const (
	// minFrameShare leaves out of a flame graph the frames below this share
	// of the samples, which could not be seen at the page's width anyway.
	minFrameShare = 0.001
	// topFunctions is the length of each top table and of the differential.
	topFunctions = 15
)

// flameGraph is one flame graph of the page with the tables beside it.
type flameGraph struct {
	ID    string
	Title string
	Note  string
	Tree  *profiles.Node
	// Diff colours the frames by their Delta: red grew, blue shrank.
	Diff bool
	// Scale turns a sample value into Unit for the hover text.
	Scale  float64
	Unit   string
	Tables []template.HTML
}

// profileViews builds the flame graph and top tables of each series of td
// with a CPU profile at its best level, and, when the page has several
// runs, the differential of each later run against the first for every
// entry both profiled. n numbers the section, to give ids.
func profileViews(td typeData, n int) (flames, diffs []flameGraph, err error) {
	read := map[int]profiles.Profile{} // series index → its profile
	for i, s := range td.Series {
		p, ok, err := bestCPUProfile(td.runs[s.Run], td, s.Entry)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		read[i] = p
		top := func(by profiles.Order, what string) table.Table {
			return summary.TopFunctions(fmt.Sprintf("Top %d by %s share", topFunctions, what), p, topFunctions, by)
		}
		fg := flameGraph{
			ID: fmt.Sprintf("flame-%d-%d", n, i), Title: s.Name + ": CPU profile at the best level",
			Note: fmt.Sprintf("%s of CPU samples. Each frame's width is its share of them; a frame sits on its caller. Click a frame to zoom, type in the box to search, hover for its share.", spell(p, p.Total)),
			Tree: p.Tree(minFrameShare),
		}
		fg.Scale, fg.Unit = unitOf(p)
		if fg.Tables, err = renderTables(top(profiles.ByFlat, "flat"), top(profiles.ByCum, "cumulative")); err != nil {
			return nil, nil, err
		}
		flames = append(flames, fg)
	}
	for i, s := range td.Series {
		if s.Run == 0 || !hasKey(read, i) {
			continue
		}
		j, ok := seriesOfEntry(td, 0, s.Entry)
		if !ok || !hasKey(read, j) {
			continue
		}
		base, p := read[j], read[i]
		baseName := td.Series[j].Name
		fg := flameGraph{
			ID: fmt.Sprintf("flame-%d-diff-%d", n, i), Title: fmt.Sprintf("%s against %s: differential CPU profile", s.Name, baseName),
			Note: fmt.Sprintf("%s's profile, each frame coloured by how its share of the samples changed against %s: red grew, blue shrank, grey about the same. Click to zoom, search, hover for the change.", s.Name, baseName),
			Tree: profiles.DiffTree(base, p, minFrameShare), Diff: true,
		}
		fg.Scale, fg.Unit = unitOf(p)
		changes := profiles.Diff(base, p)
		if len(changes) > topFunctions {
			changes = changes[:topFunctions]
		}
		if fg.Tables, err = renderTables(summary.ProfileChanges("Largest changes of share", baseName, s.Name, changes)); err != nil {
			return nil, nil, err
		}
		diffs = append(diffs, fg)
	}
	return flames, diffs, nil
}

// bestCPUProfile reads entry's CPU profile at its best level of td's type,
// false when the run has none or its file is not there.
func bestCPUProfile(r runs.Run, td typeData, entry string) (profiles.Profile, bool, error) {
	f, ok := r.BestProfile(td.Type, entry, runs.CPU)
	if !ok {
		return profiles.Profile{}, false, nil
	}
	return profiles.ReadIfPresent(f.Path)
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

// seriesOfEntry finds the series of entry in run.
func seriesOfEntry(td typeData, run int, entry string) (int, bool) {
	for i, s := range td.Series {
		if s.Run == run && s.Entry == entry {
			return i, true
		}
	}
	return 0, false
}

// unitOf is how the hover text spells a sample value: milliseconds for
// the nanoseconds of a CPU profile, else the profile's own unit.
func unitOf(p profiles.Profile) (scale float64, unit string) {
	if p.Unit == "nanoseconds" {
		return 1e-6, "ms"
	}
	return 1, p.Unit
}

// spell writes a sample value in the profile's unit.
func spell(p profiles.Profile, v int64) string {
	scale, unit := unitOf(p)
	return fmt.Sprintf("%.0f %s", float64(v)*scale, unit)
}

// renderTables renders tables for the page.
func renderTables(ts ...table.Table) ([]template.HTML, error) {
	var out []template.HTML
	for _, t := range ts {
		h, err := table.RenderHTML(t)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}
