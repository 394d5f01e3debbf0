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
		if err := s.lockUser(tx, userID); err != nil {
			return err
		}
		var existing portfolio.Entry
		err := tx.Where("user_id = ? AND external_id = ?", userID, e.ExternalID).Take(&existing).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		ec, err := s.newEntryContext(tx, userID)
		if err != nil {
			return err
		}
		days := []dayKey{}
		if existing.ID != 0 {
			e.ID, e.CreatedAt = existing.ID, existing.CreatedAt
			days = append(days, dayKey{existing.NetworkID, existing.Date})
		}
		if err := ec.prepare(&e); err != nil {
			return err
		}
		if existing.ID != 0 {
			err = tx.Select("*").Omit("created_at").Save(&e).Error
		} else {
			created = true
			one := []portfolio.Entry{e}
			err = s.insertEntries(ctx, tx, one)
			e = one[0]
		}
		if err != nil {
			return entryWriteError(err)
		}
		return touch(tx, userID, append(days, dayKey{e.NetworkID, e.Date})...)
	})
	return e, created, err
}

// PayoutFacts is what the reminders need to know of a network's payouts.
type PayoutFacts struct {
	Latest  portfolio.Date // the latest payout of more than 0 on or before the day asked
	InRange bool           // any payout line (0 included) dated in the range asked
}

// PayoutSummary returns, per network of the user, the latest real payout up to until and
// whether a payout line is dated from..to. The latest payout comes from the daily sums (a
// day's payouts sum to more than 0 exactly when one of them is more than 0); only the range's
// days are read from the entries, as a payout of 0 leaves no trace in the sums.
func (s *Store) PayoutSummary(ctx context.Context, userID int64, from, to, until portfolio.Date) (map[int64]PayoutFacts, error) {
	out := map[int64]PayoutFacts{}
	err := s.readTx(ctx, func(tx *gorm.DB) error {
		var latest []struct {
			NetworkID int64
			Latest    portfolio.Date
		}
		if err := tx.Raw(`SELECT network_id, MAX(date) AS latest FROM entry_days
			WHERE user_id = ? AND date <= ? AND payout_active + payout_passive + payout_capital > 0
			GROUP BY network_id`, userID, until).Scan(&latest).Error; err != nil {
			return err
		}
		for _, l := range latest {
			out[l.NetworkID] = PayoutFacts{Latest: l.Latest}
		}
		var inRange []int64
		if err := tx.Raw(`SELECT DISTINCT network_id FROM entries
			WHERE user_id = ? AND date >= ? AND date <= ? AND date <= ? AND kind = 'payout'`, userID, from, to, until).Scan(&inRange).Error; err != nil {
			return err
		}
		for _, id := range inRange {
			f := out[id]
			f.InRange = true
			out[id] = f
		}
		return nil
	})
	return out, err
}
