package compare

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/table"
)

// loadRuns loads runs from testdata directories, this package's or the
// report's (which hold the runs with CPU profiles).
func loadRuns(t *testing.T, dirs ...string) []runs.Run {
	t.Helper()
	rs, err := runs.LoadAll(dirs)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

var (
	profiledA = filepath.Join("..", "report", "testdata", "run-profiles")
	profiledB = filepath.Join("..", "report", "testdata", "run-profiles-b")
)

// render writes tables in every format and returns the outputs by format.
func render(t *testing.T, tables []table.Table, value any) map[table.Format]string {
	t.Helper()
	out := map[table.Format]string{}
	for _, f := range table.Formats {
		var buf bytes.Buffer
		if err := table.Write(&buf, f, "test", tables, value, false); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[f] = buf.String()
	}
	return out
}

func TestCompareProfiles(t *testing.T) {
	tests := []struct {
		name     string
		dirs     []string
		profiles int      // profile groups
		want     []string // in every format but JSON
	}{
		{"both runs profiled: json's two entries", []string{profiledA, profiledB}, 2,
			[]string{"json, gin: CPU profile, run-profiles-b beside run-profiles", "internal/runtime/syscall/linux.Syscall6", "flat run-profiles", "cum run-profiles-b", "pp"}},
		{"no profiles: no table", []string{filepath.Join("testdata", "run-a"), filepath.Join("testdata", "run-b")}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compare(loadRuns(t, tt.dirs...))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Profiles) != tt.profiles {
				t.Fatalf("%d profile groups, want %d", len(c.Profiles), tt.profiles)
			}
			out := render(t, c.Tables(), c)
			for _, f := range []table.Format{table.Text, table.Markdown, table.HTML} {
				for _, w := range tt.want {
					if !strings.Contains(out[f], w) && !strings.Contains(out[f], strings.ReplaceAll(w, "(*", "(\\*")) {
						t.Errorf("%s output lacks %q", f, w)
					}
				}
				if tt.profiles == 0 && strings.Contains(out[f], "CPU profile") {
					t.Errorf("%s output of runs without profiles has a profile table", f)
				}
			}
			var decoded struct {
				Profiles []ProfileGroup `json:"profiles"`
			}
			if err := json.Unmarshal([]byte(out[table.JSON]), &decoded); err != nil {
				t.Fatal(err)
			}
			if len(decoded.Profiles) != tt.profiles {
				t.Errorf("JSON has %d profile groups, want %d", len(decoded.Profiles), tt.profiles)
			}
			for _, g := range decoded.Profiles {
				if len(g.Functions) != TopProfileFunctions || g.Base != "run-profiles" || g.Other != "run-profiles-b" {
					t.Errorf("group %s %s: %d functions, %s beside %s", g.Type, g.Entry, len(g.Functions), g.Other, g.Base)
				}
			}
		})
	}
}

func TestCompareEntries(t *testing.T) {
	r := loadRuns(t, profiledA)[0]
	c, err := CompareEntries(r, "gin", "nethttp")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Types) != 2 || len(c.Profiles) != 2 {
		t.Fatalf("%d types and %d profile groups, want 2 and 2 (json, plaintext)", len(c.Types), len(c.Profiles))
	}
	for _, p := range c.Types {
		if p.Best[1].Ratio <= 0 || p.Best[1].Verdict == "" {
			t.Errorf("%s: nethttp's best %+v, want a ratio and a verdict against gin", p.Type, p.Best[1])
		}
	}
	out := render(t, c.Tables(), c)
	for _, w := range []string{"nethttp beside gin", "json: CPU profile, nethttp beside gin", "plaintext: CPU profile, nethttp beside gin", "flat gin", "flat nethttp"} {
		if !strings.Contains(out[table.Text], w) {
			t.Errorf("text output lacks %q:\n%s", w, out[table.Text])
		}
	}
	errs := []struct{ a, b, want string }{
		{"gin", "gin", "two different entries"},
		{"gin", "chi", "no test type measured for both gin and chi"},
	}
	for _, e := range errs {
		if _, err := CompareEntries(r, e.a, e.b); err == nil || !strings.Contains(err.Error(), e.want) {
			t.Errorf("CompareEntries(%s, %s) = %v, want %q", e.a, e.b, err, e.want)
		}
	}
	// A run without profiles: the best levels, no profile table, no error.
	plain := loadRuns(t, filepath.Join("testdata", "run-a"))[0]
	pc, err := CompareEntries(plain, "gin", "nethttp")
	if err != nil || len(pc.Profiles) != 0 || len(pc.Types) == 0 {
		t.Errorf("run without profiles: %v, %d types, %d profile groups, want types and no profile group", err, len(pc.Types), len(pc.Profiles))
	}
}

// TestCompareEntriesCost splits the two entries' server CPU per request
// into the kernel's part and their own code, where the run recorded both.
func TestCompareEntriesCost(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	level := func(rps, cpu, kernel float64) results.Level {
		l := results.Level{Connections: 256, RequestsPerSecond: rps, TotalRequests: int64(rps * 10), ServerCPUSeconds: f(cpu)}
		if kernel > 0 {
			l.ServerKernelCPUSeconds = f(kernel)
		}
		return l
	}
	doc := results.Document{Frameworks: []string{"fasthttp", "nethttp"}, Environment: results.Environment{Cores: 2},
		RawData: map[string]map[string][]results.Level{
			// 1,000,000 requests each: 8 µs (5 in the kernel) against 10 µs (6).
			"json": {"fasthttp": {level(100000, 8, 5)}, "nethttp": {level(100000, 10, 6)}},
			// No kernel time recorded: no row.
			"plaintext": {"fasthttp": {level(100000, 4, 0)}, "nethttp": {level(100000, 5, 0)}},
		}}
	c, err := CompareEntries(runs.NewRun("results.json", doc), "fasthttp", "nethttp")
	if err != nil {
		t.Fatal(err)
	}
	tables := c.Tables()
	var cost *table.Table
	for i := range tables {
		if strings.HasPrefix(tables[i].Title, "Server CPU per request") {
			cost = &tables[i]
		}
	}
	if cost == nil {
		t.Fatalf("no cost table among %d tables", len(tables))
	}
	if len(cost.Rows) != 2 {
		t.Fatalf("%d rows, want json's two (plaintext has no kernel time)", len(cost.Rows))
	}
	var texts []string
	for _, cell := range cost.Rows[1] {
		texts = append(texts, cell.Text)
	}
	want := []string{"", "nethttp", "10.00", "1.25×", "6.00", "1.20×", "4.00", "1.33×"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("nethttp's row = %q, want %q", texts, want)
	}
	plain := loadRuns(t, filepath.Join("testdata", "run-a"))[0]
	pc, err := CompareEntries(plain, "gin", "nethttp")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pc.costTable(); ok {
		t.Error("a cost table for a run that recorded no kernel time")
	}
}
