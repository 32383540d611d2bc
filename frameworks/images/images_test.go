// Package images_test runs the conformance suite against every entry's image,
// in a package of its own so that its image builds get their own test
// timeout and run beside the process-based suite in package frameworks.
package images_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
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

// TestGoImageHoldsTheStandardLibrary checks that the Go image the entries
// are built on (and that TechEmpower's dockerfiles are built on here) holds
// every package of this machine's standard library: an image made from the
// host's Go that left part of GOROOT/src out builds this project's entries
// but fails tools such as qtc that import go/doc.
func TestGoImageHoldsTheStandardLibrary(t *testing.T) {
	ctx := t.Context()
	if err := dockertest.Available(ctx); err != nil {
		fixture.Unavailable(t, err)
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	bases, err := docker.BaseImages(root, docker.EntryBuild("nethttp"))
	if err != nil || len(bases) != 1 {
		t.Fatalf("the entries' base images: %q, %v; want one Go image", bases, err)
	}
	c, err := dockertest.Run(ctx, dockertest.Request{
		Image:   bases[0],
		Cmd:     []string{"go", "list", "std"},
		Env:     map[string]string{"CGO_ENABLED": "0"}, // as the entries build; the image may lack gcc
		Waiting: wait.ForExit().WithExitTimeout(2 * time.Minute),
	})
	if err != nil {
		t.Fatalf("go list std in %s: %v", bases[0], err)
	}
	t.Cleanup(func() {
		if err := dockertest.Terminate(context.WithoutCancel(ctx), c); err != nil {
			t.Error(err)
		}
	})
	output := dockertest.Logs(ctx, c, 100000)
	state, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if state.ExitCode != 0 {
		var errs []string // package paths have no spaces; go's messages do
		for line := range strings.Lines(output) {
			if strings.Contains(strings.TrimSpace(line), " ") && len(errs) < 5 {
				errs = append(errs, strings.TrimSpace(line))
			}
		}
		t.Fatalf("go list std in %s exited with status %d (remake the image: .ci/docker-setup --rebuild-base):\n%s", bases[0], state.ExitCode, strings.Join(errs, "\n"))
	}
	inImage := strings.Fields(output)
	list := exec.CommandContext(ctx, "go", "list", "std")
	list.Env = append(os.Environ(), "CGO_ENABLED=0")
	host, err := list.Output()
	if err != nil {
		t.Fatalf("go list std on this machine: %v", err)
	}
	var missing []string
	for _, pkg := range strings.Fields(string(host)) {
		if !slices.Contains(inImage, pkg) {
			missing = append(missing, pkg)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s lacks %d packages of the standard library, among them %q (remake it: .ci/docker-setup --rebuild-base)", bases[0], len(missing), missing[:min(5, len(missing))])
	}
}
