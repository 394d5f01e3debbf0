package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/store"
)

// genCmd writes a deterministic synthetic portfolio for benchmarks through the store's bulk
// path (CreateEntries in chunks, each one transaction).
func genCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, _ := newFlags("gen", stderr)
	user := fs.String("user", "", "the user to fill; created (password: the name twice) when missing (required)")
	networks := fs.Int("networks", 20, "networks to create")
	entries := fs.Int("entries", 1000000, "entries to create")
	seed := fs.Uint64("seed", 1, "the same seed gives the same portfolio")
	if _, err := parseArgs(fs, args); err != nil {
		return 2
	}
	if *user == "" || *networks < 1 || *entries < *networks {
		fmt.Fprintln(stderr, "usage: netfolio gen --user NAME [--networks 20] [--entries 1000000] [--seed 1]")
		return 2
	}
	st, ok := openStore(ctx, *dbFlag, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	start := time.Now()
	u, err := st.UserByName(ctx, *user)
	if errors.Is(err, store.ErrNotFound) {
		u, err = st.CreateUser(ctx, store.NewUser{Username: *user, Password: *user + *user})
	}
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	syn := sample.Synthetic{Seed: *seed, Networks: *networks, Entries: *entries, Today: portfolio.DateFromTime(time.Now())}
	if _, err := st.PutRates(ctx, u.ID, sample.DemoRates(syn.Span()-portfolio.MaxRateAge, syn.Today)); err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	created := syn.MakeNetworks()
	for i, n := range created {
		n.Name = fmt.Sprintf("%s (seed %d)", n.Name, *seed)
		if created[i], err = st.CreateNetwork(ctx, u.ID, n); err != nil {
			fmt.Fprintln(stderr, "netfolio:", err)
			return 1
		}
	}
	written := 0
	err = syn.EachEntry(created, 10000, func(chunk []portfolio.Entry) error {
		if _, err := st.CreateEntries(ctx, u.ID, chunk); err != nil {
			return err
		}
		written += len(chunk)
		return nil
	})
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "user %s: %d networks, %d entries in %s (%.0f entries/s)\n", u.Username, len(created), written,
		elapsed.Round(time.Millisecond), float64(written)/elapsed.Seconds())
	return 0
}
