package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/go-tfb/suite/toolset/wrk"
)

// These tests run the real CLI as a subprocess with the local runtime: they
// need PostgreSQL's server binaries and, for the benchmark, wrk. Outside CI
// they skip when those are missing; under CI=true they fail.

// buildTFB builds the tfb binary into the test's own temporary directory.
func buildTFB(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tfb")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func needLocalTools(t *testing.T, needWrk bool) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
	if _, err := os.Stat("/usr/lib/postgresql"); err != nil {
		if _, err := exec.LookPath("pg_ctl"); err != nil {
			fixture.Unavailable(t, fmt.Errorf("PostgreSQL server binaries not found (apt-get install postgresql)"))
		}
	}
	if needWrk {
		if _, err := wrk.LookPath(); err != nil {
			fixture.Unavailable(t, err)
		}
	}
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	port, err := fixture.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// scratchDir is a TMPDIR for the CLI that the postgres user can enter.
func scratchDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tfb-it-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// cli is a running tfb subprocess whose output is watched line by line.
type cli struct {
	cmd    *exec.Cmd
	lines  chan string
	output *bytes.Buffer
	mu     sync.Mutex
	done   chan struct{}
}

func startCLI(t *testing.T, tmp string, args ...string) *cli {
	t.Helper()
	return startCLIBinary(t, buildTFB(t), []string{"TMPDIR=" + tmp}, args...)
}

// startCLIBinary starts the tfb binary at bin with env added to this
// process's environment.
func startCLIBinary(t *testing.T, bin string, env []string, args ...string) *cli {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = "../../.." // the repository root
	cmd.Env = append(os.Environ(), env...)
	// Its own process group, as a shell gives a job, so that a test can
	// send Ctrl-C's SIGINT to the whole group as a terminal does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &cli{cmd: cmd, lines: make(chan string, 1000), output: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = &lockedWriter{c}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.mu.Lock()
			c.output.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			select {
			case c.lines <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return c
}

type lockedWriter struct{ c *cli }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.c.output.Write(p)
}

func (c *cli) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.output.String()
}

// waitFor returns once a line containing s is printed.
func (c *cli) waitFor(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case line := <-c.lines:
			if strings.Contains(line, s) {
				return
			}
		case <-c.done:
			t.Fatalf("tfb ended before printing %q:\n%s", s, c.text())
		case <-deadline:
			t.Fatalf("tfb did not print %q within %s:\n%s", s, timeout, c.text())
		}
	}
}

// wait waits for the process to exit and returns its exit code.
func (c *cli) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(timeout):
		_ = c.cmd.Process.Kill()
		t.Fatalf("tfb did not exit within %s:\n%s", timeout, c.text())
	}
	return c.cmd.ProcessState.ExitCode()
}

// processesMatching lists the processes whose command line contains every
// one of parts, as "PID: command line".
func processesMatching(parts ...string) []string {
	var found []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		cmdline := strings.ReplaceAll(string(data), "\x00", " ")
		matches := true
		for _, part := range parts {
			matches = matches && strings.Contains(cmdline, part)
		}
		if matches {
			found = append(found, filepath.Base(filepath.Dir(p))+": "+cmdline)
		}
	}
	return found
}

// waitForProcess waits until a process whose command line holds name and
// target runs, and fails the test if none does within timeout.
func waitForProcess(t *testing.T, name, target string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for len(processesMatching(name, target)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no %s process with %q in its command line within %s", name, target, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// assertNothingLeft checks that no process refers to the CLI's scratch
// directory (the entry binary, the PostgreSQL cluster) or to the entry's
// port (wrk), that the port is free and the scratch directory is empty.
func assertNothingLeft(t *testing.T, tmp string, port int) {
	t.Helper()
	var left []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		left = append(processesMatching(tmp), processesMatching(":"+strconv.Itoa(port)+"/")...)
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("processes left behind:\n%s", strings.Join(left, "\n"))
	}
	if listening(port) {
		t.Errorf("something still listens on port %d after tfb exited", port)
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		t.Errorf("left in the scratch directory: %s", e.Name())
	}
}

// listening reports whether a TCP socket listens on port, from the kernel's
// socket tables. (Binding the port to find out would also fail while a
// client elsewhere on the machine happens to use it as its ephemeral port.)
func listening(port int) bool {
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 4 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, _ := strings.Cut(fields[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); err == nil && int(p) == port {
				return true
			}
		}
	}
	return false
}

func TestListeningSeesAListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if !listening(port) {
		t.Errorf("listening(%d) = false while a listener is open", port)
	}
	l.Close()
	if listening(port) {
		t.Errorf("listening(%d) = true after the listener closed", port)
	}
}

func TestDebugInterruptRemovesEverything(t *testing.T) {
	needLocalTools(t, false)
	tmp, port := scratchDir(t), freeTCPPort(t)
	c := startCLI(t, tmp, "debug", "--test", "nethttp", "--runtime", "local", "--server-port", strconv.Itoa(port))
	c.waitFor(t, "Press Ctrl-C", 90*time.Second)
	// The entry answers while debug keeps it up.
	conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		t.Fatalf("entry not reachable while debug runs: %v", err)
	}
	conn.Close()
	// Ctrl-C in a terminal: SIGINT to tfb and to everything in its group.
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 30*time.Second); code != 0 {
		t.Errorf("exit code %d after Ctrl-C in debug, want 0:\n%s", code, c.text())
	}
	assertNothingLeft(t, tmp, port)
}

func TestBenchmarkSIGTERMMidLoadRemovesEverything(t *testing.T) {
	needLocalTools(t, true)
	tmp, port := scratchDir(t), freeTCPPort(t)
	resultsDir := filepath.Join(t.TempDir(), "results")
	c := startCLI(t, tmp, "benchmark", "--test", "nethttp", "--type", "json", "plaintext", "--duration", "30",
		"--runtime", "local", "--server-port", strconv.Itoa(port), "--results-dir", resultsDir)
	c.waitFor(t, "json: Warmup", 120*time.Second)
	waitForProcess(t, "wrk", ":"+strconv.Itoa(port)+"/", 30*time.Second) // wrk is loading the entry
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 30*time.Second); code != base.ExitFailed {
		t.Errorf("exit code %d after SIGTERM, want %d:\n%s", code, base.ExitFailed, c.text())
	}
	assertNothingLeft(t, tmp, port)
	file := onlyResultsFile(t, resultsDir)
	loaded, err := runs.Load(file)
	if err != nil {
		t.Fatalf("interrupted run left an unreadable results.json: %v", err)
	}
	d := loaded.Doc
	if d.Verify["nethttp"]["json"] != "pass" {
		t.Errorf("verification before the interrupt not kept: %v", d.Verify)
	}
	if !d.Interrupted || d.CompletionTime == nil {
		t.Errorf("interrupted run: interrupted = %v, completionTime = %v; want true and the stop time", d.Interrupted, d.CompletionTime)
	}
}

