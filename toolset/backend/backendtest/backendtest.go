// Package backendtest holds what the tests of the runtimes
// (toolset/backend/docker and toolset/backend/local) share: the repository
// root, a module whose entry does not compile and the check that a build
// error shows the compiler's messages, and where a port listens. Only tests
// import it.
package backendtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RepoRoot returns the repository root as an absolute path: the nearest
// directory above the test's working directory (its package's directory)
// that holds go.mod and benchmark_config.json.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) && isFile(filepath.Join(dir, "benchmark_config.json")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no repository root (go.mod beside benchmark_config.json) above the working directory")
		}
		dir = parent
	}
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// BrokenRepo writes a module with one entry, frameworks/broken, that does
// not compile, plus extra files (path -> content), and returns its root.
func BrokenRepo(t testing.TB, extra map[string]string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":                     "module example.com/broken\n\ngo 1.22\n",
		"frameworks/broken/main.go":  "package main\n\nfunc main() {\n\tprintln(undefinedName)\n}\n",
		"frameworks/broken/other.go": "package main\n\nfunc other() string { return 1 }\n",
	}
	for path, content := range extra {
		files[path] = content
	}
	for path, content := range files {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// RequireCompilerMessages fails unless err shows both compiler messages of
// BrokenRepo's entry.
func RequireCompilerMessages(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("Build of a broken entry succeeded")
	}
	for _, want := range []string{"frameworks/broken/main.go:4:10: undefined: undefinedName", "frameworks/broken/other.go:3:30: cannot use 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the build error does not show %q:\n%v", want, err)
		}
	}
}
