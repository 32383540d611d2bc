package hostinfo

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestCPUModel(t *testing.T) {
	tests := []struct {
		name, cpuinfo, want string
	}{
		{"x86", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Gold 5120 CPU @ 2.20GHz\nprocessor\t: 1\nmodel name\t: other\n", "Intel(R) Xeon(R) Gold 5120 CPU @ 2.20GHz"},
		{"arm", "processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n", "Raspberry Pi 4 Model B Rev 1.4"},
		{"none", "processor\t: 0\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CPUModel(strings.NewReader(tt.cpuinfo)); got != tt.want {
				t.Errorf("CPUModel = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMemoryBytes(t *testing.T) {
	tests := []struct {
		name, meminfo string
		want          int64
	}{
		{"kB", "MemTotal:       16318480 kB\nMemFree:         1230000 kB\n", 16318480 * 1024},
		{"second line", "Foo: 1 kB\nMemTotal: 2048 kB\n", 2048 * 1024},
		{"missing", "MemFree: 1 kB\n", 0},
		{"garbled", "MemTotal: lots kB\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MemoryBytes(strings.NewReader(tt.meminfo)); got != tt.want {
				t.Errorf("MemoryBytes = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestReadOnThisMachine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	f := Read()
	release, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		t.Fatal(err)
	}
	if f.Kernel != "Linux "+strings.TrimSpace(string(release)) {
		t.Errorf("Kernel = %q, want Linux %s", f.Kernel, release)
	}
	if f.MemoryBytes < 64<<20 {
		t.Errorf("MemoryBytes = %d", f.MemoryBytes)
	}
	if f.CPUModel == "" {
		t.Error("no CPU model read from /proc/cpuinfo")
	}
}
