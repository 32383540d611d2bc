// Package procstat reads CPU time from Linux's /proc: of one process, of a
// process and everything it started (a PostgreSQL cluster), and of the
// whole machine, so that the cost of a measured level can be split by role;
// and a process's resident memory. Elsewhere every reader returns
// ErrUnsupported.
package procstat

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrUnsupported is returned where /proc is not Linux's.
var ErrUnsupported = errors.New("CPU times and resident memory are read from Linux's /proc only")

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux
// architecture's ABI.
const clockTicks = 100

func ticks(n int64) time.Duration { return time.Duration(n) * time.Second / clockTicks }

// Stat is what a /proc/PID/stat line says of a process's CPU, and where it
// stands among the processes.
type Stat struct {
	// PGID is the process group's id.
	PID, PPID, PGID int
	// State is the process's state letter: 'R' running, 'S' sleeping, 'Z'
	// a zombie (exited, not yet waited for) and so on.
	State byte
	// Own is the process's own user+system time; Children that of its
	// children it has waited for (cutime+cstime).
	Own, Children time.Duration
	// OwnKernel and ChildrenKernel are the parts of Own and Children spent
	// in the kernel (stime and cstime): system calls, and the network stack
	// and page faults run on the process's behalf.
	OwnKernel, ChildrenKernel time.Duration
}

// Times is CPU time in all (user+system) and the part of it spent in the
// kernel (system).
type Times struct {
	CPU, Kernel time.Duration
}

// Sub returns t - o, the time spent between two readings.
func (t Times) Sub(o Times) Times { return Times{CPU: t.CPU - o.CPU, Kernel: t.Kernel - o.Kernel} }

// Times is the stat's Own plus Children time.
func (s Stat) Times() Times {
	return Times{CPU: s.Own + s.Children, Kernel: s.OwnKernel + s.ChildrenKernel}
}

// ParseStat reads a /proc/PID/stat line. The command name (field 2) may
// hold spaces and parentheses, so fields are counted after its last ')'.
func ParseStat(data []byte) (Stat, error) {
	open, close := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if open < 0 || close < open {
		return Stat{}, errors.New("malformed /proc stat line")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data[:open])))
	if err != nil {
		return Stat{}, fmt.Errorf("malformed /proc stat line: pid: %w", err)
	}
	fields := strings.Fields(string(data[close+1:]))
	// fields[0] is field 3 (state), fields[1] field 4 (ppid), fields[2]
	// field 5 (pgrp); utime is field 14, i.e. fields[11], then stime,
	// cutime, cstime.
	if len(fields) < 15 {
		return Stat{}, errors.New("malformed /proc stat line: too few fields")
	}
	if len(fields[0]) != 1 {
		return Stat{}, fmt.Errorf("malformed /proc stat line: state %q", fields[0])
	}
	var n [6]int64
	for i, f := range []string{fields[1], fields[11], fields[12], fields[13], fields[14], fields[2]} {
		if n[i], err = strconv.ParseInt(f, 10, 64); err != nil {
			return Stat{}, fmt.Errorf("malformed /proc stat line: %w", err)
		}
	}
	return Stat{PID: pid, PPID: int(n[0]), PGID: int(n[5]), State: fields[0][0], Own: ticks(n[1] + n[2]), Children: ticks(n[3] + n[4]),
		OwnKernel: ticks(n[2]), ChildrenKernel: ticks(n[4])}, nil
}

// Machine is the whole machine's CPU time since boot, summed over its CPUs,
// from the "cpu" line of /proc/stat.
type Machine struct {
	// Busy is user, nice, system, irq and softirq time (guest time is part
	// of user); Idle is idle and iowait; Steal is time the hypervisor gave
	// to other guests while this one wanted to run.
	Busy, Idle, Steal time.Duration
}

// Sub returns m - o, the time spent between two readings.
func (m Machine) Sub(o Machine) Machine {
	return Machine{Busy: m.Busy - o.Busy, Idle: m.Idle - o.Idle, Steal: m.Steal - o.Steal}
}

// ParseMachine reads the "cpu" line of a /proc/stat text.
func ParseMachine(data []byte) (Machine, error) {
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) < 5 || fields[0] != "cpu" {
			continue
		}
		var n [8]int64
		for i := 1; i < len(fields) && i <= len(n); i++ {
			v, err := strconv.ParseInt(fields[i], 10, 64)
			if err != nil {
				return Machine{}, fmt.Errorf("malformed /proc/stat cpu line: %w", err)
			}
			n[i-1] = v
		}
		// user nice system idle iowait irq softirq steal
		return Machine{Busy: ticks(n[0] + n[1] + n[2] + n[5] + n[6]), Idle: ticks(n[3] + n[4]), Steal: ticks(n[7])}, nil
	}
	return Machine{}, errors.New("no cpu line in /proc/stat")
}

// Tree returns root and every process descended from it, root first; nil
// when root is not among all.
func Tree(root int, all []Stat) []Stat {
	children := map[int][]Stat{}
	var top *Stat
	for i, s := range all {
		children[s.PPID] = append(children[s.PPID], s)
		if s.PID == root {
			top = &all[i]
		}
	}
	if top == nil {
		return nil
	}
	out := []Stat{*top}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].PID]...)
	}
	return out
}

// TreeCPU sums the CPU time of the process root and of every process
// descended from it, from stats of all processes: root's own and waited-for
// children's time, and each live descendant's own and waited-for time. A
// descendant that exits between two readings moves its time into its
// parent's Children, so the sum only grows.
func TreeCPU(root int, all []Stat) (Times, bool) {
	tree := Tree(root, all)
	return Sum(tree), tree != nil
}

// Sum sums the CPU times (Stat.Times) of stats.
func Sum(stats []Stat) Times {
	var total Times
	for _, s := range stats {
		t := s.Times()
		total.CPU += t.CPU
		total.Kernel += t.Kernel
	}
	return total
}

// Memory is what /proc/PID/status says of a process's resident memory, in
// bytes.
type Memory struct {
	RSS     int64 // VmRSS: resident now
	PeakRSS int64 // VmHWM: the most resident since start or the last reset
}

// ParseMemory parses the text of /proc/PID/status. A process without
// resident memory of its own (a kernel thread, a zombie) is an error.
func ParseMemory(data []byte) (Memory, error) {
	var m Memory
	var haveRSS, havePeak bool
	for line := range strings.Lines(string(data)) {
		name, raw, _ := strings.Cut(line, ":")
		if name != "VmRSS" && name != "VmHWM" {
			continue
		}
		raw = strings.TrimSpace(raw)
		kb, err := strconv.ParseInt(strings.TrimSuffix(raw, " kB"), 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("parse %s %q: %w", name, raw, err)
		}
		if name == "VmRSS" {
			m.RSS, haveRSS = kb<<10, true
		} else {
			m.PeakRSS, havePeak = kb<<10, true
		}
	}
	switch {
	case !haveRSS:
		return Memory{}, errors.New("no VmRSS line")
	case !havePeak:
		return Memory{}, errors.New("no VmHWM line")
	}
	return m, nil
}
