package tfb

import (
	"bytes"
	"context"
	"net"
	"syscall"
	"testing"
	"time"
)

// TestBatchReadConn sends a pipeline's worth of results over loopback in
// small writes, as PostgreSQL does, and checks that the reader wakes once
// for all the bytes it was told to expect, reads whatever comes after them
// without waiting, and leaves the socket's low-water mark at 1.
func TestBatchReadConn(t *testing.T) {
	cases := []struct {
		name          string
		queries       int // told to expect
		writes, size  int // what the server sends
		wantFirstRead int
	}{
		{"exactly the bytes due", 10, 10, minResultBytes, 10 * minResultBytes},
		{"more than due", 10, 10, 48, 10 * minResultBytes},
		{"one query", 1, 1, 48, minResultBytes},
		{"mark capped", 1000, 20, 1024, maxLowWater},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			start, done := make(chan struct{}), make(chan struct{})
			defer close(done)
			go func() {
				s, err := ln.Accept()
				if err != nil {
					return
				}
				defer s.Close()
				defer func() { <-done }() // held open, as PostgreSQL holds it
				<-start
				time.Sleep(50 * time.Millisecond) // the reader is waiting by now
				chunk := bytes.Repeat([]byte{'x'}, c.size)
				for range c.writes {
					if _, err := s.Write(chunk); err != nil {
						return
					}
					time.Sleep(time.Millisecond)
				}
			}()
			nc, err := dialBatchReads((&net.Dialer{}).DialContext)(context.Background(), "tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			conn, ok := nc.(*batchReadConn)
			if !ok {
				t.Fatalf("dialBatchReads made a %T, want a *batchReadConn", nc)
			}
			conn.expect(c.queries)
			close(start)
			if err := conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 64<<10)
			n, err := conn.Read(buf)
			if err != nil {
				t.Fatalf("first read: %v", err)
			}
			if n < c.wantFirstRead {
				t.Errorf("first read returned %d bytes, want at least %d: the reader woke before they arrived", n, c.wantFirstRead)
			}
			total := n
			for total < c.writes*c.size {
				m, err := conn.Read(buf)
				if err != nil {
					t.Fatalf("after %d of %d bytes: %v (a read waited for bytes that were not due)", total, c.writes*c.size, err)
				}
				total += m
			}
			conn.settle()
			if got := lowWater(t, conn); got != 1 {
				t.Errorf("SO_RCVLOWAT = %d after the results, want 1", got)
			}
		})
	}
}

// lowWater reads c's SO_RCVLOWAT.
func lowWater(t *testing.T, c syscall.Conn) int {
	t.Helper()
	raw, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var mark int
	var gerr error
	if err := raw.Control(func(fd uintptr) {
		mark, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT)
	}); err != nil || gerr != nil {
		t.Fatalf("getsockopt SO_RCVLOWAT: %v %v", err, gerr)
	}
	return mark
}
