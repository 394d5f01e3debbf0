package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// CommitmentNetworks lists every user's product networks that have a monthly commitment.
func (s *Store) CommitmentNetworks(ctx context.Context) ([]portfolio.Network, error) {
	var networks []portfolio.Network
	err := s.r.WithContext(ctx).Where("kind = ? AND commitment_amount IS NOT NULL AND commitment_day IS NOT NULL", portfolio.Product).
		Order("user_id, id").Find(&networks).Error
	return networks, err
}

type commitmentBooking struct {
	NetworkID int64  `gorm:"primaryKey;autoIncrement:false"`
	Month     string `gorm:"primaryKey"`
	BookedAt  time.Time
}

// BookCommitments stores those of a network's due commitment purchases whose month was never
// booked, and records each month as booked in the same transaction: a purchase the user
// deleted (a skipped month) is not booked again, and a month whose entry the user recorded
// with the same external id is not booked twice. It returns how many it stored.
func (s *Store) BookCommitments(ctx context.Context, userID, networkID int64, due []portfolio.Entry) (int, error) {
	booked := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockUser(tx, userID); err != nil {
			return err
		}
		if _, err := network(tx, userID, networkID); err != nil {
			return err
		}
		var months []string
		if err := tx.Model(&commitmentBooking{}).Where("network_id = ?", networkID).Pluck("month", &months).Error; err != nil {
			return err
		}
		done := map[string]bool{}
		for _, m := range months {
			done[m] = true
		}
		var ids []string
		for _, e := range due {
			ids = append(ids, e.ExternalID)
		}
		var existing []string
		if err := tx.Model(&portfolio.Entry{}).Where("user_id = ? AND external_id <> '' AND external_id IN ?", userID, ids).Pluck("external_id", &existing).Error; err != nil {
			return err
		}
		have := map[string]bool{}
		for _, id := range existing {
			have[id] = true
		}
		var fresh []portfolio.Entry
		var records []commitmentBooking
		for _, e := range due {
			month := e.Date.MonthKey()
			if done[month] || e.NetworkID != networkID {
				continue
			}
			records = append(records, commitmentBooking{NetworkID: networkID, Month: month, BookedAt: s.now().UTC()})
			if !have[e.ExternalID] {
				fresh = append(fresh, e)
			}
		}
		if len(records) == 0 {
			return nil
		}
		if len(fresh) > 0 {
			ec, err := s.newEntryContext(tx, userID)
			if err != nil {
				return err
			}
			for i := range fresh {
				if err := ec.prepare(&fresh[i]); err != nil {
					return err
				}
			}
			if err := s.insertEntries(ctx, tx, fresh); err != nil {
				return err
			}
			if err := touch(tx, userID); err != nil {
				return err
			}
			if err := s.addToDays(ctx, tx, userID, fresh); err != nil {
				return err
			}
		}
		booked = len(fresh)
		return tx.Create(&records).Error
	})
	return booked, err
}

// UserIDs lists every user's id.
func (s *Store) UserIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.r.WithContext(ctx).Model(&userRow{}).Order("id").Pluck("id", &ids).Error
	return ids, err
}

type reminderRow struct {
	UserID     int64 `gorm:"primaryKey;autoIncrement:false"`
	ComputedAt time.Time
	Body       []byte `gorm:"type:text"`
}

func (reminderRow) TableName() string { return "reminders" }

// SaveReminders stores a user's reminders (JSON) as the reminders job found them.
func (s *Store) SaveReminders(ctx context.Context, userID int64, at time.Time, body []byte) error {
	return s.w.WithContext(ctx).Save(&reminderRow{UserID: userID, ComputedAt: at.UTC(), Body: body}).Error
}

// Reminders returns a user's stored reminders and when they were found; ErrNotFound before
// the job first ran.
func (s *Store) Reminders(ctx context.Context, userID int64) ([]byte, time.Time, error) {
	var row reminderRow
	err := s.r.WithContext(ctx).Where("user_id = ?", userID).Take(&row).Error
	return row.Body, row.ComputedAt, notFound(err)
}

// ErrBackupUnsupported is a backup asked of an engine that has its own tools.
var ErrBackupUnsupported = errors.New("online backups are for SQLite; back up PostgreSQL with pg_dump")

// Backup writes a consistent copy of the SQLite database to path while it is in use
// (VACUUM INTO). The file must not exist yet.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return ErrBackupUnsupported
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup %s: file exists", path)
	}
	// VACUUM cannot run inside a transaction and works on its own connection's snapshot. It
	// runs on the writer: the readers are opened with query_only, which refuses VACUUM INTO.
	return s.w.WithContext(ctx).Session(&gorm.Session{}).Exec("VACUUM INTO ?", path).Error
}
