package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/results"
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
	other := "gin"
	if killed == "gin" {
		other = "nethttp"
	}
	files, _ := filepath.Glob(filepath.Join(resultsDir, "*", results.FileName))
	if len(files) != 1 {
		t.Fatalf("want one results.json, got %v", files)
	}
	d := loadDoc(t, files[0])
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
