// Command netfolio tracks money across several network businesses: the server, and the
// command-line tools that share its code.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `netfolio — what your network businesses really earned.

Usage:
  netfolio serve [--addr 127.0.0.1:8080] [--db PATH|postgres://…] [--demo]
  netfolio user add NAME [--admin] [--base-currency EUR] [--password-stdin]
  netfolio token create USER [--name NAME]
  netfolio export tax|tax-summary|entries|journal --user NAME [--year 2025] [--dialect de]
  netfolio import FILE.csv --user NAME [--dry-run] [--create-networks]
  netfolio backup FILE            (a consistent copy of the SQLite database, while it runs)
  netfolio restore FILE           (put a backup in place of the SQLite database; stop the server first)
  netfolio copy --from DB --to DB (move all data between SQLite and PostgreSQL)
  netfolio gen --user NAME [--networks 20] [--entries 1000000] [--seed 1]   (synthetic data for benchmarks)

Every command takes --db (or NETFOLIO_DB): an SQLite file path or a postgres:// URL.
Run "netfolio COMMAND --help" for a command's flags.
`

// run is the whole program; main only wires the process to it, so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serveCmd(ctx, args[1:], stdout, stderr)
	case "user":
		if len(args) > 1 && args[1] == "add" {
			return userAddCmd(ctx, args[2:], stdin, stdout, stderr)
		}
	case "token":
		if len(args) > 1 && args[1] == "create" {
			return tokenCreateCmd(ctx, args[2:], stdout, stderr)
		}
	case "export":
		return exportCmd(ctx, args[1:], stdout, stderr)
	case "import":
		return importCmd(ctx, args[1:], stdout, stderr)
	case "gen":
		return genCmd(ctx, args[1:], stdout, stderr)
	case "copy":
		return copyCmd(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "netfolio: unknown command %q\n\n%s", args[0], usage)
	return 2
}
