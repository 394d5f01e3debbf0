package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/netfolio/netfolio/portfolio"
)

// touch records that a user's data changed, inside the write's own transaction, so that a
// snapshot computed before the write is never served after it; and it refreshes the daily
// sums of the days whose entries the write changed. The version goes first: its row lock
// makes concurrent writers of one user (PostgreSQL) refresh one after the other, each seeing
// the other's committed entries, so no day's sum misses a row.
func touch(tx *gorm.DB, userID int64, days ...dayKey) error {
	if err := tx.Exec("UPDATE users SET data_version = data_version + 1 WHERE id = ?", userID).Error; err != nil {
		return err
	}
	return refreshDays(tx, userID, days)
}

// lockUser takes the user's row lock first thing in a write of entries that reads before it
// writes (an external id taken? a month booked?): the user's concurrent writers on
// PostgreSQL then run one after the other, each seeing what the one before committed, and
// cannot deadlock on each other's rows. SQLite's writes run one at a time anyway (BEGIN
// IMMEDIATE).
func (s *Store) lockUser(tx *gorm.DB, userID int64) error {
	if s.dialect != Postgres {
		return nil
	}
	return tx.Exec("SELECT id FROM users WHERE id = ? FOR UPDATE", userID).Error
}

// DataVersion returns the counter that every write to the user's networks and entries moves.
// It is asked on every read of the figures, so it is one prepared statement.
func (s *Store) DataVersion(ctx context.Context, userID int64) (int64, error) {
	if err := s.prepareReads(); err != nil {
		return 0, err
	}
	var v int64
	err := s.versionStmt.QueryRowContext(s.stepContext(ctx), userID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return v, err
}

// FigureInputs loads what the figures need, with the data version they reflect. The figures
// only ever look at sums per network, day, kind and income class, and at the last balance of
// each day, so that is what the database hands over: a user with a million entries yields a
// few tens of thousands of rows, summed exactly on the integer base units.
func (s *Store) FigureInputs(ctx context.Context, userID int64) ([]portfolio.Network, []portfolio.Entry, int64, error) {
	var (
		networks []portfolio.Network
		entries  []portfolio.Entry
		version  int64
	)
	// One read transaction, so the networks, entries and version agree with each other.
	err := s.readTx(ctx, func(tx *gorm.DB) error {
		var err error
		if version, err = s.dataVersionTx(tx, userID); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Order("id").Find(&networks).Error; err != nil {
			return err
		}
		// Counted first, so the slice of a hundred thousand entries is made once, not copied
		// again and again as it grows: the count costs a fraction of the growing.
		var n int64
		if err := tx.Raw(`SELECT COALESCE(SUM(CASE WHEN investment <> 0 THEN 1 ELSE 0 END + CASE WHEN other_outlay <> 0 THEN 1 ELSE 0 END +
				CASE WHEN payout_active <> 0 THEN 1 ELSE 0 END + CASE WHEN payout_passive <> 0 THEN 1 ELSE 0 END +
				CASE WHEN payout_capital <> 0 THEN 1 ELSE 0 END + CASE WHEN balance_id IS NOT NULL THEN 1 ELSE 0 END), 0)
			FROM entry_days WHERE user_id = ?`, userID).Scan(&n).Error; err != nil {
			return err
		}
		entries = make([]portfolio.Entry, 0, n)
		// One row per network and day: the day's sums by what the figures tell apart, kept by
		// the writes (see days.go), and the day's last balance.
		rows, err := tx.WithContext(s.stepContext(ctx)).Raw(`SELECT d.network_id, d.date, d.investment, d.other_outlay, d.payout_active, d.payout_passive,
				d.payout_capital, d.last_id, d.balance_id, b.base_units
			FROM entry_days d LEFT JOIN entries b ON b.id = d.balance_id
			WHERE d.user_id = ?`, userID).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		var sums [5]int64
		kinds := [5]struct {
			kind  portfolio.EntryKind
			class portfolio.IncomeClass
		}{{portfolio.Investment, ""}, {portfolio.Purchase, ""}, {portfolio.Payout, portfolio.ClassActive},
			{portfolio.Payout, portfolio.ClassPassive}, {portfolio.Payout, portfolio.ClassCapital}}
		for rows.Next() {
			var network, id int64
			var day portfolio.Date
			var balanceID, balance sql.NullInt64
			if err := rows.Scan(&network, &day, &sums[0], &sums[1], &sums[2], &sums[3], &sums[4], &id, &balanceID, &balance); err != nil {
				return err
			}
			// A sum of 0 changes no figure (amounts are never negative), so it is left out.
			for i, k := range kinds {
				if sums[i] != 0 {
					entries = append(entries, portfolio.Entry{ID: id, NetworkID: network, Date: day, Kind: k.kind, IncomeClass: k.class, BaseUnits: sums[i]})
				}
			}
			if balanceID.Valid {
				entries = append(entries, portfolio.Entry{ID: balanceID.Int64, NetworkID: network, Date: day, Kind: portfolio.Balance, BaseUnits: balance.Int64})
			}
		}
		return rows.Err()
	})
	return networks, entries, version, err
}

func (s *Store) dataVersionTx(tx *gorm.DB, userID int64) (int64, error) {
	var v []int64
	if err := tx.Raw("SELECT data_version FROM users WHERE id = ?", userID).Scan(&v).Error; err != nil {
		return 0, err
	}
	if len(v) == 0 {
		return 0, ErrNotFound
	}
	return v[0], nil
}

// Snapshot is a user's stored figures: the rendered report and month-end history as JSON.
type Snapshot struct {
	UserID      int64 `gorm:"primaryKey;autoIncrement:false"`
	AsOf        portfolio.Date
	DataVersion int64
	Settings    string // a fingerprint of the settings the figures were computed with
	ComputedAt  time.Time
	Figures     []byte `gorm:"type:text"`
	History     []byte `gorm:"type:text"`
}

// SaveSnapshot stores a user's snapshot unless a newer one (of a later data version) is there.
func (s *Store) SaveSnapshot(ctx context.Context, snap Snapshot) error {
	err := s.w.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"as_of", "data_version", "settings", "computed_at", "figures", "history"}),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "snapshots.data_version <= excluded.data_version"}}},
	}).Create(&snap).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("save snapshot: %w", err)
	}
	return nil
}

