package backend

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-tfb/suite/toolset/results"
)

// MinPartitionCores is the fewest cores AutoPartition splits: with fewer,
// a role would have a core or less and the roles share the cores.
const MinPartitionCores = 4

// AutoPartition splits cores CPUs (numbered 0 to cores-1) by the suite's
// rule: wrk and PostgreSQL a quarter each (at least one core), the entry
// the rest, which is at least half: on 4 cores 0-1 / 2 / 3, on 8 0-3 / 4-5 /
// 6-7, on 28 0-13 / 14-20 / 21-27. It fails below MinPartitionCores.
func AutoPartition(cores int) (results.Partition, error) {
	if cores < MinPartitionCores {
		return results.Partition{}, fmt.Errorf("a partition needs at least %d cores; this machine has %d", MinPartitionCores, cores)
	}
	quarter := max(1, cores/4)
	server := cores - 2*quarter
	return results.Partition{
		Server:   cpuRange(0, server),
		Database: cpuRange(server, quarter),
		Client:   cpuRange(server+quarter, quarter),
	}, nil
}

func cpuRange(first, n int) string {
	if n == 1 {
		return strconv.Itoa(first)
	}
	return fmt.Sprintf("%d-%d", first, first+n-1)
}

// ParseCPUList returns the CPUs of a cpuset list such as "0-3,6".
func ParseCPUList(list string) ([]int, error) {
	var cpus []int
	if strings.TrimSpace(list) == "" {
		return nil, errors.New("empty CPU list")
	}
	for part := range strings.SplitSeq(list, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			return nil, fmt.Errorf("%q is not a CPU list such as 0-3,6", list)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("%q is not a CPU list such as 0-3,6", list)
			}
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// Cores returns how many CPUs list names; 0 for an empty or bad list.
func Cores(list string) int {
	cpus, err := ParseCPUList(list)
	if err != nil {
		return 0
	}
	return len(cpus)
}
