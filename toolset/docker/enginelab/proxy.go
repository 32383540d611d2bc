package enginelab

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// startProxy serves a forward proxy on the lab's address of this machine
// that passes GET and HEAD requests for http://HOST/... on to the mirrors
// and refuses everything else: the engines' builds install Debian packages
// through it, and nothing else leaves the lab.
func (l *Lab) startProxy(mirrors []string) error {
	if len(mirrors) == 0 {
		return errors.New("engine lab: no Debian mirror found in /etc/apt (set Options.MirrorHosts)")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(l.HostAddr.String(), "0"))
	if err != nil {
		return fmt.Errorf("engine lab: listen for the build proxy: %w", err)
	}
	l.ProxyURL = "http://" + ln.Addr().String()
	forward := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.Out.URL = r.In.URL
		r.Out.Host = r.In.URL.Host
	}}
	l.proxy = &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serveProxy(w, r, mirrors, forward) }),
	}
	go func() { _ = l.proxy.Serve(ln) }()
	return nil
}

func serveProxy(w http.ResponseWriter, r *http.Request, mirrors []string, forward http.Handler) {
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		http.Error(w, "the engine lab's proxy passes GET and HEAD only", http.StatusMethodNotAllowed)
	case r.URL.Scheme != "http" || !slices.Contains(mirrors, r.URL.Hostname()) || (r.URL.Port() != "" && r.URL.Port() != "80"):
		slog.Debug("engine lab proxy refused", "url", r.URL.String())
		http.Error(w, "the engine lab's proxy passes http:// requests to the Debian mirrors only: "+strings.Join(mirrors, ", "), http.StatusForbidden)
	default:
		forward.ServeHTTP(w, r)
	}
}

// sourceURI finds the URLs in apt's sources: one-line (deb URL ...) and
// deb822 (URIs: URL ...) formats.
var sourceURI = regexp.MustCompile(`(?m)^\s*(?:deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?|URIs:\s*)(\S+(?:\s+https?://\S+)*)`)

// aptMirrorHosts returns the hosts of the http:// mirrors in this machine's
// apt sources: where its Debian packages, and those the engines' Debian
// images install, come from.
func aptMirrorHosts() []string {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*")
	files = append([]string{"/etc/apt/sources.list"}, files...)
	var hosts []string
	for _, file := range files {
		if !strings.HasSuffix(file, ".list") && !strings.HasSuffix(file, ".sources") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, h := range mirrorHosts(string(data)) {
			if !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
	}
	return hosts
}

// mirrorHosts returns the hosts of the http:// URLs an apt sources file
// names, in either format.
func mirrorHosts(sources string) []string {
	var hosts []string
	for _, m := range sourceURI.FindAllStringSubmatch(sources, -1) {
		for _, raw := range strings.Fields(m[1]) {
			u, err := url.Parse(raw)
			if err == nil && u.Scheme == "http" && u.Hostname() != "" && !slices.Contains(hosts, u.Hostname()) {
				hosts = append(hosts, u.Hostname())
			}
		}
	}
	return hosts
}
