package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// CopyStats counts what Copy moved, per table.
type CopyStats map[string]int

// Copy moves every user's data from one database to another — SQLite to PostgreSQL or back —
// exactly and with the same ids, in one transaction on the target. The target must be empty
// (freshly migrated). Sessions, login failures, snapshots and reminders are not copied: the
// target makes its own.
func Copy(ctx context.Context, from, to *Store) (CopyStats, error) {
	stats := CopyStats{}
	err := to.tx(ctx, func(tx *gorm.DB) error {
		var users int64
		if err := tx.Model(&userRow{}).Count(&users).Error; err != nil {
			return err
		}
		if users > 0 {
			return errors.New("the target database has users already; copy into an empty one")
		}
		src := from.r.WithContext(ctx)
		tables := []struct {
			name string
			copy func() (int, error)
		}{
			{"users", func() (int, error) { return copyTable[userRow](src, tx, "id") }},
			{"tokens", func() (int, error) { return copyTable[Token](src, tx, "id") }},
			{"networks", func() (int, error) { return copyTable[portfolio.Network](src, tx, "id") }},
			{"entries", func() (int, error) { return copyTable[portfolio.Entry](src, tx, "id") }},
			{"rates", func() (int, error) { return copyTable[rateRow](src, tx, "user_id, currency, date") }},
			{"commitment_bookings", func() (int, error) { return copyTable[commitmentBooking](src, tx, "network_id, month") }},
		}
		for _, t := range tables {
			n, err := t.copy()
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			stats[t.name] = n
		}
		if err := rebuildDays(tx); err != nil {
			return err
		}
		// Each copied user's data changed: their snapshots (none yet) are stale by definition.
		if err := tx.Exec("UPDATE users SET data_version = data_version + 1").Error; err != nil {
			return err
		}
		if to.dialect == Postgres {
			// Rows came with their ids: move the sequences past them.
			for _, table := range []string{"users", "tokens", "networks", "entries"} {
				if err := tx.Exec(fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)", table, table)).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	return stats, err
}

// copyTable pages through a table of the source in a stable order and inserts the rows, ids
// and all, into the target.
func copyTable[T any](src, dst *gorm.DB, order string) (int, error) {
	const page = 2000
	total := 0
	for offset := 0; ; offset += page {
		var rows []T
		if err := src.Order(order).Limit(page).Offset(offset).Find(&rows).Error; err != nil {
			return total, err
		}
		if len(rows) == 0 {
			return total, nil
		}
		if err := dst.Session(&gorm.Session{SkipHooks: true}).CreateInBatches(&rows, 500).Error; err != nil {
			return total, err
		}
		total += len(rows)
		if len(rows) < page {
			return total, nil
		}
	}
}

// Restore replaces an SQLite database file with a backup made by Backup. The server must be
// stopped. The backup is copied next to the target and opened there (which also brings an
// older backup's schema up to date) before it takes the target's place, so a failed restore
// leaves the database as it was and the backup file untouched.
func Restore(ctx context.Context, backup, dsn string) error {
	if IsPostgres(dsn) {
		return errors.New("restore is for SQLite files; restore PostgreSQL with pg_restore")
	}
	tmp := dsn + ".restore"
	_ = os.Remove(tmp)
	if err := copyFile(backup, tmp); err != nil {
		return err
	}
	probe, err := Open(ctx, tmp, Options{})
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("the backup does not open as a netfolio database: %w", err)
	}
	if err := errors.Join(probe.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"), probe.Close()); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		for _, f := range []string{dsn + suffix, tmp + suffix} {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return os.Rename(tmp, dsn)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
