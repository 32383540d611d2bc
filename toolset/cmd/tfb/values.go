package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// The values of tfb's flags that check what they are given, each refusing a
// bad value with the form it expects.

// secondsValue is a length of time in whole seconds, at least 1; given
// tells that the flag was used, default or not.
type secondsValue struct {
	seconds int
	given   bool
}

func (s *secondsValue) String() string { return strconv.Itoa(s.seconds) }

func (s *secondsValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%q is not a whole number of seconds", v)
	}
	if n < 1 {
		return fmt.Errorf("must be at least 1 second, got %d", n)
	}
	s.seconds, s.given = n, true
	return nil
}

// countValue is a whole number, at least 1.
type countValue int

func (c *countValue) String() string { return strconv.Itoa(int(*c)) }

func (c *countValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("%q is not a positive whole number", v)
	}
	*c = countValue(n)
	return nil
}

// sleepValue is a pause in whole seconds, 0 or more; given tells that the
// flag was used.
type sleepValue struct {
	seconds int
	given   bool
}

func (s *sleepValue) String() string { return strconv.Itoa(s.seconds) }

func (s *sleepValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not 0 or more whole seconds", v)
	}
	s.seconds, s.given = n, true
	return nil
}

// portValue is a TCP port number.
type portValue int

func (p *portValue) String() string { return strconv.Itoa(int(*p)) }

func (p *portValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q is not a TCP port (1-65535)", v)
	}
	*p = portValue(n)
	return nil
}

// cpusValue is a number of CPUs, above 0, such as 0.5 or 2.
type cpusValue float64

func (c *cpusValue) String() string {
	if *c == 0 {
		return ""
	}
	return strconv.FormatFloat(float64(*c), 'g', -1, 64)
}

func (c *cpusValue) Set(v string) error {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return fmt.Errorf("%q is not a number of CPUs above 0, such as 0.5 or 2", v)
	}
	*c = cpusValue(n)
	return nil
}

// partitionValue is --partition: auto or none.
type partitionValue string

func (p *partitionValue) String() string { return string(*p) }

func (p *partitionValue) Set(v string) error {
	if v != "auto" && v != "none" {
		return fmt.Errorf("%q is not auto or none", v)
	}
	*p = partitionValue(v)
	return nil
}

// sizeValue is a memory size such as 512m or 2g, checked when given and kept
// as written (results.json records it so).
type sizeValue string

func (s *sizeValue) String() string { return string(*s) }

func (s *sizeValue) Set(v string) error {
	if _, err := parseBytes(v); err != nil {
		return err
	}
	*s = sizeValue(v)
	return nil
}

// parseBytes reads a size such as 512m, 2g, 2GiB or 1048576 (bytes).
func parseBytes(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "ib"), "b")
	mult := int64(1)
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1<<10, t[:len(t)-1]
	case strings.HasSuffix(t, "m"):
		mult, t = 1<<20, t[:len(t)-1]
	case strings.HasSuffix(t, "g"):
		mult, t = 1<<30, t[:len(t)-1]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size such as 512m or 2g", s)
	}
	return n * mult, nil
}

// dockerHostValue is a Docker engine endpoint in one of the forms the Docker
// client takes.
type dockerHostValue string

func (h *dockerHostValue) String() string { return string(*h) }

func (h *dockerHostValue) Set(v string) error {
	scheme, rest, ok := strings.Cut(v, "://")
	valid := ok && rest != "" && slices.Contains([]string{"unix", "tcp", "ssh", "npipe", "http", "https"}, scheme)
	if !valid {
		return fmt.Errorf("%q is not a Docker endpoint such as unix:///var/run/docker.sock, tcp://HOST:2375 or ssh://user@host", v)
	}
	*h = dockerHostValue(v)
	return nil
}

// profileKinds is --pprof: kinds of benchmark.ProfileKinds, each checked
// as given.
type profileKinds struct{ base.StringList }

func (k *profileKinds) Set(v string) error {
	for kind := range strings.SplitSeq(v, ",") {
		if kind = strings.TrimSpace(kind); kind == "" {
			continue
		}
		if _, err := benchmark.ParseProfileKinds([]string{kind}); err != nil {
			return err
		}
	}
	return k.StringList.Set(v)
}

// fractionList is --fixed-rate: fractions in (0, 1], several per flag.
type fractionList struct {
	values []float64
	set    bool
}

// IsMultiValue reports true: it takes several fractions.
func (f *fractionList) IsMultiValue() bool { return true }

func (f *fractionList) String() string {
	parts := make([]string, len(f.values))
	for i, v := range f.values {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, " ")
}

func (f *fractionList) Set(s string) error {
	if !f.set {
		f.values, f.set = nil, true
	}
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || !(x > 0 && x <= 1) {
			return fmt.Errorf("%q is not a fraction of the best rate in (0, 1], such as 0.5", v)
		}
		f.values = append(f.values, x)
	}
	return nil
}

// levelsValue is --pprof-levels: best or all.
type levelsValue string

func (l *levelsValue) String() string { return string(*l) }

func (l *levelsValue) Set(v string) error {
	if v != "best" && v != "all" {
		return fmt.Errorf("%q is not best or all", v)
	}
	*l = levelsValue(v)
	return nil
}
