package frameworks_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/config"
)

// entryProcess is an entry run as a plain child process, for the tests
// that signal it, limit it or give it its own environment.
type entryProcess struct {
	cmd    *exec.Cmd
	base   string
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
	log    lockedBuffer
}

// binaries builds each entry once into a directory removed by TestMain.
var binaries struct {
	once sync.Once
	dir  string
	err  error
	mu   sync.Mutex
	done map[string]error
}

func entryBinary(t *testing.T, name string) string {
	t.Helper()
	binaries.once.Do(func() {
		binaries.dir, binaries.err = os.MkdirTemp("", "tfb-entries-test-")
		binaries.done = map[string]error{}
	})
	if binaries.err != nil {
		t.Fatal(binaries.err)
	}
	binaries.mu.Lock()
	defer binaries.mu.Unlock()
	bin := filepath.Join(binaries.dir, name)
	err, ok := binaries.done[name]
	if !ok {
		cmd := exec.Command("go", "build", "-o", bin, "./frameworks/"+name)
		cmd.Dir = repoRoot
		out, berr := cmd.CombinedOutput()
		if berr != nil {
			err = errors.New("go build ./frameworks/" + name + ": " + berr.Error() + "\n" + string(out))
		}
		binaries.done[name] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runEntry starts the entry with PORT and DATABASE_URL set, plus env
// (KEY=value), and waits until its json URL answers 200. The process is
// killed when the test ends if it is still running.
func runEntry(t *testing.T, test config.Test, databaseURL string, env ...string) *entryProcess {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(entryBinary(t, test.Name))
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "DATABASE_URL="+databaseURL)
	cmd.Env = append(cmd.Env, env...)
	p := &entryProcess{cmd: cmd, base: "http://127.0.0.1:" + strconv.Itoa(port), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.log, &p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", test.Name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("%s's output:\n%s", test.Name, p.log.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if status, _, err := tryGet(p.base+test.JSONURL, time.Second); err == nil && status == http.StatusOK {
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited before it answered: %v", test.Name, p.err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %s within 30s", test.Name, test.JSONURL)
		}
	}
}

// signal sends sig to the entry.
func (p *entryProcess) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait returns the process's exit code once it exits, or fails the test
// after within.
func (p *entryProcess) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("the entry did not exit within %s", within)
		return -1
	}
}

// alive reports whether the process is still running.
func (p *entryProcess) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// tryGet is a GET that reports transport errors instead of failing.
func tryGet(url string, timeout time.Duration) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var body bytes.Buffer
	_, err = body.ReadFrom(res.Body)
	return res.StatusCode, bytes.TrimSpace(body.Bytes()), err
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitOK polls url until it answers 200, failing the test after within.
func waitOK(t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		status, body, err := tryGet(url, within)
		if err == nil && status == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: status %d (%q), err %v; still not 200 after %s", url, status, body, err, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
