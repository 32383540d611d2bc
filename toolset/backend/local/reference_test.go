package local

import (
	"context"
	"os"
	"syscall"
	"testing"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/nginx"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/verify"
)

// TestReferenceServerPassesTFBsRules starts the reference server as the
// runtime starts an entry, checks /json and /plaintext with the verifier's
// rules, and that Stop leaves none of its processes.
func TestReferenceServerPassesTFBsRules(t *testing.T) {
	if _, err := nginx.Command(); err != nil {
		fixture.Unavailable(t, err)
	}
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	rt := New(Options{RepoDir: t.TempDir(), ServerPort: port})
	ctx := t.Context()
	if err := rt.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	test := nginx.Test()
	if err := rt.Build(ctx, test, os.Stderr); err != nil {
		t.Fatal(err)
	}
	srv, err := rt.StartServer(ctx, test, nil, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	s := srv.(*server)
	pgid := s.cmd.Process.Pid
	for _, r := range verify.Run(ctx, verify.Target{BaseURL: s.BaseURL(), Test: test}, []config.TestType{config.JSON, config.Plaintext}) {
		if r.Status() != verify.Pass {
			t.Errorf("nginx fails TFB's rules:\n%s", r)
		}
	}
	if err := srv.Stop(context.WithoutCancel(ctx)); err != nil {
		t.Fatal(err)
	}
	// The master and its workers share the process group the runtime made.
	if err := syscall.Kill(-pgid, 0); err == nil {
		t.Errorf("processes of nginx's group %d still run after Stop", pgid)
	}
}
