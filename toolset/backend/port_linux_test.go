package backend

import (
	"context"
	"errors"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestCheckPortFree checks a port on real loopback sockets: a free port, one
// a server listens on (refused at once), and one that only the TIME_WAIT
// connections of a server without SO_REUSEADDR hold (waited for).
func TestCheckPortFree(t *testing.T) {
	tests := []struct {
		name string
		hold func(t *testing.T) int // returns the port, held as the case says
		// wantErr is nil, ErrPortInUse (at once) or context.DeadlineExceeded
		// (still waiting when the context ends).
		wantErr error
	}{
		{"free", func(t *testing.T) int {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			port := l.Addr().(*net.TCPAddr).Port
			l.Close()
			return port
		}, nil},
		{"a server listens", func(t *testing.T) int {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })
			return l.Addr().(*net.TCPAddr).Port
		}, ErrPortInUse},
		{"closed connections of a server without SO_REUSEADDR", timeWaitWithoutReuse, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := tt.hold(t)
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			start := time.Now()
			err := CheckPortFree(ctx, port, "entry test")
			took := time.Since(start)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("CheckPortFree = %v, want nil", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("CheckPortFree = %v, want %v", err, tt.wantErr)
			case errors.Is(tt.wantErr, ErrPortInUse) && took > 500*time.Millisecond:
				t.Errorf("a port a server listens on took %s to refuse, want at once", took)
			case errors.Is(tt.wantErr, context.DeadlineExceeded) && errors.Is(err, ErrPortInUse):
				t.Errorf("a port held by closed connections was called taken: %v", err)
			}
		})
	}
}

// timeWaitWithoutReuse makes a listener without SO_REUSEADDR, closes one
// accepted connection from the server's side first (so it stays in
// TIME_WAIT for 60 s) and the listener, and returns its port: nothing
// listens there, and nothing can bind it until the kernel releases it.
func timeWaitWithoutReuse(t *testing.T) int {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 1); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	client, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	conn, _, err := syscall.Accept(fd)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Close(conn) // the server closes first: its side goes to TIME_WAIT
	// The client reads the end of the stream and closes too.
	if _, err := client.Read(make([]byte, 1)); err == nil {
		t.Fatal("the client read data from a closed connection")
	}
	client.Close()
	time.Sleep(50 * time.Millisecond)
	if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err == nil {
		l.Close()
		t.Fatal("a listener could bind over TIME_WAIT connections of a server without SO_REUSEADDR: the case this test needs did not arise")
	}
	return port
}
