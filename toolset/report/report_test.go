package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// writeRun writes doc as dir/results.json, with a raw.txt and a
// verification.txt for gin's json.
func writeRun(t *testing.T, dir string, doc results.Document) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "gin", "json"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"raw.txt": "wrk output\n", "verification.txt": "gin json: PASS\n"} {
		if err := os.WriteFile(filepath.Join(dir, "gin", "json", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, results.FileName)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWriteNeedsRuns(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf)
	if err == nil || !strings.Contains(err.Error(), "no runs") {
		t.Fatalf("Write() = %v, want a no-runs error", err)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "r.html")); err == nil {
		t.Fatal("WriteFile with no runs succeeded")
	}
}

var (
	externalRef   = regexp.MustCompile(`(?i)<(script|link|img|iframe)[^>]+(src|href)\s*=`)
	inlineScripts = regexp.MustCompile(`(?s)<script>.*?</script>`)
	hrefs         = regexp.MustCompile(`href="([^"#][^"]*)"`)
)

func TestWriteFileIsSelfContainedWithRelativeLinks(t *testing.T) {
	root := t.TempDir()
	path := writeRun(t, filepath.Join(root, "run"), repeatedDoc())
	run, err := runs.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "out", FileName)
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	rep := Report{Runs: []runs.Run{run}, Sections: []Section{{
		Title: "Side by side", Intro: "Local run against a published one.",
		Tables: []table.Table{{Title: "json", Headers: []string{"entry", "local req/s", "published req/s"}, Rows: [][]table.Cell{{{Text: "gin"}, {Text: "410"}, {Text: "<b>5,000</b>"}}}}},
	}}}
	if err := rep.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	if strings.Count(page, "<script>") != 2 {
		t.Errorf("page has %d inline scripts, want 2 (ECharts and the one drawing the charts)", strings.Count(page, "<script>"))
	}
	if m := externalRef.FindString(inlineScripts.ReplaceAllString(page, "")); m != "" {
		t.Errorf("page loads something from outside: %s", m)
	}
	for _, want := range []string{"Side by side", "Local run against a published one.", "&lt;b&gt;5,000&lt;/b&gt;", "echarts", "Best level", "FAIL: /db returned 500"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Every link resolves, relative to the page, to a file of the run.
	links := 0
	for _, m := range hrefs.FindAllStringSubmatch(page, -1) {
		u, err := url.Parse(m[1])
		if err != nil || u.Scheme != "" {
			t.Errorf("link %q is not relative", m[1])
			continue
		}
		target := filepath.Join(filepath.Dir(out), filepath.FromSlash(u.Path))
		if _, err := os.Stat(target); err != nil {
			t.Errorf("link %q: %v", m[1], err)
		}
		links++
	}
	if links < 2 {
		t.Errorf("found %d links, want results.json and gin's raw.txt at least", links)
	}
	for _, want := range []string{`href="../run/gin/json/raw.txt"`, `href="../run/gin/json/verification.txt"><span class="status pass">`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestWriteFileOnAPartialRun(t *testing.T) {
	tests := []struct {
		name string
		doc  results.Document
		want string
	}{
		{"just started", results.Document{Frameworks: []string{"gin"}, RawData: map[string]map[string][]results.Level{"json": {}}}, "has not finished"},
		{"interrupted mid-type", results.Document{
			Frameworks:  []string{"gin"},
			Interrupted: true,
			RawData:     map[string]map[string][]results.Level{"json": {"gin": {level(16, 100, "")}}},
			Verify:      map[string]map[string]string{"gin": {"json": "pass", "db": "pass"}},
		}, "was interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), FileName)
			if err := WriteFile(out, runs.Run{Label: "r", Path: filepath.Join(t.TempDir(), "results.json"), Doc: tt.doc}); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
		})
	}
}

// A report written while a run is going, from the results writer's own
// document, as tfb benchmark writes it after every test type.
func TestWriteFileFromARunningWriter(t *testing.T) {
	w, err := results.Create(t.TempDir(), results.Meta{Frameworks: []string{"gin"}, Duration: 2, ConcurrencyLevels: []int{16, 32}})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(w.Dir(), FileName)
	write := func() string {
		t.Helper()
		if err := WriteFile(out, runs.NewRun(w.File(), w.Document())); err != nil {
			t.Fatalf("WriteFile: %v", err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if page := write(); !strings.Contains(page, "has not finished") || !strings.Contains(page, "No entry was verified") {
		t.Error("the page of a run that just started does not say it has not finished and has nothing verified")
	}
	if err := w.SetVerify("gin", "json", "pass", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.AddLevel("gin", "json", 0, level(16, 12345, "2.00ms")); err != nil {
		t.Fatal(err)
	}
	if page := write(); !strings.Contains(page, "12,345") || !strings.Contains(page, `id="type-json"`) {
		t.Error("the page after one level lacks the level's 12,345 req/s or the json section")
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	if page := write(); strings.Contains(page, "has not finished") {
		t.Error("the page of a finished run says it has not finished")
	}
	if entries, _ := os.ReadDir(w.Dir()); len(entries) != 2 {
		t.Errorf("run directory holds %d files, want results.json and report.html (no temporary files left)", len(entries))
	}
}

// Names and findings from results.json are text: they cannot close the
// page's scripts or inject markup.
func TestWriteEscapesNamesAndFindings(t *testing.T) {
	evil := `</script><script>alert(1)</script>`
	doc := results.Document{
		Frameworks:     []string{evil},
		RawData:        map[string]map[string][]results.Level{"json": {evil: {level(16, 100, "1.00ms")}}},
		Verify:         map[string]map[string]string{evil: {"json": "warn"}},
		VerifyProblems: map[string]map[string][]string{evil: {"json": {`WARN: <img src=x onerror=alert(2)>`}}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, runs.Run{Label: evil, Doc: doc}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, raw := range []string{evil, "<img src=x"} {
		if strings.Contains(page, raw) {
			t.Errorf("page contains %q unescaped", raw)
		}
	}
	if strings.Count(page, "<script>") != 2 {
		t.Errorf("page has %d inline scripts, want 2", strings.Count(page, "<script>"))
	}
	if m := hrefs.FindString(page); m != "" {
		t.Errorf("a run without a path got a link: %s", m)
	}
}

func TestCeilingRunGetsItsSection(t *testing.T) {
	doc := repeatedDoc()
	doc.Ceiling = &results.Ceiling{PgbenchSeconds: 3,
		WorldSweep:   results.PgbenchSweep{Points: []results.PgbenchPoint{{Depth: 64, Clients: 8, QueriesPerSecond: 160000}}, Best: results.PgbenchPoint{Depth: 64, Clients: 8, QueriesPerSecond: 160000}},
		FortuneSweep: results.PgbenchSweep{Points: []results.PgbenchPoint{{Depth: 64, Clients: 2, QueriesPerSecond: 60000}}, Best: results.PgbenchPoint{Depth: 64, Clients: 2, QueriesPerSecond: 60000}}}
	var withCeiling, without bytes.Buffer
	if err := Write(&withCeiling, runs.NewRun("results.json", doc)); err != nil {
		t.Fatal(err)
	}
	if err := Write(&without, runs.NewRun("results.json", repeatedDoc())); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">Ceiling<", "/db ÷ ceiling", "world select", "160000"} {
		if !strings.Contains(withCeiling.String(), want) {
			t.Errorf("the ceiling run's page lacks %q", want)
		}
	}
	if strings.Contains(without.String(), "/db ÷ ceiling") {
		t.Error("a run without a ceiling block got a ceiling section")
	}
}

func TestOverheadSection(t *testing.T) {
	doc := repeatedDoc()
	doc.Platforms = map[string]string{"gin": "echo"} // echo standing in for gin's platform entry
	var with, without bytes.Buffer
	if err := Write(&with, runs.NewRun("results.json", doc)); err != nil {
		t.Fatal(err)
	}
	if err := Write(&without, runs.NewRun("results.json", repeatedDoc())); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Framework overhead", "json: framework overhead", "req/s ÷ platform&#39;s"} {
		if !strings.Contains(with.String(), want) {
			t.Errorf("the page of a run with platforms lacks %q", want)
		}
	}
	if strings.Contains(without.String(), "Framework overhead") {
		t.Error("a run without platforms got a framework-overhead section")
	}
}
