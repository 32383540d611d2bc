package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// writeReportRun writes a small results.json into dir and returns dir.
func writeReportRun(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	doc := `{"frameworks": ["gin"], "rawData": {"json": {"gin": [{"connections": 16, "requestsPerSecond": 1234, "totalRequests": 2468, "startTime": 1, "endTime": 3, "connect": 0, "read": 0, "write": 0, "timeout": 0, "5xx": 0, "latencyP99": "2.00ms"}]}}, "verify": {"gin": {"json": "pass"}}, "completionTime": 2}`
	if err := os.WriteFile(filepath.Join(dir, "results.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReportCommand(t *testing.T) {
	root := t.TempDir()
	runA := writeReportRun(t, filepath.Join(root, "a"))
	runB := writeReportRun(t, filepath.Join(root, "b"))
	corrupt := filepath.Join(root, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	tfbFile, err := filepath.Abs("../../runs/testdata/tfb-results.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring
		wantStderr string // substring; the whole stderr must be one line then
		wantFile   string // written page
		round20    int    // 1: the page must have the Round 20 section; -1: must not; 0: either
	}{
		{"help", []string{"--help"}, base.ExitOK, "tfb report RUN... [-o FILE]", "", "", 0},
		{"no run", nil, base.ExitUsage, "", "tfb report: no run given", "", 0},
		{"unknown flag", []string{runA, "--colour"}, base.ExitUsage, "", "tfb report: unknown flag --colour", "", 0},
		{"-o without value", []string{runA, "-o"}, base.ExitUsage, "", "tfb report: -o needs a value", "", 0},
		{"missing run", []string{filepath.Join(root, "nope")}, base.ExitFailed, "", "tfb report: " + filepath.Join(root, "nope") + ": no such file", "", 0},
		{"corrupt run", []string{corrupt}, base.ExitFailed, "", "tfb report: " + corrupt + ": not a valid results.json", "", 0},
		{"one run: beside results.json", []string{runA}, base.ExitOK, filepath.Join(runA, "report.html"), "", filepath.Join(runA, "report.html"), 0},
		{"two runs: current directory", []string{runA, runB}, base.ExitOK, "report.html", "", filepath.Join(root, "report.html"), 0},
		{"-o before and after runs", []string{"-o", "x.html", runA}, base.ExitOK, "x.html", "", filepath.Join(root, "x.html"), 0},
		{"--output after runs", []string{runA, runB, "--output", "y.html"}, base.ExitOK, "y.html", "", filepath.Join(root, "y.html"), 1},
		{"--no-round20", []string{runA, "--no-round20", "-o", "z.html"}, base.ExitOK, "z.html", "", filepath.Join(root, "z.html"), -1},
		{"TFB's results.json", []string{tfbFile, "-o", "tfb.html"}, base.ExitOK, "tfb.html", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"report"}, tt.args...), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tt.wantStdout)
			}
			if tt.wantStderr == "" && stderr.Len() > 0 {
				t.Errorf("unexpected stderr %q", stderr.String())
			}
			if tt.wantStderr != "" {
				first, _, _ := strings.Cut(stderr.String(), "\n")
				if !strings.Contains(first, tt.wantStderr) {
					t.Errorf("stderr %q lacks %q on its first line", stderr.String(), tt.wantStderr)
				}
			}
			if tt.wantFile != "" {
				data, err := os.ReadFile(tt.wantFile)
				if err != nil {
					t.Fatalf("page not written: %v", err)
				}
				if !bytes.Contains(data, []byte("1,234")) {
					t.Error("page does not show gin's 1,234 req/s")
				}
				if has := bytes.Contains(data, []byte("<h2>Round 20</h2>")); tt.round20 != 0 && has != (tt.round20 > 0) {
					t.Errorf("page has the Round 20 section: %v, want %v", has, tt.round20 > 0)
				}
			}
		})
	}
}

func TestReportCommandStopsWhenCanceled(t *testing.T) {
	run := writeReportRun(t, filepath.Join(t.TempDir(), "a"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := program().Run(ctx, []string{"report", run}, &stdout, &stderr); code != base.ExitFailed {
		t.Errorf("exit %d, want %d", code, base.ExitFailed)
	}
	if _, err := os.Stat(filepath.Join(run, "report.html")); err == nil {
		t.Error("a canceled report still wrote the page")
	}
}
