package tfb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// Profiling: when the toolset asks (TFB_PPROF_ADDR names a loopback
// address), an entry serves net/http/pprof on that address, a port of its
// own apart from the one it is benchmarked on; unset, nothing listens and
// nothing is sampled beyond what the Go runtime always does.

// contentionSampling are the rates the mutex and block profiles sample at
// when TFB_PPROF_CONTENTION is set: one contention event in 10, and every
// blocking event of 10 µs or more.
const (
	mutexProfileFraction = 10
	blockProfileRate     = int(10 * time.Microsecond)
)

// checkLoopback returns an error unless addr is HOST:PORT with HOST a
// loopback address or localhost: profiles tell how the entry works inside
// and are served to this machine only.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("TFB_PPROF_ADDR=%q: want HOST:PORT on loopback, such as 127.0.0.1:6061", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("TFB_PPROF_ADDR=%q: the profiles are served on loopback only (127.0.0.1, ::1 or localhost)", addr)
	}
	return nil
}

// startProfiling serves net/http/pprof's handlers on cfg.PprofAddr, on a
// mux of its own (not http.DefaultServeMux, which no entry serves either),
// and returns the function that stops it. It does nothing when
// cfg.PprofAddr is empty.
func startProfiling(cfg Config, log *slog.Logger) (stop func(), err error) {
	if cfg.PprofAddr == "" {
		return func() {}, nil
	}
	if cfg.PprofContention {
		runtime.SetMutexProfileFraction(mutexProfileFraction)
		runtime.SetBlockProfileRate(blockProfileRate)
	}
	l, err := net.Listen("tcp", cfg.PprofAddr)
	if err != nil {
		return nil, fmt.Errorf("profiles: listen on %s: %w", cfg.PprofAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	// A CPU profile takes as long as it is asked to: no write timeout.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("profiles: server stopped", "err", err)
		}
	}()
	log.Info("serving profiles", "addr", l.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
