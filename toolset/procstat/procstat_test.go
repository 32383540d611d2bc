package procstat

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    Stat
		wantErr bool
	}{
		{"plain", "1234 (postgres) S 1200 1234 1234 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 100 0 0",
			Stat{PID: 1234, PPID: 1200, PGID: 1234, State: 'S', Own: 3 * time.Second, Children: 100 * time.Millisecond,
				OwnKernel: 500 * time.Millisecond, ChildrenKernel: 30 * time.Millisecond}, false},
		{"name with spaces and parens", "77 (tfb (x) y) R 1 77 77 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 0 0",
			Stat{PID: 77, PPID: 1, PGID: 77, State: 'R', Own: 30 * time.Millisecond, OwnKernel: 20 * time.Millisecond}, false},
		{"a name that closes a parenthesis", "1234 (a b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 8 0",
			Stat{PID: 1234, PPID: 1, PGID: 1234, State: 'S', Own: 30 * time.Millisecond, OwnKernel: 20 * time.Millisecond}, false},
		{"too short", "5 (x) S 1 2 3", Stat{}, true},
		{"no name", "garbage", Stat{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStat([]byte(tt.line))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseStat = %+v, %v; want %+v (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseMachine(t *testing.T) {
	text := "cpu  100 20 30 400 50 6 4 10 0 0\ncpu0 50 10 15 200 25 3 2 5 0 0\nintr 1\n"
	got, err := ParseMachine([]byte(text))
	want := Machine{Busy: 1600 * time.Millisecond, Idle: 4500 * time.Millisecond, Steal: 100 * time.Millisecond}
	if err != nil || got != want {
		t.Errorf("ParseMachine = %+v, %v; want %+v", got, err, want)
	}
	if _, err := ParseMachine([]byte("intr 1\n")); err == nil {
		t.Error("no error without a cpu line")
	}
	if d := want.Sub(Machine{Busy: time.Second}); d.Busy != 600*time.Millisecond || d.Idle != want.Idle {
		t.Errorf("Sub = %+v", d)
	}
}

func TestParseMemory(t *testing.T) {
	tests := []struct {
		name, text string
		want       Memory
		wantErr    string
	}{
		{"a process", "Name:\tnethttp\nVmPeak:\t 1865532 kB\nVmHWM:\t   42608 kB\nVmRSS:\t   26472 kB\nThreads:\t6\n",
			Memory{RSS: 26472 << 10, PeakRSS: 42608 << 10}, ""},
		{"a kernel thread", "Name:\tkthreadd\nThreads:\t1\n", Memory{}, "no VmRSS line"},
		{"no peak", "VmRSS:\t 12 kB\n", Memory{}, "no VmHWM line"},
		{"not a number", "VmHWM:\t many kB\nVmRSS:\t 12 kB\n", Memory{}, `parse VmHWM "many kB"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMemory([]byte(tt.text))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMemory = %+v, %v; want an error saying %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseMemory = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestTreeCPU(t *testing.T) {
	all := []Stat{
		{PID: 1, PPID: 0, Own: time.Hour},
		{PID: 10, PPID: 1, Own: time.Second, Children: 2 * time.Second, ChildrenKernel: time.Second}, // the postmaster
		{PID: 11, PPID: 10, Own: 3 * time.Second, OwnKernel: 2 * time.Second},                        // a backend
		{PID: 12, PPID: 11, Own: 4 * time.Second},                                                    // its child
		{PID: 20, PPID: 1, Own: time.Minute, OwnKernel: time.Minute},                                 // someone else
	}
	if got, ok := TreeCPU(10, all); !ok || got != (Times{CPU: 10 * time.Second, Kernel: 3 * time.Second}) {
		t.Errorf("TreeCPU(10) = %+v, %v; want 10s of which 3s in the kernel", got, ok)
	}
	if _, ok := TreeCPU(99, all); ok {
		t.Error("TreeCPU of a missing process is ok")
	}
}

// TestReadsThisMachine reads real /proc: this process, a child's tree and
// the machine, each of which must grow while a child burns CPU.
func TestReadsThisMachine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux /proc only")
	}
	before, err := ReadMachine()
	if err != nil {
		t.Fatal(err)
	}
	// The child loops until the test kills its process group, so it is
	// still burning CPU however fast this machine counts to a number.
	cmd := startGroup(t, "sh -c 'while :; do :; done' & wait")
	pid := cmd.Process.Pid
	var tree Times
	var own Stat
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if tree, err = ReadTree(pid); err != nil {
			t.Fatal(err)
		}
		if own, err = ReadProcess(pid); err != nil {
			t.Fatal(err)
		}
		if tree.CPU > own.Times().CPU {
			break
		}
	}
	if tree.CPU <= own.Times().CPU {
		t.Errorf("tree %s is not above the parent's own %s after 10 s of its child burning CPU", tree.CPU, own.Times().CPU)
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	after, err := ReadMachine()
	if err != nil {
		t.Fatal(err)
	}
	if d := after.Sub(before); d.Busy <= 0 {
		t.Errorf("machine busy time did not grow: %+v", d)
	}
	if m, err := ReadMemory(os.Getpid()); err != nil || m.RSS <= 0 || m.PeakRSS < m.RSS {
		t.Errorf("ReadMemory(self) = %+v, %v; want resident memory under its peak", m, err)
	}
	self, err := ReadProcess(os.Getpid())
	if err != nil || self.PID != os.Getpid() || self.PPID != os.Getppid() || self.PGID != syscall.Getpgrp() {
		t.Errorf("ReadProcess(self) = %+v, %v", self, err)
	}
}

// TestKernelTime reads the kernel's part of real children's CPU: one that
// spends its time in system calls and one that spends it in its own code.
func TestKernelTime(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux /proc only")
	}
	tests := []struct {
		name       string
		script     string
		kernelMost bool // whether most of its CPU is the kernel's
	}{
		{"system calls", "dd if=/dev/zero of=/dev/null bs=1 count=100000000 2>/dev/null", true},
		{"own code", "while :; do :; done", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pid := startGroup(t, tt.script).Process.Pid
			var got Times
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && got.CPU < 300*time.Millisecond; time.Sleep(50 * time.Millisecond) {
				var err error
				if got, err = ReadTree(pid); err != nil {
					t.Fatal(err)
				}
			}
			if got.CPU < 300*time.Millisecond {
				t.Fatalf("the child used %s of CPU in 10 s", got.CPU)
			}
			if got.Kernel < 0 || got.Kernel > got.CPU {
				t.Fatalf("kernel time %s outside [0, %s]", got.Kernel, got.CPU)
			}
			if mostly := got.Kernel > got.CPU/2; mostly != tt.kernelMost {
				t.Errorf("kernel time %s of %s: more than half is %v, want %v", got.Kernel, got.CPU, mostly, tt.kernelMost)
			}
		})
	}
}

// startGroup starts sh -c script in a process group of its own, which the
// test's cleanup kills.
func startGroup(t *testing.T, script string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return cmd
}
