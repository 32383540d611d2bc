package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-tfb/suite/toolset/config"
)

// repoRootFor returns the repository root: the directory of configPath when
// given (--config), else the directory above the working one that holds
// benchmark_config.json.
func repoRootFor(configPath string) (string, error) {
	if configPath == "" {
		return findRepoRoot()
	}
	abs, err := filepath.Abs(configPath)
	if err != nil {
		return "", fmt.Errorf("--config: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("--config: %w", err)
	}
	if filepath.Base(abs) != config.FileName {
		return "", fmt.Errorf("--config %s: want a path to %s", configPath, config.FileName)
	}
	return filepath.Dir(abs), nil
}
