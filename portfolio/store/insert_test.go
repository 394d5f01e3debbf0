package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// A batch comes back in the order it was sent, each entry with the id of its own row,
// whatever order the rows went in; entries of one day get ids in the order they were sent
// (the order exports and the day's last balance go by). Batches larger than one prepared
// statement and smaller ones both.
func TestCreateEntriesKeepsTheOrder(t *testing.T) {
	ctx := context.Background()
	st, u, n := storeWithNetwork(t, "orderly")
	day := portfolio.NewDate(2025, 6, 1)
	for _, size := range []int{1, 7, insertRows, 2*insertRows + 3} {
		in := make([]portfolio.Entry, size)
		for i := range in {
			// Later dates first; every third entry on one shared day.
			d := day + portfolio.Date(size-i)
			if i%3 == 0 {
				d = day
			}
			in[i] = portfolio.Entry{NetworkID: n.ID, Date: d, Kind: portfolio.Payout, Amount: decimal.NewFromInt(int64(i + 1))}
		}
		out, err := st.CreateEntries(ctx, u.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		lastOnDay := int64(0)
		for i, e := range out {
			if e.Amount.IntPart() != int64(i+1) {
				t.Fatalf("size %d: item %d is the entry of amount %s", size, i, e.Amount)
			}
			stored, err := st.Entry(ctx, u.ID, e.ID)
			if err != nil || stored.Date != e.Date || !stored.Amount.Equal(e.Amount) {
				t.Fatalf("size %d: item %d (%s, %s) has id %d, which holds %+v (%v)", size, i, e.Date, e.Amount, e.ID, stored, err)
			}
			if e.Date == day {
				if e.ID <= lastOnDay {
					t.Fatalf("size %d: item %d on the shared day has id %d after id %d", size, i, e.ID, lastOnDay)
				}
				lastOnDay = e.ID
			}
		}
	}
}

// A day's sum that would not fit the daily sums' 64-bit columns is refused with a field
// error, within one batch and across batches, and nothing of the refused batch is stored;
// sums up to the limit are kept exactly.
func TestDaySumsNeverWrap(t *testing.T) {
	ctx := context.Background()
	st, u, n := storeWithNetwork(t, "rich")
	day := portfolio.NewDate(2025, 6, 1)
	entry := func(amount string, kind portfolio.EntryKind) portfolio.Entry {
		return portfolio.Entry{NetworkID: n.ID, Date: day, Kind: kind, Amount: decimal.RequireFromString(amount)}
	}
	tooLarge := func(err error) bool {
		var v *portfolio.ValidationError
		return errors.As(err, &v) && v.Fields["base_amount"] != ""
	}
	count := func() int64 {
		c, err := st.CountEntries(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := st.CreateEntries(ctx, u.ID, []portfolio.Entry{entry("50000000000", portfolio.Investment), entry("50000000000", portfolio.Investment)}); !tooLarge(err) {
		t.Fatalf("two investments of 5e10 on one day in one batch: %v, want a base_amount error", err)
	}
	if c := count(); c != 0 {
		t.Fatalf("%d entries stored by the refused batch", c)
	}
	// Up to the limit is fine: 89,999,999,999.99 + 2,233,720,368.55775807 = the limit.
	if _, err := st.CreateEntries(ctx, u.ID, []portfolio.Entry{entry("89999999999.99", portfolio.Investment), entry("50000000000", portfolio.Payout)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateEntries(ctx, u.ID, []portfolio.Entry{entry("2233720368.55775807", portfolio.Investment)}); err != nil {
		t.Fatalf("up to the limit: %v", err)
	}
	if _, err := st.CreateEntries(ctx, u.ID, []portfolio.Entry{entry("0.00000001", portfolio.Investment), entry("1", portfolio.Payout)}); !tooLarge(err) {
		t.Fatalf("one unit past the limit in a later batch: %v, want a base_amount error", err)
	}
	if c := count(); c != 3 {
		t.Fatalf("%d entries, want the 3 accepted", c)
	}
	assertDaysAreTheEntries(t, st)
}

// A batch whose request goes away while it is written is rolled back whole and says it was
// cancelled (the API answers 499, not 500), whenever the cancellation comes.
func TestCreateEntriesCancelled(t *testing.T) {
	ctx := context.Background()
	st, u, n := storeWithNetwork(t, "hasty")
	const size = 5000
	stored := int64(0)
	for attempt := range 8 {
		batch := make([]portfolio.Entry, size)
		for i := range batch {
			batch[i] = portfolio.Entry{NetworkID: n.ID, Date: portfolio.NewDate(2024, 1, 1) + portfolio.Date(i%700), Kind: portfolio.Payout, Amount: decimal.NewFromInt(int64(i + 1))}
		}
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := st.CreateEntries(cctx, u.ID, batch)
			done <- err
		}()
		// Cancel at different moments of the write: before, during, maybe after.
		time.Sleep(time.Duration(attempt) * 3 * time.Millisecond)
		cancel()
		err := <-done
		switch {
		case err == nil:
			stored += size
		case !errors.Is(err, context.Canceled):
			t.Fatalf("attempt %d: cancelled batch: %v, want context.Canceled", attempt, err)
		}
		if c, err := st.CountEntries(ctx, u.ID); err != nil || c != stored {
			t.Fatalf("attempt %d: %d entries stored, want %d (%v)", attempt, c, stored, err)
		}
	}
	assertDaysAreTheEntries(t, st)
}

// Concurrent writes of one month's payout line (two open tabs of the payout grid, say) all
// succeed: the first creates it, the others replace it; there is one line, and the day's sum
// is that line's amount.
func TestConcurrentUpsertsOfOneLine(t *testing.T) {
	ctx := context.Background()
	st, u, n := storeWithNetwork(t, "tabs")
	month := portfolio.NewDate(2025, 3, 1)
	for round := range 5 {
		const writers = 6
		errs := make(chan error, writers)
		for w := range writers {
			go func() {
				e := portfolio.Entry{NetworkID: n.ID, Date: month + portfolio.Date(round), Kind: portfolio.Payout,
					Amount: decimal.NewFromInt(int64(100*round + w + 1)), ExternalID: portfolio.MonthlyLogID(n.ID, month)}
				_, _, err := st.UpsertByExternalID(ctx, u.ID, e)
				errs <- err
			}()
		}
		for range writers {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: a concurrent upsert failed: %v", round, err)
			}
		}
		if c, err := st.CountEntries(ctx, u.ID); err != nil || c != 1 {
			t.Fatalf("round %d: %d lines, want 1 (%v)", round, c, err)
		}
		assertDaysAreTheEntries(t, st)
	}
}

// storeWithNetwork opens a fresh store with one user of that name and one EUR revshare
// network; the store closes with the test.
func storeWithNetwork(t *testing.T, user string) (*Store, portfolio.User, portfolio.Network) {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, storetest.DSN(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u, err := st.CreateUser(ctx, NewUser{Username: user, Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.CreateNetwork(ctx, u.ID, portfolio.Network{Name: "N", Kind: portfolio.Revshare, Status: portfolio.StatusActive,
		Currency: "EUR", JoinedOn: portfolio.NewDate(2020, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	return st, u, n
}
