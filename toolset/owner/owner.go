// Package owner marks what a process leaves on this machine (temporary
// directories, containers) with its process id, and finds what was left by
// processes that no longer run, so that the next run can remove it.
package owner

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// fileName is the file in an owned directory that holds its owner's process id.
const fileName = "owner.pid"

// Alive reports whether a process with the given id runs on this machine.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Orphaned reports whether pid, read from a label or file, names a process
// that no longer runs. A value that is not a process id is not an orphan's:
// what it marks is left alone.
func Orphaned(pid string) bool {
	n, err := strconv.Atoi(strings.TrimSpace(pid))
	return err == nil && n > 0 && !Alive(n)
}

// Hostname is this machine's name, as owner labels record it.
func Hostname() string {
	h, _ := os.Hostname()
	return h
}

// MkdirTemp creates a directory as os.MkdirTemp does and writes this
// process's id into it, so that Reap can tell when its owner is gone.
func MkdirTemp(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", fmt.Errorf("make temporary directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, fileName), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("mark %s with its owner: %w", dir, err)
	}
	return dir, nil
}

// Reap finds the directories made by MkdirTemp with the same pattern whose
// owner no longer runs, calls release on each (to stop what still runs from
// it; nil for none) and removes it. Directories without an owner file, or
// whose owner runs, are left alone. It returns the directories it removed.
func Reap(pattern string, release func(dir string) error) []string {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), pattern))
	var removed []string
	for _, dir := range dirs {
		pid, err := os.ReadFile(filepath.Join(dir, fileName))
		if err != nil || !Orphaned(string(pid)) {
			continue
		}
		if release != nil {
			if err := release(dir); err != nil {
				slog.Debug("release what an earlier run left", "dir", dir, "err", err)
			}
		}
		if err := os.RemoveAll(dir); err != nil {
			slog.Warn("remove a directory left by an earlier run", "dir", dir, "err", err)
			continue
		}
		slog.Info("removed a directory left by an earlier run", "dir", dir, "pid", strings.TrimSpace(string(pid)))
		removed = append(removed, dir)
	}
	return removed
}
