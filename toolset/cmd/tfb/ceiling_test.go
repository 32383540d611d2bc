package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/ceiling"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

func TestCeilingOptions(t *testing.T) {
	def := ceiling.DefaultOptions()
	tests := []struct {
		name     string
		args     []string
		duration time.Duration
		wantErr  string
	}{
		{"default duration is ceiling's, not benchmark's 15 s", []string{"--runtime", "local"}, def.Duration, ""},
		{"explicit duration", []string{"--duration", "3"}, 3 * time.Second, ""},
		{"explicit duration equal to benchmark's default still counts", []string{"--duration=15"}, 15 * time.Second, ""},
		{"entry selection and runtime flags apply", []string{"--test", "gin", "echo", "--cpuset", "0", "--memory", "1g", "--results-dir", "/tmp/x"}, def.Duration, ""},
		{"zero duration", []string{"--duration", "0"}, 0, "--duration: must be at least 1 second, got 0"},
		{"benchmark levels do not apply", []string{"--concurrency-levels", "16"}, 0, "--concurrency-levels does not apply to tfb ceiling"},
		{"test types do not apply", []string{"--type", "db"}, 0, "--type does not apply to tfb ceiling"},
		{"profile does not apply", []string{"--profile", "round20"}, 0, "--profile does not apply to tfb ceiling"},
		{"results name does not apply", []string{"--results-name", "x"}, 0, "--results-name does not apply to tfb ceiling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseCeilingFlags(t, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ceilingOptions(o)
			want := def
			want.Duration = tt.duration
			if got.Duration != want.Duration || got.Warmup != want.Warmup || got.Connections != 256 || got.Threads != 2 ||
				got.PgbenchThreads != want.PgbenchThreads || got.PgbenchDuration != want.PgbenchDuration ||
				!slices.Equal(got.PgbenchDepths, want.PgbenchDepths) || !slices.Equal(got.PgbenchClients, want.PgbenchClients) {
				t.Errorf("options = %+v, want %+v", got, want)
			}
		})
	}
}

// parseCeilingFlags runs `tfb ceiling ARGS` with a Run that only keeps the
// methodology its flags set, and returns it, or the one line tfb printed
// about them.
func parseCeilingFlags(t *testing.T, args []string) (methodology, error) {
	t.Helper()
	p := program()
	e := newCeilingCommand()
	e.cmd.Run = func(context.Context, []string) error { return nil }
	for i, c := range p.Commands {
		if c.Name == "ceiling" {
			p.Commands[i] = e.cmd
		}
	}
	var stdout, stderr bytes.Buffer
	if code := p.Run(context.Background(), append([]string{"ceiling"}, args...), &stdout, &stderr); code != base.ExitOK {
		return methodology{}, errors.New(strings.TrimSpace(stderr.String()))
	}
	return e.method, nil
}