// LatestSnapshot returns the user's snapshot with the user's current data version, in one
// query. The month-end history, the larger half, is read only when asked for. This is the
// dashboard's hot path, so the query is prepared once and scanned without reflection.
func (s *Store) LatestSnapshot(ctx context.Context, userID int64, withHistory ...bool) (Snapshot, int64, error) {
	history := len(withHistory) > 0 && withHistory[0]
	if err := s.prepareReads(); err != nil {
		return Snapshot{}, 0, err
	}
	stmt := s.snapStmts[0]
	if history {
		stmt = s.snapStmts[1]
	}
	var (
		version, dataVersion int64
		owner                sql.NullInt64
		asOf                 *portfolio.Date
		settings             string
		computedAt           sql.NullTime
		figures, hist        []byte
	)
	err := stmt.QueryRowContext(s.stepContext(ctx), userID).Scan(&version, &owner, &asOf, &dataVersion, &settings, &computedAt, &figures, &hist)
	if errors.Is(err, sql.ErrNoRows) {
		return Snapshot{}, 0, ErrNotFound
	}
	if err != nil {
		return Snapshot{}, 0, err
	}
	if !owner.Valid || asOf == nil { // no snapshot yet
		return Snapshot{}, version, ErrNotFound
	}
	return Snapshot{UserID: userID, AsOf: *asOf, DataVersion: dataVersion, Settings: settings,
		ComputedAt: computedAt.Time, Figures: figures, History: hist}, version, nil
}

// prepareReads prepares the reads every figures request makes — DataVersion's and
// LatestSnapshot's, with and without the history — once, on first use.
func (s *Store) prepareReads() error {
	s.stmtOnce.Do(func() {
		db, err := s.r.DB()
		if err != nil {
			s.stmtErr = err
			return
		}
		param := "?"
		if s.dialect == Postgres {
			param = "$1"
		}
		if s.versionStmt, err = db.Prepare("SELECT data_version FROM users WHERE id = " + param); err != nil {
			s.stmtErr = err
			return
		}
		for i, col := range []string{"''", "s.history"} {
			s.snapStmts[i], err = db.Prepare(`SELECT u.data_version, s.user_id, s.as_of, COALESCE(s.data_version, 0),
				COALESCE(s.settings, ''), s.computed_at, COALESCE(s.figures, ''), COALESCE(` + col + `, '')
				FROM users u LEFT JOIN snapshots s ON s.user_id = u.id WHERE u.id = ` + param)
			if err != nil {
				s.stmtErr = err
				return
			}
		}
	})
	return s.stmtErr
}

// StaleUsers lists users whose snapshot is missing, older than their data, or not of day.
func (s *Store) StaleUsers(ctx context.Context, today portfolio.Date) ([]int64, error) {
	var ids []int64
	err := s.r.WithContext(ctx).Raw(`SELECT users.id FROM users
		LEFT JOIN snapshots ON snapshots.user_id = users.id
		WHERE snapshots.user_id IS NULL OR snapshots.data_version <> users.data_version OR snapshots.as_of <> ?
		ORDER BY users.id`, today).Scan(&ids).Error
	return ids, err
}
