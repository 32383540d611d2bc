package local

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-tfb/suite/toolset/backend"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat times; 100 on every
// Linux architecture's ABI.
const clockTicks = 100

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
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read CPU time: %w", err)
	}
	return parseProcStatCPU(data)
}

// parseProcStatCPU sums fields 14-17 (utime, stime, cutime, cstime) of a
// /proc/PID/stat line. The command name (field 2) may hold spaces, so fields
// are counted after its closing parenthesis.
func parseProcStatCPU(data []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc stat line")
	}
	fields := strings.Fields(string(data[i+1:]))
	// fields[0] is field 3 (state); utime is field 14, i.e. fields[11].
	if len(fields) < 15 {
		return 0, fmt.Errorf("malformed /proc stat line")
	}
	var ticks int64
	for _, f := range fields[11:15] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("malformed /proc stat line: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
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
