package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// env returns the environment variable's value, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// envInt returns the environment variable as a number, or def when it is unset or not one.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// defaultDB is netfolio.db in the user's data directory ($XDG_DATA_HOME or ~/.local/share).
func defaultDB() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "netfolio.db"
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "netfolio", "netfolio.db")
}

// newFlags makes a subcommand's flag set with the flags every command has.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string, *string) {
	fs := flag.NewFlagSet("netfolio "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", env("NETFOLIO_DB", defaultDB()), "SQLite file or postgres:// URL (NETFOLIO_DB)")
	level := fs.String("log-level", env("NETFOLIO_LOG_LEVEL", "info"), "debug, info, warn or error (NETFOLIO_LOG_LEVEL)")
	return fs, db, level
}

// parseArgs parses flags that may come before or after positional arguments
// ("user add NAME --admin" as well as "user add --admin NAME").
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("bad log level %q", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// openStore opens the database for a one-shot command, printing why it could not.
func openStore(ctx context.Context, dsn string, stderr io.Writer) (*store.Store, bool) {
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return nil, false
	}
	return st, true
}

// openUserStore opens the database and finds a user by name, printing why it could not.
func openUserStore(ctx context.Context, dsn, username string, stderr io.Writer) (*store.Store, portfolio.User, bool) {
	st, ok := openStore(ctx, dsn, stderr)
	if !ok {
		return nil, portfolio.User{}, false
	}
	u, err := st.UserByName(ctx, username)
	if err != nil {
		fmt.Fprintf(stderr, "netfolio: user %q: %v\n", username, err)
		st.Close()
		return nil, portfolio.User{}, false
	}
	return st, u, true
}
