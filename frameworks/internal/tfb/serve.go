package tfb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// Server is what an entry's framework serves with: it answers the
// connections of a listener until Shutdown, which stops accepting, waits
// for the requests in flight and returns once they are answered or ctx
// ends. *http.Server has both methods; other frameworks wrap theirs.
type Server interface {
	Serve(l net.Listener) error
	Shutdown(ctx context.Context) error
}

// Run is an entry's whole main: it configures logging, reads the
// configuration from the environment, holds the GC ballast
// (Config.GCBallastMiB) for the life of the process, creates the
// Service, listens on the configured port, and serves with the Server
// newServer builds around the Service. On SIGTERM or SIGINT it stops
// accepting, lets the requests in flight finish (for up to the shutdown
// timeout), closes the Service and exits with status 0. A bad configuration or a server that fails exits
// with status 1, with the reason logged on one line.
func Run(entry string, newServer func(*Service, Config) Server) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("entry", entry)
	slog.SetDefault(log)
	if err := run(log, newServer); err != nil {
		log.Error("exit", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger, newServer func(*Service, Config) Server) error {
	cfg, err := ConfigFromEnv()
	if err != nil {
		return err
	}
	ballast := make([]byte, cfg.GCBallastMiB<<20)
	defer runtime.KeepAlive(ballast)
	svc, err := NewWithConfig(cfg, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	stopProfiling, err := startProfiling(cfg, log)
	if err != nil {
		return err
	}
	defer stopProfiling()
	l, err := Listen(cfg.Addr(), log)
	if err != nil {
		return err
	}
	srv := newServer(svc, cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	log.Info("listening", "addr", l.Addr().String())
	select {
	case err := <-served:
		l.Close()
		return fmt.Errorf("server stopped: %w", err)
	case <-ctx.Done():
	}
	stop() // a second signal ends the process at once
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down within %s: %w", cfg.ShutdownTimeout, err)
	}
	log.Info("stopped")
	return nil
}

// HTTPServer returns an http.Server for handler with the configuration's
// timeouts, for the entries whose framework is an http.Handler.
func (c Config) HTTPServer(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		ReadTimeout:       c.ReadTimeout,
		IdleTimeout:       c.IdleTimeout,
	}
}

// Listen listens on TCP address addr. Its connections' deadlines cost
// almost nothing per request and fire exactly when asked
// (lazyDeadlineConn). Its Accept rides out a shortage of
// file descriptors or kernel memory (EMFILE, ENFILE, ENOBUFS, ENOMEM): it
// waits, from 5 ms doubling up to 1 s, and accepts again, as net/http's
// server does, so that no framework's server stops on it. The connections
// waiting meanwhile stay in the kernel's backlog and are served once
// descriptors free up.
func Listen(addr string, log *slog.Logger) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return &patientListener{Listener: l, log: log}, nil
}

// patientListener is the listener Listen returns.
type patientListener struct {
	net.Listener
	log *slog.Logger
}

// Unwrap returns the listener Listen made, without the patient Accept, for
// a network layer that accepts on the socket itself and so needs the
// *net.TCPListener (Hertz's netpoll polls its descriptor).
func (l *patientListener) Unwrap() net.Listener { return l.Listener }

// Accept returns the next connection, waiting through resource shortages,
// with deadlines that cost almost nothing per request (lazyDeadlineConn).
func (l *patientListener) Accept() (net.Conn, error) {
	var wait time.Duration
	for {
		c, err := l.Listener.Accept()
		if err == nil {
			return newLazyDeadlineConn(c), nil
		}
		if !resourceShortage(err) {
			return c, err
		}
		if wait == 0 {
			wait = 5 * time.Millisecond
			l.log.Warn("accept: out of resources; retrying", "err", err)
		} else {
			wait = min(2*wait, time.Second)
		}
		time.Sleep(wait)
	}
}

// resourceShortage reports whether err is a shortage that passes with time.
func resourceShortage(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}
