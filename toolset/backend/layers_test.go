package backend

import (
	"os/exec"
	"strings"
	"testing"
)

// module is this repository's module path.
const module = "github.com/go-tfb/suite/"

// TestImportsRunDownward fails when a package of the runtimes' layer
// depends on one above it: the runtimes on the runner, the commands or the
// views; backend on either runtime, which build on it; the readiness wait
// on anything of this module; enginelab on the runtimes it serves.
func TestImportsRunDownward(t *testing.T) {
	above := []string{
		"toolset/benchmark", "toolset/ceiling", "toolset/changed", "toolset/cmd", "toolset/compare",
		"toolset/lint", "toolset/report", "toolset/round20", "toolset/runs", "toolset/scaffold", "toolset/table",
		"toolset/verify",
	}
	tests := []struct {
		pkg       string   // relative to this package's directory
		forbidden []string // module packages (and those under them) it must not depend on
	}{
		{".", append([]string{"toolset/backend/docker", "toolset/backend/local"}, above...)},
		{"./docker", append([]string{"toolset/backend/local"}, above...)},
		{"./local", append([]string{"toolset/backend/docker"}, above...)},
		{"../ready", []string{""}},
		{"../docker/enginelab", []string{"toolset/backend"}},
	}
	for _, tt := range tests {
		deps := goListDeps(t, tt.pkg)
		self := deps[len(deps)-1] // go list -deps lists the package itself last
		for _, dep := range deps[:len(deps)-1] {
			rel, ok := strings.CutPrefix(dep, module)
			if !ok {
				continue
			}
			for _, f := range tt.forbidden {
				if f == "" || rel == f || strings.HasPrefix(rel, f+"/") {
					t.Errorf("%s depends on %s, which is above it", strings.TrimPrefix(self, module), rel)
				}
			}
		}
	}
}

// goListDeps returns the import paths pkg depends on, itself last.
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, msg)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatalf("go list -deps %s listed nothing", pkg)
	}
	return deps
}
