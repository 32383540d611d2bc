package docker

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestStripANSI(t *testing.T) {
	if got := StripANSI("\x1b[91mframeworks/gin/main.go:1: oops\x1b[0m"); got != "frameworks/gin/main.go:1: oops" {
		t.Errorf("StripANSI = %q", got)
	}
}

func TestReadBuildOutput(t *testing.T) {
	tests := []struct {
		name    string
		stream  string
		wantErr string // "" for success
		wantLog string
	}{
		{
			name:    "success",
			stream:  `{"stream":"Step 1/2 : FROM x\n"}{"stream":"Successfully built abc\n"}`,
			wantLog: "Step 1/2 : FROM x\nSuccessfully built abc\n",
		},
		{
			name:    "a failed step carries the lines before it",
			stream:  `{"stream":"Step 5/9 : RUN go build\n"}{"stream":"\u001b[91mmain.go:3:1: undefined: x\n\u001b[0m"}{"error":"The command '/bin/sh -c go build' returned a non-zero code: 1"}`,
			wantErr: "a build step failed: Step 5/9 : RUN go build | main.go:3:1: undefined: x",
			wantLog: "main.go:3:1: undefined: x",
		},
		{
			name:    "an error without output",
			stream:  `{"error":"pull access denied"}`,
			wantErr: "pull access denied",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log strings.Builder
			err := readBuildOutput(strings.NewReader(tt.stream), &log)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log %q lacks %q", log.String(), tt.wantLog)
			}
		})
	}
}

func TestOwnerLabels(t *testing.T) {
	labels := OwnerLabels(map[string]string{"role": "server", LabelOwnerPID: "1"})
	if labels[LabelOwnerPID] != strconv.Itoa(os.Getpid()) || labels[LabelOwnerHost] == "" || labels["role"] != "server" {
		t.Errorf("OwnerLabels = %v", labels)
	}
}

func TestBuildsTakeBaseImagesFromTheEnvironment(t *testing.T) {
	t.Setenv("GO_IMAGE", "go:test")
	t.Setenv("DEBIAN_IMAGE", "debian:test")
	if b := EntryBuild("gin"); b.Args["GO_IMAGE"] != "go:test" || b.Args["ENTRY"] != "gin" || b.Image != "go-tfb/gin" {
		t.Errorf("EntryBuild = %+v", b)
	}
	if b := DatabaseBuild(); b.Args["BASE_IMAGE"] != "debian:test" || b.Image != DatabaseImage {
		t.Errorf("DatabaseBuild = %+v", b)
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct {
		host, dockerHost, want string
	}{
		{"tcp://10.0.0.2:2375", "tcp://other:2375", "tcp://10.0.0.2:2375"},
		{"", "ssh://bench@10.0.0.3", "ssh://bench@10.0.0.3"},
		{"", "", DefaultEndpoint},
	}
	for _, tt := range tests {
		t.Setenv("DOCKER_HOST", tt.dockerHost)
		if got := Endpoint(tt.host); got != tt.want {
			t.Errorf("Endpoint(%q) with DOCKER_HOST=%q = %q, want %q", tt.host, tt.dockerHost, got, tt.want)
		}
	}
}

// An ssh:// endpoint gets a client that dials through the ssh command (no
// connection is made until the first request), and names the endpoint when
// no engine answers there.
func TestNewClientSSH(t *testing.T) {
	const endpoint = "ssh://nobody@127.0.0.1:1"
	cli, err := NewClient(endpoint)
	if err != nil {
		t.Fatalf("NewClient(%s): %v", endpoint, err)
	}
	defer cli.Close()
	if err := Ping(t.Context(), cli, endpoint); err == nil || !strings.Contains(err.Error(), endpoint) {
		t.Errorf("Ping through ssh to a closed port = %v, want an error naming %s", err, endpoint)
	}
	if _, err := NewClient("ssh://"); err == nil {
		t.Error("NewClient(\"ssh://\") accepted an endpoint without a host")
	}
}
