package openloop

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	good := Options{URL: "http://127.0.0.1:1/", Rate: 10, Duration: time.Second, Connections: 1}
	for _, tt := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no URL", func(o *Options) { o.URL = "" }, "no URL"},
		{"no rate", func(o *Options) { o.Rate = 0.5 }, "a rate of 0.5"},
		{"short", func(o *Options) { o.Duration = time.Millisecond }, "a duration of 1ms"},
		{"no connections", func(o *Options) { o.Connections = 0 }, "0 connections"},
	} {
		o := good
		tt.edit(&o)
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := good.Check(); err != nil {
		t.Error(err)
	}
}

// TestLatencyFromTheSchedule: the server stalls once for 300 ms on its
// one connection. A closed loop would see one slow request; requests keep
// falling due during the stall, and counting each from its due time shows
// them all, so the 90th percentile lands in the stall.
func TestLatencyFromTheSchedule(t *testing.T) {
	var n atomic.Int64
	var stall sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "text/plain" || r.Host != "tfb-server" {
			http.Error(w, "headers", http.StatusBadRequest)
			return
		}
		if n.Add(1) == 200 {
			stall.Do(func() { time.Sleep(300 * time.Millisecond) })
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res, err := Run(t.Context(), Options{URL: srv.URL, Rate: 200, Duration: 2 * time.Second, Connections: 1,
		Accept: "text/plain", Host: "tfb-server", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || res.Requests < 350 || res.RequestedRate != 200 {
		t.Fatalf("result %+v, want about 400 requests without errors", res)
	}
	if !res.Sustained() {
		t.Errorf("achieved %.0f of 200 req/s: the client did not keep the schedule", res.AchievedRate)
	}
	if res.LatencyMax < 250_000 || res.LatencyP90 < 50_000 {
		t.Errorf("max %.0f µs, p90 %.0f µs; want the stall in both (≥ 250 ms, ≥ 50 ms)", res.LatencyMax, res.LatencyP90)
	}
	if !(res.LatencyP50 <= res.LatencyP90 && res.LatencyP90 <= res.LatencyP99 && res.LatencyP99 <= res.LatencyP999 && res.LatencyP999 <= res.LatencyMax) {
		t.Errorf("percentiles out of order: %+v", res)
	}
}

func TestErrorsAreCounted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	res, err := Run(t.Context(), Options{URL: srv.URL, Rate: 50, Duration: time.Second, Connections: 2, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != res.Requests || !strings.Contains(res.FirstError, "503") || !res.Sustained() {
		t.Errorf("result %+v, want every request an error (503), answered on schedule", res)
	}
}
