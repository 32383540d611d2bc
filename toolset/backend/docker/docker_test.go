package docker

import (
	"strings"
	"testing"
)

func TestEngineAddress(t *testing.T) {
	tests := []struct {
		endpoint  string
		wantAddr  string
		wantLocal bool
	}{
		{"unix:///var/run/docker.sock", "127.0.0.1", true},
		{"tcp://127.0.0.1:2375", "127.0.0.1", true},
		{"tcp://localhost:2375", "127.0.0.1", true},
		{"tcp://10.0.0.2:2375", "10.0.0.2", false},
		{"tcp://db-machine:2376", "db-machine", false},
		{"npipe:////./pipe/docker_engine", "127.0.0.1", true},
		{"ssh://bench@10.0.0.3", "10.0.0.3", false},
		{"ssh://bench@db-machine:2222", "db-machine", false},
		{"ssh://localhost", "127.0.0.1", true},
	}
	for _, tt := range tests {
		addr, local := engineAddress(tt.endpoint)
		if addr != tt.wantAddr || local != tt.wantLocal {
			t.Errorf("engineAddress(%q) = %q, %v; want %q, %v", tt.endpoint, addr, local, tt.wantAddr, tt.wantLocal)
		}
	}
}

func TestWrkImageCarriesThePipelineScript(t *testing.T) {
	if !strings.Contains(string(wrkDockerfile), "apt-get install") || !strings.Contains(string(wrkDockerfile), "COPY pipeline.lua /pipeline.lua") {
		t.Errorf("wrk.Dockerfile does not install wrk and copy the script:\n%s", wrkDockerfile)
	}
}
