package tfb

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"
)

// loopbackPair is a TCP connection on loopback: the server's end wrapped
// as Listen wraps it, and the client's.
func loopbackPair(t *testing.T) (server *lazyDeadlineConn, client net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	server = newLazyDeadlineConn(c)
	t.Cleanup(func() { client.Close(); server.Close() })
	return server, client
}

// TestLazyDeadlinesFireWhenAsked: whatever the poller holds, a read times
// out at the deadline last asked, never before, and not when it was
// cleared.
func TestLazyDeadlinesFireWhenAsked(t *testing.T) {
	const unit = 100 * time.Millisecond
	tests := []struct {
		name string
		ask  []time.Duration // from now; -1 clears
		// send is when the client writes a byte; 0 for never.
		send        time.Duration
		wantTimeout bool
		// the read returns after at least min and before max.
		min, max time.Duration
	}{
		{"a later deadline replaces an earlier one", []time.Duration{unit, 4 * unit}, 2 * unit, false, 2 * unit, 4 * unit},
		{"the later deadline still fires", []time.Duration{unit, 3 * unit}, 0, true, 3 * unit, 6 * unit},
		{"an earlier deadline fires", []time.Duration{4 * unit, unit}, 0, true, unit, 3 * unit},
		{"a cleared deadline does not fire", []time.Duration{unit, -1}, 3 * unit, false, 3 * unit, 6 * unit},
		{"a deadline after a clear fires", []time.Duration{unit, -1, 3 * unit}, 0, true, 3 * unit, 6 * unit},
		{"a deadline in the past aborts at once", []time.Duration{4 * unit, -10 * unit}, 0, true, 0, unit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server, client := loopbackPair(t)
			start := time.Now()
			for _, d := range tt.ask {
				deadline := time.Time{}
				if d != -1 {
					deadline = start.Add(d)
				}
				if err := server.SetReadDeadline(deadline); err != nil {
					t.Fatal(err)
				}
			}
			if tt.send > 0 {
				time.AfterFunc(tt.send, func() { client.Write([]byte{1}) })
			}
			_, err := server.Read(make([]byte, 1))
			took := time.Since(start)
			if timedOut := errors.Is(err, os.ErrDeadlineExceeded); timedOut != tt.wantTimeout {
				t.Errorf("read returned %v, want a timeout: %v", err, tt.wantTimeout)
			}
			if took < tt.min || took > tt.max {
				t.Errorf("read returned after %s, want between %s and %s", took, tt.min, tt.max)
			}
		})
	}
}

// TestLazyDeadlinesSkipThePoller: deadlines that move later, as a busy
// keep-alive connection's do, are not passed on.
func TestLazyDeadlinesSkipThePoller(t *testing.T) {
	server, _ := loopbackPair(t)
	passed := 0
	setOnPoller := server.read.setOnPoller
	server.read.setOnPoller = func(t time.Time) error { passed++; return setOnPoller(t) }
	now := time.Now()
	for i := range 1000 {
		at := now.Add(time.Duration(i) * time.Microsecond)
		server.SetReadDeadline(at.Add(60 * time.Second)) // idle
		server.SetReadDeadline(time.Time{})
		server.SetReadDeadline(at.Add(5 * time.Second)) // header
	}
	if passed != 2 {
		t.Errorf("%d deadlines passed on to the poller for 1000 requests, want 2 (the first idle and header ones)", passed)
	}
}