func TestShortBenchmarkWritesTFBResults(t *testing.T) {
	needLocalTools(t, true)
	tmp, port := scratchDir(t), freeTCPPort(t)
	file, out := runBenchmark(t, tmp, 3*time.Minute, "--test", "gin", "--type", "json", "--duration", "1",
		"--concurrency-levels", "8", "16", "--runtime", "local", "--server-port", strconv.Itoa(port))
	loaded, err := runs.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	d := loaded.Doc
	levels := d.RawData["json"]["gin"]
	if len(levels) != 2 || levels[0].Connections != 8 || levels[1].Connections != 16 {
		t.Fatalf("rawData.json.gin = %+v, want levels 8 and 16", levels)
	}
	for _, l := range levels {
		if l.TotalRequests <= 0 || l.LatencyAvg == "" || l.LatencyP99 == "" || l.EndTime < l.StartTime {
			t.Errorf("level without measurements: %+v", l)
		}
		if l.ServerCPUSeconds == nil || *l.ServerCPUSeconds <= 0 || l.ServerPeakMemoryBytes == nil || *l.ServerPeakMemoryBytes <= 0 {
			t.Errorf("level without server usage: %+v", l)
		}
	}
	if d.CompletionTime == nil || strings.Join(d.Succeeded["json"], ",") != "gin" || d.Verify["gin"]["json"] != "pass" {
		t.Errorf("completion/succeeded/verify wrong: %v %v %v", d.CompletionTime, d.Succeeded, d.Verify)
	}
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "gin", "json", "raw.txt"))
	if err != nil || !strings.Contains(string(raw), "Concurrency: 16 for gin") || !strings.Contains(string(raw), "STARTTIME") {
		t.Errorf("raw.txt missing or without TFB's framing: %v", err)
	}
	env := d.Environment
	if env.CPUModel == "" || env.MemoryBytes <= 0 || !strings.HasPrefix(env.Kernel, "Linux ") || !strings.HasPrefix(env.WrkVersion, "wrk ") ||
		!strings.HasPrefix(env.PostgresVersion, "PostgreSQL ") || !slices.Contains(env.CommandLine, "--concurrency-levels") || d.Interrupted {
		t.Errorf("environment not filled in: %+v (interrupted %v)", env, d.Interrupted)
	}
	if !strings.Contains(string(out), "Best requests per second") {
		t.Errorf("no summary table:\n%s", out)
	}
	reportPath := filepath.Join(filepath.Dir(file), "report.html")
	page, err := os.ReadFile(reportPath)
	if err != nil || !strings.Contains(string(page), `id="type-json"`) || !strings.Contains(string(page), "gin") {
		t.Errorf("report.html missing or without the json section: %v", err)
	}
	if !strings.Contains(string(out), "Report: "+reportPath) {
		t.Errorf("the summary does not end with the report's path %s:\n%s", reportPath, out)
	}
	assertNothingLeft(t, tmp, port)
}

// runBenchmark runs tfb benchmark with args and TMPDIR tmp, results going
// to a directory of the test's, and returns the one results.json it wrote
// and its output.
func runBenchmark(t *testing.T, tmp string, timeout time.Duration, args ...string) (string, []byte) {
	t.Helper()
	resultsDir := filepath.Join(t.TempDir(), "results")
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildTFB(t), append(append([]string{"benchmark"}, args...), "--results-dir", resultsDir)...)
	cmd.Dir = "../../.."
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tfb benchmark: %v\n%s", err, out)
	}
	return onlyResultsFile(t, resultsDir), out
}

// TestClosedStdoutEndsTheRunCleanly runs `tfb verify ... | head -2`: once
// its reader has gone, tfb must stop (not die by SIGPIPE) and remove its
// PostgreSQL cluster, the entry and its temporary directories.
func TestClosedStdoutEndsTheRunCleanly(t *testing.T) {
	needLocalTools(t, false)
	tmp, port := scratchDir(t), freeTCPPort(t)
	cmd := exec.Command(buildTFB(t), "verify", "--runtime", "local", "--test", "gin",
		"--server-port", strconv.Itoa(port), "--results-dir", t.TempDir())
	cmd.Dir = "../../.."
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	// head -2: read two lines, then go away while tfb is still running.
	sc := bufio.NewScanner(r)
	for i := 0; i < 2; i++ {
		if !sc.Scan() {
			t.Fatalf("tfb printed fewer than 2 lines: %v\nstderr: %s", sc.Err(), stderr.String())
		}
	}
	r.Close()

	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("tfb did not end within 3 minutes of its stdout closing:\n%s", stderr.String())
	}
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		t.Fatalf("tfb was killed by %v instead of stopping cleanly:\n%s", ws.Signal(), stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != base.ExitFailed {
		t.Errorf("exit code %d, want %d:\n%s", code, base.ExitFailed, stderr.String())
	}
	if !strings.Contains(stderr.String(), "tfb: stopped: stdout closed") {
		t.Errorf("stderr does not say why tfb stopped:\n%s", stderr.String())
	}
	assertNothingLeft(t, tmp, port)
}
