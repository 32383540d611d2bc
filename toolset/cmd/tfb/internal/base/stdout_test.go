package base

import (
	"bytes"
	"os"
	"testing"
	"time"
)

// TestStdoutGuardNoticesClosedPipe closes the reader of a pipe the guard
// writes to: the guard must report it without waiting for a write, then
// drop writes without an error.
func TestStdoutGuardNoticesClosedPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	closed := make(chan struct{})
	g := newStdoutGuard(w, func() { close(closed) })
	defer g.stop()
	if _, err := g.Write([]byte("first line\n")); err != nil {
		t.Fatalf("write while the reader is there: %v", err)
	}
	r.Close()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("closing the pipe's reader was not noticed")
	}
	if n, err := g.Write([]byte("after\n")); n != 6 || err != nil {
		t.Errorf("write after the reader left = %d, %v; want 6, nil", n, err)
	}
}

// TestStdoutGuardPassesWrites checks that a guard on an ordinary writer
// writes through and never reports it closed.
func TestStdoutGuardPassesWrites(t *testing.T) {
	var b bytes.Buffer
	g := newStdoutGuard(&b, func() { t.Error("a buffer reported closed") })
	defer g.stop()
	for _, s := range []string{"a\n", "b\n"} {
		if _, err := g.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if b.String() != "a\nb\n" {
		t.Errorf("wrote %q", b.String())
	}
}
