package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// PayoutsBetween returns the user's payout entries dated from..to (inclusive).
func (s *Store) PayoutsBetween(ctx context.Context, userID int64, from, to portfolio.Date) ([]portfolio.Entry, error) {
	var entries []portfolio.Entry
	err := s.r.WithContext(ctx).Where("user_id = ? AND kind = ? AND date >= ? AND date <= ?", userID, portfolio.Payout, from, to).
		Order("date, id").Find(&entries).Error
	return entries, err
}

// UpsertByExternalID creates the entry, or — when the user has one with its external id —
// replaces that one's date, amount, currency, income class and note, re-converting it. It
// reports whether it created the entry.
func (s *Store) UpsertByExternalID(ctx context.Context, userID int64, e portfolio.Entry) (portfolio.Entry, bool, error) {
	created := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var existing portfolio.Entry
		err := tx.Where("user_id = ? AND external_id = ?", userID, e.ExternalID).Take(&existing).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		ec, err := s.newEntryContext(tx, userID)
		if err != nil {
			return err
		}
		if existing.ID != 0 {
			e.ID, e.CreatedAt = existing.ID, existing.CreatedAt
		}
		if err := ec.prepare(&e); err != nil {
			return err
		}
		if existing.ID != 0 {
			err = tx.Select("*").Omit("created_at").Save(&e).Error
		} else {
			created = true
			err = tx.Create(&e).Error
		}
		if err != nil {
			return entryWriteError(err)
		}
		return touch(tx, userID)
	})
	return e, created, err
}
