package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netfolio/netfolio/api"
	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
)

// BenchmarkPortfolioSnapshot: GET /api/v1/portfolio from the stored snapshot through the real
// router, middleware and token check, on a real SQLite file (make bench's end-to-end run
// measures the same over loopback: over 10,000 requests/s with 32 connections). The snapshot
// of 20 networks is about as large whatever the number of entries, so 20,000 do.
func BenchmarkPortfolioSnapshot(b *testing.B) {
	ctx := context.Background()
	st, u, token, handler := benchServer(b)
	syn := sample.Synthetic{Seed: 1, Networks: 20, Entries: 20_000, Today: portfolio.DateFromTime(fixedNow)}
	if _, err := st.PutRates(ctx, u.ID, sample.DemoRates(syn.Span()-portfolio.MaxRateAge, syn.Today)); err != nil {
		b.Fatal(err)
	}
	networks := syn.MakeNetworks()
	var err error
	for i := range networks {
		if networks[i], err = st.CreateNetwork(ctx, u.ID, networks[i]); err != nil {
			b.Fatal(err)
		}
	}
	err = syn.EachEntry(networks, 5000, func(chunk []portfolio.Entry) error {
		_, err := st.CreateEntries(ctx, u.ID, chunk)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	get := func() (int, int) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/portfolio", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Len()
	}
	code, size := get() // computes and stores the snapshot
	if code != http.StatusOK {
		b.Fatalf("GET /api/v1/portfolio: %d", code)
	}

	b.Run(fmt.Sprintf("serial/bytes=%d", size), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if code, _ := get(); code != http.StatusOK {
				b.Fatalf("GET /api/v1/portfolio: %d", code)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	b.Run("parallel-32", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if code, _ := get(); code != http.StatusOK {
					b.Errorf("GET /api/v1/portfolio: %d", code)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}

// BenchmarkEntriesBatch: POST /api/v1/entries/batch of 1,000 entries (payouts spread over a
// year, a fee and an investment now and then) through the real router on a real SQLite file,
// into one network that grows as the batches arrive, as in make bench's end-to-end run
// (target: over 50,000 entries/s).
func BenchmarkEntriesBatch(b *testing.B) {
	st, u, token, handler := benchServer(b)
	n, err := st.CreateNetwork(context.Background(), u.ID, portfolio.Network{Name: "Batch", Kind: portfolio.Revshare, Status: portfolio.StatusActive,
		Currency: "EUR", JoinedOn: portfolio.NewDate(2020, 1, 1)})
	if err != nil {
		b.Fatal(err)
	}
	const size = 1000
	batch := func(k int) string {
		var sb strings.Builder
		sb.WriteByte('[')
		start := portfolio.NewDate(2025, 1, 1)
		for i := range size {
			if i > 0 {
				sb.WriteByte(',')
			}
			j := k*size + i
			kind, amount := "payout", fmt.Sprintf("%d.%02d", 1+j%37, j%100)
			switch {
			case j%97 == 0:
				kind, amount = "investment", fmt.Sprintf("%d.00", 100+j%900)
			case j%29 == 0:
				kind, amount = "fee", fmt.Sprintf("%d.50", 1+j%9)
			}
			fmt.Fprintf(&sb, `{"network_id":%d,"date":"%s","kind":"%s","amount":"%s","note":"batch %d"}`, n.ID, start+portfolio.Date(j%365), kind, amount, k)
		}
		sb.WriteByte(']')
		return sb.String()
	}
	k := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		body := batch(k)
		k++
		b.StartTimer()
		req := httptest.NewRequest(http.MethodPost, "/api/v1/entries/batch", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("POST /api/v1/entries/batch: %d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "entries/s")
}

// benchServer is the API on a fresh SQLite file with one user and its API token.
func benchServer(b *testing.B) (*store.Store, portfolio.User, string, http.Handler) {
	quiet := slog.Default() // the migrations log at info
	slog.SetDefault(slog.New(slog.DiscardHandler))
	b.Cleanup(func() { slog.SetDefault(quiet) })
	ctx := context.Background()
	clock := func() time.Time { return fixedNow }
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "netfolio.db"), store.Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	u, err := st.CreateUser(ctx, store.NewUser{Username: "bench", Password: "bench password"})
	if err != nil {
		b.Fatal(err)
	}
	_, token, err := st.CreateToken(ctx, u.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	handler := api.New(api.Config{Store: st, Now: clock, Location: time.UTC,
		Snapshots: snapshot.New(st, portfolio.DefaultSettings(), clock, time.UTC), Logger: slog.New(slog.DiscardHandler)})
	return st, u, token, handler
}
