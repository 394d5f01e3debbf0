// Package snapshot computes a user's figures from the store and keeps the latest of them, so
// that the dashboard reads stored JSON instead of recomputing on every request.
package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// Service computes, stores and serves figures snapshots.
type Service struct {
	store       *store.Store
	settings    portfolio.Settings
	fingerprint string // of the settings, stored with each snapshot
	now         func() time.Time
	loc         *time.Location
	recent      *recent
}

// New returns a service; now and loc give "today" (time.Now and time.Local when nil).
func New(st *store.Store, settings portfolio.Settings, now func() time.Time, loc *time.Location) *Service {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.Local
	}
	return &Service{store: st, settings: settings, fingerprint: fmt.Sprintf("%+v", settings), now: now, loc: loc, recent: newRecent()}
}

// Today is the current day in the service's zone.
func (s *Service) Today() portfolio.Date { return portfolio.DateFromTime(s.now().In(s.loc)) }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Settings returns the settings figures are computed with.
func (s *Service) Settings() portfolio.Settings { return s.settings }

// Figures computes a user's figures on asOf with the given settings, straight from the store.
func (s *Service) Figures(ctx context.Context, userID int64, asOf portfolio.Date, settings portfolio.Settings) (portfolio.Figures, error) {
	networks, entries, _, err := s.store.FigureInputs(ctx, userID)
	if err != nil {
		return portfolio.Figures{}, err
	}
	return portfolio.Compute(networks, entries, asOf, settings), nil
}

// Report computes a user's report on asOf on the spot.
func (s *Service) Report(ctx context.Context, u portfolio.User, asOf portfolio.Date, settings portfolio.Settings) (portfolio.Report, error) {
	f, err := s.Figures(ctx, u.ID, asOf, settings)
	if err != nil {
		return portfolio.Report{}, err
	}
	return portfolio.NewReport(f, u.BaseCurrency, s.now()), nil
}

// Current returns the user's snapshot (with the month-end history when asked), computing and storing a new one when the stored one is
// missing, older than the user's data, or of another day. Figures served are therefore never
// older than the last acknowledged write.
//
// The snapshot returned shares its figures with later callers: read them, do not change them.
func (s *Service) Current(ctx context.Context, userID int64, withHistory bool) (store.Snapshot, error) {
	today := s.Today()
	if !withHistory {
		version, err := s.store.DataVersion(ctx, userID)
		if err != nil {
			return store.Snapshot{}, err
		}
		if snap, ok := s.recent.get(userID, version, today, s.fingerprint); ok {
			return snap, nil
		}
	}
	snap, version, err := s.store.LatestSnapshot(ctx, userID, withHistory)
	switch {
	case err == nil && snap.DataVersion == version && snap.AsOf == today && snap.Settings == s.fingerprint:
		s.recent.put(snap)
		return snap, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return store.Snapshot{}, err
	}
	return s.Refresh(ctx, userID)
}

// Refresh computes and stores the user's snapshot: today's report and the month-end history.
func (s *Service) Refresh(ctx context.Context, userID int64) (store.Snapshot, error) {
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return store.Snapshot{}, err
	}
	networks, entries, version, err := s.store.FigureInputs(ctx, userID)
	if err != nil {
		return store.Snapshot{}, err
	}
	today, now := s.Today(), s.now()
	report := portfolio.NewReport(portfolio.Compute(networks, entries, today, s.settings), u.BaseCurrency, now)
	first := today
	for _, e := range entries {
		first = min(first, e.Date)
	}
	history := portfolio.NewHistoryReport(portfolio.MonthEnds(networks, entries, first, today), u.BaseCurrency)
	snap := store.Snapshot{UserID: userID, AsOf: today, DataVersion: version, Settings: s.fingerprint, ComputedAt: now.UTC()}
	if snap.Figures, err = json.Marshal(report); err != nil {
		return store.Snapshot{}, err
	}
	if snap.History, err = json.Marshal(history); err != nil {
		return store.Snapshot{}, err
	}
	if err := s.store.SaveSnapshot(ctx, snap); err != nil {
		return store.Snapshot{}, err
	}
	s.recent.put(snap)
	return snap, nil
}

// RefreshStale refreshes every user whose snapshot is missing, stale or of another day, and
// returns how many it refreshed.
func (s *Service) RefreshStale(ctx context.Context) (int, error) {
	ids, err := s.store.StaleUsers(ctx, s.Today())
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if _, err := s.Refresh(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("user %d: %w", id, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
