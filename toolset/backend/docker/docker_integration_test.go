package docker

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/backend/backendtest"
	"github.com/go-tfb/suite/toolset/config"
	dockerlib "github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// dockerRuntime returns a docker runtime on the default engine, closed when
// the test ends. Without an engine the test skips, and fails under CI=true.
func dockerRuntime(t *testing.T, opts Options) *Runtime {
	t.Helper()
	ctx := t.Context()
	if err := dockerlib.Available(ctx, ""); err != nil {
		fixture.Unavailable(t, err)
	}
	d, err := New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(context.WithoutCancel(ctx)); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return d
}

// TestDatabase starts the database as tfb does and checks that it
// listens on 127.0.0.1 only, on the port tfb chose, and that the image's
// health check probes that port (the container turns healthy).
func TestDatabase(t *testing.T) {
	d := dockerRuntime(t, Options{RepoDir: backendtest.RepoRoot(t)})
	ctx := t.Context()
	if err := d.Prepare(ctx, false); err != nil {
		t.Fatal(err)
	}
	database, err := d.StartDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(context.WithoutCancel(ctx))
	u, err := url.Parse(database.URL())
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Errorf("URL %s is not on 127.0.0.1", database.URL())
	}
	port, _ := strconv.Atoi(u.Port())
	if port == 5432 {
		t.Errorf("the database runs on 5432; tfb picks a free port on a local engine")
	}
	backendtest.RequireLoopbackOnly(t, "the database container", port)

	id := database.(*databaseContainer).id
	deadline := time.Now().Add(90 * time.Second)
	for {
		info, err := d.database.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		h := info.Container.State.Health
		if h != nil && h.Status == "healthy" {
			break
		}
		if h == nil || h.Status == "unhealthy" || time.Now().After(deadline) {
			t.Fatalf("the database container is not healthy: %+v", h)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestBuildShowsCompilerMessages builds an entry that does not
// compile, from a temporary repository whose frameworks/Dockerfile compiles
// it in the Go image, and checks that the error shows the compiler's
// messages.
func TestBuildShowsCompilerMessages(t *testing.T) {
	goImage := dockerlib.EntryBuild("x").Args["GO_IMAGE"]
	if goImage == "" {
		goImage = "golang:1.26-bookworm"
	}
	repo := backendtest.BrokenRepo(t, map[string]string{
		"frameworks/Dockerfile": "FROM " + goImage + "\nENV GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=0\nARG ENTRY\nWORKDIR /src\nCOPY . .\nRUN go build -o /entry ./frameworks/${ENTRY}\n",
	})
	d := dockerRuntime(t, Options{RepoDir: repo})
	if err := dockerlib.RequireImage(t.Context(), d.server.cli, goImage); err != nil {
		fixture.Unavailable(t, err)
	}
	var log strings.Builder
	err := d.Build(t.Context(), config.Test{Name: "broken"}, &log)
	backendtest.RequireCompilerMessages(t, err)
}

// TestWrk builds the wrk image, checks that it runs unprivileged, and
// runs it against a server on 127.0.0.1 of this machine.
func TestWrk(t *testing.T) {
	d := dockerRuntime(t, Options{RepoDir: backendtest.RepoRoot(t)})
	ctx := t.Context()
	if err := d.Prepare(ctx, true); err != nil {
		t.Fatal(err)
	}
	img, err := d.client.cli.ImageInspect(ctx, dockerlib.WrkImage)
	if err != nil {
		t.Fatal(err)
	}
	if u := img.Config.User; u == "" || u == "root" || strings.HasPrefix(u, "0") {
		t.Errorf("%s runs as %q, want an unprivileged user", dockerlib.WrkImage, u)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })}
	go srv.Serve(l)
	defer srv.Close()
	load, err := d.RunLoad(ctx, wrk.Run{URL: "http://" + l.Addr().String() + "/", Connections: 1, Threads: 1, Duration: time.Second, Accept: "text/plain"})
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, load.Output)
	}
	if !strings.Contains(load.Output, "Requests/sec") {
		t.Errorf("wrk's output has no Requests/sec:\n%s", load.Output)
	}
	if strings.Contains(load.Output, clientStatMark) {
		t.Errorf("wrk's output still holds the client's stat line:\n%s", load.Output)
	}
	if load.ClientCPU == nil || *load.ClientCPU <= 0 || load.ClientCPUs < 1 {
		t.Fatalf("wrk's CPU time %v on %v CPUs, want a time above 0 from the container's shell", load.ClientCPU, load.ClientCPUs)
	}
	if k := load.ClientKernelCPU; k == nil || *k <= 0 || *k > *load.ClientCPU {
		t.Errorf("wrk's kernel CPU time %v of %v, want a part of it (wrk's socket calls)", k, *load.ClientCPU)
	}
}

// TestWrkBoundByItsCPUs gives wrk's container a tenth of a CPU and one
// thread against a server that answers at once: wrk uses all it may, which
// is what a client-bound level looks like, and RunLoad says how many CPUs
// it had.
func TestWrkBoundByItsCPUs(t *testing.T) {
	d := dockerRuntime(t, Options{RepoDir: backendtest.RepoRoot(t), ClientCPUs: 0.1})
	ctx := t.Context()
	if err := d.Prepare(ctx, true); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })}
	go srv.Serve(l)
	defer srv.Close()
	load, err := d.RunLoad(ctx, wrk.Run{URL: "http://" + l.Addr().String() + "/", Connections: 16, Threads: 1, Duration: 3 * time.Second, Accept: "text/plain"})
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, load.Output)
	}
	rep, err := wrk.Parse(load.Output)
	if err != nil {
		t.Fatal(err)
	}
	if load.ClientCPUs != 0.1 || load.ClientCPU == nil {
		t.Fatalf("wrk had %v CPUs for %v, want 0.1 and its time", load.ClientCPUs, load.ClientCPU)
	}
	if used := load.ClientCPU.Seconds() / rep.Elapsed.Seconds(); used < results.ClientBoundShare*0.1 {
		t.Errorf("wrk used %.3f CPUs of the 0.1 it had, want at least %.2f of them (bound by its quota)", used, results.ClientBoundShare)
	}
}
