package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/netfolio/netfolio/portfolio/store"
)

// copyCmd moves all data from one database to another (SQLite ↔ PostgreSQL).
func copyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("netfolio copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the database to copy from: an SQLite file or a postgres:// URL")
	to := fs.String("to", "", "the empty database to copy to")
	if _, err := parseArgs(fs, args); err != nil {
		return 2
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(stderr, "usage: netfolio copy --from DB --to DB")
		return 2
	}
	src, ok := openStore(ctx, *from, stderr)
	if !ok {
		return 1
	}
	defer src.Close()
	dst, ok := openStore(ctx, *to, stderr)
	if !ok {
		return 1
	}
	defer dst.Close()
	stats, err := store.Copy(ctx, src, dst)
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	tables := make([]string, 0, len(stats))
	for t := range stats {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		fmt.Fprintf(stdout, "%-20s %d\n", t, stats[t])
	}
	fmt.Fprintf(stdout, "copied %s to %s\n", store.Describe(*from), store.Describe(*to))
	return 0
}

// restoreCmd puts an SQLite backup in place of the database; stop the server first.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, _ := newFlags("restore", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: netfolio restore BACKUP-FILE [--db PATH]   (stop the server first)")
		return 2
	}
	if err := store.Restore(ctx, pos[0], *dbFlag); err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", *dbFlag, pos[0])
	return 0
}
