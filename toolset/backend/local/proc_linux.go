package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/procstat"
)

// childProcAttr puts a child in its own process group, so it and anything it
// starts can be signalled together, and kills it if this process dies.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// groupAlive reports whether a process of process group pgid is still
// running: a zombie, which holds no sockets or files any more, does not
// count.
func groupAlive(pgid int) bool {
	all, err := procstat.ReadAll()
	if err != nil {
		return false
	}
	for _, p := range all {
		if p.PGID == pgid && p.State != 'Z' {
			return true
		}
	}
	return false
}

// raiseFileLimit lifts the soft open-file limit to the hard one. Setting it
// explicitly also makes children (wrk, entries) inherit the raised limit.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	lim.Cur = lim.Max
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// procUsage measures a process and every process under it from /proc; it
// implements backend.UsageProbe. The server an entry's command line starts
// need not be that command's own process: a test of a FrameworkBenchmarks
// tree runs its image's command through a shell, which may fork the server,
// and a prefork server forks one process per core.
type procUsage struct {
	pid   int
	start procstat.Times
}

// startProcUsage reads the CPU time of pid's tree so far and resets the peak
// memory of each of its processes, the start of a measurement.
func startProcUsage(pid int) (backend.UsageProbe, error) {
	tree, err := procstat.ReadTreeStats(pid)
	if err != nil {
		return nil, err
	}
	for _, p := range tree {
		// Writing 5 resets the peak RSS (VmHWM) to the current RSS. A
		// process under pid may have exited since the listing.
		err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.PID), []byte("5"), 0)
		if err != nil && (p.PID == pid || !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, unix.ESRCH)) {
			return nil, fmt.Errorf("reset peak memory of process %d: %w", p.PID, err)
		}
	}
	return &procUsage{pid: pid, start: procstat.Sum(tree)}, nil
}

// Finish implements backend.UsageProbe: the CPU time of the tree since the
// start (a process that exited meanwhile counts in its parent's children's
// time) and the sum of its live processes' peak resident memory (VmHWM)
// since the reset, or since they started.
func (p *procUsage) Finish(ctx context.Context) (backend.Usage, error) {
	tree, err := procstat.ReadTreeStats(p.pid)
	if err != nil {
		return backend.Usage{}, err
	}
	used := procstat.Sum(tree).Sub(p.start)
	u := backend.Usage{CPU: used.CPU, KernelCPU: used.Kernel}
	for _, s := range tree {
		mem, err := procstat.ReadMemory(s.PID)
		if err != nil {
			if s.PID == p.pid {
				return backend.Usage{}, err
			}
			continue // exited since the listing
		}
		u.PeakMemory += mem.PeakRSS
	}
	return u, nil
}

// pinTree keeps the cluster's postmaster and every process under it on the
// CPUs of list; the backends it forks later inherit its affinity.
func pinTree(db *pgcluster.Cluster, list string) error {
	cpus, err := backend.ParseCPUList(list)
	if err != nil {
		return err
	}
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	pid, err := db.PID()
	if err != nil {
		return err
	}
	all, err := procstat.ReadAll()
	if err != nil {
		return err
	}
	for _, p := range procstat.Tree(pid, all) {
		err := unix.SchedSetaffinity(p.PID, &set)
		if errors.Is(err, unix.ESRCH) {
			continue // it exited after the listing: nothing left to pin
		}
		if err != nil {
			return fmt.Errorf("keep PostgreSQL process %d on CPUs %s: %w", p.PID, list, err)
		}
	}
	return nil
}
