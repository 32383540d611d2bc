package main

import (
	"time"

	"github.com/go-tfb/suite/toolset/benchmark"
	"github.com/go-tfb/suite/toolset/cmd/tfb/internal/base"
)

// The headings under which help lists the flags of the commands that run
// entries, in the order those commands add them.
const (
	headingSelect  = "Selecting what to run (--test gin echo, --test=gin, --test gin,echo and repeating the flag all work)"
	headingMethod  = "Benchmark methodology (defaults are TFB's Round 20 values)"
	headingInside  = "Looking inside a level"
	headingRuntime = "Runtimes"
	headingOutput  = "Output and configuration"
	// headingFlags is the one heading of the flags of new, lint, changed,
	// report and compare.
	headingFlags = "Flags"
)

// selection is what --test, --exclude and --type select: by default every
// entry and "all" types.
type selection struct {
	tests, excludes, types base.StringList
	tfbRepo                string
}

// addTestFlag adds --test.
func addTestFlag(fs *base.FlagSet, s *selection) {
	fs.Group(headingSelect).Var(&s.tests, "test", "NAME...", "entries to run (default: all in benchmark_config.json)")
}

// addExcludeFlag adds --exclude.
func addExcludeFlag(fs *base.FlagSet, s *selection) {
	fs.Group(headingSelect).Var(&s.excludes, "exclude", "NAME...", "entries to leave out")
}

// addSelectFlags adds --test, --exclude and --type.
func addSelectFlags(fs *base.FlagSet, s *selection) {
	addTestFlag(fs, s)
	addExcludeFlag(fs, s)
	fs.Group(headingSelect).Var(&s.types, "type", "TYPE...", "all | json | db | query | fortune | update | plaintext | cached_query (default: all); an entry runs only the types it declares")
}

// methodology is how a benchmark loads the entries: TFB's Round 20
// methodology unless its flags say otherwise.
type methodology struct {
	duration                      secondsValue
	concurrency, pipeline         base.IntList
	queryLevels, cachedQueryLevel base.IntList
	repeat                        countValue
	noPrimer, noWarmup            bool
	sleep                         sleepValue
	profile                       string
}

// defaultMethodology is TFB's Round 20 methodology, as benchmark's flags
// start and as verify records it.
func defaultMethodology() methodology {
	r20 := benchmark.Round20()
	return methodology{
		duration:         secondsValue{seconds: int(r20.Duration / time.Second)},
		concurrency:      base.IntList{Values: r20.ConcurrencyLevels},
		pipeline:         base.IntList{Values: r20.PipelineConcurrencyLevels},
		queryLevels:      base.IntList{Values: r20.QueryLevels},
		cachedQueryLevel: base.IntList{Values: r20.CachedQueryLevels},
		repeat:           1,
	}
}

// addDurationFlag adds --duration, which benchmark and ceiling take.
func addDurationFlag(fs *base.FlagSet, m *methodology) {
	fs.Group(headingMethod).Var(&m.duration, "duration", "SECONDS", "benchmark: length of the warmup and of each level (default 15); ceiling: length of each measured wrk run (default 10)")
}

// addRepeatFlag adds --repeat, which benchmark and ceiling take.
func addRepeatFlag(fs *base.FlagSet, m *methodology) {
	fs.Group(headingMethod).Var(&m.repeat, "repeat", "N", "measure every level N times, in round-robin passes over the entries; the table shows the median and min–max, rawData the median repeat (default 1)")
}

// addMethodFlags adds every flag of the benchmark methodology.
func addMethodFlags(fs *base.FlagSet, m *methodology) {
	addDurationFlag(fs, m)
	g := fs.Group(headingMethod)
	g.Var(&m.concurrency, "concurrency-levels", "N...", "connections for json, db, fortune; the largest is also the warmup's and the query types' (default 16 32 64 128 256 512)")
	g.Var(&m.pipeline, "pipeline-concurrency-levels", "N...", "connections for plaintext, 16 requests pipelined per connection (default 256 1024 4096 16384)")
	g.Var(&m.queryLevels, "query-levels", "N...", "queries per request for query and update (default 1 5 10 15 20)")
	g.Var(&m.cachedQueryLevel, "cached-query-levels", "N...", "count for cached_query (default 1 10 20 50 100)")
	addRepeatFlag(fs, m)
	g.BoolVar(&m.noPrimer, "no-primer", "leave out the primer (quick iteration)")
	g.BoolVar(&m.noWarmup, "no-warmup", "leave out the warmup (quick iteration)")
	g.Var(&m.sleep, "sleep", "SECONDS", "every sleep this long instead of TFB's 5, 5 and 2 s (quick iteration; 0 for none)")
	g.StringVar(&m.profile, "profile", "round20", "set all of the above to Round 20's values at once (overrides them; use alone)")
}

