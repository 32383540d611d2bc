package ready

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWait checks each way Wait ends: the service answers 200 (after a few
// refusals), it never does within the timeout, its process exits, or the
// caller's context ends.
func TestWait(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/later" && asked.Add(1) >= 3:
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	exited := make(chan struct{})
	close(exited)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()

	tests := []struct {
		name    string
		ctx     context.Context
		path    string
		exited  <-chan struct{}
		wantErr string // "" for success
		wantIs  error
	}{
		{name: "answers after refusals", ctx: t.Context(), path: "/later"},
		{name: "never answers", ctx: t.Context(), path: "/never", wantErr: "not answering GET /never within 600ms: "},
		{name: "exited", ctx: t.Context(), path: "/never", exited: exited, wantErr: "the server exited before it answered"},
		{name: "cancelled", ctx: cancelled, path: "/never", wantIs: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Wait(tt.ctx, srv.URL, tt.path, 600*time.Millisecond, tt.exited)
			switch {
			case tt.wantIs != nil:
				if !errors.Is(err, tt.wantIs) {
					t.Errorf("Wait = %v, want %v", err, tt.wantIs)
				}
			case tt.wantErr == "":
				if err != nil {
					t.Errorf("Wait = %v, want nil", err)
				}
			case err == nil || !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Wait = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
