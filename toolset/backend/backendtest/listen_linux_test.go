package backendtest

import (
	"net"
	"testing"
)

func TestListeningAddrs(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("listen %s: %v", addr, err)
		}
		defer l.Close()
		tcp := l.Addr().(*net.TCPAddr)
		got := ListeningAddrs(t, tcp.Port)
		if len(got) != 1 || got[0] != tcp.IP.String() {
			t.Errorf("ListeningAddrs(%d) = %v, want [%s]", tcp.Port, got, tcp.IP)
		}
	}
}
