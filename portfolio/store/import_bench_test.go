package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/exchange"
	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/store"
)

// The import path as the API and the command line run it: exchange.NewImportSource reading an
// entries CSV, store.Import writing it in one transaction, into a fresh SQLite file.

const importLines = 20_000

var importToday = portfolio.NewDate(2026, time.March, 15)

// importFile writes an entries.csv of n synthetic lines in 20 networks: as netfolio exports it
// (every line with its base amount), or with the base amounts left out, so that the import
// converts each line at the day's rate.
func importFile(b *testing.B, seed uint64, n int, withBase bool) []byte {
	b.Helper()
	syn := sample.Synthetic{Seed: seed, Networks: 20, Entries: n, Today: importToday}
	networks := syn.MakeNetworks()
	for i := range networks {
		networks[i].ID = int64(i + 1)
	}
	first := syn.Span() - portfolio.MaxRateAge
	rates := map[string][]decimal.Decimal{}
	for _, r := range sample.DemoRates(first, syn.Today) {
		rates[r.Currency] = append(rates[r.Currency], r.UnitsPerEUR)
	}
	var buf bytes.Buffer
	ew, err := exchange.NewEntriesWriter(&buf, exchange.Intl)
	if err != nil {
		b.Fatal(err)
	}
	one := decimal.NewFromInt(1)
	err = syn.EachEntry(networks, 5000, func(chunk []portfolio.Entry) error {
		for _, e := range chunk {
			base := e.Amount
			if e.Currency != "EUR" {
				base = portfolio.Convert(e.Amount, one, rates[e.Currency][e.Date-first])
			}
			if err := e.SetBase(base, true); err != nil {
				return err
			}
			n := networks[e.NetworkID-1]
			if err := ew.Write(exchange.Row{Entry: e, Network: n.Name, NetworkKind: n.Kind}); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = ew.Flush()
	}
	if err != nil {
		b.Fatal(err)
	}
	if withBase {
		return buf.Bytes()
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	cw := csv.NewWriter(&out)
	for i, rec := range records {
		if i > 0 && rec[5] != "" && rec[6] != "EUR" { // base_amount, unless the line is in EUR
			rec[7] = ""
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return out.Bytes()
}

// importTarget opens a fresh SQLite file with one user and the synthetic portfolio's rates.
func importTarget(b *testing.B, dir string, i int) (*store.Store, int64) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, fmt.Sprintf("import-%d.db", i)), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	u, err := st.CreateUser(ctx, store.NewUser{Username: "bench", Password: "bench password"})
	if err != nil {
		b.Fatal(err)
	}
	syn := sample.Synthetic{Today: importToday}
	if _, err := st.PutRates(ctx, u.ID, sample.DemoRates(syn.Span()-portfolio.MaxRateAge, importToday)); err != nil {
		b.Fatal(err)
	}
	return st, u.ID
}

func runImport(b *testing.B, st *store.Store, userID int64, file []byte) store.ImportResult {
	b.Helper()
	src, err := exchange.NewImportSource(bytes.NewReader(file))
	if err != nil {
		b.Fatal(err)
	}
	res, err := st.Import(context.Background(), userID, src, store.ImportOptions{CreateNetworks: true})
	if err != nil {
		b.Fatal(err)
	}
	if res.ErrorCount > 0 {
		b.Fatalf("import failed: %d errors, first %v", res.ErrorCount, res.Errors[0])
	}
	return res
}

// BenchmarkImport imports 20,000 lines per op into a fresh SQLite file (synchronous=FULL, as
// served): the file as netfolio exports it (base amounts given), the same lines converted at
// the day's rates, and the same file into a user who already has 20,000 other entries (each
// line without an external id is then checked against the stored ones).
func BenchmarkImport(b *testing.B) {
	quiet := slog.Default() // the migrations of every fresh file log at info
	slog.SetDefault(slog.New(slog.DiscardHandler))
	b.Cleanup(func() { slog.SetDefault(quiet) })
	exported := importFile(b, 1, importLines, true)
	atRates := importFile(b, 1, importLines, false)
	earlier := importFile(b, 2, importLines, true)
	for _, v := range []struct {
		name     string
		file     []byte
		existing []byte // imported first, outside the timer
	}{
		{"base-given", exported, nil},
		{"at-rates", atRates, nil},
		{"existing-user", exported, earlier},
	} {
		b.Run(fmt.Sprintf("%s/lines=%d", v.name, importLines), func(b *testing.B) {
			dir := b.TempDir()
			b.ReportAllocs()
			b.SetBytes(int64(len(v.file)))
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st, userID := importTarget(b, dir, i)
				if v.existing != nil {
					runImport(b, st, userID, v.existing)
				}
				b.StartTimer()
				res := runImport(b, st, userID, v.file)
				b.StopTimer()
				if res.Added != importLines {
					b.Fatalf("added %d of %d lines (%d skipped)", res.Added, importLines, res.Skipped)
				}
				if err := st.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(importLines)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
