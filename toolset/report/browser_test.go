package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/go-tfb/suite/toolset/runs"
)

// chromiumPath finds a Chromium to drive. Under CI=true its absence fails
// the test; elsewhere the test is skipped.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found (apt-get install chromium, or run .ci/setup)")
	}
	t.Skip("no Chromium found (apt-get install chromium)")
	return ""
}

// chartCheck is what the page says about one chart container.
type chartCheck struct {
	ID      string `json:"id"`
	Canvas  bool   `json:"canvas"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Painted int    `json:"painted"` // pixels with any opacity
	Series  int    `json:"series"`  // series with data in the chart's option
	// SeriesPixels counts, per series colour, the pixels of exactly that
	// colour: the lines and bars the chart drew.
	SeriesPixels map[string]int `json:"seriesPixels"`
}

// checkChartsJS inspects every chart container: its canvas, how much of it
// is painted, and how many pixels carry each series' colour.
const checkChartsJS = `Array.from(document.querySelectorAll('.chart')).map(function (el) {
  var r = {id: el.id, canvas: false, width: 0, height: 0, painted: 0, series: 0, seriesPixels: {}};
  var c = el.querySelector('canvas');
  var inst = echarts.getInstanceByDom(el);
  if (!c || !inst) return r;
  r.canvas = true; r.width = c.width; r.height = c.height;
  var colors = {};
  inst.getOption().series.forEach(function (s) {
    if (s.data && s.data.some(function (v) { return v !== null && v !== '-'; })) r.series++;
    if (typeof s.color === 'string' && s.type !== 'boxplot') colors[s.color.toLowerCase()] = 0;
    (s.data || []).forEach(function (d) { if (d && d.itemStyle && d.itemStyle.color) colors[d.itemStyle.color.toLowerCase()] = 0; });
  });
  var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (var i = 0; i < px.length; i += 4) {
    if (px[i + 3] === 0) continue;
    r.painted++;
    var hex = '#' + [px[i], px[i + 1], px[i + 2]].map(function (v) { return v.toString(16).padStart(2, '0'); }).join('');
    if (hex in colors) colors[hex]++;
  }
  r.seriesPixels = colors;
  return r;
})`

// pageCheck is what a visit of a page in Chromium found.
type pageCheck struct {
	Charts []chartCheck
	// Problems are console errors, uncaught exceptions and requests that
	// are not file: or data:, one line each.
	Problems   []string
	Screenshot []byte // full page, PNG
	// TableRows counts the body rows of the tables in the page's extra
	// sections (the Round 20 section) as laid out: rows with a height.
	TableRows int
	// ScrollWidth is the page's document.scrollWidth in the 1280-pixel
	// window: above 1280 the page scrolls sideways.
	ScrollWidth int
}

// chartFailures says, one line each, which charts did not draw: no canvas,
// no series with data, almost nothing painted, or a series colour that
// covers no more than a legend icon.
func chartFailures(checks []chartCheck) []string {
	var out []string
	if len(checks) == 0 {
		out = append(out, "the page has no chart")
	}
	for _, c := range checks {
		switch {
		case !c.Canvas || c.Width == 0 || c.Height == 0:
			out = append(out, fmt.Sprintf("chart %s: no canvas drawn", c.ID))
		case c.Series == 0:
			out = append(out, fmt.Sprintf("chart %s: no series with data", c.ID))
		case c.Painted < 5000:
			out = append(out, fmt.Sprintf("chart %s: only %d painted pixels", c.ID, c.Painted))
		}
		for color, n := range c.SeriesPixels {
			// A series' legend icon alone is about 100 pixels of its colour;
			// its line or bar adds hundreds more.
			if n < 150 {
				out = append(out, fmt.Sprintf("chart %s: series colour %s covers %d pixels, too few for a drawn line or bar", c.ID, color, n))
			}
		}
	}
	return out
}

// inspectInChromium opens the page from file:// in a fresh headless
// Chromium with the network off, records every console error, uncaught
// exception and request that is not file: or data:, inspects every chart,
// runs each of also in the open page and takes a full-page screenshot.
// Only a failure to drive the browser stops the test.
func inspectInChromium(t *testing.T, page string, also ...func(ctx context.Context)) pageCheck {
	t.Helper()
	exe := chromiumPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	var mu sync.Mutex
	var problems []string
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	// Start the browser and the tab, then listen before navigating.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if err := chromedp.Listen(bctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					var text string
					if json.Unmarshal(a.Value, &text) != nil {
						text = string(a.Value) + a.Description
					}
					parts = append(parts, text)
				}
				problem("console.%s: %s", ev.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			problem("uncaught exception at %d:%d: %s", d.LineNumber+1, d.ColumnNumber+1, text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				problem("browser log error: %s (%s)", ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") {
				problem("request to %s", u)
			}
		}
	}); err != nil {
		t.Fatalf("listen to Chromium: %v", err)
	}
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("enable network events: %v", err)
	}
	if _, err := chromedp.Call(bctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatalf("turn the network off: %v", err)
	}
	if _, err := chromedp.Call(bctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable log events: %v", err)
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx,
		chromedp.Navigate("file://"+filepath.ToSlash(abs)),
		chromedp.WaitReady(chromedp.CSS("body[data-charts-drawn]")),
	); err != nil {
		t.Fatalf("open %s: %v", page, err)
	}
	checks, err := chromedp.Run(bctx, chromedp.Evaluate[[]chartCheck](checkChartsJS))
	if err != nil {
		t.Fatalf("inspect charts: %v", err)
	}
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[int](tableRowsJS))
	if err != nil {
		t.Fatalf("inspect tables: %v", err)
	}
	width, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatalf("inspect the page's width: %v", err)
	}
	for _, f := range also {
		f(bctx)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	t.Logf("%d charts: %+v", len(checks), checks)
	mu.Lock()
	defer mu.Unlock()
	return pageCheck{Charts: checks, Problems: slices.Clone(problems), Screenshot: shot, TableRows: rows, ScrollWidth: width}
}

// tableRowsJS counts the laid-out body rows of the extra sections' tables.
const tableRowsJS = `Array.from(document.querySelectorAll("section.tables tbody tr")).filter(r => r.getBoundingClientRect().height > 0).length`

// keepScreenshot writes the PNG to the test's temporary directory, or to
// $TFB_SCREENSHOT_DIR when set, and logs its path.
func keepScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := os.Getenv("TFB_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// copyDir copies a run directory from testdata, so the report can be
// written beside its results.json as tfb benchmark writes it.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatalf("copy %s: %v", from, err)
	}
}

func TestReportRendersInChromium(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("starts a browser (not with -short, unless CI=true)")
	}
	tests := []struct {
		name string
		rs   []string // directories under testdata
	}{
		{"one run", []string{"run"}},
		{"repeats", []string{"run-repeats"}},
		{"two runs side by side", []string{"run", "run-repeats"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			var rs []runs.Run
			for _, name := range tt.rs {
				dir := filepath.Join(root, name)
				copyDir(t, filepath.Join("testdata", name), dir)
				run, err := runs.Load(dir)
				if err != nil {
					t.Fatal(err)
				}
				rs = append(rs, run)
			}
			out := filepath.Join(rs[0].Dir(), FileName)
			if len(rs) > 1 {
				out = filepath.Join(root, FileName)
			}
			if err := WriteFile(out, rs...); err != nil {
				t.Fatal(err)
			}
			check := inspectInChromium(t, out)
			keepScreenshot(t, strings.ReplaceAll(tt.name, " ", "-")+".png", check.Screenshot)
			for _, p := range check.Problems {
				t.Error(p)
			}
			for _, f := range chartFailures(check.Charts) {
				t.Error(f)
			}
			if check.ScrollWidth > 1280 {
				t.Errorf("the page is %d pixels wide, above the 1280 of the window: it scrolls sideways", check.ScrollWidth)
			}
			if want := 6 * len(typesOf(rs)); len(check.Charts) != want {
				t.Errorf("%d charts on the page, want %d (6 per test type: rate, best level, latency, server CPU, CPU per request by role, memory)", len(check.Charts), want)
			}
			// Every run has gin and fiber in json and db: a Round 20 row each,
			// and a row each in the predictions for Round 20's machine.
			if want := 8 * len(rs); check.TableRows != want {
				t.Errorf("%d rows in the Round 20 tables, want %d (gin and fiber in json and db per run, beside Round 20 and predicted on its machine)", check.TableRows, want)
			}
		})
	}
}

// The checks above must catch a broken page: an empty chart, a console
// error, an uncaught exception and a request to the network.
func TestChromiumChecksCatchABrokenPage(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("starts a browser (not with -short, unless CI=true)")
	}
	dir := t.TempDir()
	copyDir(t, filepath.Join("testdata", "run"), dir)
	run, err := runs.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	// Before the scripts: a chart without data, an image from the network
	// (127.0.0.1:9, where nothing listens), a console error and an
	// exception.
	broken := `<div class="chart" id="empty-chart" data-option="empty-option"></div>` +
		`<script type="application/json" id="empty-option">{"xAxis":{"type":"category","data":["16"]},"yAxis":{"type":"value"},"series":[{"type":"line","data":[null]}]}</script>` +
		`<img src="http://127.0.0.1:9/pixel.png" alt="">` +
		`<div style="width: 2000px; height: 4px"></div>` +
		`<script>console.error("broken on purpose"); window.setTimeout(function () { throw new Error("thrown on purpose"); }, 0);</script>`
	page := strings.Replace(buf.String(), "<footer>", broken+"<footer>", 1)
	path := filepath.Join(dir, "broken.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	check := inspectInChromium(t, path)
	if check.ScrollWidth <= 1280 {
		t.Errorf("a 2000-pixel element left the page %d pixels wide: the width check sees nothing", check.ScrollWidth)
	}
	found := strings.Join(append(check.Problems, chartFailures(check.Charts)...), "\n")
	for _, want := range []string{
		"chart empty-chart: no series with data",
		"request to http://127.0.0.1:9/pixel.png",
		"console.error: broken on purpose",
		"thrown on purpose",
	} {
		if !strings.Contains(found, want) {
			t.Errorf("the checks missed %q; they found:\n%s", want, found)
		}
	}
}
