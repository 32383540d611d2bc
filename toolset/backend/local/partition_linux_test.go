package local

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend/backendtest"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/procstat"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/wrk"
)

// cpusAllowed is the Cpus_allowed_list of process pid, or "" when the
// process has exited.
func cpusAllowed(t *testing.T, pid int) string {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no Cpus_allowed_list for process %d", pid)
	return ""
}

// TestPartitionKeepsRolesOnTheirCPUs starts a real cluster, entry and wrk
// with a partition and reads back each one's CPU affinity and cost.
func TestPartitionKeepsRolesOnTheirCPUs(t *testing.T) {
	if _, err := exec.LookPath("wrk"); err != nil {
		fixture.Unavailable(t, err)
	}
	entryCPUs, other := "0", "0"
	if runtime.NumCPU() > 1 {
		other = "1"
	}
	p := results.Partition{Server: entryCPUs, Database: other, Client: other}
	port, err := pgcluster.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	rt := New(Options{RepoDir: backendtest.RepoRoot(t), ServerPort: port, Partition: &p})
	ctx := t.Context()
	if err := rt.Prepare(ctx, true); err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.WithoutCancel(ctx))
	if d := rt.Describe(); !d.OneMachine || d.Partition == nil || *d.Partition != p {
		t.Errorf("Describe = %+v, want one machine and the partition", d)
	}
	db, err := rt.StartDatabase(ctx)
	if err != nil {
		fixture.Unavailable(t, err)
	}
	pid, err := db.(*database).db.PID()
	if err != nil {
		t.Fatal(err)
	}
	all, err := procstat.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tree := procstat.Tree(pid, all)
	if len(tree) < 2 {
		t.Fatalf("the cluster has %d processes, want the postmaster and its workers", len(tree))
	}
	// A worker may exit between the listing and the read (a finished
	// autovacuum worker, say); the postmaster may not.
	for _, s := range tree {
		got := cpusAllowed(t, s.PID)
		if got == "" && s.PID == pid {
			t.Fatalf("the postmaster %d has exited", pid)
		}
		if got != "" && got != other {
			t.Errorf("PostgreSQL process %d runs on CPUs %s, want %s", s.PID, got, other)
		}
	}

	test := config.Test{Name: "nethttp", JSONURL: "/json", DBURL: "/db", Port: 1}
	var log strings.Builder
	if err := rt.Build(ctx, test, &log); err != nil {
		t.Fatalf("build: %v\n%s", err, log.String())
	}
	srv, err := rt.StartServer(ctx, test, db, &log)
	if err != nil {
		t.Fatalf("start: %v\n%s", err, log.String())
	}
	if got := cpusAllowed(t, srv.(*server).cmd.Process.Pid); got != entryCPUs {
		t.Errorf("the entry runs on CPUs %s, want %s", got, entryCPUs)
	}
	probe, err := db.StartUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	load, err := rt.RunLoad(ctx, wrk.Run{URL: srv.BaseURL() + "/db", Connections: 8, Threads: 1, Duration: time.Second, Accept: config.AcceptJSON})
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, load.Output)
	}
	if load.ClientCPUs != 1 || load.ClientCPU == nil || *load.ClientCPU <= 0 {
		t.Errorf("wrk ran on %v CPUs for %v, want 1 core and some CPU time", load.ClientCPUs, load.ClientCPU)
	}
	u, err := probe.Finish(ctx)
	if err != nil || u.CPU <= 0 {
		t.Errorf("database CPU under a second of /db = %v, %v; want some", u.CPU, err)
	}
}
