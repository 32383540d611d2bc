package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-tfb/suite/toolset/config"
)

// findRepository returns the repository tfb works in: the directory of
// configPath when given (--config, which must name a benchmark_config.json),
// else the first directory from the working one upwards that holds
// benchmark_config.json. Every command finds it so.
func findRepository(configPath string) (string, error) {
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

// loadRepository finds the repository as findRepository does and reads its
// benchmark_config.json.
func loadRepository(configPath string) (root string, cfg *config.Config, err error) {
	root, err = findRepository(configPath)
	if err != nil {
		return "", nil, err
	}
	cfg, err = config.Load(filepath.Join(root, config.FileName))
	return root, cfg, err
}

// findRepoRoot walks up from the working directory to the directory holding
// benchmark_config.json.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no %s in this directory or above: run tfb inside the repository, or pass --config", config.FileName)
		}
		dir = parent
	}
}
