package main

const usageText = `tfb — verify and benchmark this repository's TFB-style Go entries.

Usage:
  tfb <command> [flags]
  go run ./toolset/cmd/tfb <command> [flags]

Commands:
  list        List the entries in benchmark_config.json and the test types each declares.
  verify      Start each entry with a fresh database and check every test type against
              TFB's rules (responses, headers, query counts from pg_stat_statements).
              Prints pass, warn or fail per entry and type, with what to fix.
  benchmark   Verify, then load every test type that did not fail with wrk, using TFB's
              Round 20 methodology, and write TFB-format results.
  debug       Start one entry and its database and keep them up until Ctrl-C, printing
              the URLs to try and the DATABASE_URL.
  ceiling     Measure how close each entry's /db and /fortunes come to what this machine
              allows (see "The ceiling" below) and whether they reach the goals.
  help        Show this text.

Selecting what to run (several values may follow one flag, as in TFB: --test gin echo;
--test=gin, --test gin,echo and repeating the flag work too):
  --test NAME...        entries to run (default: all in benchmark_config.json)
  --exclude NAME...     entries to leave out
  --type TYPE...        all | json | db | query | fortune | update | plaintext | cached_query
                        (default: all). An entry runs only the types it declares.

Benchmark methodology (defaults are TFB's Round 20 values):
  --duration SECONDS                  length of the warmup and of each level (15)
  --concurrency-levels N...           connections for json, db, fortune; the largest is
                                      also the warmup's and the query types' (16 32 64 128 256 512)
  --pipeline-concurrency-levels N...  connections for plaintext, 16 requests pipelined
                                      per connection (256 1024 4096 16384)
  --query-levels N...                 queries per request for query and update (1 5 10 15 20)
  --cached-query-levels N...          count for cached_query (1 10 20 50 100)
  --profile round20                   set all of the above to Round 20's values at once
                                      (overrides them; use alone)
  --repeat N                          measure every level N times, in round-robin passes
                                      over the entries; the table shows the median and
                                      min–max, rawData the median repeat (1)
  --no-primer, --no-warmup            leave out the primer / warmup (quick iteration)
  --sleep SECONDS                     every sleep this long instead of 5/5/2 (quick iteration)
  Each type: primer (5 s, 8 connections, 8 threads), sleep 5 s, warmup (duration, max
  connections, threads = client cores), sleep 5 s, then each level for duration with
  threads = min(connections, cores) and a 2 s sleep after it. wrk sends --latency,
  --timeout 8 and TFB's Accept headers. A full default run of four entries and seven
  types takes about an hour (56 minutes of load and sleeps, plus builds and checks).

Runtimes:
  --runtime docker|local  where entries run (default: docker when a Docker engine answers,
                          else local)
      docker: the database image (db/Dockerfile) and each entry's image
              (frameworks/Dockerfile, --build-arg ENTRY=NAME) are built and run with host
              networking; wrk runs in its own container built from Debian's wrk package.
              Base images must exist locally: run .ci/docker-setup once on a machine
              without a registry.
      local:  a throwaway PostgreSQL cluster from local binaries (apt-get install
              postgresql), each entry built with go build and run as a process, wrk on
              the host (apt-get install wrk).
  --cpuset CPUS         CPUs every entry may use, e.g. 0-1 (docker: --cpuset-cpus;
                        local: taskset). Default: no restriction.
  --memory SIZE         memory limit for every entry, e.g. 2g or 512m (docker: the
                        container's limit; local: GOMEMLIMIT, a soft limit). Default: none.
  --server-port PORT    run entries on this port instead of their configured one
  --no-build            docker: use the images a previous run built (go-tfb/<entry>,
                        go-tfb/database, go-tfb/wrk) instead of building them
  --server-host ENDPOINT    Docker engine for the entries       (docker runtime only;
  --database-host ENDPOINT  Docker engine for the database       default: DOCKER_HOST or
  --client-host ENDPOINT    Docker engine for wrk                the local socket)
                        e.g. unix:///var/run/docker.sock or tcp://10.0.0.2:2375, as TFB's
                        three-machine setup. Containers on other engines are reached at the
                        endpoint's host address.

Output:
  --results-dir DIR     results go to DIR/<timestamp>/ (default: results)
  --results-name NAME, --results-environment TEXT   recorded in results.json
  -v, --verbose         debug logs on stderr
  --config FILE         benchmark_config.json to read (default: the one at the repository root)

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

The ceiling (tfb ceiling):
  One database, pgbench's best rate for the db type's single-row select (-M prepared,
  -c 8 16 32 64 128, -j 2), then per entry wrk -t2 -c256 on /json, /db and /fortunes
  (a 3 s warmup before each). An entry's ceiling is 1 / (1/json + 1/pgbench_best); the
  goals are /db at 0.65 of it and /fortunes at 0.55. Needs pgbench (apt-get install
  postgresql-contrib). Flags: --test, --exclude, --runtime and the other runtime flags,
  --results-dir, --config, -v, and
  --duration SECONDS    length of each measured wrk and pgbench run (default 10 here,
                        not 15; only an explicit --duration changes it)
  The Markdown table goes to stdout, ending with "goals met: yes" or "goals met: no (...)"
  naming each entry and ratio short of its goal; progress goes to stderr. Written to
  DIR/<timestamp>/ceiling.md and ceiling.json (timestamp in UTC). Exit status 0 when
  every entry was measured, goals met or not; 1 when an entry failed to measure or the
  run was interrupted. The benchmark-only flags (--type, levels, --profile,
  --results-name, --results-environment) are refused.

Ctrl-C or SIGTERM stops the run and removes every container and process it started
(press Ctrl-C twice to skip the cleanup). Local entries die with tfb even if it is killed;
containers a killed tfb left are removed by the next docker run. Exit status: 0 when every entry passed (or
benchmarked), 1 when an entry failed, 2 for usage errors.

Examples:
  tfb list
  tfb verify
  tfb verify --test gin --type json db --runtime local
  tfb benchmark --test gin --type json plaintext --duration 2 --concurrency-levels 16 \
      --pipeline-concurrency-levels 64 --runtime local --results-dir /tmp/r
  tfb benchmark                       # everything, Round 20 methodology (an hour or more)
  tfb debug --test echo --runtime local
  tfb ceiling --runtime local         # 50 s of pgbench, then 39 s of wrk per entry,
                                      # plus builds
`
