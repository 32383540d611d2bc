package backend

import (
	"slices"
	"testing"

	"github.com/go-tfb/suite/toolset/results"
)

func TestAutoPartition(t *testing.T) {
	tests := []struct {
		cores   int
		want    results.Partition
		wantErr bool
	}{
		{2, results.Partition{}, true},
		{3, results.Partition{}, true},
		{4, results.Partition{Server: "0-1", Database: "2", Client: "3"}, false},
		{8, results.Partition{Server: "0-3", Database: "4-5", Client: "6-7"}, false},
		{28, results.Partition{Server: "0-13", Database: "14-20", Client: "21-27"}, false},
	}
	for _, tt := range tests {
		got, err := AutoPartition(tt.cores)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("AutoPartition(%d) = %+v, %v; want %+v (error %v)", tt.cores, got, err, tt.want, tt.wantErr)
		}
		if err == nil && Cores(got.Server)+Cores(got.Database)+Cores(got.Client) != tt.cores {
			t.Errorf("AutoPartition(%d) = %+v does not use every core once", tt.cores, got)
		}
	}
}

func TestParseCPUList(t *testing.T) {
	tests := []struct {
		list string
		want []int
	}{
		{"0", []int{0}},
		{"0-3", []int{0, 1, 2, 3}},
		{"0-1,4, 6-7", []int{0, 1, 4, 6, 7}},
		{"", nil},
		{"3-1", nil},
		{"a", nil},
		{"-1", nil},
	}
	for _, tt := range tests {
		got, err := ParseCPUList(tt.list)
		if !slices.Equal(got, tt.want) || (err != nil) != (tt.want == nil) {
			t.Errorf("ParseCPUList(%q) = %v, %v; want %v", tt.list, got, err, tt.want)
		}
	}
}
