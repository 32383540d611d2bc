package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-tfb/suite/db"
	"github.com/go-tfb/suite/toolset/backend"
	"github.com/go-tfb/suite/toolset/config"
	"github.com/go-tfb/suite/toolset/pgcluster"
	"github.com/go-tfb/suite/toolset/tfbrepo"
)

// buildTFB builds a test of a FrameworkBenchmarks tree on this machine as
// its dockerfile says (tfbrepo.Build), in a directory of the work
// directory. A step that fails shows the compiler's messages.
func (l *Runtime) buildTFB(ctx context.Context, test config.Test, log io.Writer) error {
	dir := filepath.Join(l.workDir, test.Name)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clear %s: %w", dir, err)
	}
	res, err := tfbrepo.Build(ctx, test, tfbrepo.Options{Dir: dir, Log: log})
	l.mu.Lock()
	l.tfb[test.Name] = res
	l.mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var step *tfbrepo.StepError
		if errors.As(err, &step) && step.Output != "" {
			return backend.BuildError(test.Origin.Dockerfile+" "+step.Error(), errors.New("failed"), step.Output)
		}
		return fmt.Errorf("%s: %w", test.Origin.Dockerfile, err)
	}
	return nil
}

// BuildNotes implements backend.BuildNoter: what the build of a test of a
// FrameworkBenchmarks tree did differently from a Docker build.
func (l *Runtime) BuildNotes(entry string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if res := l.tfb[entry]; res != nil {
		return res.Notes
	}
	return nil
}

// StartDatabaseFor implements backend.EntryDatabases: a test of a
// FrameworkBenchmarks tree gets its cluster on port 5432 of a loopback
// address of the runtime's own, which tfb-database names in the test's
// /etc/hosts; any other entry gets StartDatabase's.
func (l *Runtime) StartDatabaseFor(ctx context.Context, test config.Test) (backend.Database, error) {
	if !test.FromTFB() {
		return l.StartDatabase(ctx)
	}
	l.mu.Lock()
	addr := l.tfbDB
	l.mu.Unlock()
	if addr == "" || !portFreeAt(addr) {
		var err error
		if addr, err = backend.TFBDatabaseAddress(); err != nil {
			return nil, err
		}
		l.mu.Lock()
		l.tfbDB = addr
		l.mu.Unlock()
	}
	// MD5, as TFB's database had it in Round 20: its tests' old drivers
	// (pgx v3 in go-std) know no SCRAM.
	c, err := pgcluster.StartAt(ctx, pgcluster.Options{Host: addr, Port: db.Port, MD5: true})
	if err != nil {
		return nil, fmt.Errorf("start local database on %s:%d: %w", addr, db.Port, err)
	}
	return l.track(ctx, c)
}

// portFreeAt reports whether port 5432 of addr is free.
func portFreeAt(addr string) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, fmt.Sprint(db.Port)))
	if err != nil {
		return false
	}
	return ln.Close() == nil
}

// mountHosts is the shell line that runs in the entry's own mount
// namespace: it puts the hosts file $0 over /etc/hosts there, then runs
// the entry's command.
const mountHosts = `mount --bind "$0" /etc/hosts && exec "$@"`

// startTFB starts a test of a FrameworkBenchmarks tree with its image's
// command, in its last stage's directory, with its ENV. Such a test hard-
// codes its addresses: it listens on its benchmark_config.json port
// (--server-port does not apply) and reaches its database as
// tfb-database:5432. The runtime therefore runs it in a mount namespace of
// its own whose /etc/hosts maps tfb-database to the address of the
// database, which listens on 5432 there (StartDatabaseFor), and
// tfb-server to 127.0.0.1, as TFB's extra hosts do; that needs root.
func (l *Runtime) startTFB(ctx context.Context, test config.Test, database backend.Database, log io.Writer) (backend.Server, error) {
	l.mu.Lock()
	res := l.tfb[test.Name]
	l.mu.Unlock()
	if res == nil || len(res.Command) == 0 {
		return nil, fmt.Errorf("entry %s was not built", test.Name)
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%s reaches its database as tfb-database: the local runtime maps that name in a private /etc/hosts, which needs root (run tfb as root, or use --runtime docker)", test.Name)
	}
	port := test.Port
	if l.opts.ServerPort != 0 && l.opts.ServerPort != port {
		fmt.Fprintf(log, "tfb: --server-port %d does not apply to %s, which listens on port %d as its code says\n", l.opts.ServerPort, test.Name, port)
	}
	if err := backend.CheckPortFree(ctx, port, "entry "+test.Name); err != nil {
		return nil, err
	}
	dbHost := "127.0.0.1"
	if database != nil {
		u, err := url.Parse(database.URL())
		if err != nil {
			return nil, fmt.Errorf("database URL: %w", err)
		}
		if u.Port() != fmt.Sprint(db.Port) {
			return nil, fmt.Errorf("%s reaches its database on port %d, and the database listens on %s", test.Name, db.Port, u.Port())
		}
		dbHost = u.Hostname()
	}
	hosts, err := l.hostsFile(test.Name, dbHost)
	if err != nil {
		return nil, err
	}
	cmd := l.command(append([]string{"/bin/sh", "-c", mountHosts, hosts}, res.Command...)...)
	cmd.SysProcAttr.Unshareflags = syscall.CLONE_NEWNS // Go makes the new namespace's mounts private
	cmd.Dir = res.Dir
	cmd.Env = append(cmd.Env, res.Env...)
	fmt.Fprintf(log, "tfb: runs %s in %s; in its own mount namespace /etc/hosts maps %s to %s, where its database listens on %d; it listens on port %d\n",
		strings.Join(res.Command, " "), res.Dir, db.Host, dbHost, db.Port, port)
	return l.start(ctx, test, cmd, port, log)
}

// hostsFile writes the entry's /etc/hosts: this machine's, then
// tfb-database and tfb-server.
func (l *Runtime) hostsFile(entry, dbHost string) (string, error) {
	base, err := os.ReadFile("/etc/hosts")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read /etc/hosts: %w", err)
	}
	content := fmt.Sprintf("%s\n%s %s\n127.0.0.1 tfb-server\n", strings.TrimRight(string(base), "\n"), dbHost, db.Host)
	path := filepath.Join(l.workDir, entry+".hosts")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return "", fmt.Errorf("write the entry's hosts file: %w", err)
	}
	return path, nil
}
