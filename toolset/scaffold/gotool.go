package scaffold

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// GoTool runs the go command for the scaffold, in the repository root.
type GoTool struct {
	// Env is added to the process environment (for example GOPROXY=off).
	Env []string
}

// Resolve returns the version of modPath that version (a version, a branch
// or "latest") names, with go list -m, which changes no file.
func (g GoTool) Resolve(ctx context.Context, dir, modPath, version string) (string, error) {
	out, err := g.run(ctx, dir, "list", "-m", "-json", modPath+"@"+version)
	if err != nil {
		return "", fmt.Errorf("unknown module: %w", err)
	}
	var m struct{ Version string }
	if err := json.Unmarshal(out, &m); err != nil || m.Version == "" {
		return "", fmt.Errorf("unknown module: go list -m gave no version for %s@%s", modPath, version)
	}
	return m.Version, nil
}

// Get requires module (path@version) in go.mod with go get.
func (g GoTool) Get(ctx context.Context, dir, module string) error {
	if _, err := g.run(ctx, dir, "get", module); err != nil {
		return fmt.Errorf("go get %s: %w", module, err)
	}
	return nil
}

// IsPackage reports whether importPath is a Go package the module can import.
func (g GoTool) IsPackage(ctx context.Context, dir, importPath string) bool {
	_, err := g.run(ctx, dir, "list", "-find", importPath)
	return err == nil
}

// run runs go with args in dir and returns its standard output; an error
// carries the last line go wrote on standard error.
func (g GoTool) run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), g.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if last := strings.TrimPrefix(strings.TrimSpace(lines[len(lines)-1]), "go: "); last != "" {
			return nil, errors.New(last)
		}
		return nil, err
	}
	return stdout.Bytes(), nil
}
