package owner

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestReapRemovesOnlyOrphans(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	const pattern = "owner-test-*"
	mine, err := MkdirTemp(pattern)
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := MkdirTemp(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(orphan, fileName), []byte(strconv.Itoa(deadPID(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	unmarked, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	var released []string
	removed := Reap(pattern, func(dir string) error { released = append(released, dir); return nil })

	if len(removed) != 1 || removed[0] != orphan {
		t.Errorf("Reap removed %q, want only the orphan %q", removed, orphan)
	}
	if len(released) != 1 || released[0] != orphan {
		t.Errorf("Reap released %q, want only the orphan %q", released, orphan)
	}
	tests := []struct {
		dir  string
		want bool
	}{{mine, true}, {orphan, false}, {unmarked, true}}
	for _, tt := range tests {
		_, err := os.Stat(tt.dir)
		if exists := err == nil; exists != tt.want {
			t.Errorf("%s exists = %v, want %v", tt.dir, exists, tt.want)
		}
	}
}

func TestOrphaned(t *testing.T) {
	tests := []struct {
		pid  string
		want bool
	}{
		{strconv.Itoa(os.Getpid()), false},
		{strconv.Itoa(deadPID(t)), true},
		{"", false},
		{"not a pid", false},
		{"0", false},
		{"-1", false},
	}
	for _, tt := range tests {
		if got := Orphaned(tt.pid); got != tt.want {
			t.Errorf("Orphaned(%q) = %v, want %v", tt.pid, got, tt.want)
		}
	}
}
