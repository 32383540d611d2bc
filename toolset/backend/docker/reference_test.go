package docker

import (
	"context"
	"os"
	"testing"

	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/backend/backendtest"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/nginx"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/verify"
)

// TestReferenceServerPassesTFBsRules builds the reference server's image,
// starts it as an entry is started, checks /json and /plaintext with the
// verifier's rules, and that Stop removes its container.
func TestReferenceServerPassesTFBsRules(t *testing.T) {
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	d := dockerRuntime(t, Options{RepoDir: backendtest.RepoRoot(t), ServerPort: port})
	ctx := t.Context()
	if err := d.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	test := nginx.Test()
	if err := d.Build(ctx, test, os.Stderr); err != nil {
		t.Fatal(err)
	}
	srv, err := d.StartServer(ctx, test, nil, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	id := srv.(*serverContainer).id
	for _, r := range verify.Run(ctx, verify.Target{BaseURL: srv.BaseURL(), Test: test}, []config.TestType{config.JSON, config.Plaintext}) {
		if r.Status() != verify.Pass {
			t.Errorf("nginx fails TFB's rules:\n%s", r)
		}
	}
	if err := srv.Stop(context.WithoutCancel(ctx)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.server.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{}); err == nil {
		t.Errorf("container %s is still there after Stop", id)
	}
}
