package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	dockerrt "github.com/go-tfb/suite/toolset/backend/docker"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/docker/enginelab"
	"github.com/go-tfb/suite/toolset/fixture"
)

// The docker runtime's fault tests run the real CLI with --runtime docker
// on a real engine, break the entry's container or the engine itself during
// a run, and check what results.json holds, the exit status and that no
// container the run labelled is left.

// ownedBy lists the containers on cli, running or not, that the process
// pid labelled as its own (docker.OwnerLabels), as "name (state)".
func ownedBy(t *testing.T, cli *client.Client, pid int) []string {
	t.Helper()
	filters := make(client.Filters).Add("label", docker.LabelOwnerPID+"="+strconv.Itoa(pid))
	list, err := cli.ContainerList(context.WithoutCancel(t.Context()), client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		t.Fatalf("list the containers of tfb %d: %v", pid, err)
	}
	var out []string
	for _, c := range list.Items {
		out = append(out, strings.Join(c.Names, ",")+" ("+string(c.State)+")")
	}
	return out
}

// removeOwned force-removes what ownedBy lists, for a test's cleanup.
func removeOwned(cli *client.Client, pid int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	filters := make(client.Filters).Add("label", docker.LabelOwnerPID+"="+strconv.Itoa(pid))
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filters})
	if err != nil {
		return
	}
	for _, c := range list.Items {
		_, _ = cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	}
}

// waitForContainer waits until a running container of tfb pid on cli has a
// command line holding target, and returns the running entry's container
// name (tfb-server-NAME) then.
func waitForContainer(t *testing.T, c *cli, cli *client.Client, pid int, target string, timeout time.Duration) string {
	t.Helper()
	filters := make(client.Filters).Add("label", docker.LabelOwnerPID+"="+strconv.Itoa(pid))
	for deadline := time.Now().Add(timeout); ; time.Sleep(100 * time.Millisecond) {
		list, err := cli.ContainerList(t.Context(), client.ContainerListOptions{Filters: filters})
		if err != nil {
			t.Fatalf("list containers: %v", err)
		}
		server, found := "", false
		for _, ctr := range list.Items {
			for _, n := range ctr.Names {
				if strings.HasPrefix(n, "/tfb-server-") {
					server = strings.TrimPrefix(n, "/")
				}
			}
			found = found || strings.Contains(ctr.Command, target)
		}
		if found && server != "" {
			return server
		}
		select {
		case <-c.done:
			t.Fatalf("tfb ended before a container ran %q:\n%s", target, c.text())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no container ran %q within %s:\n%s", target, timeout, c.text())
		}
	}
}

