package docker

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
)

func TestWithProxies(t *testing.T) {
	dir := t.TempDir()
	config := `{"proxies": {
		"default": {"httpProxy": "http://default:3128"},
		"tcp://10.0.0.2:2375": {"httpProxy": "http://near:3128", "noProxy": "localhost"}
	}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	tests := []struct {
		name     string
		endpoint string
		args     map[string]string
		want     map[string]string
	}{
		{"the engine's own entry", "tcp://10.0.0.2:2375", nil, map[string]string{
			"HTTP_PROXY": "http://near:3128", "http_proxy": "http://near:3128", "NO_PROXY": "localhost", "no_proxy": "localhost"}},
		{"default for any other engine", "unix:///var/run/docker.sock", map[string]string{"ENTRY": "gin"}, map[string]string{
			"ENTRY": "gin", "HTTP_PROXY": "http://default:3128", "http_proxy": "http://default:3128"}},
		{"a build's own argument wins", "tcp://10.0.0.3:2375", map[string]string{"http_proxy": "http://mine:1"}, map[string]string{
			"HTTP_PROXY": "http://default:3128", "http_proxy": "http://mine:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := WithProxies(Build{Args: maps.Clone(tt.args)}, tt.endpoint)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(b.Args, tt.want) {
				t.Errorf("args = %v, want %v", b.Args, tt.want)
			}
		})
	}
}

func TestWithProxiesWithoutConfig(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	b, err := WithProxies(Build{Args: map[string]string{"ENTRY": "gin"}}, "tcp://10.0.0.2:2375")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"ENTRY": "gin"}; !maps.Equal(b.Args, want) {
		t.Errorf("args = %v, want %v", b.Args, want)
	}
}

func TestWithProxiesNamesABrokenConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"proxies": `), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	if _, err := WithProxies(Build{}, "tcp://10.0.0.2:2375"); err == nil {
		t.Fatal("a truncated config.json was accepted")
	}
}
