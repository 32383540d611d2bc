// Command tfb verifies and benchmarks the repository's TFB-style entries
// with TFB's Round 20 methodology, in Docker containers or as local
// processes, and writes TFB-format results. Run `tfb help` for usage.
package main

import (
	"context"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	return program().Run(context.Background(), args, stdout, stderr)
}
