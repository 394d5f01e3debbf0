package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
	"github.com/netfolio/netfolio/portfolio/store/storetest"
)

// reportOf renders every user's figures as JSON with a fixed clock, so two databases holding
// the same data give the same bytes.
func reportOf(t *testing.T, dsn string) map[string]string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	snaps := snapshot.New(st, portfolio.DefaultSettings(), func() time.Time { return now }, time.UTC)
	users, err := st.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, u := range users {
		r, err := snaps.Report(ctx, u, snaps.Today(), snaps.Settings())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		out[u.Username] = string(b)
	}
	return out
}

// All data moves from SQLite to the other engine (PostgreSQL when NETFOLIO_TEST_PG is set) and
// back, and every user's figures are identical on each.
func TestCopyBetweenEngines(t *testing.T) {
	ctx := context.Background()
	sqlite := filepath.Join(t.TempDir(), "demo.db")
	st, err := store.Open(ctx, sqlite, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.EnsureDemo(ctx, st, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	want := reportOf(t, sqlite)

	other := storetest.DSN(t)
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"copy", "--from", sqlite, "--to", other}, nil, &out, &errOut); code != 0 {
		t.Fatalf("copy: %d %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "entries") {
		t.Errorf("copy printed %q", out.String())
	}
	if got := reportOf(t, other); len(got) != 1 || got["demo"] != want["demo"] {
		t.Errorf("figures after the copy differ:\n%s\n%s", want["demo"], got["demo"])
	}
	// The copy keeps working: a new entry gets a fresh id, the demo password still signs in.
	dst, err := store.Open(ctx, other, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := dst.Authenticate(ctx, sample.DemoUser, sample.DemoPassword, "test")
	if err != nil {
		t.Fatalf("sign in on the copy: %v", err)
	}
	networks, _ := dst.Networks(ctx, u.ID)
	if _, err := dst.CreateNetwork(ctx, u.ID, portfolio.Network{Name: "After the copy", Kind: portfolio.Revshare, Status: portfolio.StatusActive, Currency: "EUR"}); err != nil {
		t.Errorf("a new network on the copy: %v", err)
	}
	dst.Close()
	if len(networks) != 8 {
		t.Errorf("%d networks on the copy", len(networks))
	}

	// Into a database with users already: refused.
	if code := run(ctx, []string{"copy", "--from", sqlite, "--to", other}, nil, io.Discard, &errOut); code != 1 || !strings.Contains(errOut.String(), "empty") {
		t.Errorf("copy into a full database: %d %s", code, errOut.String())
	}
	// And back into a fresh SQLite file.
	back := filepath.Join(t.TempDir(), "back.db")
	if code := run(ctx, []string{"copy", "--from", other, "--to", back}, nil, io.Discard, &errOut); code != 0 {
		t.Fatalf("copy back: %s", errOut.String())
	}
	gotBack := reportOf(t, back)
	var p portfolio.Report
	if err := json.Unmarshal([]byte(gotBack["demo"]), &p); err != nil || len(p.Networks) != 9 {
		t.Errorf("copied back: %d networks (%v)", len(p.Networks), err)
	}
}

// A backup taken while the data changes, restored later, brings back the data as it was.
func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.EnsureDemo(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	before := reportOf(t, db)
	backup := filepath.Join(dir, "backup.db")
	if code := run(ctx, []string{"backup", backup, "--db", db}, nil, io.Discard, io.Discard); code != 0 {
		t.Fatal("backup failed")
	}
	u, _ := st.UserByName(ctx, sample.DemoUser)
	networks, _ := st.Networks(ctx, u.ID)
	if err := st.DeleteNetwork(ctx, u.ID, networks[0].ID, true); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if after := reportOf(t, db); after["demo"] == before["demo"] {
		t.Fatal("the change did not change the figures")
	}
	var errOut bytes.Buffer
	if code := run(ctx, []string{"restore", backup, "--db", db}, nil, io.Discard, &errOut); code != 0 {
		t.Fatalf("restore: %s", errOut.String())
	}
	if got := reportOf(t, db); got["demo"] != before["demo"] {
		t.Errorf("after the restore the figures differ from the backup's")
	}
	if code := run(ctx, []string{"restore", filepath.Join(dir, "missing.db"), "--db", db}, nil, io.Discard, io.Discard); code != 1 {
		t.Errorf("restore of a missing file: exit %d", code)
	}
}
