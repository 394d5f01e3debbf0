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

// ExistingExternalIDs returns which of ids the user's entries carry already.
func (s *Store) ExistingExternalIDs(ctx context.Context, userID int64, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	for start := 0; start < len(ids); start += 500 {
		var got []string
		err := s.r.WithContext(ctx).Model(&portfolio.Entry{}).Where("user_id = ? AND external_id IN ?", userID, ids[start:min(start+500, len(ids))]).
			Pluck("external_id", &got).Error
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			found[id] = true
		}
	}
	return found, nil
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
	// VACUUM cannot run inside a transaction and works on its own connection's snapshot.
	return s.r.WithContext(ctx).Session(&gorm.Session{}).Exec("VACUUM INTO ?", path).Error
}
