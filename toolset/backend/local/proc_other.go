//go:build !linux

package local

import (
	"errors"
	"syscall"

	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/pgcluster"
)

// childProcAttr puts a child in its own process group.
func childProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func raiseFileLimit() {}

// groupAlive reports whether process group pgid still has a process.
func groupAlive(pgid int) bool { return syscall.Kill(-pgid, 0) == nil }

// startProcUsage is Linux only: elsewhere the local runtime reports no usage.
func startProcUsage(pid int) (backend.UsageProbe, error) {
	return nil, errors.New("server CPU and memory are measured on Linux only")
}

// pinTree is Linux only.
func pinTree(db *pgcluster.Cluster, list string) error {
	return errors.New("--partition is Linux only in the local runtime")
}
