package wrk

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

// TestPipelineScriptWritesSixteenRequestsAtOnce runs the real wrk with the
// script against a bare TCP listener and counts the requests that arrive
// before any response is sent.
func TestPipelineScriptWritesSixteenRequestsAtOnce(t *testing.T) {
	path, err := LookPath()
	if err != nil {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skipf("skipped: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// wrk first opens and closes a connection to check the address, so
	// each connection is read and the largest count is kept.
	seen := make(chan int, 16)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go countRequests(conn, seen)
		}
	}()
	script := filepath.Join(t.TempDir(), PipelineScriptName)
	if err := os.WriteFile(script, []byte(PipelineScript), 0o644); err != nil {
		t.Fatal(err)
	}
	run := Run{URL: "http://" + l.Addr().String() + "/plaintext", Connections: 1, Threads: 1, Duration: time.Second,
		Accept: config.AcceptPlaintext, ScriptPath: script, Pipeline: PipelineDepth}
	out, _ := exec.Command(path, run.Args()...).CombinedOutput()
	best := 0
	for {
		select {
		case n := <-seen:
			best = max(best, n)
			continue
		case <-time.After(500 * time.Millisecond):
		}
		break
	}
	if best != PipelineDepth {
		t.Errorf("server saw at most %d requests on a connection before answering, want %d\nwrk output:\n%s", best, PipelineDepth, out)
	}
}

// countRequests reads what arrives on conn without answering and reports
// how many requests came.
func countRequests(conn net.Conn, seen chan<- int) {
	defer conn.Close()
	var got []byte
	buf := make([]byte, 64<<10)
	deadline := time.Now().Add(2 * time.Second)
	for bytes.Count(got, []byte("GET /plaintext")) < 2*PipelineDepth && time.Now().Before(deadline) {
		_ = conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	seen <- bytes.Count(got, []byte("GET /plaintext"))
}
