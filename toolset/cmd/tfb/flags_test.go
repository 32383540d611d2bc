package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// TestSuggestFlag checks the flag tfb benchmark suggests for a mistyped one.
func TestSuggestFlag(t *testing.T) {
	tests := []struct {
		typed, want string
	}{
		{"duraton", "duration"},
		{"durations", "duration"},
		{"tset", "test"},
		{"exlude", "exclude"},
		{"concurency-levels", "concurrency-levels"},
		{"resuls-dir", "results-dir"},
		{"nope", ""},
		{"x", ""},
		{"completely-different", ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"benchmark", "--" + tt.typed}, &stdout, &stderr); code != base.ExitUsage {
			t.Errorf("tfb benchmark --%s: exit %d, want %d", tt.typed, code, base.ExitUsage)
		}
		_, suggestion, suggested := strings.Cut(strings.TrimSpace(stderr.String()), "; did you mean ")
		if got := strings.TrimSuffix(strings.TrimPrefix(suggestion, "--"), "?"); got != tt.want || suggested != (tt.want != "") {
			t.Errorf("tfb benchmark --%s suggests %q, want %q (stderr %q)", tt.typed, got, tt.want, stderr.String())
		}
	}
}
