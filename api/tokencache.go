package api

import (
	"sync"
	"time"

	"github.com/netfolio/netfolio/portfolio"
)

// tokenCacheTTL is how long a checked API token is trusted without asking the database again.
// Scripts and dashboards poll; this spares the database one query per request. A token
// revoked on this replica is forgotten at once; on another replica it works for at most this
// long.
const tokenCacheTTL = 5 * time.Second

// tokenCache remembers recently checked API tokens.
type tokenCache struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]cachedToken
}

type cachedToken struct {
	user    portfolio.User
	expires time.Time
}

func newTokenCache(now func() time.Time) *tokenCache {
	return &tokenCache{now: now, entries: map[string]cachedToken{}}
}

func (c *tokenCache) get(secret string) (portfolio.User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[secret]
	if !ok || !c.now().Before(e.expires) {
		delete(c.entries, secret)
		return portfolio.User{}, false
	}
	return e.user, true
}

func (c *tokenCache) put(secret string, u portfolio.User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) > 10000 { // bound the memory: start over rather than track ages
		clear(c.entries)
	}
	c.entries[secret] = cachedToken{user: u, expires: c.now().Add(tokenCacheTTL)}
}

// forgetUser drops every cached token of a user, after one of them was revoked.
func (c *tokenCache) forgetUser(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for secret, e := range c.entries {
		if e.user.ID == userID {
			delete(c.entries, secret)
		}
	}
}
