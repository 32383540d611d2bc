package pgcluster_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/pgcluster"
)

func start(t *testing.T) *pgcluster.Cluster {
	t.Helper()
	c, err := pgcluster.Start(t.Context())
	if err != nil {
		fixture.Unavailable(t, err)
	}
	t.Cleanup(func() { c.Close(context.WithoutCancel(t.Context())) })
	return c
}

// TestClusterLoopbackOnly checks that the cluster listens on 127.0.0.1 only,
// admits password logins there, and that the superuser needs its password.
func TestClusterLoopbackOnly(t *testing.T) {
	c := start(t)
	ctx := t.Context()
	admin, err := pgx.Connect(ctx, c.AdminURL)
	if err != nil {
		t.Fatalf("connect with AdminURL: %v", err)
	}
	defer admin.Close(ctx)
	var listen string
	if err := admin.QueryRow(ctx, "SHOW listen_addresses").Scan(&listen); err != nil {
		t.Fatal(err)
	}
	if listen != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want 127.0.0.1", listen)
	}
	rows, err := admin.Query(ctx, "SELECT type, coalesce(address, ''), auth_method FROM pg_hba_file_rules")
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for rows.Next() {
		var typ, addr, method string
		if err := rows.Scan(&typ, &addr, &method); err != nil {
			t.Fatal(err)
		}
		rules = append(rules, typ+" "+addr+" "+method)
		if typ != "local" && method != "scram-sha-256" {
			t.Errorf("pg_hba rule %s %s %s: TCP logins must need a password", typ, addr, method)
		}
		if typ != "local" && addr != "127.0.0.1" && addr != "::1" {
			t.Errorf("pg_hba rule %s %s %s admits more than loopback", typ, addr, method)
		}
	}
	if len(rules) == 0 {
		t.Fatal("no pg_hba rules")
	}
	noPassword := strings.Replace(c.AdminURL, c.AdminURL[strings.Index(c.AdminURL, ":")+3:strings.Index(c.AdminURL, "@")], "postgres", 1)
	if conn, err := pgx.Connect(ctx, noPassword); err == nil {
		conn.Close(ctx)
		t.Errorf("the superuser logged in over TCP without its password (%s)", noPassword)
	}
	user, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		t.Fatalf("connect as benchmarkdbuser: %v", err)
	}
	user.Close(ctx)
}

// TestReapOrphans checks that a cluster whose owner died is stopped and
// removed, and that a live owner's cluster is left alone.
func TestReapOrphans(t *testing.T) {
	live := start(t)
	orphan := start(t)
	ctx := t.Context()
	dir := clusterDir(t, orphan)
	postmaster := serverPID(t, dir)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(dead.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}

	removed := pgcluster.ReapOrphans(ctx)
	if len(removed) != 1 || removed[0] != dir {
		t.Errorf("ReapOrphans removed %q, want [%s]", removed, dir)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists: %v", dir, err)
	}
	if running(postmaster, 10*time.Second) {
		t.Errorf("the orphan's server (pid %d) still runs", postmaster)
	}
	conn, err := pgx.Connect(ctx, live.URL)
	if err != nil {
		t.Fatalf("the live cluster was touched: %v", err)
	}
	conn.Close(ctx)
}

// clusterDir finds the directory of the cluster listening on c's port.
func clusterDir(t *testing.T, c *pgcluster.Cluster) string {
	t.Helper()
	port := c.URL[strings.LastIndex(c.URL, ":")+1 : strings.LastIndex(c.URL, "/")]
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "tfb-postgres-*"))
	for _, dir := range dirs {
		pid, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
		if err != nil {
			continue
		}
		if lines := strings.Split(string(pid), "\n"); len(lines) > 3 && strings.TrimSpace(lines[3]) == port {
			return dir
		}
	}
	t.Fatalf("no cluster directory for port %s", port)
	return ""
}

// running reports whether pid still runs (and is no zombie) after waiting
// up to within for it to end.
func running(pid int, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return false
		}
		if fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(fields) > 0 && fields[0] == "Z" {
			return false
		}
		if time.Now().After(deadline) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func serverPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}
