package compare

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/round20"
	"github.com/go-tfb/suite/toolset/table"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; got:\n%s", path, got)
	}
}

// sampleOutputs returns the comparison of testdata/run-a and run-b and the
// Round 20 comparison of run-a.
func sampleOutputs(t *testing.T) (Comparison, Round20Comparison) {
	t.Helper()
	rs := loadAll(t, "testdata/run-a", "testdata/run-b")
	c, err := Compare(rs)
	if err != nil {
		t.Fatal(err)
	}
	data, err := round20.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := CompareRound20(rs[0], data)
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

func TestGoldenFormats(t *testing.T) {
	c, r := sampleOutputs(t)
	tests := []struct {
		golden string
		format table.Format
		tables []table.Table
	}{
		{"compare.txt", table.Text, c.Tables()},
		{"compare.md", table.Markdown, c.Tables()},
		{"round20.txt", table.Text, r.Tables()},
		{"round20.md", table.Markdown, r.Tables()},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := table.Write(&b, tc.format, "title", tc.tables, nil, false); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "\x1b[") {
				t.Error("colour codes in uncoloured output")
			}
			golden(t, tc.golden, b.Bytes())
		})
	}
}

// TestTextColour: with colour on, verdicts are coloured and the alignment
// is that of the plain text.
func TestTextColour(t *testing.T) {
	const ansiGreen, ansiRed, ansiDim, ansiBold, ansiReset = "\x1b[32m", "\x1b[31m", "\x1b[2m", "\x1b[1m", "\x1b[0m"
	c, _ := sampleOutputs(t)
	var plain, coloured bytes.Buffer
	if err := table.WriteText(&plain, c.Tables(), false); err != nil {
		t.Fatal(err)
	}
	if err := table.WriteText(&coloured, c.Tables(), true); err != nil {
		t.Fatal(err)
	}
	out := coloured.String()
	for _, want := range []string{ansiGreen + "faster" + ansiReset, ansiRed + "slower" + ansiReset, ansiDim + "within noise" + ansiReset} {
		if !strings.Contains(out, want) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
	stripped := strings.NewReplacer(ansiGreen, "", ansiRed, "", ansiDim, "", ansiBold, "", ansiReset, "").Replace(out)
	if stripped != plain.String() {
		t.Errorf("coloured output without its colour codes differs from the plain output:\n%s", stripped)
	}
}

func TestJSONFormat(t *testing.T) {
	c, r := sampleOutputs(t)
	var b bytes.Buffer
	if err := table.Write(&b, table.JSON, "", nil, c, false); err != nil {
		t.Fatal(err)
	}
	var back Comparison
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("compare JSON does not decode: %v", err)
	}
	if len(back.Runs) != 2 || len(back.Groups) != len(c.Groups) || back.Rule == "" || back.Groups[0].Best[1].Verdict != "faster" {
		t.Errorf("decoded comparison %+v does not match", back)
	}
	b.Reset()
	if err := table.Write(&b, table.JSON, "", nil, r, false); err != nil {
		t.Fatal(err)
	}
	var r20 struct {
		Source struct {
			Round string `json:"round"`
		} `json:"source"`
		Types []Round20Type `json:"types"`
	}
	if err := json.Unmarshal(b.Bytes(), &r20); err != nil {
		t.Fatalf("Round 20 JSON does not decode: %v", err)
	}
	if !strings.HasPrefix(r20.Source.Round, "Round 20") || len(r20.Types) == 0 {
		t.Errorf("Round 20 JSON lacks its source or types: %+v", r20)
	}
}

// TestHTMLFormat: one self-contained page, text escaped, every table there.
func TestHTMLFormat(t *testing.T) {
	c, _ := sampleOutputs(t)
	tables := append(c.Tables(), table.Table{Title: "<script>alert(1)</script>", Headers: []string{"a"}, Rows: [][]table.Cell{{{Text: "x & y"}}}})
	var b bytes.Buffer
	if err := table.Write(&b, table.HTML, "Runs <side by side>", tables, nil, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"<!DOCTYPE html>", "<title>Runs &lt;side by side&gt;</title>", "&lt;script&gt;", "x &amp; y", `class="good">faster`, `class="bad">slower`, `class="plain right">46,000`} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, unwanted := range []string{"<script", "src=", "href=", "http://", "https://"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("HTML holds %q; it must not load anything", unwanted)
		}
	}
	if got, want := strings.Count(out, "<table>"), 3; got != want {
		t.Errorf("%d tables, want %d", got, want)
	}
}
