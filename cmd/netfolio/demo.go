package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/sample"
	"github.com/netfolio/netfolio/portfolio/store"
)

// ensureDemo creates the demo user and portfolio unless the user exists, and returns the
// credentials to print.
func ensureDemo(ctx context.Context, st *store.Store, now time.Time) (string, error) {
	creds := fmt.Sprintf("user %q, password %q", sample.DemoUser, sample.DemoPassword)
	if _, err := st.UserByName(ctx, sample.DemoUser); err == nil {
		return creds, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	today := portfolio.DateFromTime(now)
	u, err := st.CreateUser(ctx, store.NewUser{Username: sample.DemoUser, Password: sample.DemoPassword, BaseCurrency: "EUR"})
	if err != nil {
		return "", err
	}
	networks := sample.DemoNetworks(today)
	first := today
	for i, n := range networks {
		if networks[i], err = st.CreateNetwork(ctx, u.ID, n); err != nil {
			return "", fmt.Errorf("network %s: %w", n.Name, err)
		}
		first = min(first, n.JoinedOn)
	}
	if _, err := st.PutRates(ctx, u.ID, sample.DemoRates(first-portfolio.MaxRateAge, today)); err != nil {
		return "", err
	}
	if _, err := st.CreateEntries(ctx, u.ID, sample.DemoEntries(networks, today)); err != nil {
		return "", err
	}
	return creds, nil
}
