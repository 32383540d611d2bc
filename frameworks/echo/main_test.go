package main

import (
	"os"
	"testing"

	"github.com/go-tfb/suite/frameworks/internal/benchtest"
	"github.com/go-tfb/suite/frameworks/internal/tfb"
)

func newEntry(svc *tfb.Service) benchtest.Entry { return benchtest.HTTP(newEcho(svc)) }

func BenchmarkTestTypes(b *testing.B) { benchtest.Run(b, newEntry) }

func TestMain(m *testing.M) {
	code := m.Run()
	benchtest.Close()
	os.Exit(code)
}
