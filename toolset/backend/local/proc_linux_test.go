package local

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/procstat"
)

func TestProcUsageOfSelf(t *testing.T) {
	probe, err := startProcUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) {
	}
	u, err := probe.Finish(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if u.PeakMemory < 32<<20 || u.CPU <= 0 {
		t.Errorf("usage = %+v, want CPU > 0 and peak memory >= 32 MiB", u)
	}
	_ = buf[len(buf)-1]
}

// TestProcUsageOfTree measures a server whose work is done in processes
// under the one started, as a shell that forks the server or a prefork
// server (several FrameworkBenchmarks Go tests run ./app -prefork) does: the
// CPU and memory are the children's, not only the started process's.
func TestProcUsageOfTree(t *testing.T) {
	// The outer shell cannot exec the inner one (a command follows it); the
	// inner one holds a 32 MB string that two more children produced.
	cmd := exec.Command("/bin/sh", "-c", `sleep 0.2; sh -c 'x=$(head -c 32000000 /dev/zero | tr "\000" a); sleep 30'; :`)
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	probe, err := startProcUsage(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	var u backend.Usage
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if u, err = probe.Finish(t.Context()); err != nil {
			t.Fatal(err)
		}
		if u.CPU > 0 && u.PeakMemory >= 32<<20 {
			break
		}
	}
	if u.CPU <= 0 || u.PeakMemory < 32<<20 {
		t.Fatalf("usage of the tree = %+v, want CPU > 0 and peak memory >= 32 MiB (the inner shell's)", u)
	}
	shell, err := procstat.ReadMemory(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if shell.PeakRSS >= 32<<20 {
		t.Fatalf("the outer shell's own peak is %d bytes: the test does not tell its tree from it", shell.PeakRSS)
	}
}

// TestStopProcessGroupWaitsForTheGroup stops a shell whose child ignores
// SIGTERM, as a FrameworkBenchmarks test's CMD runs its server: the shell
// exits at once, and the stop returns only once the child is gone too.
func TestStopProcessGroupWaitsForTheGroup(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", `sh -c 'trap "" TERM; while :; do sleep 0.01; done' & wait`)
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	// Wait for the child, so that the group holds two processes.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		all, err := procstat.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(procstat.Tree(pgid, all)) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shell started no child in 5 s")
		}
	}
	if err := stopProcessGroup(t.Context(), pgid, exited); err != nil {
		t.Fatal(err)
	}
	if groupAlive(pgid) {
		t.Error("a process of the group still runs after stopProcessGroup returned")
	}
}
