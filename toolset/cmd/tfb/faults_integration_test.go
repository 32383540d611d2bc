package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
	"github.com/go-tfb/suite/toolset/fixture"
	"github.com/go-tfb/suite/toolset/results"
	"github.com/go-tfb/suite/toolset/runs"
	"github.com/jackc/pgx/v5"
)

// The fault tests run the real CLI with the local runtime, real entries, a
// real PostgreSQL cluster and wrk, break one thing during a run and check
// what results.json holds, the exit status and what is left running.

// killFaultsFlag turns on the fault tests that kill a process at a moment
// of the run (an entry, PostgreSQL, tfb itself): they hang on that moment's
// timing, which a machine running every package's tests at once can move,
// so they run in the nightly job (.ci/run sets it on schedule), not on
// every push.
const killFaultsFlag = "TFB_KILL_FAULTS"

// needKillFaults skips t unless killFaultsFlag is 1.
func needKillFaults(t *testing.T) {
	t.Helper()
	if os.Getenv(killFaultsFlag) != "1" {
		t.Skipf("set %s=1 to run the fault tests that kill processes mid-run (about 2 minutes)", killFaultsFlag)
	}
}

// entryProcess returns the pid of the running entry binary that the local
// runtime built under tmp, and its name (one of names).
func entryProcess(tmp string, names ...string) (int, string) {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		if !strings.HasPrefix(args[0], tmp+"/") || !slices.Contains(names, filepath.Base(args[0])) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		return pid, filepath.Base(args[0])
	}
	return 0, ""
}

