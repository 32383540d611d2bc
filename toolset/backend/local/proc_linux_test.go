package local

import (
	"os"
	"testing"
	"time"
)

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
