package local

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/backend/backendtest"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/pgcluster"
)

func TestBuildShowsCompilerMessages(t *testing.T) {
	rt := New(Options{RepoDir: backendtest.BrokenRepo(t, nil)})
	ctx := t.Context()
	if err := rt.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	var log strings.Builder
	err := rt.Build(ctx, config.Test{Name: "broken"}, &log)
	backendtest.RequireCompilerMessages(t, err)
	if !strings.Contains(log.String(), "undefinedName") {
		t.Errorf("the build log lacks the compiler's output:\n%s", log.String())
	}
}

func TestPrepareReapsWhatKilledRunsLeft(t *testing.T) {
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
	rt := New(Options{RepoDir: t.TempDir()})
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

// TestEntryListensOnLoopback runs a real entry and checks that it
// listens on 127.0.0.1 only.
func TestEntryListensOnLoopback(t *testing.T) {
	root := backendtest.RepoRoot(t)
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	rt := New(Options{RepoDir: root, ServerPort: port})
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
	backendtest.RequireLoopbackOnly(t, "the nethttp entry", port)
}
