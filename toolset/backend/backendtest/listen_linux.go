package backendtest

import (
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// ListeningAddrs returns the addresses on which a TCP socket of this network
// namespace listens at port, read from /proc/net/tcp and /proc/net/tcp6.
func ListeningAddrs(t testing.TB, port int) []string {
	t.Helper()
	var addrs []string
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 4 || f[3] != "0A" { // 0A: LISTEN
				continue
			}
			hexIP, hexPort, _ := strings.Cut(f[1], ":")
			p, err := strconv.ParseUint(hexPort, 16, 16)
			if err != nil || int(p) != port {
				continue
			}
			raw, err := hex.DecodeString(hexIP)
			if err != nil {
				t.Fatalf("%s: bad address %q", file, f[1])
			}
			// The kernel prints each 32-bit word in host (little-endian) order.
			for i := 0; i+4 <= len(raw); i += 4 {
				raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
			}
			addrs = append(addrs, net.IP(raw).String())
		}
	}
	return addrs
}

// RequireLoopbackOnly fails unless something listens at port and only on
// 127.0.0.1; what names the listener in the failure.
func RequireLoopbackOnly(t testing.TB, what string, port int) {
	t.Helper()
	addrs := ListeningAddrs(t, port)
	if len(addrs) == 0 {
		t.Fatalf("%s: nothing listens on port %d", what, port)
	}
	for _, a := range addrs {
		if a != "127.0.0.1" {
			t.Errorf("%s listens on %s:%d, want 127.0.0.1 only (all: %v)", what, a, port, addrs)
		}
	}
}
