package backend

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-tfb/suite/toolset/docker"
)

// compilerLines is how many of the compiler's messages a build error shows.
const compilerLines = 10

// compilerMessage matches a Go compiler or vet message: file.go:line[:col]: text.
var compilerMessage = regexp.MustCompile(`^\S+\.go:\d+(:\d+)?: .+`)

// compilerMessages returns the first n compiler messages in a build's
// output, as the go command prints them (file:line:col: message).
func compilerMessages(output string, n int) []string {
	var lines []string
	for line := range strings.SplitSeq(docker.StripANSI(output), "\n") {
		line = strings.TrimSpace(line)
		if compilerMessage.MatchString(line) {
			lines = append(lines, line)
			if len(lines) == n {
				break
			}
		}
	}
	return lines
}

// BuildError wraps a failed build's error with the compiler's first
// messages found in its output, one per line, so that the user sees what
// does not compile without opening the build log. command names the build
// as the error's context.
func BuildError(command string, err error, output string) error {
	msgs := compilerMessages(output, compilerLines)
	if len(msgs) == 0 {
		return fmt.Errorf("%s: %w", command, err)
	}
	return fmt.Errorf("%s: %w\n\t%s", command, err, strings.Join(msgs, "\n\t"))
}
