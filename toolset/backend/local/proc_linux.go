package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

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

// procUsage measures a process from /proc; it implements
// backend.UsageProbe.
type procUsage struct {
	pid      int
	startCPU time.Duration
}

// startProcUsage reads the process's CPU time so far and resets its peak
// memory, the start of a measurement.
func startProcUsage(pid int) (backend.UsageProbe, error) {
	cpu, err := procCPU(pid)
	if err != nil {
		return nil, err
	}
	// Writing 5 resets the peak RSS (VmHWM) to the current RSS.
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return nil, fmt.Errorf("reset peak memory of process %d: %w", pid, err)
	}
	return &procUsage{pid: pid, startCPU: cpu}, nil
}

// Finish implements backend.UsageProbe: the CPU time since the start and
// the peak resident memory (VmHWM) since the reset.
func (p *procUsage) Finish(ctx context.Context) (backend.Usage, error) {
	cpu, err := procCPU(p.pid)
	if err != nil {
		return backend.Usage{}, err
	}
	peak, err := procPeakRSS(p.pid)
	if err != nil {
		return backend.Usage{}, err
	}
	return backend.Usage{CPU: cpu - p.startCPU, PeakMemory: peak}, nil
}

// procCPU reads utime+stime (plus waited-for children) of a process.
func procCPU(pid int) (time.Duration, error) {
	st, err := procstat.ReadProcess(pid)
	if err != nil {
		return 0, err
	}
	return st.Total(), nil
}

// procPeakRSS reads VmHWM from /proc/PID/status, in bytes.
func procPeakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read peak memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmHWM %q: %w", v, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
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
