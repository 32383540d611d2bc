package docker

import (
	"net"
	"strings"
	"testing"
)

// TestDatabaseAccess checks where the docker runtime's database listens and
// whom it admits: loopback only on one machine; on several, the address the
// server reaches it at, admitting exactly the server's and this machine's.
// The remote machines are documentation addresses (TEST-NET); no packet is
// sent to them.
func TestDatabaseAccess(t *testing.T) {
	local := &engine{addr: "127.0.0.1", local: true}
	remoteServer := &engine{addr: "192.0.2.10"}
	remoteDB := &engine{addr: "192.0.2.11"}
	ownToward := func(host string) string {
		ip, err := addressToward(host)
		if err != nil {
			t.Skipf("no route from this machine: %v", err)
		}
		return ip
	}
	tests := []struct {
		name         string
		server, db   *engine
		wantListen   string
		wantAdmitted []string // besides loopback
	}{
		{"one machine", local, local, "127.0.0.1", nil},
		{"remote server", remoteServer, local, ownToward("192.0.2.10"), []string{ownToward("192.0.2.10") + "/32", "192.0.2.10/32"}},
		{"remote database", local, remoteDB, "192.0.2.11", []string{ownToward("192.0.2.11") + "/32"}},
		{"both remote", remoteServer, remoteDB, "192.0.2.11", []string{"192.0.2.10/32", ownToward("192.0.2.11") + "/32"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Runtime{server: tt.server, database: tt.db, client: local}
			listen, hba, err := d.databaseAccess()
			if err != nil {
				t.Fatal(err)
			}
			if listen != tt.wantListen {
				t.Errorf("listen = %s, want %s", listen, tt.wantListen)
			}
			var admitted []string
			for _, line := range strings.Split(strings.TrimSpace(hba), "\n") {
				f := strings.Fields(line)
				switch {
				case f[0] == "local":
					continue
				case f[len(f)-1] != "scram-sha-256":
					t.Errorf("rule %q admits logins without a password", line)
				}
				if addr := f[3]; addr != "127.0.0.1/32" && addr != "::1/128" {
					admitted = append(admitted, addr)
				}
			}
			if strings.Join(admitted, " ") != strings.Join(tt.wantAdmitted, " ") {
				t.Errorf("admitted %v besides loopback, want %v\n%s", admitted, tt.wantAdmitted, hba)
			}
		})
	}
}

// TestEntryListenAddress checks where an entry listens: loopback when the
// client shares its machine, else the address the client reaches it at.
func TestEntryListenAddress(t *testing.T) {
	local := &engine{addr: "127.0.0.1", local: true}
	remote := &engine{addr: "192.0.2.20"}
	if got, err := local.addressFor(local); err != nil || got != "127.0.0.1" {
		t.Errorf("one machine: %s, %v; want 127.0.0.1", got, err)
	}
	got, err := local.addressFor(remote)
	if err != nil {
		t.Skipf("no route from this machine: %v", err)
	}
	if ip := net.ParseIP(got); ip == nil || ip.IsLoopback() || ip.IsUnspecified() {
		t.Errorf("remote client: listen on %s, want this machine's routed address", got)
	}
	if got, err := remote.addressFor(local); err != nil || got != "192.0.2.20" {
		t.Errorf("remote server: %s, %v; want 192.0.2.20", got, err)
	}
	if got := listenHost("::1"); got != "[::1]" {
		t.Errorf("listenHost(::1) = %s, want [::1]", got)
	}
}
