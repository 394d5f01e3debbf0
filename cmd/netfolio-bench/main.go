// Command netfolio-bench measures netfolio end to end against a real server on loopback, with
// a generated user of a million entries, and prints one table: each figure, its target from
// the performance issue, and the ratio to that target.
//
// It builds nothing: it runs the netfolio binary it is given (make bench builds bin/netfolio
// first). The generated database is cached under --cache, keyed by seed and size, because
// generating a million entries takes a while; every run works on a copy of it in a temporary
// folder, so the cache never changes.
//
//	netfolio-bench --netfolio bin/netfolio [--cache .data/bench] [--entries 1000000]
//
// Ratio to target: value ÷ target where more is better (requests/s, entries/s, rows/s, how
// many times faster than hledger), target ÷ value where less is better (milliseconds, MB). A
// ratio of 1 or more meets the target; 2 means twice as good as needed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

type options struct {
	netfolio      string
	cache         string
	seed          uint64
	networks      int
	entries       int
	freshRuns     int
	loadTool      string
	connections   int
	loadRuns      int
	loadTime      time.Duration
	taxRuns       int
	batches       int
	batchSize     int
	hledger       string
	hledgerLimit  time.Duration
	freshJournal  bool
	timeout       time.Duration
	keepWorkDir   bool
	progress      io.Writer
	serverLogTail int
}

func main() {
	var o options
	flag.StringVar(&o.netfolio, "netfolio", "bin/netfolio", "the netfolio binary to measure")
	flag.StringVar(&o.cache, "cache", ".data/bench", "folder for the generated database (and its journal export), reused across runs")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the generated portfolio")
	flag.IntVar(&o.networks, "networks", 20, "networks of the generated user")
	flag.IntVar(&o.entries, "entries", 1_000_000, "entries of the generated user")
	flag.IntVar(&o.freshRuns, "fresh-runs", 5, "requests of fresh figures (the median is reported)")
	flag.StringVar(&o.loadTool, "load", "auto", "load generator for the snapshot: wrk, go (a built-in loop), or auto (wrk when installed)")
	flag.IntVar(&o.connections, "connections", 32, "connections of the snapshot load")
	flag.IntVar(&o.loadRuns, "load-runs", 3, "runs of the snapshot load (the median is reported), after a 1 s warm-up")
	flag.DurationVar(&o.loadTime, "load-time", 3*time.Second, "duration of each snapshot load run")
	flag.IntVar(&o.taxRuns, "tax-runs", 3, "downloads of tax.csv (the median rate is reported)")
	flag.IntVar(&o.batches, "batches", 10, "batches posted to /entries/batch (the median rate is reported), after one warm-up batch")
	flag.IntVar(&o.batchSize, "batch-size", 1000, "entries per batch")
	flag.StringVar(&o.hledger, "hledger", "hledger", "hledger to compare the figures with; \"\" skips the comparison")
	flag.DurationVar(&o.hledgerLimit, "hledger-timeout", 150*time.Second, "stop hledger after this long (the ratio is then a lower bound)")
	flag.BoolVar(&o.freshJournal, "fresh-journal", false, "export the journal again instead of using the cached export")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	flag.BoolVar(&o.keepWorkDir, "keep", false, "keep the temporary folder (database copy, server log)")
	flag.Parse()
	o.progress = os.Stderr
	o.serverLogTail = 20
	if o.entries < o.networks || o.networks < 1 || o.freshRuns < 1 || o.loadRuns < 1 || o.taxRuns < 1 || o.batches < 1 ||
		o.batchSize < 1 || o.batchSize > 5000 || o.connections < 1 {
		fmt.Fprintln(os.Stderr, "netfolio-bench: invalid flags")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "netfolio-bench:", err)
		os.Exit(1)
	}
}

func (o options) logf(format string, args ...any) {
	fmt.Fprintf(o.progress, "bench: "+format+"\n", args...)
}

func run(ctx context.Context, o options, out io.Writer) error {
	started := time.Now()
	bin, err := filepath.Abs(o.netfolio)
	if err != nil {
		return err
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		return fmt.Errorf("no netfolio binary at %s (make build)", o.netfolio)
	}
	cli := &netfolioCLI{bin: bin}
	cached, err := ensureDatabase(ctx, o, cli)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "netfolio-bench-")
	if err != nil {
		return err
	}
	if o.keepWorkDir {
		o.logf("working in %s (kept)", work)
	} else {
		defer os.RemoveAll(work)
	}
	db := filepath.Join(work, "netfolio.db")
	if err := copyFile(cached, db); err != nil {
		return err
	}
	year, yearRows, total, err := busiestYear(ctx, db, benchUser)
	if err != nil {
		return err
	}
	if total != int64(o.entries) {
		return fmt.Errorf("%s holds %d entries of %s, not %d: delete it to generate it again", cached, total, benchUser, o.entries)
	}
	o.logf("%s: %d entries; busiest year %d (%d rows with a cash flow)", filepath.Base(cached), total, year, yearRows)

	token, err := cli.token(ctx, db, benchUser)
	if err != nil {
		return err
	}
	if err := cli.userAdd(ctx, db, batchUser); err != nil {
		return err
	}
	batchToken, err := cli.token(ctx, db, batchUser)
	if err != nil {
		return err
	}

	srv, err := startServer(ctx, cli, db, work)
	if err != nil {
		return err
	}
	defer srv.stop(o)
	o.logf("server %s (pid %d)", srv.url, srv.pid)
	meter := startCPUMeter(srv.pid)
	r := &report{}
	m := &measurer{o: o, srv: srv, token: token, http: newHTTPClient(o.connections)}

	if err := m.snapshotColdStart(ctx, r); err != nil {
		return err
	}
	fresh, err := m.freshFigures(ctx, r)
	if err != nil {
		return err
	}
	m.rssLoaded(r)
	if err := m.snapshotLoad(ctx, r); err != nil {
		return err
	}
	if err := m.taxExport(ctx, r, year, yearRows); err != nil {
		return err
	}
	if err := m.batchInsert(ctx, r, batchToken); err != nil {
		return err
	}
	journal, err := m.journal(ctx, r, cached)
	if err != nil {
		return err
	}
	if other, share, ok := meter.others(); ok {
		r.note("other processes on this machine used %.0f CPU-s (%.0f%% of its %d CPUs) while the server was measured%s",
			other.Seconds(), share*100, runtime.NumCPU(), map[bool]string{true: ": the numbers are likely lower than on an idle machine", false: ""}[share > 0.15])
	}
	srv.stop(o)
	r.note("server log: %s", srv.summary)
	if err := compareHledger(ctx, o, r, journal, fresh); err != nil {
		return err
	}
	r.note("machine: %d CPUs (GOMAXPROCS %d), %s/%s; load over loopback from this machine",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	r.note("ratio to target: value ÷ target where more is better, target ÷ value where less is better; >= 1 meets the target")
	r.note("whole run: %s", time.Since(started).Round(time.Second))
	r.print(out)
	return nil
}
