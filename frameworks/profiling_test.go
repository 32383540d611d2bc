package frameworks_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/fixture"
)

// listeningPorts returns the TCP ports process pid listens on: the
// sockets among its file descriptors that /proc/net/tcp{,6} lists in state
// LISTEN.
func listeningPorts(t *testing.T, pid int) []int {
	t.Helper()
	fds, err := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/fd/*")
	if err != nil {
		t.Fatal(err)
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil {
			if inode, ok := strings.CutPrefix(target, "socket:["); ok {
				inodes[strings.TrimSuffix(inode, "]")] = true
			}
		}
	}
	var ports []int
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || f[3] != "0A" || !inodes[f[9]] {
				continue
			}
			_, hexPort, _ := strings.Cut(f[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); err == nil {
				ports = append(ports, int(p))
			}
		}
	}
	slices.Sort(ports)
	return slices.Compact(ports)
}

// TestProfilingOnlyWhenAsked: without TFB_PPROF_ADDR an entry listens on
// its port alone and does not serve /debug/pprof/ there; with it, it serves
// net/http/pprof on that loopback address too, and still not on its port.
func TestProfilingOnlyWhenAsked(t *testing.T) {
	cfg := loadConfig(t)
	db := fixture.ForTest(t)
	for _, test := range cfg.Tests {
		t.Run(test.Name, func(t *testing.T) {
			off := runEntry(t, test, db.URL)
			port, _ := strconv.Atoi(off.base[strings.LastIndexByte(off.base, ':')+1:])
			if got := listeningPorts(t, off.cmd.Process.Pid); !slices.Equal(got, []int{port}) {
				t.Errorf("profiling off: listening on %v, want its port %d only", got, port)
			}
			if status, _, err := tryGet(off.base+"/debug/pprof/", 5*time.Second); err != nil || status != http.StatusNotFound {
				t.Errorf("profiling off: GET /debug/pprof/ on the entry's port = %d, %v; want 404", status, err)
			}

			pprofPort := freePort(t)
			on := runEntry(t, test, db.URL, "TFB_PPROF_ADDR=127.0.0.1:"+strconv.Itoa(pprofPort))
			status, body, err := tryGet("http://127.0.0.1:"+strconv.Itoa(pprofPort)+"/debug/pprof/", 5*time.Second)
			if err != nil || status != http.StatusOK || !strings.Contains(string(body), "goroutine") {
				t.Errorf("profiling on: GET /debug/pprof/ on %d = %d, %v; want pprof's index", pprofPort, status, err)
			}
			if status, _, err := tryGet(on.base+"/debug/pprof/", 5*time.Second); err != nil || status != http.StatusNotFound {
				t.Errorf("profiling on: GET /debug/pprof/ on the entry's port = %d, %v; want 404", status, err)
			}
		})
	}
}
