package docker

import (
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// TestCloseAllEndsCallsInProgress points a client at an engine that takes
// its requests and never answers, as one behind a cut link does, and checks
// that a call waiting on it returns once CloseAll closes its connection.
func TestCloseAllEndsCallsInProgress(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			addr := "127.0.0.1:0"
			if network == "unix" {
				addr = filepath.Join(t.TempDir(), "docker.sock")
			}
			ln, err := net.Listen(network, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			// The engine answers its ping, then takes every other request
			// and never answers it.
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/_ping") {
					w.Header().Set("Api-Version", "1.47")
					return
				}
				<-r.Context().Done()
			})}
			go srv.Serve(ln)
			defer srv.Close()
			endpoint := "tcp://" + ln.Addr().String()
			if network == "unix" {
				endpoint = "unix://" + addr
			}
			cli, conns, err := NewClientConns(endpoint)
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			if _, err := cli.Ping(t.Context(), client.PingOptions{NegotiateAPIVersion: true}); err != nil {
				t.Fatal(err)
			}
			cli.Close() // the ping's idle connection
			done := make(chan error, 1)
			go func() {
				_, err := cli.ContainerInspect(t.Context(), "tfb-server-nethttp", client.ContainerInspectOptions{})
				done <- err
			}()
			for deadline := time.Now().Add(5 * time.Second); conns.Len() == 0; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the client opened no connection")
				}
			}
			select {
			case err := <-done:
				t.Fatalf("the call returned before anything was closed: %v", err)
			case <-time.After(200 * time.Millisecond):
			}
			if n := conns.CloseAll(); n != 1 {
				t.Errorf("CloseAll closed %d connections, want 1", n)
			}
			select {
			case err := <-done:
				if err == nil {
					t.Error("a call to an engine that never answered returned no error")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the call still waits 5 s after CloseAll")
			}
			if n := conns.Len(); n != 0 {
				t.Errorf("%d connections still open after CloseAll", n)
			}
		})
	}
}
