//go:build linux

package procstat

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// ReadProcess returns the stat of process pid.
func ReadProcess(pid int) (Stat, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Stat{}, fmt.Errorf("read CPU time of process %d: %w", pid, err)
	}
	return ParseStat(data)
}

// ReadMemory returns the resident memory of process pid.
func ReadMemory(pid int) (Memory, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return Memory{}, fmt.Errorf("read memory of process %d: %w", pid, err)
	}
	m, err := ParseMemory(data)
	if err != nil {
		return Memory{}, fmt.Errorf("memory of process %d: %w", pid, err)
	}
	return m, nil
}

// ReadAll returns the stat of every process it can read; a process that
// exits while it reads is left out.
func ReadAll() ([]Stat, error) {
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return nil, err
	}
	out := make([]Stat, 0, len(dirs))
	for _, d := range dirs {
		data, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue
		}
		if s, err := ParseStat(data); err == nil {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no process readable under /proc")
	}
	return out, nil
}

// ReadTreeStats returns the stat of process root and of every process
// descended from it, root first.
func ReadTreeStats(root int) ([]Stat, error) {
	all, err := ReadAll()
	if err != nil {
		return nil, err
	}
	tree := Tree(root, all)
	if tree == nil {
		return nil, fmt.Errorf("read CPU time of process %d and its children: no such process", root)
	}
	return tree, nil
}

// ReadTree returns the CPU times of process root and all its descendants
// (TreeCPU over every process).
func ReadTree(root int) (Times, error) {
	tree, err := ReadTreeStats(root)
	if err != nil {
		return Times{}, err
	}
	return Sum(tree), nil
}

// ReadMachine returns the machine's CPU times from /proc/stat.
func ReadMachine() (Machine, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return Machine{}, fmt.Errorf("read machine CPU time: %w", err)
	}
	return ParseMachine(data)
}
