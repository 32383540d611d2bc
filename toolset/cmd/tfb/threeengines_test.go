package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/docker"
	"github.com/go-tfb/suite/toolset/docker/enginelab"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
)

// threeEnginesFlag turns on TestThreeEngines: it builds every image on three
// empty engines and takes several minutes, more than the test suite's
// budget, so .ci/run sets it on scheduled runs only.
const threeEnginesFlag = "TFB_THREE_ENGINES"

// TestThreeEngines runs the three roles on three Docker engines, each in a
// network namespace of its own (enginelab), reached over TCP at their
// namespaces' addresses: tfb verify, a short tfb benchmark beside the same on
// one engine, and the reaping of what a killed tfb left on every engine.
func TestThreeEngines(t *testing.T) {
	if os.Getenv(threeEnginesFlag) != "1" {
		t.Skipf("set %s=1 to run the three-engine test (root, dockerd and sshd; about 10 minutes)", threeEnginesFlag)
	}
	if err := docker.Available(t.Context(), ""); err != nil {
		fixture.Unavailable(t, err)
	}
	// Ctrl-C or SIGTERM ends the test through its cleanups, which stop the
	// engines and remove the namespaces.
	ctx, stop := signal.NotifyContext(t.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	lab, err := enginelab.Start(ctx, enginelab.Options{Name: "tfbtest", Subnet: netip.MustParsePrefix("198.18.1.0/24")})
	if err != nil {
		fixture.Unavailable(t, fmt.Errorf("start three engines: %w", err))
	}
	t.Cleanup(func() {
		if err := lab.Close(); err != nil {
			t.Errorf("remove the engine lab: %v", err)
		}
		if _, err := os.Stat("/run/netns/tfbtest-server"); err == nil {
			t.Errorf("namespace tfbtest-server still exists after Close")
		}
	})
	server, database, clientEngine := lab.Engine("server"), lab.Engine("database"), lab.Engine("client")
	hosts := []string{"--server-host", server.Endpoint, "--database-host", database.Endpoint, "--client-host", clientEngine.Endpoint}
	bin := buildTFB(t)
	runWith := func(env []string, timeout time.Duration, args ...string) string {
		t.Helper()
		out, err := runTFB(ctx, bin, append([]string{"DOCKER_CONFIG=" + lab.DockerConfig}, env...), timeout, args...)
		if err != nil {
			for _, e := range lab.Engines {
				t.Logf("dockerd log of %s (end):\n%s", e.Role, e.LogTail(10))
			}
			t.Fatalf("tfb %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	run := func(timeout time.Duration, args ...string) string {
		t.Helper()
		return runWith(nil, timeout, args...)
	}

	// Verify: the images are built on their engines from base images copied
	// there, the roles reach each other at the namespaces' addresses.
	out := run(20*time.Minute, append([]string{"verify", "--runtime", "docker", "--test", "nethttp", "--type", "json", "db"}, hosts...)...)
	for _, want := range []string{"json: pass", "db: pass"} {
		if !strings.Contains(out, want) {
			t.Errorf("tfb verify printed no %q:\n%s", want, out)
		}
	}
	for _, check := range []struct {
		engine *enginelab.Engine
		image  string
	}{{server, docker.EntryImage("nethttp")}, {database, docker.DatabaseImage}} {
		if !hasImage(t, check.engine, check.image) {
			t.Errorf("image %s not built on the %s engine", check.image, check.engine.Role)
		}
	}
	if hasImage(t, server, docker.DatabaseImage) || hasImage(t, database, docker.EntryImage("nethttp")) {
		t.Errorf("an image was built on an engine whose role does not use it")
	}
	assertEnginesEmpty(t, lab)

	// A short benchmark on the three engines and the same on this machine's
	// engine alone: the same fields, and figures from both.
	bench := []string{"benchmark", "--runtime", "docker", "--test", "nethttp", "--type", "json", "db",
		"--duration", "3", "--concurrency-levels", "16", "64", "--no-primer", "--sleep", "1"}
	threeDir, oneDir := t.TempDir(), t.TempDir()
	out = run(10*time.Minute, append(append(slices.Clone(bench), hosts...), "--results-dir", threeDir)...)
	three, threePath := loadRun(t, threeDir)
	assertEnginesEmpty(t, lab)
	run(15*time.Minute, append(slices.Clone(bench), "--results-dir", oneDir)...)
	one, onePath := loadRun(t, oneDir)
	t.Logf("three engines:\n%s", out)
	for _, d := range []results.Document{three, one} {
		for _, typ := range []string{"json", "db"} {
			levels := d.RawData[typ]["nethttp"]
			if len(levels) != 2 {
				t.Fatalf("rawData.%s.nethttp has %d levels, want 2", typ, len(levels))
			}
			for _, l := range levels {
				if l.TotalRequests <= 0 || l.ServerCPUSeconds == nil || *l.ServerCPUSeconds <= 0 || l.ServerPeakMemoryBytes == nil {
					t.Errorf("%s level %d without measurements or server usage: %+v", typ, l.Connections, l)
				}
			}
			t.Logf("%s req/s at 16 and 64 connections: %s %.0f %.0f", typ, d.Environment.ServerHost,
				levels[0].RequestsPerSecond, levels[1].RequestsPerSecond)
		}
	}
	if three.Environment.ServerHost != server.Endpoint || three.Environment.DatabaseHost != database.Endpoint || three.Environment.ClientHost != clientEngine.Endpoint {
		t.Errorf("environment names the engines %q %q %q, want the lab's", three.Environment.ServerHost, three.Environment.DatabaseHost, three.Environment.ClientHost)
	}
	if three.Environment.Engines["server"].Endpoint != server.Endpoint || three.Environment.Engines["server"].Cores <= 0 {
		t.Errorf("environment.engines.server = %+v, want the server engine's facts", three.Environment.Engines["server"])
	}
	// The machine's other CPU and steal are read from this machine's
	// /proc/stat: a run whose engines are all this machine's has them, one on
	// other engines has not (docs/toolset.md); every other field is in both.
	oneMachineOnly := []string{".rawData.*.nethttp[].otherCpuSeconds", ".rawData.*.nethttp[].stealCpuSeconds"}
	if a, b := fieldPaths(t, threePath), fieldPaths(t, onePath); len(minus(a, b)) > 0 || !slices.Equal(minus(b, a), oneMachineOnly) {
		t.Errorf("results.json fields differ between three engines and one:\nonly three: %v\nonly one: %v, want %v", minus(a, b), minus(b, a), oneMachineOnly)
	}

	// The link to the server engine cut during a level, as a pulled cable
	// (nothing is reset, calls on it wait): tfb stops the run with one error
	// naming that engine, results.json valid and marked interrupted, and says
	// what it left there; once the link is back, the next command removes it.
	// The test watches the engines through their unix sockets, which the cut
	// leaves alone.
	serverSocket, clientSocket := socketClient(t, server), socketClient(t, clientEngine)
	cutDir := t.TempDir()
	cut := startTFB(t, ctx, bin, lab.DockerConfig, append(append(slices.Clone(bench), hosts...), "--no-build", "--results-dir", cutDir)...)
	cutPID := cut.cmd.Process.Pid
	t.Cleanup(func() { removeOwned(serverSocket, cutPID) })
	waitForLoad(t, cut, clientSocket, cutPID, "/json", 5*time.Minute)
	time.Sleep(time.Second) // into the level
	if err := server.Cut(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Reconnect(context.WithoutCancel(ctx)) })
	lost := "docker engine " + server.Endpoint + " stopped answering: "
	if code := cut.wait(t, 5*time.Minute); code != base.ExitFailed {
		t.Errorf("exit code %d after the server engine's link was cut, want %d:\n%s", code, base.ExitFailed, cut.text())
	}
	out = cut.text()
	if !strings.Contains(out, "tfb benchmark: "+lost) {
		t.Errorf("tfb's last word does not name the engine whose link was cut:\n%s", out)
	}
	if !strings.Contains(out, "left on it") {
		t.Errorf("tfb does not say what it left on the cut engine:\n%s", out)
	}
	d := loadDoc(t, onlyResultsFile(t, cutDir))
	if ls := d.RawData["json"]["nethttp"]; len(ls) == 0 || !strings.HasPrefix(ls[len(ls)-1].Error, lost) {
		t.Errorf("json levels = %+v, want the last failed with %q…", ls, lost)
	}
	if !d.Interrupted || d.CompletionTime == nil || !strings.HasPrefix(d.Completed["nethttp"], lost) {
		t.Errorf("interrupted %v, completion %v, completed %q; want the run stopped by the lost engine", d.Interrupted, d.CompletionTime, d.Completed["nethttp"])
	}
	if len(d.RawData["db"]["nethttp"]) != 0 {
		t.Errorf("db was loaded after the link was cut: %+v", d.RawData["db"]["nethttp"])
	}
	if left := ownedBy(t, socketClient(t, database), cutPID); len(left) > 0 {
		t.Errorf("the database engine, still reachable, holds the run's containers: %v", left)
	}
	left := ownedBy(t, serverSocket, cutPID)
	if len(left) == 0 {
		t.Errorf("no container of the run left on the cut engine: the cut stopped nothing")
	}
	if err := server.Reconnect(ctx); err != nil {
		t.Fatal(err)
	}
	out = run(5*time.Minute, append([]string{"verify", "--runtime", "docker", "--no-build", "--test", "nethttp", "--type", "json", "--results-dir", t.TempDir()}, hosts...)...)
	if n := strings.Count(out, "removing a container left by an earlier run"); n != len(left) {
		t.Errorf("the next command removed %d containers, want the %d left (%v):\n%s", n, len(left), left, out)
	}
	assertEnginesEmpty(t, lab)

	// The server engine over SSH, as the docker CLI reaches it: the real ssh
	// and sshd (in the server's namespace), the socket named in the URL.
	sshEndpoint, sshEnv := startSSHD(t, ctx, server)
	out = runWith(sshEnv, 10*time.Minute, "verify", "--runtime", "docker", "--test", "nethttp", "--type", "json",
		"--server-host", sshEndpoint, "--database-host", database.Endpoint, "--client-host", clientEngine.Endpoint,
		"--results-dir", t.TempDir())
	if !strings.Contains(out, "json: pass") {
		t.Errorf("tfb verify with the server engine over ssh printed no json pass:\n%s", out)
	}
	assertEnginesEmpty(t, lab)

	// A killed tfb leaves its containers on two engines; the next run removes
	// them there, and Ctrl-C on that run leaves nothing anywhere.
	debug := append([]string{"debug", "--runtime", "docker", "--test", "nethttp"}, hosts...)
	killed := startTFB(t, ctx, bin, lab.DockerConfig, debug...)
	killed.waitFor(t, "Press Ctrl-C", 10*time.Minute)
	if err := killed.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed.wait(t, 30*time.Second)
	if n := containerCount(t, server); n != 1 {
		t.Errorf("after SIGKILL the server engine holds %d containers, want the entry's 1", n)
	}
	if n := containerCount(t, database); n != 1 {
		t.Errorf("after SIGKILL the database engine holds %d containers, want the database's 1", n)
	}
	next := startTFB(t, ctx, bin, lab.DockerConfig, debug...)
	next.waitFor(t, "Press Ctrl-C", 10*time.Minute)
	if n := strings.Count(next.text(), "removing a container left by an earlier run"); n != 2 {
		t.Errorf("the next run reaped %d containers, want 2 (entry and database):\n%s", n, next.text())
	}
	if err := syscall.Kill(-next.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := next.wait(t, time.Minute); code != 0 {
		t.Errorf("exit code %d after Ctrl-C in debug, want 0:\n%s", code, next.text())
	}
	assertEnginesEmpty(t, lab)
}

// runTFB runs the tfb binary from the repository root with env added to
// this process's environment, and returns its combined output.
func runTFB(ctx context.Context, bin string, env []string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = "../../.."
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// startTFB starts the tfb binary as startCLI does, with the lab's docker
// configuration.
func startTFB(t *testing.T, ctx context.Context, bin, dockerConfig string, args ...string) *cli {
	t.Helper()
	c := startCLIBinary(t, bin, []string{"TMPDIR=" + t.TempDir(), "DOCKER_CONFIG=" + dockerConfig}, args...)
	go func() {
		select {
		case <-ctx.Done():
			_ = c.cmd.Process.Kill()
		case <-c.done:
		}
	}()
	return c
}

// startSSHD runs OpenSSH's sshd in e's namespace, on e's address, admitting
// root with a key made for the test, and returns the ssh:// endpoint of e's
// engine (its socket in the URL's path) and the environment under which
// tfb's ssh uses that key and trusts that host: PATH starts with a
// directory whose ssh runs the real one with a configuration file, as a
// user's ~/.ssh/config would.
func startSSHD(t *testing.T, ctx context.Context, e *enginelab.Engine) (endpoint string, env []string) {
	t.Helper()
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		if sshd, err = exec.LookPath("/usr/sbin/sshd"); err != nil {
			fixture.Unavailable(t, fmt.Errorf("sshd not found (apt-get install openssh-server; .ci/setup does with %s=1)", threeEnginesFlag))
		}
	}
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		fixture.Unavailable(t, fmt.Errorf("ssh not found (apt-get install openssh-client)"))
	}
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	for _, key := range []string{"host", "client"} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file(key)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	read := func(name string) string {
		data, err := os.ReadFile(file(name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(data))
	}
	addr := e.Addr.String()
	write := func(name, content string, mode os.FileMode) {
		if err := os.WriteFile(file(name), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("authorized_keys", read("client.pub")+"\n", 0o600)
	write("known_hosts", addr+" "+read("host.pub")+"\n", 0o600)
	write("sshd_config", strings.Join([]string{
		"ListenAddress " + addr + ":22", "HostKey " + file("host"), "AuthorizedKeysFile " + file("authorized_keys"),
		"PidFile " + file("sshd.pid"), "PermitRootLogin prohibit-password", "PasswordAuthentication no",
		"KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
	}, "\n")+"\n", 0o600)
	write("ssh_config", strings.Join([]string{
		"Host " + addr, "  IdentityFile " + file("client"), "  IdentitiesOnly yes", "  UserKnownHostsFile " + file("known_hosts"),
		"  StrictHostKeyChecking yes", "  BatchMode yes",
	}, "\n")+"\n", 0o600)
	shim := filepath.Join(dir, "bin")
	if err := os.Mkdir(shim, 0o755); err != nil {
		t.Fatal(err)
	}
	write("bin/ssh", "#!/bin/sh\nexec "+sshBin+" -F "+file("ssh_config")+" \"$@\"\n", 0o755)
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // sshd's privilege separation directory
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "nsenter", "--net=/run/netns/"+e.Namespace, "--", sshd, "-D", "-e", "-f", file("sshd_config"))
	logFile, err := os.Create(file("sshd.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	endpoint = "ssh://root@" + addr + e.Socket
	env = []string{"PATH=" + shim + string(os.PathListSeparator) + os.Getenv("PATH")}
	// Ready when a login runs a command.
	deadline := time.Now().Add(20 * time.Second)
	for {
		probe := exec.CommandContext(ctx, filepath.Join(shim, "ssh"), "root@"+addr, "true")
		out, err := probe.CombinedOutput()
		if err == nil {
			return endpoint, env
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd in the %s namespace does not admit the test's key: %v\n%s\nsshd:\n%s", e.Role, err, out, read("sshd.log"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func engineClient(t *testing.T, e *enginelab.Engine) *client.Client {
	t.Helper()
	cli, err := docker.NewClient(e.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

func hasImage(t *testing.T, e *enginelab.Engine, image string) bool {
	t.Helper()
	_, err := engineClient(t, e).ImageInspect(t.Context(), image)
	return err == nil
}

// containerCount is what `docker ps -a` on e would list.
func containerCount(t *testing.T, e *enginelab.Engine) int {
	t.Helper()
	list, err := engineClient(t, e).ContainerList(context.WithoutCancel(t.Context()), client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatalf("list containers on the %s engine: %v", e.Role, err)
	}
	return len(list.Items)
}

func assertEnginesEmpty(t *testing.T, lab *enginelab.Lab) {
	t.Helper()
	for _, e := range lab.Engines {
		if n := containerCount(t, e); n != 0 {
			t.Errorf("docker ps -a on the %s engine lists %d containers, want none", e.Role, n)
		}
	}
}

// loadRun loads the one results.json under dir, and returns it with its path.
func loadRun(t *testing.T, dir string) (results.Document, string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*", results.FileName))
	if len(files) != 1 {
		t.Fatalf("want one results.json under %s, got %v", dir, files)
	}
	loaded, err := runs.Load(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return loaded.Doc, files[0]
}

// fieldPaths lists the object keys of the results.json at path as paths,
// with the entry, type, role and level positions generalised.
func fieldPaths(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				path := prefix + "." + k
				if strings.HasSuffix(prefix, ".rawData") || strings.HasSuffix(prefix, ".commandLine") {
					path = prefix + ".*"
				}
				set[path] = true
				walk(path, child)
			}
		case []any:
			for _, child := range v {
				walk(prefix+"[]", child)
			}
		}
	}
	walk("", v)
	return slices.Sorted(maps.Keys(set))
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// socketClient is a client of e through its unix socket on this machine,
// which works when e's link is cut.
func socketClient(t *testing.T, e *enginelab.Engine) *client.Client {
	t.Helper()
	cli, err := docker.NewClient("unix://" + e.Socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// waitForLoad waits until a running container of tfb pid on cli (the
// client engine) has a command line holding target: wrk loading it.
func waitForLoad(t *testing.T, c *cli, cli *client.Client, pid int, target string, timeout time.Duration) {
	t.Helper()
	filters := make(client.Filters).Add("label", docker.LabelOwnerPID+"="+strconv.Itoa(pid))
	for deadline := time.Now().Add(timeout); ; time.Sleep(100 * time.Millisecond) {
		list, err := cli.ContainerList(t.Context(), client.ContainerListOptions{Filters: filters})
		if err != nil {
			t.Fatalf("list containers: %v", err)
		}
		for _, ctr := range list.Items {
			if strings.Contains(ctr.Command, target) {
				return
			}
		}
		select {
		case <-c.done:
			t.Fatalf("tfb ended before wrk loaded %q:\n%s", target, c.text())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no wrk loading %q after %s:\n%s", target, timeout, c.text())
		}
	}
}
