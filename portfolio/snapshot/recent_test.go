package snapshot

import (
	"bytes"
	"testing"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

func TestRecent(t *testing.T) {
	r := newRecent()
	snap := func(user, version int64, size int) store.Snapshot {
		return store.Snapshot{UserID: user, DataVersion: version, AsOf: 100, Settings: "s",
			Figures: bytes.Repeat([]byte{'x'}, size), History: []byte("history")}
	}
	r.put(snap(1, 7, 10))
	cases := []struct {
		name     string
		user     int64
		version  int64
		day      int32
		settings string
		want     bool
	}{
		{"the same version, day and settings", 1, 7, 100, "s", true},
		{"a later version", 1, 8, 100, "s", false},
		{"another day", 1, 7, 101, "s", false},
		{"other settings", 1, 7, 100, "t", false},
		{"another user", 2, 7, 100, "s", false},
	}
	for _, c := range cases {
		got, ok := r.get(c.user, c.version, portfolio.Date(c.day), c.settings)
		if ok != c.want {
			t.Errorf("%s: kept = %v, want %v", c.name, ok, c.want)
		}
		if ok && (len(got.Figures) != 10 || got.History != nil) {
			t.Errorf("%s: got %d bytes of figures and history %q", c.name, len(got.Figures), got.History)
		}
	}
	// A newer snapshot of the user replaces the older one.
	r.put(snap(1, 8, 20))
	if _, ok := r.get(1, 7, 100, "s"); ok {
		t.Error("the replaced snapshot is still served")
	}
	if got, ok := r.get(1, 8, 100, "s"); !ok || len(got.Figures) != 20 {
		t.Errorf("the newer snapshot: %v, %d bytes", ok, len(got.Figures))
	}
	// However many users, the kept figures stay within recentBytes, the newest kept.
	size := recentBytes / 50
	for u := int64(10); u < 500; u++ {
		r.put(snap(u, 1, size))
		if r.bytes > recentBytes {
			t.Fatalf("after user %d: %d bytes kept, more than %d", u, r.bytes, recentBytes)
		}
		if _, ok := r.get(u, 1, 100, "s"); !ok {
			t.Fatalf("user %d's snapshot, just put, is not kept", u)
		}
	}
	total := 0
	for _, s := range r.snaps {
		total += len(s.Figures)
	}
	if total != r.bytes {
		t.Errorf("bytes counted %d, kept %d", r.bytes, total)
	}
	// Figures too large to be worth keeping are not kept.
	r.put(snap(1000, 1, recentBytes/4+1))
	if _, ok := r.get(1000, 1, 100, "s"); ok {
		t.Error("a snapshot of more than a quarter of the bound is kept")
	}
}
