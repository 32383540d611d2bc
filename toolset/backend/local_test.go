package backend

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/pgcluster"
)

// repoRoot is the repository root, two levels above this package.
const repoRoot = "../.."

// absRepoRoot is repoRoot as an absolute path.
func absRepoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestCompilerMessages(t *testing.T) {
	tests := []struct {
		name   string
		output string
		n      int
		want   []string
	}{
		{
			name:   "go build",
			output: "# example/frameworks/broken\nframeworks/broken/main.go:5:2: undefined: nope\nframeworks/broken/main.go:6:9: cannot use 1 (untyped int constant) as string value in return statement\n",
			n:      10,
			want:   []string{"frameworks/broken/main.go:5:2: undefined: nope", "frameworks/broken/main.go:6:9: cannot use 1 (untyped int constant) as string value in return statement"},
		},
		{
			name:   "docker build stream with colour and the first n only",
			output: "Step 7/9 : RUN go build ./frameworks/x\n\x1b[91m# suite/frameworks/x\n\x1b[0m\x1b[91mframeworks/x/main.go:3:1: syntax error: non-declaration statement outside function body\n\x1b[0m\x1b[91mframeworks/x/main.go:9:1: second\n",
			n:      1,
			want:   []string{"frameworks/x/main.go:3:1: syntax error: non-declaration statement outside function body"},
		},
		{name: "no compiler output", output: "exit status 1\nsomething else\n", n: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compilerMessages(tt.output, tt.n)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("compilerMessages = %q, want %q", got, tt.want)
			}
		})
	}
}

// brokenRepo writes a module with one entry, frameworks/broken, that does
// not compile, plus extra files (path -> content), and returns its root.
func brokenRepo(t *testing.T, extra map[string]string) string {
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

// requireCompilerMessages fails unless err shows both compiler messages of
// brokenRepo's entry.
func requireCompilerMessages(t *testing.T, err error) {
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

func TestLocalBuildShowsCompilerMessages(t *testing.T) {
	rt := NewLocal(LocalOptions{RepoDir: brokenRepo(t, nil)})
	ctx := t.Context()
	if err := rt.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	var log strings.Builder
	err := rt.Build(ctx, config.Test{Name: "broken"}, &log)
	requireCompilerMessages(t, err)
	if !strings.Contains(log.String(), "undefinedName") {
		t.Errorf("the build log lacks the compiler's output:\n%s", log.String())
	}
}

func TestLocalPrepareReapsWhatKilledRunsLeft(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	left := filepath.Join(os.TempDir(), "tfb-local-123")
	if err := os.Mkdir(left, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(left, "owner.pid"), []byte(strconv.Itoa(dead.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	rt := NewLocal(LocalOptions{RepoDir: t.TempDir()})
	if err := rt.Prepare(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("%s, left by a dead process, still exists (%v)", left, err)
	}
	work := rt.workDir
	owner, err := os.ReadFile(filepath.Join(work, "owner.pid"))
	if err != nil || strings.TrimSpace(string(owner)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("the work directory is not marked with this process's id: %q, %v", owner, err)
	}
	if err := rt.Close(context.WithoutCancel(t.Context())); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Errorf("Close left the work directory %s", work)
	}
}

// TestLocalEntryListensOnLoopback runs a real entry and checks that it
// listens on 127.0.0.1 only.
func TestLocalEntryListensOnLoopback(t *testing.T) {
	root := absRepoRoot(t)
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	rt := NewLocal(LocalOptions{RepoDir: root, ServerPort: port})
	ctx := t.Context()
	if err := rt.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	// Readiness on the json URL only: no database is needed for it.
	test := config.Test{Name: "nethttp", JSONURL: "/json", Port: 1}
	var log strings.Builder
	if err := rt.Build(ctx, test, &log); err != nil {
		t.Fatalf("build: %v\n%s", err, log.String())
	}
	srv, err := rt.StartServer(ctx, test, nil, &log)
	if err != nil {
		t.Fatalf("start: %v\n%s", err, log.String())
	}
	defer srv.Stop(context.WithoutCancel(ctx))
	if want := "http://127.0.0.1:" + strconv.Itoa(port); srv.BaseURL() != want {
		t.Errorf("BaseURL = %s, want %s", srv.BaseURL(), want)
	}
	requireLoopbackOnly(t, "the nethttp entry", port)
}
