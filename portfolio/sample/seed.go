package sample

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// EnsureDemo creates the demo user and portfolio through the store unless the user exists,
// and returns the credentials to print.
func EnsureDemo(ctx context.Context, st *store.Store, now time.Time) (string, error) {
	creds := fmt.Sprintf("user %q, password %q", DemoUser, DemoPassword)
	if _, err := st.UserByName(ctx, DemoUser); err == nil {
		return creds, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	today := portfolio.DateFromTime(now)
	u, err := st.CreateUser(ctx, store.NewUser{Username: DemoUser, Password: DemoPassword, BaseCurrency: "EUR"})
	if err != nil {
		return "", err
	}
	networks := DemoNetworks(today)
	first := today
	for i, n := range networks {
		if networks[i], err = st.CreateNetwork(ctx, u.ID, n); err != nil {
			return "", fmt.Errorf("network %s: %w", n.Name, err)
		}
		first = min(first, n.JoinedOn)
	}
	if _, err := st.PutRates(ctx, u.ID, DemoRates(first-portfolio.MaxRateAge, today)); err != nil {
		return "", err
	}
	if _, err := st.CreateEntries(ctx, u.ID, DemoEntries(networks, today)); err != nil {
		return "", err
	}
	return creds, nil
}
