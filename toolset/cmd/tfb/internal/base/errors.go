package base

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// tfb's exit statuses.
const (
	ExitOK     = 0 // everything passed
	ExitFailed = 1 // something failed, or the run was stopped
	ExitUsage  = 2 // a mistake in the command line
)

// A UsageError is a mistake in the command line: tfb prints it and exits
// with status 2.
type UsageError struct{ Err error }

// Error returns the mistake's message.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the mistake, for errors.Is and errors.As.
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError with the message fmt.Sprintf(format, args...).
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// ErrAlreadyReported is what a command returns when something failed that
// its output has already said (an entry failed verification: the summary
// shows it): tfb exits with status 1 and prints nothing more.
var ErrAlreadyReported = errors.New("failed, as reported above")

// errStdoutClosed is the cause of a run canceled because its stdout was closed.
var errStdoutClosed = errors.New("stdout closed")

// exitStatus prints the outcome err of the command called command (empty
// for tfb itself) on stderr and returns tfb's exit status: 0 for nil; 2 for
// a UsageError, printed as "tfb COMMAND: message"; 1 for a run stopped by
// Ctrl-C, SIGTERM or a closed stdout (ctx's cause), which it says, and for
// any other error, printed as a UsageError is unless it is
// ErrAlreadyReported.
func exitStatus(ctx context.Context, command string, err error, stderr io.Writer) int {
	prefix := "tfb"
	if command != "" {
		prefix += " " + command
	}
	var usage *UsageError
	switch {
	case context.Cause(ctx) == errStdoutClosed:
		fmt.Fprintln(stderr, "tfb: stopped: stdout closed")
		return ExitFailed
	case err == nil:
		return ExitOK
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return ExitUsage
	case errors.Is(err, ErrAlreadyReported):
		return ExitFailed
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "tfb: stopped")
		return ExitFailed
	}
	fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
	return ExitFailed
}
