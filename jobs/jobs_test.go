package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/jobs"
	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// ---------------------------------------------------------------------------------------------
// Helpers: a fresh real database per test (SQLite, or PostgreSQL with NETFOLIO_TEST_PG) with a
// fixed clock, and short fixtures.
// ---------------------------------------------------------------------------------------------

func openStore(t *testing.T, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), storetest.DSN(t), store.Options{Now: now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// TestMain silences the store's migration logs, which go to the default logger.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

func day(t *testing.T, s string) portfolio.Date {
	t.Helper()
	d, err := portfolio.ParseDate(s)
	if err != nil {
		t.Fatalf("date %q: %v", s, err)
	}
	return d
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decPtr(s string) *decimal.Decimal { d := dec(s); return &d }

func createUser(t *testing.T, st *store.Store, name string) portfolio.User {
	t.Helper()
	u, err := st.CreateUser(context.Background(), store.NewUser{Username: name, Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

func createNetwork(t *testing.T, st *store.Store, userID int64, n portfolio.Network) portfolio.Network {
	t.Helper()
	if n.Status == "" {
		n.Status = portfolio.StatusActive
	}
	if n.Currency == "" {
		n.Currency = "EUR"
	}
	got, err := st.CreateNetwork(context.Background(), userID, n)
	if err != nil {
		t.Fatalf("create network %s: %v", n.Name, err)
	}
	return got
}

// shop is a product network with a monthly commitment of amount on day, recorded the day it
// was joined.
func shop(t *testing.T, name, currency, amount string, commitmentDay int, joined string) portfolio.Network {
	return portfolio.Network{Name: name, Kind: portfolio.Product, Status: portfolio.StatusActive, Currency: currency,
		JoinedOn: day(t, joined), CreatedAt: day(t, joined).Time().Add(10 * time.Hour),
		CommitmentAmount: decPtr(amount), CommitmentDay: commitmentDay}
}

func addEntries(t *testing.T, st *store.Store, userID int64, entries ...portfolio.Entry) {
	t.Helper()
	if _, err := st.CreateEntries(context.Background(), userID, entries); err != nil {
		t.Fatalf("create entries: %v", err)
	}
}

func purchases(t *testing.T, st *store.Store, userID int64) []portfolio.Entry {
	t.Helper()
	entries, _, err := st.Entries(context.Background(), userID, store.EntryFilter{Kind: portfolio.Purchase, Limit: 1000})
	if err != nil {
		t.Fatalf("entries: %v", err)
	}
	slices.Reverse(entries) // oldest first
	return entries
}

func externalIDs(entries []portfolio.Entry) []string {
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ExternalID
	}
	return ids
}

func commitmentIDs(networkID int64, months ...string) []string {
	ids := make([]string, len(months))
	for i, m := range months {
		ids[i] = fmt.Sprintf("commitment:%d:%s", networkID, m)
	}
	return ids
}

// eventually polls cond until it holds. It only waits for the scheduler's job goroutines to
// finish what the fake clock (or RunNow) started; it never stands in for time passing.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// ---------------------------------------------------------------------------------------------
// DueCommitments
// ---------------------------------------------------------------------------------------------

func TestCommitmentID(t *testing.T) {
	if got := jobs.CommitmentID(42, day(t, "2026-02-05")); got != "commitment:42:2026-02" {
		t.Errorf("CommitmentID = %q, want commitment:42:2026-02", got)
	}
}

func TestDueCommitments(t *testing.T) {
	base := func() portfolio.Network {
		return portfolio.Network{ID: 7, UserID: 3, Name: "Shop", Kind: portfolio.Product, Status: portfolio.StatusActive,
			Currency: "EUR", JoinedOn: day(t, "2026-01-20"), CreatedAt: time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC),
			CommitmentAmount: decPtr("89.00"), CommitmentDay: 5}
	}
	closed := func(s string) *portfolio.Date { d := day(t, s); return &d }
	tests := []struct {
		name   string
		change func(n *portfolio.Network)
		today  string
		want   []string // due days
	}{
		{"joined after the day in its first month", nil, "2026-04-04", []string{"2026-02-05", "2026-03-05"}},
		{"due on today", nil, "2026-03-05", []string{"2026-02-05", "2026-03-05"}},
		{"the day before a due day", nil, "2026-03-04", []string{"2026-02-05"}},
		{"before the first due day", nil, "2026-02-04", nil},
		{"before joining", nil, "2026-01-10", nil},
		{"joined before the day in its first month", func(n *portfolio.Network) {
			n.JoinedOn, n.CreatedAt = day(t, "2026-01-03"), day(t, "2026-01-03").Time()
		}, "2026-04-04", []string{"2026-01-05", "2026-02-05", "2026-03-05"}},
		{"recorded later than joined starts at recording", func(n *portfolio.Network) {
			n.JoinedOn, n.CreatedAt = day(t, "2025-06-01"), time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC)
		}, "2026-04-04", []string{"2026-03-05"}},
		{"recorded on a due day counts that day", func(n *portfolio.Network) {
			n.CreatedAt = time.Date(2026, 2, 5, 23, 0, 0, 0, time.UTC)
		}, "2026-04-04", []string{"2026-02-05", "2026-03-05"}},
		{"recorded before joining starts at joining", func(n *portfolio.Network) {
			n.CreatedAt = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
		}, "2026-04-04", []string{"2026-02-05", "2026-03-05"}},
		{"zero created_at starts at joining", func(n *portfolio.Network) { n.CreatedAt = time.Time{} },
			"2026-04-04", []string{"2026-02-05", "2026-03-05"}},
		{"collapsed on 2026-03-01", func(n *portfolio.Network) {
			n.Status, n.ClosedOn = portfolio.StatusCollapsed, closed("2026-03-01")
		}, "2026-04-04", []string{"2026-02-05"}},
		{"exited on a due day", func(n *portfolio.Network) {
			n.Status, n.ClosedOn = portfolio.StatusExited, closed("2026-03-05")
		}, "2026-04-04", []string{"2026-02-05"}},
		{"exited after the last due day", func(n *portfolio.Network) {
			n.Status, n.ClosedOn = portfolio.StatusExited, closed("2026-03-06")
		}, "2026-04-04", []string{"2026-02-05", "2026-03-05"}},
		{"paused", func(n *portfolio.Network) { n.Status = portfolio.StatusPaused }, "2026-04-04", nil},
		{"revshare", func(n *portfolio.Network) { n.Kind = portfolio.Revshare }, "2026-04-04", nil},
		{"no commitment amount", func(n *portfolio.Network) { n.CommitmentAmount = nil }, "2026-04-04", nil},
		{"no commitment day", func(n *portfolio.Network) { n.CommitmentDay = 0 }, "2026-04-04", nil},
		{"no commitment", func(n *portfolio.Network) { n.CommitmentAmount, n.CommitmentDay = nil, 0 }, "2026-04-04", nil},
		{"day 28 across a year end", func(n *portfolio.Network) {
			n.JoinedOn, n.CreatedAt, n.CommitmentDay = day(t, "2025-11-30"), day(t, "2025-11-30").Time(), 28
		}, "2026-02-28", []string{"2025-12-28", "2026-01-28", "2026-02-28"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := base()
			if tt.change != nil {
				tt.change(&n)
			}
			due := jobs.DueCommitments(n, day(t, tt.today))
			var days []string
			for _, e := range due {
				days = append(days, e.Date.String())
			}
			if !slices.Equal(days, tt.want) {
				t.Fatalf("due days = %v, want %v", days, tt.want)
			}
			for _, e := range due {
				wantID := fmt.Sprintf("commitment:7:%s", e.Date.MonthKey())
				if e.ExternalID != wantID || e.ExternalID != jobs.CommitmentID(7, e.Date) {
					t.Errorf("%s: external id %q, want %q", e.Date, e.ExternalID, wantID)
				}
				if e.NetworkID != 7 || e.Kind != portfolio.Purchase || !e.Amount.Equal(*n.CommitmentAmount) || e.Currency != n.Currency {
					t.Errorf("%s: entry %+v, want a purchase of %s %s in network 7", e.Date, e, n.CommitmentAmount, n.Currency)
				}
				if e.ID != 0 || e.BaseGiven {
					t.Errorf("%s: entry %+v should be unsaved and without a base amount of its own", e.Date, e)
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Commitments (job body)
// ---------------------------------------------------------------------------------------------

func TestCommitmentsBooksIdempotentlyAndCatchesUp(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, fixed(time.Date(2026, 4, 4, 9, 0, 0, 0, time.UTC)))
	alice := createUser(t, st, "alice")
	sh := createNetwork(t, st, alice.ID, shop(t, "Shop", "EUR", "89.00", 5, "2026-01-20"))
	createNetwork(t, st, alice.ID, portfolio.Network{Name: "Income", Kind: portfolio.Revshare, JoinedOn: day(t, "2025-01-01")})
	createNetwork(t, st, alice.ID, portfolio.Network{Name: "No commitment", Kind: portfolio.Product, JoinedOn: day(t, "2025-01-01")})
	createNetwork(t, st, alice.ID, func() portfolio.Network {
		n := shop(t, "Paused shop", "EUR", "30", 1, "2025-01-01")
		n.Status = portfolio.StatusPaused
		return n
	}())

	steps := []struct {
		name       string
		today      string
		wantBooked int
		wantMonths []string // every commitment purchase in the store afterwards
	}{
		{"first run books the due months", "2026-04-04", 2, []string{"2026-02", "2026-03"}},
		{"second run the same day books nothing", "2026-04-04", 0, []string{"2026-02", "2026-03"}},
		{"a later day of the same month books nothing", "2026-04-04", 0, []string{"2026-02", "2026-03"}},
		{"after three months down it catches up", "2026-07-04", 3, []string{"2026-02", "2026-03", "2026-04", "2026-05", "2026-06"}},
		{"and does not book them twice", "2026-07-04", 0, []string{"2026-02", "2026-03", "2026-04", "2026-05", "2026-06"}},
		{"the next due day", "2026-07-05", 1, []string{"2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"}},
	}
	for _, s := range steps {
		booked, err := jobs.Commitments(ctx, st, day(t, s.today))
		if err != nil {
			t.Fatalf("%s: Commitments: %v", s.name, err)
		}
		if booked != s.wantBooked {
			t.Errorf("%s: booked %d, want %d", s.name, booked, s.wantBooked)
		}
		got := purchases(t, st, alice.ID)
		if want := commitmentIDs(sh.ID, s.wantMonths...); !slices.Equal(externalIDs(got), want) {
			t.Fatalf("%s: purchases %v, want %v", s.name, externalIDs(got), want)
		}
	}

	for _, e := range purchases(t, st, alice.ID) {
		y, m, _ := e.Date.YMD()
		want := portfolio.NewDate(y, m, 5)
		if e.NetworkID != sh.ID || e.Date != want || e.Kind != portfolio.Purchase || e.Currency != "EUR" ||
			!e.Amount.Equal(dec("89")) || !e.BaseAmount.Equal(dec("89")) || e.BaseUnits != 89_00000000 || e.BaseGiven {
			t.Errorf("purchase %+v: want 89.00 EUR (base 89 EUR) on %s in network %d", e, want, sh.ID)
		}
	}
}

func TestCommitmentsMissingRateFailsOnlyThatNetwork(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, fixed(time.Date(2026, 4, 4, 9, 0, 0, 0, time.UTC)))
	alice := createUser(t, st, "alice")
	bob := createUser(t, st, "bob")
	// The USD network comes first, so the job has to go on after it fails.
	us := createNetwork(t, st, alice.ID, shop(t, "US shop", "USD", "50", 10, "2026-01-20"))
	eu := createNetwork(t, st, alice.ID, shop(t, "EU shop", "EUR", "89.00", 5, "2026-01-20"))
	bobs := createNetwork(t, st, bob.ID, shop(t, "Bob's shop", "EUR", "20", 1, "2026-02-15"))

	booked, err := jobs.Commitments(ctx, st, day(t, "2026-04-04"))
	if err == nil {
		t.Fatal("Commitments without a USD rate: no error")
	}
	if want := fmt.Sprintf("network %d", us.ID); !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "USD") {
		t.Errorf("error %q should name %q and the currency USD", err, want)
	}
	var verr *portfolio.ValidationError
	if !errors.As(err, &verr) {
		t.Errorf("error %v should wrap the store's *portfolio.ValidationError", err)
	}
	if booked != 4 {
		t.Errorf("booked %d, want 4 (2 for EU shop, 2 for Bob's shop)", booked)
	}
	if got, want := externalIDs(purchases(t, st, alice.ID)), commitmentIDs(eu.ID, "2026-02", "2026-03"); !slices.Equal(got, want) {
		t.Errorf("alice's purchases %v, want %v", got, want)
	}
	if got, want := externalIDs(purchases(t, st, bob.ID)), commitmentIDs(bobs.ID, "2026-03", "2026-04"); !slices.Equal(got, want) {
		t.Errorf("bob's purchases %v, want %v", got, want)
	}

	// With shared rates for the due days the next run books the USD purchases, converted.
	rates := []portfolio.Rate{
		{Date: day(t, "2026-02-09"), Currency: "USD", UnitsPerEUR: dec("1.25")},
		{Date: day(t, "2026-03-10"), Currency: "USD", UnitsPerEUR: dec("1.6")},
	}
	if _, err := st.PutRates(ctx, store.SharedRates, rates); err != nil {
		t.Fatal(err)
	}
	booked, err = jobs.Commitments(ctx, st, day(t, "2026-04-04"))
	if err != nil || booked != 2 {
		t.Fatalf("Commitments with rates = %d, %v; want 2, nil", booked, err)
	}
	wantBase := map[string]string{"2026-02-10": "40", "2026-03-10": "31.25"}
	got := 0
	for _, e := range purchases(t, st, alice.ID) {
		if e.NetworkID != us.ID {
			continue
		}
		got++
		if want, ok := wantBase[e.Date.String()]; !ok || !e.BaseAmount.Equal(dec(want)) || !e.Amount.Equal(dec("50")) || e.Currency != "USD" {
			t.Errorf("USD purchase %+v: want 50 USD = %s EUR", e, want)
		}
	}
	if got != 2 {
		t.Errorf("%d USD purchases, want 2", got)
	}
}

// ---------------------------------------------------------------------------------------------
// FetchRates
// ---------------------------------------------------------------------------------------------

const ecbCSV = `Date,USD,JPY,BGN,
2026-04-02,1.0812,162.45,N/A,
2026-04-01,1.0790,161.90,N/A,
`

const ecbXML = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
	<gesmes:subject>Reference rates</gesmes:subject>
	<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
	<Cube>
		<Cube time="2026-04-03">
			<Cube currency="USD" rate="1.0850"/>
			<Cube currency="GBP" rate="0.84120"/>
		</Cube>
	</Cube>
</gesmes:Envelope>
`

// TestFetchRates runs its cases in order on one store: the failing ones first, each of which
// must store nothing, then the good files, each of which must add its rates for every user.
func TestFetchRates(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, fixed(time.Date(2026, 4, 3, 17, 0, 0, 0, time.UTC)))
	users := []portfolio.User{createUser(t, st, "alice"), createUser(t, st, "bob")}
	tests := []struct {
		name     string
		status   int
		body     string
		wantErr  string   // "" for success
		from, to string   // the days the file's rates are for
		want     []string // "currency day rate" on those days afterwards
	}{
		{"server error", http.StatusInternalServerError, ecbCSV, "500", "", "", nil},
		{"not found", http.StatusNotFound, ecbCSV, "404", "", "", nil},
		{"garbage", http.StatusOK, "hello, this is not a rates file", "rates file", "", "", nil},
		{"HTML page", http.StatusOK, "<html><body>maintenance</body></html>", "rates file", "", "", nil},
		{"empty", http.StatusOK, "", "rates file", "", "", nil},
		{"a bad line among good ones", http.StatusOK, ecbCSV + "2026-03-31,1.07,abc,\n", "rates file", "", "", nil},
		{"CSV history", http.StatusOK, ecbCSV, "", "2026-04-01", "2026-04-02",
			[]string{"JPY 2026-04-01 161.90", "JPY 2026-04-02 162.45", "USD 2026-04-01 1.0790", "USD 2026-04-02 1.0812"}},
		{"XML daily", http.StatusOK, ecbXML, "", "2026-04-03", "2026-04-03",
			[]string{"GBP 2026-04-03 0.84120", "USD 2026-04-03 1.0850"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			before, err := st.Rates(ctx, store.SharedRates, store.RateFilter{})
			if err != nil {
				t.Fatal(err)
			}

			n, err := jobs.FetchRates(ctx, srv.Client(), srv.URL+"/eurofxref", st)
			if hits.Load() != 1 {
				t.Errorf("server asked %d times, want 1", hits.Load())
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FetchRates = %d, %v; want an error containing %q", n, err, tt.wantErr)
				}
				after, err := st.Rates(ctx, store.SharedRates, store.RateFilter{})
				if err != nil || n != 0 || len(before) != 0 || len(after) != 0 {
					t.Errorf("after a failed fetch: %d stored, %d rates before, %d after (%v); want none", n, len(before), len(after), err)
				}
				return
			}
			if err != nil || n != len(tt.want) {
				t.Fatalf("FetchRates = %d, %v; want %d, nil", n, err, len(tt.want))
			}
			from, to := day(t, tt.from), day(t, tt.to)
			for _, u := range users {
				views, err := st.Rates(ctx, u.ID, store.RateFilter{From: &from, To: &to})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, v := range views {
					got = append(got, fmt.Sprintf("%s %s %s", v.Currency, v.Date, portfolio.FormatExact(v.UnitsPerEUR)))
					if !v.Shared {
						t.Errorf("%s sees %s %s as the user's own, want shared", u.Username, v.Currency, v.Date)
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("%s sees rates %v, want %v", u.Username, got, tt.want)
				}
			}
		})
	}
}

func TestFetchRatesUnreachable(t *testing.T) {
	st := openStore(t, nil)
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	if _, err := jobs.FetchRates(context.Background(), http.DefaultClient, url, st); err == nil || !strings.Contains(err.Error(), "fetch rates") {
		t.Fatalf("FetchRates from a closed server: %v, want a fetch error", err)
	}
	if views, err := st.Rates(context.Background(), store.SharedRates, store.RateFilter{}); err != nil || len(views) != 0 {
		t.Fatalf("rates after a failed fetch: %v, %v", views, err)
	}
}

// ---------------------------------------------------------------------------------------------
// Backup
// ---------------------------------------------------------------------------------------------

func backupNames(t *testing.T, dir string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "netfolio-*.db"))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = filepath.Base(m)
	}
	return names
}

func TestBackupKeepsNewest(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	st := openStore(t, nil)
	createUser(t, st, "alice")
	dir := filepath.Join(t.TempDir(), "backups") // made by Backup
	cest := time.FixedZone("CEST", 2*3600)

	steps := []struct {
		now       time.Time
		before    func() // data changes before this backup
		wantPath  string
		wantFiles []string
	}{
		{time.Date(2026, 4, 1, 5, 0, 0, 0, cest), nil, "netfolio-20260401-030000.db",
			[]string{"netfolio-20260401-030000.db"}},
		{time.Date(2026, 4, 2, 3, 0, 0, 0, time.UTC), nil, "netfolio-20260402-030000.db",
			[]string{"netfolio-20260401-030000.db", "netfolio-20260402-030000.db"}},
		{time.Date(2026, 4, 3, 3, 0, 7, 0, time.UTC), func() { createUser(t, st, "bob") }, "netfolio-20260403-030007.db",
			[]string{"netfolio-20260402-030000.db", "netfolio-20260403-030007.db"}},
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		if s.before != nil {
			s.before()
		}
		path, err := jobs.Backup(ctx, st, dir, 2, s.now)
		if err != nil {
			t.Fatalf("backup %d: %v", i+1, err)
		}
		if path != filepath.Join(dir, s.wantPath) {
			t.Errorf("backup %d: path %s, want %s", i+1, path, s.wantPath)
		}
		if got := backupNames(t, dir); !slices.Equal(got, s.wantFiles) {
			t.Errorf("after backup %d: files %v, want %v", i+1, got, s.wantFiles)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file that is not a backup went: %v", err)
	}

	// A second backup in the same second does not overwrite the first.
	if _, err := jobs.Backup(ctx, st, dir, 2, steps[2].now); err == nil {
		t.Error("backup onto an existing file: no error")
	}
	if got := backupNames(t, dir); !slices.Equal(got, steps[2].wantFiles) {
		t.Errorf("after the failed backup: files %v, want %v", got, steps[2].wantFiles)
	}

	// Each kept backup is a database store.Open opens, holding the data of its moment.
	for _, c := range []struct {
		file    string
		wantBob bool
	}{{"netfolio-20260402-030000.db", false}, {"netfolio-20260403-030007.db", true}} {
		b, err := store.Open(ctx, filepath.Join(dir, c.file), store.Options{})
		if err != nil {
			t.Fatalf("open backup %s: %v", c.file, err)
		}
		if _, err := b.UserByName(ctx, "alice"); err != nil {
			t.Errorf("%s: alice: %v", c.file, err)
		}
		_, err = b.UserByName(ctx, "bob")
		if c.wantBob && err != nil {
			t.Errorf("%s: bob: %v", c.file, err)
		}
		if !c.wantBob && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: bob was created after this backup, got %v", c.file, err)
		}
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	}
}

func TestBackupKeepBelowOneKeepsTheNewBackup(t *testing.T) {
	sqliteOnly(t)
	st := openStore(t, nil)
	dir := t.TempDir()
	path, err := jobs.Backup(context.Background(), st, dir, 0, time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the backup Backup returned is gone: %v", err)
	}
}

func TestBackupLeavesOtherDatabasesAlone(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	st := openStore(t, nil)
	dir := t.TempDir()
	// Not backups, though they match netfolio-*.db: a live database and a hand-made copy.
	foreign := []string{"netfolio-2025.db", "netfolio-old.db"}
	for _, f := range foreign {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("not a backup"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if _, err := jobs.Backup(ctx, st, dir, 2, time.Date(2026, 4, 1+i, 3, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"netfolio-2025.db", "netfolio-20260402-030000.db", "netfolio-20260403-030000.db", "netfolio-old.db"}
	if got := backupNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
}

// ---------------------------------------------------------------------------------------------
// Reminders
// ---------------------------------------------------------------------------------------------

func TestReminders(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC) // last month: March
	st := openStore(t, fixed(now))
	snaps := snapshot.New(st, portfolio.DefaultSettings(), fixed(now), time.UTC)
	alice := createUser(t, st, "alice")
	bob := createUser(t, st, "bob") // no networks

	if _, _, err := st.Reminders(ctx, alice.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("reminders before the first run: %v, want ErrNotFound", err)
	}

	// Every network: 1000 EUR in on 2025-10-01, then 50 EUR payouts on the given days.
	type payout struct {
		date, amount string
		monthly      bool // a line of the monthly payout log
	}
	p := func(date string) payout { return payout{date, "50", false} }
	networks := []struct {
		name    string
		status  portfolio.NetworkStatus
		closed  string
		payouts []payout
		listed  bool
	}{
		{"Overdue", "", "", []payout{p("2025-11-10"), p("2025-12-10"), p("2026-01-10")}, true},
		{"Logged nothing last month", "", "", []payout{p("2025-11-10"), p("2025-12-10"), p("2026-01-10"), {"2026-03-31", "0", true}}, false},
		{"Paid early last month", "", "", []payout{p("2025-11-10"), p("2025-12-10"), p("2026-01-10"), p("2026-03-02")}, false},
		{"Paid recently", "", "", []payout{p("2026-01-10"), p("2026-02-10"), p("2026-04-10")}, false},
		{"Paid in two months only", "", "", []payout{p("2025-12-10"), p("2026-01-10")}, false},
		{"Collapsed", portfolio.StatusCollapsed, "2026-02-01", []payout{p("2025-11-10"), p("2025-12-10"), p("2026-01-10")}, false},
		{"Also overdue", "", "", []payout{p("2025-10-20"), p("2025-11-20"), p("2025-12-20"), {"2026-02-28", "0", true}}, true},
	}
	ids := map[string]int64{}
	for _, nw := range networks {
		n := portfolio.Network{Name: nw.name, Kind: portfolio.Revshare, Status: nw.status, JoinedOn: day(t, "2025-10-01")}
		if nw.closed != "" {
			c := day(t, nw.closed)
			n.ClosedOn = &c
		}
		n = createNetwork(t, st, alice.ID, n)
		ids[nw.name] = n.ID
		entries := []portfolio.Entry{{NetworkID: n.ID, Date: day(t, "2025-10-01"), Kind: portfolio.Investment, Amount: dec("1000")}}
		for _, po := range nw.payouts {
			e := portfolio.Entry{NetworkID: n.ID, Date: day(t, po.date), Kind: portfolio.Payout, Amount: dec(po.amount)}
			if po.monthly {
				e.ExternalID = portfolio.MonthlyLogID(n.ID, e.Date.Month())
			}
			entries = append(entries, e)
		}
		addEntries(t, st, alice.ID, entries...)
	}

	if err := jobs.Reminders(ctx, st, snaps); err != nil {
		t.Fatalf("Reminders: %v", err)
	}
	got := storedReminders(t, st, alice.ID)
	want := []jobs.Reminder{
		{NetworkID: ids["Overdue"], Name: "Overdue", Month: "2026-03", LatestPayout: day(t, "2026-01-10"), DaysSince: 100},
		{NetworkID: ids["Also overdue"], Name: "Also overdue", Month: "2026-03", LatestPayout: day(t, "2025-12-20"), DaysSince: 121},
	}
	slices.SortFunc(got, func(a, b jobs.Reminder) int { return int(a.NetworkID - b.NetworkID) })
	if !slices.Equal(got, want) {
		t.Errorf("alice's reminders:\n got %+v\nwant %+v", got, want)
	}
	if got := storedReminders(t, st, bob.ID); got == nil || len(got) != 0 {
		t.Errorf("bob's reminders = %#v, want an empty list", got)
	}

	// Logging March for the overdue network (no payout) takes it off the list.
	addEntries(t, st, alice.ID, portfolio.Entry{NetworkID: ids["Overdue"], Date: day(t, "2026-03-31"), Kind: portfolio.Payout,
		Amount: dec("0"), ExternalID: portfolio.MonthlyLogID(ids["Overdue"], day(t, "2026-03-01"))})
	if err := jobs.Reminders(ctx, st, snaps); err != nil {
		t.Fatalf("Reminders: %v", err)
	}
	got = storedReminders(t, st, alice.ID)
	if len(got) != 1 || got[0].NetworkID != ids["Also overdue"] {
		t.Errorf("after logging March: reminders %+v, want only %q", got, "Also overdue")
	}
}

func storedReminders(t *testing.T, st *store.Store, userID int64) []jobs.Reminder {
	t.Helper()
	body, _, err := st.Reminders(context.Background(), userID)
	if err != nil {
		t.Fatalf("stored reminders of user %d: %v", userID, err)
	}
	var got []jobs.Reminder
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("reminders JSON %s: %v", body, err)
	}
	return got
}

// ---------------------------------------------------------------------------------------------
// Runner: schedules with a fake clock
// ---------------------------------------------------------------------------------------------

// t0 is when the fake clock starts: 12:00 UTC, so no daily job is due for hours.
var t0 = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)

type runnerEnv struct {
	st    *store.Store
	snaps *snapshot.Service
	clock *clockwork.FakeClock
	alice portfolio.User
	shop  portfolio.Network
}

// newRunnerEnv is a store and snapshot service that both read the fake clock, with alice
// owning a product network whose commitments are due.
func newRunnerEnv(t *testing.T) *runnerEnv {
	clock := clockwork.NewFakeClockAt(t0)
	st := openStore(t, clock.Now)
	env := &runnerEnv{st: st, snaps: snapshot.New(st, portfolio.DefaultSettings(), clock.Now, time.UTC), clock: clock}
	env.alice = createUser(t, st, "alice")
	env.shop = createNetwork(t, st, env.alice.ID, shop(t, "Shop", "EUR", "89.00", 5, "2026-01-20"))
	return env
}

func (env *runnerEnv) start(t *testing.T, cfg jobs.Config) *jobs.Runner {
	t.Helper()
	cfg.Store, cfg.Snapshots, cfg.Clock = env.st, env.snaps, env.clock
	cfg.Location = time.UTC
	cfg.SnapshotEvery = 5 * time.Second
	cfg.Logger = slog.New(slog.DiscardHandler)
	r, err := jobs.Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := r.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return r
}

func statusOf(t *testing.T, r *jobs.Runner, name string) jobs.Status {
	t.Helper()
	for _, s := range r.Status() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no job %q in Status", name)
	return jobs.Status{}
}

// waitStarted waits until every start-immediately job has run once and been rescheduled.
func waitStarted(t *testing.T, r *jobs.Runner, immediate []string) {
	t.Helper()
	eventually(t, "the start-immediately jobs", func() bool {
		for _, s := range r.Status() {
			if s.NextRun == nil || (slices.Contains(immediate, s.Name) && s.LastRun == nil) {
				return false
			}
		}
		return true
	})
}

func TestRunnerSchedules(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer failing.Close()
	at := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name    string
		cfg     func(t *testing.T) jobs.Config
		next    map[string]time.Time // every job listed, with its next run
		ran     []string             // run at start
		failing map[string]string    // job → part of its last error
	}{
		{
			name: "defaults",
			cfg:  func(t *testing.T) jobs.Config { return jobs.Config{} },
			next: map[string]time.Time{
				jobs.CommitmentsJob: at("2026-04-16 00:10:00"),
				jobs.RemindersJob:   at("2026-04-16 06:00:00"),
				jobs.SnapshotJob:    t0.Add(5 * time.Second),
				jobs.UpkeepJob:      t0.Add(time.Hour),
			},
			ran: []string{jobs.CommitmentsJob, jobs.RemindersJob, jobs.SnapshotJob},
		},
		{
			name: "rates and backups",
			cfg: func(t *testing.T) jobs.Config {
				return jobs.Config{RatesURL: failing.URL, HTTPClient: failing.Client(), BackupDir: t.TempDir()}
			},
			next: map[string]time.Time{
				jobs.BackupJob:      at("2026-04-16 03:00:00"),
				jobs.CommitmentsJob: at("2026-04-16 00:10:00"),
				jobs.RatesJob:       at("2026-04-15 16:30:00"),
				jobs.RemindersJob:   at("2026-04-16 06:00:00"),
				jobs.SnapshotJob:    t0.Add(5 * time.Second),
				jobs.UpkeepJob:      t0.Add(time.Hour),
			},
			ran:     []string{jobs.CommitmentsJob, jobs.RatesJob, jobs.RemindersJob, jobs.SnapshotJob},
			failing: map[string]string{jobs.RatesJob: "500"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if storetest.PostgresURL() != "" {
				delete(tt.next, jobs.BackupJob) // online backups are for SQLite: no backup job
			}
			env := newRunnerEnv(t)
			r := env.start(t, tt.cfg(t))
			waitStarted(t, r, tt.ran)

			var names []string
			for _, s := range r.Status() {
				names = append(names, s.Name)
				if want := tt.next[s.Name]; s.NextRun == nil || !s.NextRun.Equal(want) {
					t.Errorf("%s: next run %v, want %v", s.Name, s.NextRun, want)
				}
				ran := slices.Contains(tt.ran, s.Name)
				switch {
				case ran && (s.LastRun == nil || !s.LastRun.Equal(t0)):
					t.Errorf("%s: last run %v, want %v (it starts immediately)", s.Name, s.LastRun, t0)
				case !ran && s.LastRun != nil:
					t.Errorf("%s: last run %v, want none yet", s.Name, s.LastRun)
				}
				wantErr, fails := tt.failing[s.Name]
				switch {
				case fails && (s.LastError == nil || !strings.Contains(*s.LastError, wantErr)):
					t.Errorf("%s: last error %q, want one containing %q", s.Name, deref(s.LastError), wantErr)
				case !fails && s.LastError != nil:
					t.Errorf("%s: last error %q, want none", s.Name, *s.LastError)
				}
			}
			wantNames := make([]string, 0, len(tt.next))
			for name := range tt.next {
				wantNames = append(wantNames, name)
			}
			slices.Sort(wantNames)
			if !slices.Equal(names, wantNames) {
				t.Errorf("jobs %v, want %v (sorted by name)", names, wantNames)
			}

			// The commitments job ran at start: the due months are booked.
			if got, want := externalIDs(purchases(t, env.st, env.alice.ID)), commitmentIDs(env.shop.ID, "2026-02", "2026-03", "2026-04"); !slices.Equal(got, want) {
				t.Errorf("purchases booked at start %v, want %v", got, want)
			}
			// The reminders job ran at start: every user has a (here empty) list.
			if got := storedReminders(t, env.st, env.alice.ID); len(got) != 0 {
				t.Errorf("reminders %+v, want none", got)
			}
		})
	}
}

func TestRunnerSnapshotFollowsTheClock(t *testing.T) {
	ctx := context.Background()
	env := newRunnerEnv(t)
	r := env.start(t, jobs.Config{})
	waitStarted(t, r, []string{jobs.CommitmentsJob, jobs.RemindersJob, jobs.SnapshotJob})
	// Every job waits on its timer: snapshot, commitments, reminders, upkeep.
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := env.clock.BlockUntilContext(waitCtx, 4); err != nil {
		t.Fatalf("timers: %v", err)
	}
	if _, _, err := env.st.LatestSnapshot(ctx, env.alice.ID); err != nil {
		t.Fatalf("no snapshot after the start run: %v", err)
	}

	snapshotCatchesUp := func(what string) {
		t.Helper()
		version, err := env.st.DataVersion(ctx, env.alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		eventually(t, what, func() bool {
			snap, _, err := env.st.LatestSnapshot(ctx, env.alice.ID)
			return err == nil && snap.DataVersion == version
		})
	}
	write := func(name string) {
		t.Helper()
		createNetwork(t, env.st, env.alice.ID, portfolio.Network{Name: name, Kind: portfolio.Revshare, JoinedOn: day(t, "2026-04-01")})
		snap, version, err := env.st.LatestSnapshot(ctx, env.alice.ID)
		if err != nil || snap.DataVersion >= version {
			t.Fatalf("after a write the snapshot should be stale: %+v, version %d, %v", snap, version, err)
		}
	}

	// Past SnapshotEvery on the fake clock the snapshot job runs again and catches up.
	write("Later")
	env.clock.Advance(5 * time.Second)
	snapshotCatchesUp("the scheduled snapshot run")
	eventually(t, "the snapshot job's status", func() bool {
		s := statusOf(t, r, jobs.SnapshotJob)
		return s.LastRun != nil && s.LastRun.Equal(t0.Add(5*time.Second)) &&
			s.NextRun != nil && s.NextRun.Equal(t0.Add(10*time.Second))
	})
	if s := statusOf(t, r, jobs.SnapshotJob); s.LastError != nil {
		t.Errorf("snapshot: last error %q", *s.LastError)
	}
	// The other jobs did not run again.
	for _, name := range []string{jobs.CommitmentsJob, jobs.RemindersJob} {
		if s := statusOf(t, r, name); s.LastRun == nil || !s.LastRun.Equal(t0) {
			t.Errorf("%s: last run %v, want %v", name, s.LastRun, t0)
		}
	}
	if s := statusOf(t, r, jobs.UpkeepJob); s.LastRun != nil {
		t.Errorf("upkeep ran at %v, before its hour", s.LastRun)
	}

	// RunNow runs the snapshot job outside its schedule.
	write("Even later")
	if err := r.RunNow(jobs.SnapshotJob); err != nil {
		t.Fatalf("RunNow(snapshot): %v", err)
	}
	snapshotCatchesUp("the snapshot run asked for")

	if err := r.RunNow("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("RunNow(nope) = %v, want an error naming the job", err)
	}
}

func TestRunnerRecordsErrorsAndRunNow(t *testing.T) {
	ctx := context.Background()
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(ecbCSV))
	}))
	defer srv.Close()
	env := newRunnerEnv(t)
	dir := t.TempDir()
	r := env.start(t, jobs.Config{RatesURL: srv.URL, HTTPClient: srv.Client(), BackupDir: dir, BackupKeep: 3})
	waitStarted(t, r, []string{jobs.CommitmentsJob, jobs.RatesJob, jobs.RemindersJob, jobs.SnapshotJob})

	s := statusOf(t, r, jobs.RatesJob)
	if s.LastError == nil || !strings.Contains(*s.LastError, "500") {
		t.Fatalf("rates: last error %q, want the server's 500", deref(s.LastError))
	}
	if views, err := env.st.Rates(ctx, env.alice.ID, store.RateFilter{}); err != nil || len(views) != 0 {
		t.Fatalf("rates stored from a failed fetch: %v, %v", views, err)
	}

	// Once the server answers, running the job again stores the rates and clears the error.
	healthy.Store(true)
	if err := r.RunNow(jobs.RatesJob); err != nil {
		t.Fatalf("RunNow(rates): %v", err)
	}
	eventually(t, "the rates job's second run", func() bool { return statusOf(t, r, jobs.RatesJob).LastError == nil })
	if views, err := env.st.Rates(ctx, env.alice.ID, store.RateFilter{}); err != nil || len(views) != 4 {
		t.Errorf("rates after the second run: %d, %v; want 4", len(views), err)
	}

	// The backup job does not run at start; RunNow names the backup after the fake clock.
	if storetest.PostgresURL() != "" {
		return // online backups are for SQLite
	}
	if names := backupNames(t, dir); len(names) != 0 {
		t.Fatalf("backups before any run: %v", names)
	}
	if err := r.RunNow(jobs.BackupJob); err != nil {
		t.Fatalf("RunNow(backup): %v", err)
	}
	eventually(t, "the backup run", func() bool { return statusOf(t, r, jobs.BackupJob).LastRun != nil })
	if s := statusOf(t, r, jobs.BackupJob); s.LastError != nil || !s.LastRun.Equal(t0) {
		t.Errorf("backup: last run %v, error %q; want %v, none", s.LastRun, deref(s.LastError), t0)
	}
	if got, want := backupNames(t, dir), []string{"netfolio-20260415-120000.db"}; !slices.Equal(got, want) {
		t.Errorf("backups %v, want %v", got, want)
	}
}

// A purchase the user deleted (a skipped month) is not booked again, and a month the user
// recorded with the commitment's external id is not booked twice.
func TestCommitmentsRespectDeletedAndUserRecordedMonths(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, fixed(time.Date(2026, 4, 4, 9, 0, 0, 0, time.UTC)))
	alice := createUser(t, st, "alice")
	sh := createNetwork(t, st, alice.ID, shop(t, "Shop", "EUR", "89.00", 5, "2026-01-20"))
	own := portfolio.Entry{NetworkID: sh.ID, Date: day(t, "2026-02-05"), Kind: portfolio.Purchase, Amount: dec("95"),
		Currency: "EUR", ExternalID: jobs.CommitmentID(sh.ID, day(t, "2026-02-01"))}
	addEntries(t, st, alice.ID, own)

	if booked, err := jobs.Commitments(ctx, st, day(t, "2026-04-04")); err != nil || booked != 1 {
		t.Fatalf("first run booked %d (%v), want 1 (March; February is the user's)", booked, err)
	}
	got := purchases(t, st, alice.ID)
	if want := commitmentIDs(sh.ID, "2026-02", "2026-03"); !slices.Equal(externalIDs(got), want) {
		t.Fatalf("purchases %v, want %v", externalIDs(got), want)
	}
	if !got[0].Amount.Equal(dec("95")) {
		t.Errorf("the user's own February purchase was replaced: %v", got[0].Amount)
	}
	for _, e := range got {
		if e.Date == day(t, "2026-03-05") {
			if err := st.DeleteEntry(ctx, alice.ID, e.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if booked, err := jobs.Commitments(ctx, st, day(t, "2026-05-06")); err != nil || booked != 2 {
		t.Fatalf("after deleting March: booked %d (%v), want 2 (April and May only)", booked, err)
	}
	if want := commitmentIDs(sh.ID, "2026-02", "2026-04", "2026-05"); !slices.Equal(externalIDs(purchases(t, st, alice.ID)), want) {
		t.Errorf("purchases %v, want %v", externalIDs(purchases(t, st, alice.ID)), want)
	}
}

// sqliteOnly skips a test of SQLite's online backup when the suite runs on PostgreSQL, whose
// backups are pg_dump's business.
func sqliteOnly(t *testing.T) {
	t.Helper()
	if storetest.PostgresURL() != "" {
		t.Skip("online backups are for SQLite")
	}
}
