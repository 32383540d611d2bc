package local

import (
	"os"
	"testing"
	"time"
)

func TestParseProcStatCPU(t *testing.T) {
	tests := []struct {
		name, line string
		want       time.Duration
		ok         bool
	}{
		{"plain", "1234 (gin) S 1 1234 1234 0 -1 4194560 100 0 0 0 150 50 3 7 20 0 8 0 100 1000 200", 2100 * time.Millisecond, true},
		{"name with spaces and parens", "1234 (a b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 8 0", 30 * time.Millisecond, true},
		{"truncated", "1234 (gin) S 1 2", 0, false},
		{"no name", "garbage", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStatCPU([]byte(tt.line))
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("parseProcStatCPU = %v, %v; want %v, ok=%v", got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestProcUsageOfSelf(t *testing.T) {
	probe, err := startProcUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) {
	}
	u, err := probe.Finish(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if u.PeakMemory < 32<<20 || u.CPU <= 0 {
		t.Errorf("usage = %+v, want CPU > 0 and peak memory >= 32 MiB", u)
	}
	_ = buf[len(buf)-1]
}
