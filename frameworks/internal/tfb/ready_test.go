package tfb

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/go-tfb/suite/toolset/fixture"
)

// TestWaitReady checks the three ways WaitReady returns: the database
// reached, the caller's deadline passed, the Service closed first.
func TestWaitReady(t *testing.T) {
	const unreachable = "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"
	tests := []struct {
		name      string
		url       func(t *testing.T) string
		closeSoon bool
		wantErr   bool
	}{
		{"database reached", func(t *testing.T) string { return fixture.ForTest(t).URL }, false, false},
		{"deadline passes", func(*testing.T) string { return unreachable }, false, true},
		{"closed before reaching it", func(*testing.T) string { return unreachable }, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, err := New(tt.url(t), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			if tt.closeSoon {
				svc.Close()
			} else if tt.wantErr {
				ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
				defer cancel()
			}
			err = svc.WaitReady(ctx)
			if tt.wantErr {
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("WaitReady = %v, want ErrUnavailable", err)
				}
				if svc.Ready() {
					t.Error("Ready() true after WaitReady failed")
				}
				return
			}
			if err != nil || !svc.Ready() {
				t.Fatalf("WaitReady = %v, Ready() = %v; want nil, true", err, svc.Ready())
			}
		})
	}
}
