"""bench-compare: Junction against its physical limits, SQLite and PostgreSQL, in one run.

One loadgen workload (junction-loadgen --seed 1 --events N --days 30) and one synthetic
single-connection workload; every measured quantity is repeated (--repeats, at least 3)
and its noise is (max - min) / median of the repeats (for a ratio of two measured
quantities, the sum of both noises). A goal is met only when the measured value meets it
and the noise is at most 25%; a row noisier than that is run again (--attempts), and a
goal it still cannot settle within its noise is "unknown", never "met". Prints a table and
writes docs/benchmarks.md.

Rows:
  a  durable append: junction-bench append vs tools/bench/lmdb_append (C), same records,
     batch sizes 1 (on the first records only), 100, 500, 1000.      goal Swift >= 0.8x C
  b  end-to-end ingestion through the daemon's socket (durable, projectors running):
     setup events via POST /v1/events, the requestLogged lines via tools/bench/http_load
     to POST /v1/logs; PostgreSQL (Debian's, on a temporary cluster) loading the same
     entries by COPY in the same batches from as many psql sessions as clients; the
     daemon pinned to one core (taskset) vs two.
                      goals >= 0.35x C (row a, same batch), >= 3x SQLite, >= 3x PostgreSQL
  c  replay of the three projections (junction-bench replay; junction-replay rebuild
     timed) vs lmdb_scan vs sqlite_ingest --replay vs PostgreSQL building the same by SQL.
                      goals >= 1x row b, >= 1x SQLite, >= 3x PostgreSQL, >= 0.25x lmdb_scan
  d  logs page latency (limit 50) on one connection with 10k, 100k, 1M ~1 KB entries:
     through the socket (C client, keep-alive) and in process (junction-bench page).
     goals socket p99 < 2 ms, in process p99 < 0.2 ms, flat (largest p99 <= 2x smallest);
     the back office's logs page HTML (query, view model, Mustache) p99 < 5 ms, flat, < 150 KB
  e  ingestion latency p99 with POST /v1/compact running in a loop vs without.  (no goal)
  f  projection lag p99 under sustained ingestion at half row b's rate.  goal < 100 ms
  g  the daemon's peak anonymous memory while ingesting the 1M entries of row d
     (goal < 200 MB), and bytes on disk per event.
  h  the gateway (junction serve --gateway, every call journaled, durable before it is
     answered) in front of nginx serving a fixed answer, against the same load sent
     straight to that nginx, and against nginx as the proxy checking each call with
     auth_request against Junction's token check on the socket (access log on); wrk.
     goals >= 1.5x nginx+auth_request's throughput at equal or lower p99, p99 added over
     the direct path <= 2 ms at half load. Needs nginx and wrk (tools/setup --bench).
  i  replication: row b's ingestion with --replicate sync and async (a three-node
     nats-server cluster with JetStream on loopback, R3 streams) against the local-only
     daemon in the same run (goals >= 0.5x and >= 0.9x), JetStream's own ceiling on this
     machine (tools/bench/nats_publish: the same records from a C loop, libnats-dev), and a
     follower's lag p99 at half the sync writer's rate (goal < 100 ms): from the writer's
     ack to the follower's projections.
  j  the hub's callbacks: events published on the socket (POST /v1/hub-events), fanned
     out to 1,000 connections of which 10 % listen, delivered by the notifier to a local
     receiver (tools/benchcompare/receiver.py): deliveries/s (no goal), p99 from publish
     to the receiver's first byte at half that rate (goal < 50 ms), and row b's ingestion
     with deliveries running (goal >= 0.85x row b).

Exit status: 0 all goals met, 1 a goal missed, 2 the run failed.
"""

# The package behind tools/bench-compare; this docstring is its --help.
#
#   cli.py               main(): arguments, the run, the report written at the end
#   bench.py             Bench: the run's shared state and setup (build, workload), the rows
#                        run in order with their noisy-row retries, and the report's
#                        "where the time goes" notes put together
#   runner.py            processes (run, run_json), the daemon and its Unix-socket HTTP
#                        client, memory and CPU sampling, disk usage, ports
#   report.py            quantities, goals (judge), formatting, the machine's facts, the
#                        table and docs/benchmarks.md
#   data.py              the loadgen workload split, the synthetic entries, record files
#   postgres.py          the PostgreSQL baseline's server, table and COPY scripts (rows b, c)
#   rows_journal.py      rows a (durable append) and c (replay)
#   rows_ingest.py       rows b, e, f (ingestion through the socket)
#   rows_queries.py      rows d and g (logs page latency; memory and disk)
#   rows_gateway.py      row h (the gateway against nginx)
#   rows_replication.py  row i (replication through NATS JetStream)
#   rows_callbacks.py    row j (the hub's callbacks), with receiver.py
