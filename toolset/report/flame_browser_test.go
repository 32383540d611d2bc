package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/go-tfb/suite/toolset/runs"
)

// flameCheck is what the page says about one flame graph.
type flameCheck struct {
	ID    string `json:"id"`
	Rects int    `json:"rects"` // frames drawn: rects of the graph's SVG
	Width int    `json:"width"` // of the SVG, in pixels
	// Diff is set on a differential graph; Coloured counts its frames
	// whose fill is not the grey of an unchanged frame.
	Diff     bool `json:"diff"`
	Coloured int  `json:"coloured"`
}

// checkFlamesJS inspects every flame graph of the page.
const checkFlamesJS = `Array.from(document.querySelectorAll('.flame')).map(function (el) {
  var svg = el.querySelector('svg');
  var rects = el.querySelectorAll('svg rect');
  var coloured = Array.from(rects).filter(function (r) { var f = r.getAttribute('fill') || ''; return f !== '' && f.replace(/\s/g, '') !== 'rgb(220,220,220)'; }).length;
  return {id: el.id, rects: rects.length, width: svg ? Math.round(svg.getBoundingClientRect().width) : 0, diff: el.dataset.diff === 'true', coloured: coloured};
})`

// searchResult is what searching the first flame graph did.
type searchResult struct {
	Highlighted int    `json:"highlighted"` // frames in the search colour
	Details     string `json:"details"`     // the line beside the box
	Cleared     int    `json:"cleared"`     // frames still highlighted once the box is empty
}

// searchFlameJS types term into the first flame graph's box, waits for the
// graph to redraw, counts the frames in d3-flame-graph's highlight colour,
// then empties the box and counts again.
const searchFlameJS = `new Promise(function (resolve) {
  var main = document.querySelector('.flame-main');
  var box = main.querySelector('.flame-search');
  function lit() { return Array.from(main.querySelectorAll('svg rect')).filter(function (r) { return (r.getAttribute('fill') || '').toLowerCase() === '#e600e6'; }).length; }
  box.value = TERM; box.dispatchEvent(new Event('input'));
  setTimeout(function () {
    var r = {highlighted: lit(), details: main.querySelector('.flame-details').textContent};
    box.value = ''; box.dispatchEvent(new Event('input'));
    setTimeout(function () { r.cleared = lit(); resolve(r); }, 300);
  }, 300);
})`

// The report of two runs with CPU profiles and fixed-rate loads, opened
// with the network off: every entry's flame graph and the differential of
// the second run against the first drawn, search highlighting frames, the
// fixed-rate chart and its verdicts there, and the page no wider than the
// window.
func TestReportFlameGraphsInChromium(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("starts a browser (not with -short, unless CI=true)")
	}
	root := t.TempDir()
	var rs []runs.Run
	for _, name := range []string{"run-profiles", "run-profiles-b"} {
		dir := filepath.Join(root, name)
		copyDir(t, filepath.Join("testdata", name), dir)
		run, err := runs.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, run)
	}
	out := filepath.Join(root, FileName)
	if err := WriteFile(out, rs...); err != nil {
		t.Fatal(err)
	}
	var flames []flameCheck
	var search searchResult
	var text string
	check := inspectInChromium(t, out, func(ctx context.Context) {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body[data-flames-drawn]"))); err != nil {
			t.Fatalf("wait for the flame graphs: %v", err)
		}
		var err error
		if flames, err = chromedp.Run(ctx, chromedp.Evaluate[[]flameCheck](checkFlamesJS)); err != nil {
			t.Fatalf("inspect flame graphs: %v", err)
		}
		js := strings.Replace(searchFlameJS, "TERM", "'syscall'", 1)
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if search, err = chromedp.Run(sctx, chromedp.Evaluate[searchResult](js, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatalf("search a flame graph: %v", err)
		}
		if text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
			t.Fatalf("read the page: %v", err)
		}
	})
	keepScreenshot(t, "flame-graphs.png", check.Screenshot)
	for _, p := range check.Problems {
		t.Error(p)
	}
	for _, f := range chartFailures(check.Charts) {
		t.Error(f)
	}
	if check.ScrollWidth > 1280 {
		t.Errorf("the page is %d pixels wide, above the 1280 of the window", check.ScrollWidth)
	}
	t.Logf("flame graphs: %+v; search: %+v", flames, search)
	for _, f := range flameFailures(flames, search) {
		t.Error(f)
	}
	fixed := 0
	for _, c := range check.Charts {
		if strings.HasSuffix(c.ID, "-fixed") {
			fixed++
		}
	}
	if fixed != 2 {
		t.Errorf("%d fixed-rate charts, want 2 (json and plaintext)", fixed)
	}
	for _, want := range []string{"Top 15 by flat share", "Top 15 by cumulative share", "Largest changes of share",
		"json: latency at fixed rates", "client could not keep the rate", "Latency at fixed rates, by percentile", "cpu-32.pprof"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
}

// flameFailures says, one line each, what is wrong with the report's flame
// graphs: json's gin and nethttp in both runs and plaintext's in the first
// make six graphs, and the second run's json two differentials; each
// graph drawn at its box's width, a differential coloured by change, and
// search lighting frames up and clearing.
func flameFailures(flames []flameCheck, search searchResult) []string {
	var out []string
	plain, diffs := 0, 0
	for _, f := range flames {
		if f.Diff {
			diffs++
			if f.Coloured == 0 {
				out = append(out, fmt.Sprintf("%s: a differential with no frame coloured by its change", f.ID))
			}
		} else {
			plain++
		}
		if f.Rects < 20 {
			out = append(out, fmt.Sprintf("%s: %d frames drawn, want a graph", f.ID, f.Rects))
		}
		if f.Width < 400 || f.Width > 1280 {
			out = append(out, fmt.Sprintf("%s: %d pixels wide, want the width of its box", f.ID, f.Width))
		}
	}
	if plain != 6 || diffs != 2 {
		out = append(out, fmt.Sprintf("%d flame graphs and %d differentials, want 6 and 2", plain, diffs))
	}
	if search.Highlighted == 0 || !strings.Contains(search.Details, "search:") || search.Cleared != 0 {
		out = append(out, fmt.Sprintf("searching for syscall: %+v, want frames highlighted, a search line, and none once cleared", search))
	}
	return out
}
