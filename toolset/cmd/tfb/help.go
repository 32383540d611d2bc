package main

// mainIntro and mainOutro are `tfb help`'s text around its list of commands.
const (
	mainIntro = `tfb verifies and benchmarks this repository's TFB-style Go entries.

Usage:
  tfb <command> [flags]
  go run ./toolset/cmd/tfb <command> [flags]

Commands:
`
	mainOutro = `
Run 'tfb help <command>' (or 'tfb <command> -h') for a command's flags and details.
Several values may follow one flag, as in TFB: --test gin echo.

Ctrl-C or SIGTERM stops a run and removes every container and process it started (press
Ctrl-C twice to skip the cleanup); so does closing tfb's output (tfb verify | head). Exit
status: 0 when every entry passed (or benchmarked), 1 when an entry failed or the run was
stopped, 2 for a mistake in the command line.

Examples:
  tfb list
  tfb verify --test gin --type json db --runtime local
  tfb benchmark --test gin --type json plaintext --duration 2 --concurrency-levels 16 \
      --pipeline-concurrency-levels 64 --runtime local --results-dir /tmp/r
  tfb benchmark                       # everything, Round 20 methodology (an hour or more)
  tfb debug --test echo --runtime local
  tfb ceiling --runtime local
`
)

// The help of the commands that run entries, after their usage line and
// before their flags.

const listHelp = `List the entries in benchmark_config.json and the test types each declares.
`

const verifyHelp = `Start each entry with a fresh database and check every test type against TFB's rules
(responses, headers, query counts from pg_stat_statements). Prints pass, warn or fail per
entry and type, with what to fix, and writes results.json with the verdicts (see 'tfb help
benchmark' for the results directory).
` + runtimesHelp

const benchmarkHelp = `Verify, then load every test type that did not fail with wrk, using TFB's Round 20
methodology, and write TFB-format results.

Each type: primer (5 s, 8 connections, 8 threads), sleep 5 s, warmup (duration, max
connections, threads = client cores), sleep 5 s, then each level for duration with
threads = min(connections, cores) and a 2 s sleep after it. wrk sends --latency,
--timeout 8 and TFB's Accept headers. A full default run takes about 14 minutes of load
and sleeps per entry and its seven types (70 for five entries), plus builds and checks.
` + runtimesHelp + `
Results (DIR/<timestamp>/):
  results.json          TFB's layout: rawData[type][entry] is a list with one object per
                        level: totalRequests, latencyAvg/Stdev/Max, startTime, endTime,
                        connect/read/write/timeout socket errors, 5xx; plus additions:
                        requestsPerSecond, latencyP50/P75/P90/P99, connections, queries,
                        serverCpuSeconds and serverPeakMemoryBytes (the entry's CPU time
                        and peak memory during the level: from the container's stats in
                        docker, from /proc in local — Linux only). Also succeeded, failed,
                        verify, completed, the levels and the environment. It is rewritten
                        after every level, so an interrupted run keeps what it finished.
  <entry>/<type>/raw.txt           wrk's output for the primer, warmup and each level
  <entry>/<type>/verification.txt  the verifier's findings
  <entry>/server.log               the build and server output
`

const runtimesHelp = `
Runtimes:
  docker: the database image (db/Dockerfile) and each entry's image (frameworks/Dockerfile,
          --build-arg ENTRY=NAME) are built and run with host networking; wrk runs in its
          own container built from Debian's wrk package. Base images must exist locally:
          run .ci/docker-setup once on a machine without a registry. --server-host,
          --database-host and --client-host put the three roles on other Docker engines,
          as TFB's three machines (unix:///var/run/docker.sock, tcp://HOST:2375 or
          ssh://user@host); containers on other engines are reached at the endpoint's host,
          each image is built on its role's engine, base images it lacks are copied there
          from this machine's engine, and builds get the docker CLI's proxies for that
          endpoint (docs/multi-host.md).
  local:  a throwaway PostgreSQL cluster from local binaries (apt-get install
          postgresql), each entry built with go build and run as a process, wrk on the
          host (apt-get install wrk). Local entries die with tfb even if it is killed;
          containers a killed tfb left are removed by the next docker run.
`

const debugHelp = `Start one entry (named with --test) and its database and keep them up until Ctrl-C,
printing the URLs to try and the DATABASE_URL. Exit status 0 after Ctrl-C.
` + runtimesHelp

const ceilingHelp = `Measure how close each entry comes to what this machine allows: /db and /fortunes
against PostgreSQL's best, /json and /plaintext against nginx.

One database; pgbench sweeps the db type's single-row select and the fortunes type's
select in pipeline mode (-M prepared; pipeline depth 1 16 64 256 by -c 2 8 32, -j 2,
3 s per point) and keeps each select's best rate in queries per second; then per entry
wrk -t2 -c256 on /json, /plaintext, /db and /fortunes (a 3 s warmup before each). An
entry's /db ceiling is 1 / (1/json + 1/world_select_best), its /fortunes ceiling
1 / (1/json + 1/fortune_select_best); the table gives each rate over its ceiling.
After the entries, a reference server that does no framework work, nginx from the
operating system's packages returning the same status, headers and bodies (a process
with --runtime local, a container with docker), is loaded on /json and /plaintext, and a
second table gives each entry's rates as a share of nginx's. Needs pgbench 14 or later
(apt-get install postgresql-contrib) and, on the local runtime, nginx (apt-get install
nginx-light). --duration is the length of each measured wrk run (default 10 here, not
15; only an explicit --duration changes it). --repeat N loads the entries and nginx N
times in round-robin passes: rates are medians, and each share is the median of the
passes' shares (a pass's rate over nginx's in the same pass), shown with their range.
With --tfb-repo DIR, --test names FrameworkBenchmarks tests too (tfb-atreugo, tfb-gnet):
TechEmpower's own entries beside this suite's and nginx; a type a test does not
implement shows a dash and is no failure.

The Markdown tables and both sweeps go to stdout; progress goes to stderr. Written to
DIR/<timestamp>/ceiling.md and ceiling.json (timestamp in UTC). Exit status 0 when
every entry and nginx were measured; 1 when one failed to measure or the run was
interrupted. With --runtime local it takes about 80 s of pgbench, then 52 s of wrk per
entry and 26 s for nginx per pass, plus builds.
`
