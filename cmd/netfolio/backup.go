package main

import (
	"context"
	"fmt"
	"io"

	"github.com/netfolio/netfolio/portfolio/store"
)

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, _ := newFlags("backup", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: netfolio backup FILE [--db PATH]")
		return 2
	}
	st, ok := openStore(ctx, *dbFlag, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	if err := st.Backup(ctx, pos[0]); err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", store.Describe(*dbFlag), pos[0])
	return 0
}
