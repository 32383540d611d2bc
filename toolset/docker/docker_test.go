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
