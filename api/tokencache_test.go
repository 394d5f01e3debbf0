package api

import (
	"testing"
	"time"

	"github.com/netfolio/netfolio/portfolio"
)

func TestTokenCache(t *testing.T) {
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	c := newTokenCache(func() time.Time { return now })
	alice, bob := portfolio.User{ID: 1, Username: "alice"}, portfolio.User{ID: 2, Username: "bob"}
	c.put("a1", alice)
	c.put("a2", alice)
	c.put("b1", bob)
	if u, ok := c.get("a1"); !ok || u.ID != 1 {
		t.Fatalf("fresh entry: %v %v", u, ok)
	}
	if _, ok := c.get("nope"); ok {
		t.Error("unknown token found")
	}
	c.forgetUser(1)
	if _, ok := c.get("a2"); ok {
		t.Error("a revoked user's token is still cached")
	}
	if _, ok := c.get("b1"); !ok {
		t.Error("another user's token was forgotten")
	}
	now = now.Add(tokenCacheTTL)
	if _, ok := c.get("b1"); ok {
		t.Error("an entry outlived its TTL")
	}
}
