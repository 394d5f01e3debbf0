package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// A database made by the first release is upgraded in place, keeping its data.
func TestUpgradeFromFirstSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, Options{schemaVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := old.SchemaVersion(ctx); v != 1 {
		t.Fatalf("old schema version %d", v)
	}
	// Write as version 1 did: plain SQL, since today's store methods know later columns.
	for _, stmt := range []string{
		`INSERT INTO users (id, username, password_hash, base_currency, admin, created_at) VALUES (1, 'ada', 'x', 'EUR', 0, '2025-01-01 00:00:00+00:00')`,
		`INSERT INTO networks (id, user_id, name, kind, status, currency, joined_on, created_at, updated_at) VALUES (1, 1, 'Old', 'product', 'active', 'EUR', '2025-01-01', '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00')`,
		`INSERT INTO entries (user_id, network_id, date, kind, amount, currency, base_amount, base_units, created_at) VALUES (1, 1, '2025-02-01', 'purchase', '49.90', 'EUR', '49.90', 4990000000, '2025-02-01 00:00:00+00:00')`,
	} {
		if err := old.w.Exec(stmt).Error; err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	old.Close()

	st, err := Open(ctx, path, Options{Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer st.Close()
	if v, _ := st.SchemaVersion(ctx); v != migrations[len(migrations)-1].version {
		t.Errorf("schema version %d after the upgrade", v)
	}
	networks, entries, version, err := st.FigureInputs(ctx, 1)
	if err != nil || len(networks) != 1 || len(entries) != 1 || version != 0 || entries[0].BaseUnits != 4990000000 {
		t.Fatalf("data after the upgrade: %v %v %d %v", networks, entries, version, err)
	}
	// The new tables work: a write moves the data version, a snapshot can be stored.
	if _, err := st.CreateEntries(ctx, 1, []portfolio.Entry{{NetworkID: 1, Date: portfolio.NewDate(2025, 3, 1), Kind: portfolio.Payout, Amount: decimal.NewFromInt(10)}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := st.DataVersion(ctx, 1); v != 1 {
		t.Errorf("data version %d after a write, want 1", v)
	}
	if err := st.SaveSnapshot(ctx, Snapshot{UserID: 1, AsOf: portfolio.NewDate(2026, 3, 1), DataVersion: 1, Figures: []byte("{}"), History: []byte("[]")}); err != nil {
		t.Errorf("save snapshot: %v", err)
	}
	// Opening again applies nothing.
	st.Close()
	again, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
}
