package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
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

// openInChromium opens the page from file:// in a fresh headless Chromium
// with no network, fails the test on any console error, uncaught exception
// or request that is not file: or data:, checks that every chart drew, and
// returns a full-page PNG screenshot.
func openInChromium(t *testing.T, page string) []byte {
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
					parts = append(parts, string(a.Value)+a.Description)
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
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}

	if len(checks) == 0 {
		t.Error("the page has no chart")
	}
	for _, c := range checks {
		switch {
		case !c.Canvas || c.Width == 0 || c.Height == 0:
			t.Errorf("chart %s: no canvas drawn (%+v)", c.ID, c)
		case c.Series == 0:
			t.Errorf("chart %s: no series with data", c.ID)
		case c.Painted < 5000:
			t.Errorf("chart %s: only %d painted pixels", c.ID, c.Painted)
		}
		for color, n := range c.SeriesPixels {
			// A series' legend icon alone is about 100 pixels of its colour;
			// its line or bar adds hundreds more.
			if n < 150 {
				t.Errorf("chart %s: series colour %s covers %d pixels, too few for a drawn line or bar", c.ID, color, n)
			}
		}
	}
	t.Logf("%d charts drew: %+v", len(checks), checks)
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
	return shot
}

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
	if testing.Short() {
		t.Skip("starts a browser")
	}
	tests := []struct {
		name string
		runs []string // directories under testdata
	}{
		{"one run", []string{"run"}},
		{"repeats", []string{"run-repeats"}},
		{"two runs side by side", []string{"run", "run-repeats"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			var runs []Run
			for _, name := range tt.runs {
				dir := filepath.Join(root, name)
				copyDir(t, filepath.Join("testdata", name), dir)
				run, err := Load(dir)
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, run)
			}
			out := filepath.Join(runs[0].Dir(), FileName)
			if len(runs) > 1 {
				out = filepath.Join(root, FileName)
			}
			if err := WriteFile(out, runs...); err != nil {
				t.Fatal(err)
			}
			png := openInChromium(t, out)
			keepScreenshot(t, strings.ReplaceAll(tt.name, " ", "-")+".png", png)
		})
	}
}
