package enginelab

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/fixture"
)

func TestMirrorHosts(t *testing.T) {
	tests := []struct {
		name, sources string
		want          []string
	}{
		{"deb822", "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n", []string{"deb.debian.org"}},
		{"deb822 with two URIs", "URIs: http://a.example/debian http://b.example/debian\n", []string{"a.example", "b.example"}},
		{"one-line with options", "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main\n", []string{"mirror.example"}},
		{"https and comments left out", "# deb http://old.example/debian x main\ndeb https://secure.example/debian x main\n", nil},
		{"repeats once", "deb http://m.example/debian a main\ndeb-src http://m.example/debian a main\n", []string{"m.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mirrorHosts(tt.sources); !slices.Equal(got, tt.want) {
				t.Errorf("mirrorHosts = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProxyPassesMirrorGetsOnly(t *testing.T) {
	mirrors := []string{"deb.debian.org"}
	tests := []struct {
		name, method, target string
		want                 int // 0: passed on
	}{
		{"a package", http.MethodGet, "http://deb.debian.org/debian/pool/main/w/wrk/wrk.deb", 0},
		{"a release file's headers", http.MethodHead, "http://deb.debian.org:80/debian/dists/bookworm/InRelease", 0},
		{"another host", http.MethodGet, "http://example.com/", http.StatusForbidden},
		{"another port", http.MethodGet, "http://deb.debian.org:8080/", http.StatusForbidden},
		{"a tunnel", http.MethodConnect, "deb.debian.org:443", http.StatusMethodNotAllowed},
		{"a write", http.MethodPost, "http://deb.debian.org/", http.StatusMethodNotAllowed},
		{"not a proxy request", http.MethodGet, "/debian/", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			passed := false
			forward := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { passed = true })
			w := httptest.NewRecorder()
			serveProxy(w, httptest.NewRequest(tt.method, tt.target, nil), mirrors, forward)
			if tt.want == 0 && !passed {
				t.Errorf("refused with %d, want passed on", w.Code)
			}
			if tt.want != 0 && (passed || w.Code != tt.want) {
				t.Errorf("passed on = %v, status %d; want refused with %d", passed, w.Code, tt.want)
			}
		})
	}
}

func TestHostLinkFitsAnInterfaceName(t *testing.T) {
	for _, name := range []string{"tfblab", "a-very-long-lab-name"} {
		if l := hostLink(name); len(l) > 15 || !strings.HasSuffix(l, "0") {
			t.Errorf("hostLink(%q) = %q: more than 15 bytes or no 0", name, l)
		}
	}
}

func TestUnescapeMount(t *testing.T) {
	if got := unescapeMount(`/var/lib/a\040b/x`); got != "/var/lib/a b/x" {
		t.Errorf("unescapeMount = %q", got)
	}
}

// TestStartAndClose makes a two-engine lab for real: both engines answer at
// their addresses, the namespaces have no route beyond the lab's network,
// the proxy refuses what is not a mirror's, and Close leaves nothing.
func TestStartAndClose(t *testing.T) {
	if testing.Short() {
		t.Skip("starts dockerd: skipped with -short")
	}
	if os.Geteuid() != 0 {
		fixture.Unavailable(t, errNotRoot)
	}
	opts := Options{Name: "tfbunit", Roles: []string{"one", "two"}, Subnet: netip.MustParsePrefix("198.18.2.0/24")}
	lab, err := Start(t.Context(), opts)
	if err != nil {
		fixture.Unavailable(t, err)
	}
	t.Cleanup(func() { lab.Close() })
	if want := netip.MustParseAddr("198.18.2.1"); lab.HostAddr != want {
		t.Errorf("HostAddr = %s, want %s", lab.HostAddr, want)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for i, e := range lab.Engines {
		if want := "tcp://198.18.2." + []string{"11", "12"}[i] + ":2375"; e.Endpoint != want {
			t.Errorf("engine %s at %s, want %s", e.Role, e.Endpoint, want)
		}
		res, err := client.Get("http://" + strings.TrimPrefix(e.Endpoint, "tcp://") + "/_ping")
		if err != nil {
			t.Fatalf("engine %s: %v", e.Role, err)
		}
		res.Body.Close()
		routes, err := exec.Command("ip", "-n", e.Namespace, "route", "show", "table", "main").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, route := range strings.Split(strings.TrimSpace(string(routes)), "\n") {
			// The lab's network, and docker0 inside the namespace.
			if !strings.HasPrefix(route, "198.18.2.0/24 ") && !strings.Contains(route, " dev docker0 ") {
				t.Errorf("namespace %s routes beyond the lab: %q", e.Namespace, route)
			}
		}
	}
	res, err := (&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(mustURL(t, lab.ProxyURL))}}).Get("http://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("the proxy answered %d to a request for example.com, want 403", res.StatusCode)
	}
	if data, err := os.ReadFile(filepath.Join(lab.DockerConfig, "config.json")); err != nil || !strings.Contains(string(data), lab.ProxyURL) {
		t.Errorf("DOCKER_CONFIG's config.json does not name the proxy: %v %s", err, data)
	}

	if err := lab.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, path := range []string{"/run/netns/tfbunit-one", "/run/netns/tfbunit-net", "/var/lib/tfbunit", "/run/tfbunit-two", "/sys/class/net/tfbunit0"} {
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s is still there after Close", path)
		}
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
