package summary

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/profiles"
	"github.com/go-tfb/suite/toolset/table"
)

func readProfile(t *testing.T, name string) profiles.Profile {
	t.Helper()
	p, err := profiles.Read(filepath.Join("..", "profiles", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProfileTables(t *testing.T) {
	gin, nethttp := readProfile(t, "gin-json-cpu.pprof"), readProfile(t, "nethttp-json-cpu.pprof")
	tests := []struct {
		name  string
		table table.Table
		rows  int
		want  []string // substrings of the text rendering
	}{
		{"top by flat", TopFunctions("gin: top by flat", gin, 5, profiles.ByFlat), 5,
			[]string{"internal/runtime/syscall/linux.Syscall6", "33.3%", "flat: share"}},
		{"top by cum", TopFunctions("nethttp: top by cum", nethttp, 3, profiles.ByCum), 3,
			[]string{"net/http.(*conn).serve", "77.4%"}},
		{"side by side", ProfileChanges("json", "gin", "nethttp", profiles.TopChanges(profiles.Diff(gin, nethttp), 6)), 6,
			[]string{"flat gin", "cum nethttp", "33.3%", "18.9%", "-14.5 pp", "nethttp's share minus gin's"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.table.Rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(tt.table.Rows), tt.rows)
			}
			var buf bytes.Buffer
			if err := table.WriteText(&buf, []table.Table{tt.table}, false); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("missing %q in\n%s", w, buf.String())
				}
			}
		})
	}
}

func TestChangeTone(t *testing.T) {
	tests := []struct {
		delta float64
		text  string
		tone  table.Tone
	}{
		{0.052, "+5.2 pp", table.Bad},
		{-0.08, "-8.0 pp", table.Good},
		{0.0004, "0.0 pp", table.Muted},
		{-0.0004, "0.0 pp", table.Muted},
	}
	for _, tt := range tests {
		if c := change(tt.delta); c.Text != tt.text || c.Tone != tt.tone {
			t.Errorf("change(%v) = %+v, want %q %v", tt.delta, c, tt.text, tt.tone)
		}
	}
}
