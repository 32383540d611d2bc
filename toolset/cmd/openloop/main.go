// Command openloop loads a URL at a fixed rate, open loop, and prints what
// it measured as one JSON object (package openloop's Result). tfb runs it
// where wrk runs: on this machine, or in its own container on the client's
// Docker engine.
//
//	openloop -url http://127.0.0.1:8080/json -rate 5000 -duration 15s -connections 64
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-tfb/suite/toolset/openloop"
)

func main() {
	var o openloop.Options
	flag.StringVar(&o.URL, "url", "", "the URL to load")
	flag.Float64Var(&o.Rate, "rate", 0, "requests per second")
	flag.DurationVar(&o.Duration, "duration", 15*time.Second, "how long to load")
	flag.IntVar(&o.Connections, "connections", 64, "the most connections to keep")
	flag.StringVar(&o.Accept, "accept", "", "the Accept header")
	flag.StringVar(&o.Host, "host", "", "the Host header")
	flag.DurationVar(&o.Timeout, "timeout", 8*time.Second, "per request")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := openloop.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "openloop:", err)
		os.Exit(1)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		res.ClientCPUSeconds = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "openloop:", err)
		os.Exit(1)
	}
}
