//go:build !linux

package procstat

// ReadProcess is Linux only.
func ReadProcess(pid int) (Stat, error) { return Stat{}, ErrUnsupported }

// ReadMemory is Linux only.
func ReadMemory(pid int) (Memory, error) { return Memory{}, ErrUnsupported }

// ReadAll is Linux only.
func ReadAll() ([]Stat, error) { return nil, ErrUnsupported }

// ReadTreeStats is Linux only.
func ReadTreeStats(root int) ([]Stat, error) { return nil, ErrUnsupported }

// ReadTree is Linux only.
func ReadTree(root int) (Times, error) { return Times{}, ErrUnsupported }

// ReadMachine is Linux only.
func ReadMachine() (Machine, error) { return Machine{}, ErrUnsupported }
