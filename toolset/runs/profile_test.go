package runs

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/results"
)

func TestBestProfile(t *testing.T) {
	doc := results.Document{
		Frameworks: []string{"gin", "echo", "chi"},
		RawData: map[string]map[string][]results.Level{"json": {
			"gin":  {{Connections: 16, RequestsPerSecond: 100}, {Connections: 32, RequestsPerSecond: 200}},
			"echo": {{Connections: 16, RequestsPerSecond: 300}, {Connections: 32, RequestsPerSecond: 200}},
			"chi":  {{Connections: 16, RequestsPerSecond: 300}},
		}},
		Profiles: map[string]map[string][]results.Profile{"json": {
			// gin: every level kept, the best marked.
			"gin": {{Kind: "cpu", Level: 16, File: "gin/json/cpu-16.pprof"}, {Kind: "heap", Level: 32, File: "gin/json/heap-32.pprof", Best: true},
				{Kind: "cpu", Level: 32, File: "gin/json/cpu-32.pprof", Best: true}},
			// echo: an interrupted run, nothing marked: the best level's.
			"echo": {{Kind: "cpu", Level: 32, File: "echo/json/cpu-32.pprof"}, {Kind: "cpu", Level: 16, File: "echo/json/cpu-16.pprof"}},
			// chi: no CPU profile.
			"chi": {{Kind: "heap", Level: 16, File: "chi/json/heap-16.pprof", Best: true}},
		}},
	}
	dir := t.TempDir()
	r := NewRun(filepath.Join(dir, results.FileName), doc)
	tests := []struct {
		entry, kind string
		file        string // empty: none
	}{
		{"gin", "cpu", "gin/json/cpu-32.pprof"},
		{"gin", "heap", "gin/json/heap-32.pprof"},
		{"echo", "cpu", "echo/json/cpu-16.pprof"},
		{"chi", "cpu", ""},
		{"nethttp", "cpu", ""},
	}
	for _, tt := range tests {
		p, ok := r.BestProfile(config.JSON, tt.entry, tt.kind)
		switch {
		case tt.file == "" && ok:
			t.Errorf("%s %s: %+v, want none", tt.entry, tt.kind, p)
		case tt.file != "" && (!ok || p.File != tt.file || p.Path != filepath.Join(dir, filepath.FromSlash(tt.file))):
			t.Errorf("%s %s: %+v %v, want %s in %s", tt.entry, tt.kind, p, ok, tt.file, dir)
		}
	}
	if got := r.ProfiledEntries(config.JSON, CPU); !slices.Equal(got, []string{"gin", "echo"}) {
		t.Errorf("ProfiledEntries = %v, want gin echo", got)
	}
	if _, ok := (Run{Doc: doc}).BestProfile(config.JSON, "gin", CPU); ok {
		t.Error("a run without a path gave a profile file")
	}
}