// dockerClient is a client of the engine at host ("" for this machine's),
// which must answer: else the test skips, and fails under CI=true.
func dockerClient(t *testing.T, host string) *client.Client {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	if err := docker.Available(t.Context(), host); err != nil {
		fixture.Unavailable(t, err)
	}
	cli, err := docker.NewClient(host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// TestEntryContainerKilledMidLevel kills the first entry's container
// (SIGKILL, as the kernel's OOM killer or `docker kill` does) during its db
// level: the level fails naming the container's exit code, its type is
// failed, and the run goes on with the second entry, which is measured;
// tfb exits 1 and leaves no container behind.
func TestEntryContainerKilledMidLevel(t *testing.T) {
	needKillFaults(t)
	cli := dockerClient(t, "")
	tmp, port := scratchDir(t), freeTCPPort(t)
	resultsDir := filepath.Join(t.TempDir(), "results")
	c := startCLIBinary(t, buildTFB(t), []string{"TMPDIR=" + tmp}, "benchmark", "--runtime", "docker", "--test", "gin", "nethttp",
		"--type", "json", "db", "--duration", "4", "--concurrency-levels", "16", "--no-primer", "--no-warmup", "--sleep", "0",
		"--server-port", strconv.Itoa(port), "--results-dir", resultsDir)
	pid := c.cmd.Process.Pid
	t.Cleanup(func() { removeOwned(cli, pid) })
	// Image builds come first: up to several minutes on a cold cache.
	server := waitForContainer(t, c, cli, pid, ":"+strconv.Itoa(port)+"/db", 10*time.Minute)
	killed := strings.TrimPrefix(server, "tfb-server-")
	time.Sleep(time.Second) // into the level
	if _, err := cli.ContainerKill(t.Context(), server, client.ContainerKillOptions{Signal: "KILL"}); err != nil {
		t.Fatalf("kill %s: %v", server, err)
	}
	if code := c.wait(t, 5*time.Minute); code != base.ExitFailed {
		t.Errorf("exit code %d after an entry's container was killed, want %d:\n%s", code, base.ExitFailed, c.text())
	}
	if left := ownedBy(t, cli, pid); len(left) > 0 {
		t.Errorf("containers of the run left after tfb exited: %v", left)
	}
	other := otherEntry(killed)
	file := onlyResultsFile(t, resultsDir)
	d := loadDoc(t, file)
	want := fmt.Sprintf("the entry exited during its load: entry %s: container %s exited with code 137", killed, server)
	if db := d.RawData["db"][killed]; len(db) != 1 || db[0].Error != want {
		t.Errorf("the killed entry's db level = %+v, want one level failed with %q\ntfb printed:\n%s", db, want, c.text())
	}
	if !slices.Contains(d.Failed["db"], killed) || !strings.Contains(d.Completed[killed], "exited with code 137") {
		t.Errorf("failed.db = %v, completed.%s = %q; want the type failed and the entry's error", d.Failed["db"], killed, d.Completed[killed])
	}
	for _, tt := range []string{"json", "db"} {
		if ls := d.RawData[tt][other]; len(ls) != 1 || ls[0].Failed() {
			t.Errorf("%s of %s, after %s: %+v; want one measured level (the run goes on); tfb printed:\n%s", tt, other, killed, ls, c.text())
		}
	}
	if d.Interrupted || d.CompletionTime == nil {
		t.Errorf("interrupted = %v, completionTime = %v; want a run that went to its end", d.Interrupted, d.CompletionTime)
	}
}

// engineImages builds, on this machine's engine (cached when built before),
// the images a benchmark of nethttp runs, and copies them to the engine
// of to at endpoint, for tfb --no-build there.
func engineImages(t *testing.T, from, to *client.Client, endpoint string) {
	t.Helper()
	ctx := t.Context()
	repo, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := dockerrt.New(ctx, dockerrt.Options{RepoDir: repo})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	if err := rt.Prepare(ctx, true); err != nil {
		t.Fatalf("build the database and wrk images: %v", err)
	}
	if err := rt.Build(ctx, config.Test{Name: "nethttp"}, io.Discard); err != nil {
		t.Fatalf("build nethttp's image: %v", err)
	}
	images := []string{docker.DatabaseImage, docker.WrkImage, docker.EntryImage("nethttp")}
	if err := docker.CopyMissingImages(ctx, from, to, endpoint, images); err != nil {
		t.Fatalf("copy the images to %s: %v", endpoint, err)
	}
}

// TestEngineRestartedMidRun kills the Docker engine of every role (a
// one-engine lab: dockerd in a network namespace of its own) during a
// level, as a crash does: it stops answering at once. tfb fails the level with one error naming the engine, stops the
// run there (results.json valid and marked interrupted, exit status 1),
// and removes what it started: itself when the engine answers again within
// its wait (the engine restarted), else the next tfb command does.
func TestEngineRestartedMidRun(t *testing.T) {
	needKillFaults(t)
	host := dockerClient(t, "")
	ctx, stop := signal.NotifyContext(t.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	lab, err := enginelab.Start(ctx, enginelab.Options{Name: "tfbrestart", Roles: []string{"engine"}, Subnet: netip.MustParsePrefix("198.18.3.0/24")})
	if err != nil {
		fixture.Unavailable(t, fmt.Errorf("start an engine lab: %w", err))
	}
	t.Cleanup(func() {
		if err := lab.Close(); err != nil {
			t.Errorf("remove the engine lab: %v", err)
		}
	})
	eng := lab.Engines[0]
	labCli := engineClient(t, eng)
	engineImages(t, host, labCli, eng.Endpoint)
	bin := buildTFB(t)
	bench := []string{"benchmark", "--runtime", "docker", "--no-build", "--test", "nethttp", "--type", "json", "db",
		"--duration", "4", "--concurrency-levels", "16", "--no-primer", "--no-warmup", "--sleep", "0",
		"--server-host", eng.Endpoint, "--database-host", eng.Endpoint, "--client-host", eng.Endpoint}
	lost := "docker engine " + eng.Endpoint + " stopped answering: "

	// stopMidLevel runs the benchmark until its json level runs, kills the
	// engine, and returns the run and its pid.
	stopMidLevel := func(resultsDir string) (*cli, int) {
		t.Helper()
		c := startTFB(t, ctx, bin, lab.DockerConfig, append(slices.Clone(bench), "--results-dir", resultsDir)...)
		pid := c.cmd.Process.Pid
		t.Cleanup(func() { removeOwned(labCli, pid) })
		waitForContainer(t, c, labCli, pid, "/json", 3*time.Minute)
		time.Sleep(time.Second) // into the level
		eng.Kill()
		return c, pid
	}
	// checkStopped checks the exit status and results.json of a run whose
	// engine stopped during its json level.
	checkStopped := func(c *cli, resultsDir string) {
		t.Helper()
		if code := c.wait(t, 3*time.Minute); code != base.ExitFailed {
			t.Errorf("exit code %d after the engine stopped, want %d:\n%s", code, base.ExitFailed, c.text())
		}
		out := c.text()
		if !strings.Contains(out, "tfb benchmark: "+lost) {
			t.Errorf("tfb's last word does not name the engine that stopped answering:\n%s", out)
		}
		if n := strings.Count(out, "Cannot connect") - strings.Count(out, lost+"Cannot connect"); n > 0 {
			t.Errorf("%d SDK errors besides the one naming the engine:\n%s", n, out)
		}
		file := onlyResultsFile(t, resultsDir)
		d := loadDoc(t, file)
		if ls := d.RawData["json"]["nethttp"]; len(ls) != 1 || !strings.HasPrefix(ls[0].Error, lost) {
			t.Errorf("json level = %+v, want it failed with %q…", ls, lost)
		}
		if !d.Interrupted || d.CompletionTime == nil || !slices.Contains(d.Failed["json"], "nethttp") || !strings.HasPrefix(d.Completed["nethttp"], lost) {
			t.Errorf("interrupted %v, completion %v, failed %v, completed %q; want the run stopped with nethttp's json failed",
				d.Interrupted, d.CompletionTime, d.Failed, d.Completed["nethttp"])
		}
		if len(d.RawData["db"]["nethttp"]) != 0 {
			t.Errorf("db was loaded after the engine stopped: %+v", d.RawData["db"]["nethttp"])
		}
	}

	// The engine restarted: tfb removes what it started once it answers.
	dir := t.TempDir()
	c, pid := stopMidLevel(dir)
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	checkStopped(c, dir)
	if left := ownedBy(t, labCli, pid); len(left) > 0 {
		t.Errorf("containers of the run left after the engine came back: %v\n%s", left, c.text())
	}

	// The engine down past tfb's wait: tfb says what it left; the next tfb
	// command removes it.
	dir = t.TempDir()
	c, pid = stopMidLevel(dir)
	checkStopped(c, dir)
	if !strings.Contains(c.text(), "left on it") || !strings.Contains(c.text(), "the next tfb command removes them") {
		t.Errorf("tfb does not say what it left on the engine:\n%s", c.text())
	}
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	left := ownedBy(t, labCli, pid)
	if len(left) == 0 {
		t.Fatalf("no container of the stopped run on the engine: the test stopped nothing")
	}
	out, err := runTFB(ctx, bin, []string{"DOCKER_CONFIG=" + lab.DockerConfig}, 3*time.Minute, "verify", "--runtime", "docker", "--no-build",
		"--test", "nethttp", "--type", "json", "--server-host", eng.Endpoint, "--database-host", eng.Endpoint, "--client-host", eng.Endpoint,
		"--results-dir", t.TempDir())
	if err != nil {
		t.Fatalf("the next tfb verify: %v\n%s", err, out)
	}
	if n := strings.Count(out, "removing a container left by an earlier run"); n != len(left) {
		t.Errorf("the next command removed %d containers, want the %d left (%v):\n%s", n, len(left), left, out)
	}
	if left := ownedBy(t, labCli, pid); len(left) > 0 {
		t.Errorf("containers of the stopped run still there after the next command: %v", left)
	}
	if n := containerCount(t, eng); n != 0 {
		t.Errorf("docker ps -a on the engine lists %d containers after the next command, want none", n)
	}
}
