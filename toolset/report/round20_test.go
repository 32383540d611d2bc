package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// titles lists the titles of tables.
func titles(ts []table.Table) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Title
	}
	return out
}

// TestRound20Section: Round 20's source block once, then each run of this
// project's layout per test type; a TFB file is left out; a run without a
// counterpart gets a line saying so.
func TestRound20Section(t *testing.T) {
	run, err := runs.Load("testdata/run")
	if err != nil {
		t.Fatal(err)
	}
	tfb, err := runs.Load("../runs/testdata/tfb-results.json")
	if err != nil {
		t.Fatal(err)
	}
	unmatched := runs.NewRun("other/results.json", results.Document{RawData: map[string]map[string][]results.Level{
		"json": {"express": {{Connections: 16, RequestsPerSecond: 100}}},
	}})

	sec, ok, err := round20Section([]runs.Run{run, tfb, unmatched})
	if err != nil || !ok {
		t.Fatalf("round20Section = ok %v, %v; want a section", ok, err)
	}
	got := titles(sec.Tables)
	want := []string{"TechEmpower Round 20 (source)",
		"json: run beside Round 20", "json: predicted on Round 20's application machine",
		"db: run beside Round 20", "db: predicted on Round 20's application machine",
		"Where Round 20 differs in kind", "other"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Fatalf("tables %q, want %q", got, want)
	}
	source := strings.Join(sec.Tables[0].Notes, "\n")
	for _, w := range []string{"round: Round 20", "environment: ", "published req/s: ", "caveat: "} {
		if !strings.Contains(source, w) {
			t.Errorf("source block lacks %q:\n%s", w, source)
		}
	}
	jsonTable := sec.Tables[1]
	if len(jsonTable.Rows) != 2 || jsonTable.Rows[0][1].Text == "" || !strings.HasSuffix(jsonTable.Rows[0][5].Text, "×") {
		t.Errorf("json table rows %v: want fiber and gin beside their Round 20 tests with a ratio", jsonTable.Rows)
	}
	if notes := sec.Tables[6].Notes; len(notes) != 1 || !strings.Contains(notes[0], "no entry has a Round 20 counterpart") {
		t.Errorf("run without counterparts: notes %q, want one saying so", notes)
	}

	if _, ok, err := round20Section([]runs.Run{tfb}); ok || err != nil {
		t.Errorf("round20Section of a TFB file alone = ok %v, %v; want no section", ok, err)
	}
}

// TestReportRound20Flag: the page has the Round 20 section, source block
// included, exactly when Round20 is set.
func TestReportRound20Flag(t *testing.T) {
	run, err := runs.Load("testdata/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, with := range []bool{true, false} {
		var b bytes.Buffer
		if err := (Report{Runs: []runs.Run{run}, Round20: with}).Write(&b); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		has := strings.Contains(page, `<h2>Round 20</h2>`) && strings.Contains(page, "<h3>TechEmpower Round 20 (source)</h3>") &&
			strings.Contains(page, "<h3>json: run beside Round 20</h3>") && strings.Contains(page, `href="#extra-0">Round 20</a>`)
		if has != with {
			t.Errorf("Round20 %v: page has the Round 20 section: %v", with, has)
		}
	}
}
