// Package hostinfo reads the facts about this machine that a benchmark run
// records beside its results: CPU model, memory and kernel, from /proc.
// Fields it cannot read (another OS, a restricted /proc) stay empty.
package hostinfo

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
)

// Facts describe the machine.
type Facts struct {
	CPUModel    string // /proc/cpuinfo's "model name" (or "Model" on some ARM kernels)
	MemoryBytes int64  // /proc/meminfo's MemTotal
	Kernel      string // as uname -sr prints it, e.g. "Linux 6.1.0-18-amd64"
}

// Read returns the facts of this machine.
func Read() Facts {
	var f Facts
	if file, err := os.Open("/proc/cpuinfo"); err == nil {
		f.CPUModel = CPUModel(file)
		file.Close()
	}
	if file, err := os.Open("/proc/meminfo"); err == nil {
		f.MemoryBytes = MemoryBytes(file)
		file.Close()
	}
	osType, _ := os.ReadFile("/proc/sys/kernel/ostype")
	release, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	f.Kernel = strings.TrimSpace(strings.TrimSpace(string(osType)) + " " + strings.TrimSpace(string(release)))
	return f
}

// CPUModel returns the first "model name" (x86) or "Model" (ARM) value of
// a /proc/cpuinfo text; "" when it has neither.
func CPUModel(cpuinfo io.Reader) string {
	s := bufio.NewScanner(cpuinfo)
	fallback := ""
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "model name":
			return strings.TrimSpace(value)
		case "Model":
			if fallback == "" {
				fallback = strings.TrimSpace(value)
			}
		}
	}
	return fallback
}

// MemoryBytes returns MemTotal of a /proc/meminfo text in bytes; 0 when it
// has none.
func MemoryBytes(meminfo io.Reader) int64 {
	s := bufio.NewScanner(meminfo)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 2 || fields[0] != "MemTotal:" {
			continue
		}
		n, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			return 0
		}
		if len(fields) > 2 && fields[2] == "kB" {
			n *= 1024
		}
		return n
	}
	return 0
}