// insight is what tfb benchmark takes beyond the levels: profiles of the
// entries and latencies at fixed rates.
type insight struct {
	pprof       profileKinds
	pprofLevels levelsValue
	fixedRate   fractionList
}

// addInsightFlags adds --pprof, --pprof-levels and --fixed-rate.
func addInsightFlags(fs *base.FlagSet, in *insight) {
	g := fs.Group(headingInside)
	g.Var(&in.pprof, "pprof", "KIND...", "profiles to take from every entry during its levels (first pass), beside raw.txt: cpu heap allocs mutex block (default none)")
	g.Var(&in.pprofLevels, "pprof-levels", "best|all", "keep the profiles of each entry's best level of a type, or of every level (default best)")
	g.Var(&in.fixedRate, "fixed-rate", "FRACTION...", "after a type's levels, load each entry open loop at these fractions of its best rate, e.g. 0.5 0.9, and record latency percentiles (results.json's fixedRate)")
}

// runtimeFlags choose the runtime and how it runs the entries.
type runtimeFlags struct {
	runtime, cpuset                      string
	memory                               sizeValue
	serverPort                           portValue
	noBuild                              bool
	serverHost, databaseHost, clientHost dockerHostValue
	partition                            partitionValue
	clientCPUs                           cpusValue
}

// addRuntimeFlags adds the runtime flags.
func addRuntimeFlags(fs *base.FlagSet, r *runtimeFlags) {
	g := fs.Group(headingRuntime)
	g.StringVar(&r.runtime, "runtime", "docker|local", "where entries run (default: docker when a Docker engine answers, else local)")
	g.StringVar(&r.cpuset, "cpuset", "CPUS", "CPUs every entry may use, e.g. 0-1 (docker: --cpuset-cpus; local: taskset); default: no restriction")
	g.Var(&r.partition, "partition", "auto|none", "auto: the entry, PostgreSQL and wrk each on CPUs of their own (the entry half the cores, the others a quarter each; the default on 4 cores or more); none: they share every core (the default below 4 cores); --cpuset overrides the entry's")
	g.Var(&r.memory, "memory", "SIZE", "memory limit for every entry, e.g. 2g or 512m (docker: the container's limit; local: GOMEMLIMIT, a soft limit); default: none")
	g.Var(&r.serverPort, "server-port", "PORT", "run entries on this port instead of their configured one")
	g.BoolVar(&r.noBuild, "no-build", "docker: use the images a previous run built (go-tfb/<entry>, go-tfb/database, go-tfb/wrk) instead of building them")
	g.Var(&r.clientCPUs, "client-cpus", "N", "docker: cap wrk's container at N CPUs' worth of time (a weaker load generator); a level wrk then bounds is marked client-bound")
	g.Var(&r.serverHost, "server-host", "ENDPOINT", "docker: the Docker engine for the entries (default: DOCKER_HOST or the local socket)")
	g.Var(&r.databaseHost, "database-host", "ENDPOINT", "docker: the Docker engine for the database (default: DOCKER_HOST or the local socket)")
	g.Var(&r.clientHost, "client-host", "ENDPOINT", "docker: the Docker engine for wrk (default: DOCKER_HOST or the local socket)")
}

// outputFlags say where results go (by default under ./results) and what
// they record.
type outputFlags struct {
	resultsDir, resultsName, resultsEnvironment string
}

// addResultsDirFlag adds --results-dir, which ceiling takes too.
func addResultsDirFlag(fs *base.FlagSet, o *outputFlags) {
	fs.Group(headingOutput).StringVar(&o.resultsDir, "results-dir", "DIR", "results go to DIR/<timestamp>/ (default: results)")
}

// addOutputFlags adds --results-dir, --results-name and --results-environment.
func addOutputFlags(fs *base.FlagSet, o *outputFlags) {
	addResultsDirFlag(fs, o)
	g := fs.Group(headingOutput)
	g.StringVar(&o.resultsName, "results-name", "NAME", "name recorded in results.json")
	g.StringVar(&o.resultsEnvironment, "results-environment", "TEXT", "environment description recorded in results.json")
}

// configFlags are --config and -v, which every command that runs entries takes.
type configFlags struct {
	configPath string
	verbose    bool
}

// addConfigFlags adds --config and -v, --verbose.
func addConfigFlags(fs *base.FlagSet, c *configFlags) {
	g := fs.Group(headingOutput)
	g.StringVar(&c.configPath, "config", "FILE", "benchmark_config.json to read (default: the one at the repository root)")
	g.BoolVar(&c.verbose, "verbose", "debug logs on stderr")
	g.Alias("v", "verbose")
}

// addRepositoryFlag adds --config as new, lint and changed take it: the
// repository to work in.
func addRepositoryFlag(fs *base.FlagSet, configPath *string) {
	fs.Group(headingFlags).StringVar(configPath, "config", "PATH", "benchmark_config.json of the repository (default: found in this directory or above)")
}