// levelsJSON is each level of an entry's type as results.json holds it.
func levelsJSON(t *testing.T, d results.Document, tt, entry string) []string {
	t.Helper()
	var out []string
	for _, l := range d.RawData[tt][entry] {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// onlyResultsFile is the results.json of the one run under resultsDir.
func onlyResultsFile(t *testing.T, resultsDir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(resultsDir, "*", results.FileName))
	if len(files) != 1 {
		t.Fatalf("want one results.json, got %v", files)
	}
	return files[0]
}

// otherEntry is the entry of the two-entry fault runs (gin and nethttp)
// that is not entry.
func otherEntry(entry string) string {
	if entry == "gin" {
		return "nethttp"
	}
	return "gin"
}

func loadDoc(t *testing.T, file string) results.Document {
	t.Helper()
	r, err := runs.Load(file)
	if err != nil {
		t.Fatalf("results.json unreadable: %v", err)
	}
	return r.Doc
}

// tfbCommand is tfb with args run from the repository root with TMPDIR tmp.
func tfbCommand(t *testing.T, bin, tmp string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Dir = "../../.."
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	return cmd
}

// TestResumeAfterEntryKilled kills the first entry during its db level:
// the level is recorded failed and the run goes on with the second entry.
// `--resume` then measures only what the run lacks, leaving the second
// entry's measurements byte for byte as they were.
func TestResumeAfterEntryKilled(t *testing.T) {
	needKillFaults(t)
	needLocalTools(t, true)
	tmp, port := scratchDir(t), freeTCPPort(t)
	resultsDir := filepath.Join(t.TempDir(), "results")
	bin := buildTFB(t)
	c := startCLIBinary(t, bin, []string{"TMPDIR=" + tmp}, "benchmark", "--test", "gin", "nethttp", "--type", "json", "db",
		"--duration", "2", "--concurrency-levels", "16", "--no-primer", "--no-warmup", "--sleep", "0",
		"--runtime", "local", "--server-port", strconv.Itoa(port), "--results-dir", resultsDir)
	waitForProcess(t, "wrk", ":"+strconv.Itoa(port)+"/db", 3*time.Minute)
	pid, killed := entryProcess(tmp, "gin", "nethttp")
	if pid == 0 {
		t.Fatalf("no entry process under %s while wrk loads /db", tmp)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 3*time.Minute); code != base.ExitFailed {
		t.Errorf("exit code %d after an entry was killed, want %d:\n%s", code, base.ExitFailed, c.text())
	}
	assertNothingLeft(t, tmp, port)
	other := otherEntry(killed)
	file := onlyResultsFile(t, resultsDir)
	before := loadDoc(t, file)
	if db := before.RawData["db"][killed]; len(db) != 1 || !strings.Contains(db[0].Error, "exited") {
		t.Errorf("the killed entry's db level = %+v, want one level failed with the entry's exit", db)
	}
	if !slices.Contains(before.Failed["db"], killed) {
		t.Errorf("failed.db = %v, want %s in it", before.Failed["db"], killed)
	}
	for _, tt := range []string{"json", "db"} {
		if ls := before.RawData[tt][other]; len(ls) != 1 || ls[0].Failed() {
			t.Errorf("%s of %s, after %s: %+v; want one measured level (the run goes on); tfb printed:\n%s", tt, other, killed, ls, c.text())
		}
	}

	resumed := tfbCommand(t, bin, tmp, "benchmark", "--resume", filepath.Dir(file), "--runtime", "local")
	out, err := resumed.CombinedOutput()
	if err != nil {
		t.Fatalf("tfb benchmark --resume: %v\n%s", err, out)
	}
	assertNothingLeft(t, tmp, port)
	after := loadDoc(t, file)
	for _, keep := range [][2]string{{"json", other}, {"db", other}, {"json", killed}} {
		if b, a := levelsJSON(t, before, keep[0], keep[1]), levelsJSON(t, after, keep[0], keep[1]); !slices.Equal(a, b) {
			t.Errorf("%s of %s changed by --resume:\nbefore %v\nafter  %v", keep[0], keep[1], b, a)
		}
	}
	if db := after.RawData["db"][killed]; len(db) != 1 || db[0].Failed() || db[0].Connections != 16 {
		t.Errorf("db of %s after --resume = %+v, want its level measured", killed, db)
	}
	if len(after.Failed["db"]) != 0 || len(after.Succeeded["db"]) != 2 || after.CompletionTime == nil || after.Interrupted {
		t.Errorf("after --resume: failed %v, succeeded %v, completion %v, interrupted %v", after.Failed, after.Succeeded, after.CompletionTime, after.Interrupted)
	}
	if len(after.Environment.Resumed) != 1 || after.Environment.Resumed[0] < *before.CompletionTime {
		t.Errorf("environment.resumed = %v, want the one time of the resume", after.Environment.Resumed)
	}
	if text := string(out); !strings.Contains(text, "Best requests per second") || strings.Count(text, other) < 2 {
		t.Errorf("the end table does not cover the whole run:\n%s", text)
	}

	differ := tfbCommand(t, bin, tmp, "benchmark", "--resume", filepath.Dir(file), "--duration", "5")
	out, _ = differ.CombinedOutput()
	if code := differ.ProcessState.ExitCode(); code != base.ExitUsage || !strings.Contains(string(out), "--duration 5 differs from the run's 2") {
		t.Errorf("--resume with another --duration: exit %d, %s; want %d naming both values", code, out, base.ExitUsage)
	}
}

// fakeWrk puts a wrk first on PATH that dies by SIGKILL in the middle of
// the level of 16 connections, prints no report (only a complaint on
// stderr) at 32, and is the real wrk otherwise.
func fakeWrk(t *testing.T) string {
	t.Helper()
	real, err := exec.LookPath("wrk")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\ncase \" $* \" in\n" +
		"*\" -c 16 \"*) " + real + " \"$@\" & sleep 0.5; kill -9 $!; kill -9 $$ ;;\n" +
		"*\" -c 32 \"*) echo 'wrk: cannot resolve the fault test' >&2; exit 3 ;;\n" +
		"*) exec " + real + " \"$@\" ;;\nesac\n"
	if err := os.WriteFile(filepath.Join(dir, "wrk"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return "PATH=" + dir + ":" + os.Getenv("PATH")
}

// TestWrkFaultsFailTheirLevelOnly: wrk killed during a level, and wrk
// printing nothing parseable, each fail that level with what wrk said; the
// next level is measured, the end table lists both and tfb exits 1.
func TestWrkFaultsFailTheirLevelOnly(t *testing.T) {
	needLocalTools(t, true)
	tmp, port := scratchDir(t), freeTCPPort(t)
	resultsDir := filepath.Join(t.TempDir(), "results")
	cmd := tfbCommand(t, buildTFB(t), tmp, "benchmark", "--test", "nethttp", "--type", "json", "--duration", "1",
		"--concurrency-levels", "16", "32", "64", "--no-primer", "--no-warmup", "--sleep", "0",
		"--runtime", "local", "--server-port", strconv.Itoa(port), "--results-dir", resultsDir)
	cmd.Env = append(cmd.Env, fakeWrk(t))
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != base.ExitFailed {
		t.Errorf("exit code %d with failed levels, want %d:\n%s", code, base.ExitFailed, out)
	}
	assertNothingLeft(t, tmp, port)
	file := onlyResultsFile(t, resultsDir)
	levels := loadDoc(t, file).RawData["json"]["nethttp"]
	if len(levels) != 3 {
		t.Fatalf("json levels = %+v, want 3", levels)
	}
	if l := levels[0]; !l.Failed() || !strings.Contains(l.Error, "signal: killed") {
		t.Errorf("level 16 (wrk killed) = %+v, want failed with wrk's signal", l)
	}
	if l := levels[1]; !l.Failed() || !strings.Contains(l.Error, "cannot resolve the fault test") {
		t.Errorf("level 32 (no report) = %+v, want failed with wrk's stderr", l)
	}
	if l := levels[2]; l.Failed() || l.Connections != 64 {
		t.Errorf("level 64 = %+v, want measured: the run goes on", l)
	}
	if text := string(out); !strings.Contains(text, "levels in trouble") || !strings.Contains(text, "failed: ") {
		t.Errorf("the end table does not flag the failed levels:\n%s", text)
	}
}

// TestFullResultsFilesystem fills the filesystem of the results (a tmpfs
// of its own) during a run: tfb stops with a message naming the device's
// error, results.json stays valid JSON, and nothing is left running.
func TestFullResultsFilesystem(t *testing.T) {
	needLocalTools(t, true)
	if os.Geteuid() != 0 {
		fixture.Unavailable(t, errors.New("mounting a tmpfs needs root"))
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tfb-full", mnt).CombinedOutput(); err != nil {
		fixture.Unavailable(t, fmt.Errorf("mount tmpfs: %w: %s", err, out))
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	tmp, port := scratchDir(t), freeTCPPort(t)
	c := startCLIBinary(t, buildTFB(t), []string{"TMPDIR=" + tmp}, "benchmark", "--test", "nethttp", "--type", "json", "db",
		"--duration", "2", "--concurrency-levels", "16", "32", "--no-primer", "--no-warmup", "--sleep", "0",
		"--runtime", "local", "--server-port", strconv.Itoa(port), "--results-dir", mnt)
	waitForProcess(t, "wrk", ":"+strconv.Itoa(port)+"/json", 3*time.Minute)
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	for _, err = filler.Write(make([]byte, 64<<10)); err == nil; _, err = filler.Write(make([]byte, 4<<10)) {
	}
	filler.Close()
	if code := c.wait(t, 2*time.Minute); code != base.ExitFailed {
		t.Errorf("exit code %d on a full filesystem, want %d:\n%s", code, base.ExitFailed, c.text())
	}
	if text := c.text(); !strings.Contains(text, "tfb benchmark: ") || !strings.Contains(text, "no space left on device") {
		t.Errorf("no clear message for the full filesystem:\n%s", text)
	}
	assertNothingLeft(t, tmp, port)
	if d := loadDoc(t, onlyResultsFile(t, mnt)); d.Verify["nethttp"]["json"] != "pass" {
		t.Errorf("results.json lost what came before the disk filled: verify %v", d.Verify)
	}
}

// databaseURL reads DATABASE_URL from the environment of process pid.
func databaseURL(t *testing.T, pid int) string {
	t.Helper()
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	for v := range strings.SplitSeq(string(env), "\x00") {
		if url, ok := strings.CutPrefix(v, "DATABASE_URL="); ok {
			return url
		}
	}
	t.Fatalf("process %d has no DATABASE_URL", pid)
	return ""
}

// TestStalledDatabase holds a lock on world longer than the entry's
// TFB_DB_TIMEOUT during its db level: the entry answers 503 within its
// deadline (never 500), tfb records the level's non-2xx answers and flags
// the level in the end table and the report, and the run completes.
func TestStalledDatabase(t *testing.T) {
	needLocalTools(t, true)
	tmp, port := scratchDir(t), freeTCPPort(t)
	resultsDir := filepath.Join(t.TempDir(), "results")
	c := startCLIBinary(t, buildTFB(t), []string{"TMPDIR=" + tmp, "TFB_DB_TIMEOUT=1s"}, "benchmark", "--test", "nethttp", "--type", "db",
		"--duration", "5", "--concurrency-levels", "16", "--no-primer", "--no-warmup", "--sleep", "0",
		"--runtime", "local", "--server-port", strconv.Itoa(port), "--results-dir", resultsDir)
	waitForProcess(t, "wrk", ":"+strconv.Itoa(port)+"/db", 3*time.Minute)
	pid, _ := entryProcess(tmp, "nethttp")
	conn, err := pgx.Connect(t.Context(), databaseURL(t, pid))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(t.Context()))
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(t.Context(), "LOCK TABLE world IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/db")
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || took > 2500*time.Millisecond {
		t.Errorf("/db while world is locked: %d after %s, want 503 within the 1 s deadline", resp.StatusCode, took)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := tx.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 2*time.Minute); code != 0 {
		t.Errorf("exit code %d, want 0: the level is measured, with errors:\n%s", code, c.text())
	}
	assertNothingLeft(t, tmp, port)
	file := onlyResultsFile(t, resultsDir)
	if db := loadDoc(t, file).RawData["db"]["nethttp"]; len(db) != 1 || db[0].Failed() || db[0].Non2xx3xx == 0 {
		t.Errorf("db level = %+v, want measured with non-2xx answers", db)
	}
	if text := c.text(); !strings.Contains(text, "db: levels in trouble") || !strings.Contains(text, "answered with errors") {
		t.Errorf("the end table does not flag the level:\n%s", text)
	}
	page, err := os.ReadFile(filepath.Join(filepath.Dir(file), "report.html"))
	if err != nil || !strings.Contains(string(page), "levels in trouble") {
		t.Errorf("report.html does not flag the level: %v", err)
	}
}

// postmaster returns the pid of the PostgreSQL server whose data directory
// is under tmp.
func postmaster(tmp string) int {
	for _, p := range processesMatching(tmp, "postgres", "-D") {
		pid, _ := strconv.Atoi(strings.SplitN(p, ":", 2)[0])
		return pid
	}
	return 0
}

// TestPostgreSQLKilledMidRun kills the first entry's PostgreSQL during its
// db level: that level is flagged or failed, and the next entry gets a
// fresh database and is measured.
func TestPostgreSQLKilledMidRun(t *testing.T) {
	needKillFaults(t)
	needLocalTools(t, true)
	tmp, port := scratchDir(t), freeTCPPort(t)
	resultsDir := filepath.Join(t.TempDir(), "results")
	c := startCLIBinary(t, buildTFB(t), []string{"TMPDIR=" + tmp, "TFB_DB_TIMEOUT=1s"}, "benchmark", "--test", "gin", "nethttp", "--type", "db",
		"--duration", "3", "--concurrency-levels", "16", "--no-primer", "--no-warmup", "--sleep", "0",
		"--runtime", "local", "--server-port", strconv.Itoa(port), "--results-dir", resultsDir)
	waitForProcess(t, "wrk", ":"+strconv.Itoa(port)+"/db", 3*time.Minute)
	_, first := entryProcess(tmp, "gin", "nethttp")
	pid := postmaster(tmp)
	if pid == 0 || first == "" {
		t.Fatalf("no postmaster (%d) or entry (%q) under %s", pid, first, tmp)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	code := c.wait(t, 3*time.Minute)
	assertNothingLeft(t, tmp, port)
	file := onlyResultsFile(t, resultsDir)
	d := loadDoc(t, file)
	second := otherEntry(first)
	if db := d.RawData["db"][first]; len(db) != 1 || (!db[0].Failed() && db[0].Errors() == 0) {
		t.Errorf("db of %s, whose database was killed: %+v, want the level failed or with errors", first, db)
	}
	if db := d.RawData["db"][second]; len(db) != 1 || db[0].Failed() || db[0].Errors() != 0 {
		t.Errorf("db of %s after the kill: %+v, want measured on a fresh database without errors", second, db)
	}
	if code != 0 && code != base.ExitFailed {
		t.Errorf("exit code %d:\n%s", code, c.text())
	}
}

// TestSIGKILLedTFB kills tfb itself during a level: results.json is valid
// JSON with what finished, and the next command removes what it left (the
// PostgreSQL cluster; the entry and wrk die with tfb) and resumes the run.
func TestSIGKILLedTFB(t *testing.T) {
	needKillFaults(t)
	needLocalTools(t, true)
	tmp, port := scratchDir(t), freeTCPPort(t)
	resultsDir := filepath.Join(t.TempDir(), "results")
	bin := buildTFB(t)
	c := startCLIBinary(t, bin, []string{"TMPDIR=" + tmp}, "benchmark", "--test", "nethttp", "--type", "json", "db",
		"--duration", "2", "--concurrency-levels", "16", "--no-primer", "--no-warmup", "--sleep", "0",
		"--runtime", "local", "--server-port", strconv.Itoa(port), "--results-dir", resultsDir)
	waitForProcess(t, "wrk", ":"+strconv.Itoa(port)+"/db", 3*time.Minute)
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	c.wait(t, time.Minute)
	if postmaster(tmp) == 0 {
		t.Error("no PostgreSQL cluster outlived tfb: pg_ctl's server should, for the next command to remove")
	}
	file := onlyResultsFile(t, resultsDir)
	d := loadDoc(t, file)
	if d.CompletionTime != nil || len(d.RawData["json"]["nethttp"]) != 1 {
		t.Errorf("results.json after SIGKILL: completion %v, json %+v; want no completion and the json level", d.CompletionTime, d.RawData["json"])
	}
	out, err := tfbCommand(t, bin, tmp, "benchmark", "--resume", filepath.Dir(file)).CombinedOutput()
	if err != nil {
		t.Fatalf("tfb benchmark --resume after SIGKILL: %v\n%s", err, out)
	}
	assertNothingLeft(t, tmp, port)
	if d := loadDoc(t, file); len(d.RawData["db"]["nethttp"]) != 1 || d.RawData["db"]["nethttp"][0].Failed() || d.CompletionTime == nil {
		t.Errorf("after --resume: db %+v, completion %v", d.RawData["db"], d.CompletionTime)
	}
}
