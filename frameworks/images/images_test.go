// Package images_test runs the conformance suite against every entry's image,
// in a package of its own so that its image builds get their own test
// timeout and run beside the process-based suite in package frameworks.
package images_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	moby "github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/docker/dockertest"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/verify"
	"github.com/go-tfb/suite/toolset/verify/verifytest"
)

// repoRoot is the repository root, two levels above this package.
const repoRoot = "../.."

// maxEntryImage is the most an entry image may weigh: a static binary on scratch.
const maxEntryImage = 40 << 20

// TestContainers is the conformance suite against every entry's image, as
// docker-compose.yml runs them: the database image and each entry's image
// (frameworks/Dockerfile, modules vendored on the host) on one Docker
// network, where the entry reaches the database by its default URL
// (tfb-database:5432). Ports are published on 127.0.0.1 only, and every
// container and the network are removed when the test ends, also on failure.
// Without a Docker engine it skips, and fails under CI=true.
func TestContainers(t *testing.T) {
	ctx := t.Context()
	if err := dockertest.Available(ctx); err != nil {
		fixture.Unavailable(t, err)
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(root, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TFB_REPO_ROOT", root)
	if err := docker.Vendor(ctx, root); err != nil {
		t.Fatal(err)
	}

	netName, removeNet, err := dockertest.NewNetwork(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := removeNet(context.WithoutCancel(ctx)); err != nil {
			t.Error(err)
		}
	})
	database, err := dockertest.StartDatabase(ctx, dockertest.DatabaseOptions{Network: netName, Aliases: []string{"tfb-database"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := database.Terminate(context.WithoutCancel(ctx)); err != nil {
			t.Error(err)
		}
	})
	pool, err := pgxpool.New(ctx, database.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)

	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			base := startEntryContainer(t, test, netName)
			verifytest.Check(t, verify.Target{BaseURL: base, Test: test, DB: pool})
		})
	}
}

// startEntryContainer builds the entry's image (the first build compiles
// every entry; the others reuse that layer), checks what the image is made
// of, and runs it on the network with no configuration but the image's
// defaults. It returns the entry's base URL on 127.0.0.1.
func startEntryContainer(t *testing.T, test config.Test, netName string) string {
	t.Helper()
	ctx := t.Context()
	build := docker.EntryBuild(test.Name)
	start := time.Now()
	c, err := dockertest.Run(ctx, dockertest.Request{
		Build:   &build,
		Ports:   []string{"8080/tcp"},
		Network: netName,
		// Ready once the entry has its database: /db answers 200.
		Waiting: wait.ForHTTP(test.DBURL).WithPort("8080/tcp").WithStartupTimeout(60 * time.Second).
			WithPollInterval(200 * time.Millisecond),
	})
	if err != nil {
		t.Fatalf("run %s: %v", build.Image, err)
	}
	t.Cleanup(func() {
		if err := dockertest.Terminate(context.WithoutCancel(ctx), c); err != nil {
			t.Error(err)
		}
	})
	t.Logf("%s built and serving in %s", build.Image, time.Since(start).Round(time.Second))
	checkEntryImage(t, build.Image)
	port, err := dockertest.MappedPort(ctx, c, "8080/tcp")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("http://%s:%d", dockertest.Host(), port)
}

// checkEntryImage checks the image is what the project promises: non-root, port 8080,
// small.
func checkEntryImage(t *testing.T, image string) {
	t.Helper()
	cli, err := moby.New(moby.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	img, err := cli.ImageInspect(t.Context(), image)
	if err != nil {
		t.Fatalf("inspect %s: %v", image, err)
	}
	if u := img.Config.User; u != "65532:65532" {
		t.Errorf("%s runs as %q, want 65532:65532", image, u)
	}
	exposes := false
	for p := range img.Config.ExposedPorts {
		if p == "8080/tcp" {
			exposes = true
		}
	}
	if !exposes {
		t.Errorf("%s does not expose 8080 (%v)", image, img.Config.ExposedPorts)
	}
	if img.Size > maxEntryImage {
		t.Errorf("%s is %d MB, want at most %d MB", image, img.Size>>20, maxEntryImage>>20)
	}
	t.Logf("%s: %.1f MB, user %s", image, float64(img.Size)/1e6, img.Config.User)
}
