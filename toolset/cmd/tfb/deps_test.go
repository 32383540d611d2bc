package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoTestCode fails when the tfb binary's dependencies take in
// test code again (the testing package, testcontainers-go or a test helper
// of this module), or when a package under db/ imports the toolset, which
// builds on db and not the other way round.
func TestBinaryLinksNoTestCode(t *testing.T) {
	deps := goList(t, "-deps", "-f", "{{.ImportPath}}", ".")
	forbidden := []struct{ pkg, why string }{
		{"testing", "the standard library's test framework"},
		{"github.com/testcontainers/testcontainers-go", "the container tests' library"},
		{"github.com/go-tfb/suite/toolset/fixture", "the test fixture"},
		{"github.com/go-tfb/suite/toolset/docker/dockertest", "the container tests' helper"},
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if dep == f.pkg || strings.HasPrefix(dep, f.pkg+"/") {
				t.Errorf("tfb depends on %s (%s); production packages must not import it", dep, f.why)
			}
		}
	}
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), deps)
	}

	imports := goList(t, "-f", `{{range .Imports}}{{$.ImportPath}} {{.}}{{"\n"}}{{end}}{{range .TestImports}}{{$.ImportPath}} {{.}}{{"\n"}}{{end}}{{range .XTestImports}}{{$.ImportPath}} {{.}}{{"\n"}}{{end}}`, "../../../db/...")
	for _, line := range imports {
		from, to, _ := strings.Cut(line, " ")
		if strings.HasPrefix(to, "github.com/go-tfb/suite/toolset/") || to == "github.com/go-tfb/suite/toolset" {
			t.Errorf("%s imports %s: nothing under db/ may import the toolset", from, to)
		}
	}
}

// goList runs go list with args in this package's directory and returns its
// non-empty output lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	var lines []string
	for line := range strings.SplitSeq(string(out), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestViewsReadRunsOnly fails when a view of measured results (the
// summary tables, report.html, tfb compare) depends on how results are
// made (the runner, the runtimes, the ceiling's measurement, the rule
// engine), or when the read model depends on a view: a view consumes runs
// and table, so that every figure is computed once.
func TestViewsReadRunsOnly(t *testing.T) {
	making := []string{"toolset/benchmark", "toolset/backend", "toolset/ceiling", "toolset/verify", "toolset/docker", "toolset/pgcluster", "toolset/cmd"}
	views := []string{"toolset/summary", "toolset/report", "toolset/compare"}
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"../../summary", making},
		{"../../report", making},
		{"../../compare", making},
		{"../../runs", append(views, making...)},
		{"../../table", append(append(views, making...), "toolset/runs", "toolset/results")},
	}
	for _, tt := range tests {
		deps := goList(t, "-deps", "-f", "{{.ImportPath}}", tt.pkg)
		self := deps[len(deps)-1]
		for _, dep := range deps {
			rel, ok := strings.CutPrefix(dep, "github.com/go-tfb/suite/")
			if !ok {
				continue
			}
			for _, f := range tt.forbidden {
				if rel == f || strings.HasPrefix(rel, f+"/") {
					t.Errorf("%s depends on %s", strings.TrimPrefix(self, "github.com/go-tfb/suite/"), rel)
				}
			}
		}
	}
}
