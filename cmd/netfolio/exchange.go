package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/exchange"
	"github.com/netfolio/netfolio/portfolio/store"
)

// exportCmd writes an export to stdout: the same code the API's downloads run.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, _ := newFlags("export", stderr)
	user := fs.String("user", "", "the user whose data to export (required)")
	year := fs.Int("year", time.Now().Year(), "the tax year (tax and tax-summary)")
	dialect := fs.String("dialect", "intl", "de (;, decimal comma, DD.MM.YYYY, BOM) or intl")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	kinds := map[string]exchange.Kind{"tax": exchange.TaxCSV, "tax-summary": exchange.TaxSummary, "entries": exchange.EntriesCSV, "journal": exchange.Journal}
	kind, ok := exchange.Kind(""), false
	if len(pos) == 1 {
		kind, ok = kinds[pos[0]]
	}
	if !ok || *user == "" {
		fmt.Fprintln(stderr, "usage: netfolio export tax|tax-summary|entries|journal --user NAME [--year 2025] [--dialect de]")
		return 2
	}
	d, err := exchange.DialectByName(*dialect)
	if err != nil {
		fmt.Fprintln(stderr, "netfolio: --dialect must be de or intl")
		return 2
	}
	st, u, ok := openUserStore(ctx, *dbFlag, *user, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	job := exchange.Export{Kind: kind, UserID: u.ID, BaseCurrency: u.BaseCurrency, Dialect: d,
		From: portfolio.NewDate(1900, time.January, 1), To: portfolio.NewDate(9999, time.December, 31)}
	if kind == exchange.TaxCSV || kind == exchange.TaxSummary {
		job.From, job.To = portfolio.NewDate(*year, time.January, 1), portfolio.NewDate(*year, time.December, 31)
	}
	w := bufio.NewWriter(stdout)
	if err := job.Run(ctx, st, w); err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	return 0
}

// importCmd imports an entries CSV all or nothing and prints what it added, as JSON.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, _ := newFlags("import", stderr)
	user := fs.String("user", "", "the user to import for (required)")
	dryRun := fs.Bool("dry-run", false, "check the file and report what would be added; store nothing")
	create := fs.Bool("create-networks", false, "create networks the file names that do not exist yet")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 || *user == "" {
		fmt.Fprintln(stderr, "usage: netfolio import FILE.csv --user NAME [--dry-run] [--create-networks]")
		return 2
	}
	file, err := os.Open(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	defer file.Close()
	st, u, ok := openUserStore(ctx, *dbFlag, *user, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	src, err := exchange.NewImportSource(file)
	if err != nil {
		fmt.Fprintf(stderr, "netfolio: %s: %v\n", pos[0], err)
		return 1
	}
	res, err := st.Import(ctx, u.ID, src, store.ImportOptions{DryRun: *dryRun, CreateNetworks: *create})
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return 1
	}
	if res.ErrorCount > 0 {
		for _, e := range res.Errors {
			fmt.Fprintln(stderr, e.Error())
		}
		fmt.Fprintf(stderr, "netfolio: %d problems; nothing was imported\n", res.ErrorCount)
		return 1
	}
	return 0
}
