package backend

import (
	"fmt"
	"time"

	"github.com/go-tfb/suite/toolset/procstat"
)

// MachineProbe measures this machine's CPU time between StartMachineUsage
// and Finish.
type MachineProbe struct {
	start   procstat.Machine
	started time.Time
}

// MachineUsage is the machine's CPU time over a measured period.
type MachineUsage struct {
	// Elapsed is the wall-clock length of the period.
	Elapsed time.Duration
	// Busy is the CPU time spent by everything (not idle), summed over the
	// cores; Steal the time the hypervisor gave to other guests.
	Busy, Steal time.Duration
}

// StartMachineUsage begins measuring this machine's CPU time (/proc/stat;
// Linux only).
func StartMachineUsage() (*MachineProbe, error) {
	m, err := procstat.ReadMachine()
	if err != nil {
		return nil, fmt.Errorf("machine CPU time: %w", err)
	}
	return &MachineProbe{start: m, started: time.Now()}, nil
}

// Finish returns what the machine spent since StartMachineUsage.
func (p *MachineProbe) Finish() (MachineUsage, error) {
	m, err := procstat.ReadMachine()
	if err != nil {
		return MachineUsage{}, fmt.Errorf("machine CPU time: %w", err)
	}
	d := m.Sub(p.start)
	return MachineUsage{Elapsed: time.Since(p.started), Busy: d.Busy, Steal: d.Steal}, nil
}
