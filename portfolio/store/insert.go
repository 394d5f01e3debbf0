package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// entryColumns are the columns an insert of entries writes, in the order of entryArgs.
const entryColumns = `user_id, network_id, date, kind, amount, currency, base_amount, base_units, base_given,
	income_class, note, external_id, units_per_eur, import_hash, created_at`

// insertRows is how many entries one prepared insert statement carries: batches of entries
// go in statements of this many rows, parsed once per connection, not once per batch.
const insertRows = 100

// entryArgs appends the values of an entry's columns; created is its creation time as the
// driver stores it.
func entryArgs(args []any, e *portfolio.Entry, created any) []any {
	return append(args, e.UserID, e.NetworkID, e.Date.String(), string(e.Kind), e.Amount.String(), e.Currency, e.BaseAmount.String(),
		e.BaseUnits, e.BaseGiven, string(e.IncomeClass), e.Note, e.ExternalID, e.UnitsPerEUR, e.ImportHash, created)
}

// insertSQL is an insert of rows entries, returning their ids in the order of the rows.
func insertSQL(d Dialect, rows int) string {
	return "INSERT INTO entries (" + entryColumns + ") VALUES " + valueRows(d, rows, strings.Count(entryColumns, ",")+1) + " RETURNING id"
}

// valueRows is the VALUES list of rows rows of cols parameters each, in the dialect's
// placeholders: "(?, ?), (?, ?)" or "($1, $2), ($3, $4)".
func valueRows(d Dialect, rows, cols int) string {
	var b strings.Builder
	n := 0
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			n++
			if d == Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(n))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// sqlTx is the database/sql transaction under a GORM one: statements of many rows skip
// GORM's statement building (it copies and scans every argument).
func sqlTx(tx *gorm.DB) (*sql.Tx, error) {
	t, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("store: not in a transaction (%T)", tx.Statement.ConnPool)
	}
	return t, nil
}

// prepareInsert prepares the insert of insertRows entries on the writer, before any
// transaction holds its connection (SQLite has one writer connection).
func (s *Store) prepareInsert() error {
	db, err := s.w.DB()
	if err != nil {
		return err
	}
	s.insertStmt, err = db.Prepare(insertSQL(s.dialect, insertRows))
	return err
}

// insertEntries stores new entries (prepared and checked) in tx and sets their ids and
// creation times. Full statements of insertRows reuse the prepared statement; the rest goes
// in one statement of its own.
func (s *Store) insertEntries(ctx context.Context, tx *gorm.DB, entries []portfolio.Entry) error {
	// Rows go in by date (stably: a day's entries keep their order, and so the order of
	// their ids), so that the index entries land in the B-trees in key order.
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return entries[order[a]].Date < entries[order[b]].Date })
	raw, err := sqlTx(tx)
	if err != nil {
		return err
	}
	step := s.stepContext(ctx)
	now := s.now().UTC()
	// The same time for every row: formatted once, as the SQLite driver would format it.
	var created any = now
	if s.dialect == SQLite {
		created = now.Format(sqlite3.SQLiteTimestampFormats[0])
	}
	args := make([]any, 0, insertRows*(strings.Count(entryColumns, ",")+1))
	ids := make([]int64, 0, insertRows)
	var full *sql.Stmt
	for start := 0; start < len(entries); start += insertRows {
		chunk := order[start:min(start+insertRows, len(entries))]
		args = args[:0]
		for _, i := range chunk {
			entries[i].ID, entries[i].CreatedAt = 0, now
			args = entryArgs(args, &entries[i], created)
		}
		var rows *sql.Rows
		if len(chunk) == insertRows && s.insertStmt != nil {
			if full == nil {
				full = raw.StmtContext(step, s.insertStmt)
			}
			rows, err = full.QueryContext(step, args...)
		} else {
			rows, err = raw.QueryContext(step, insertSQL(s.dialect, len(chunk)), args...)
		}
		if err != nil {
			return cancelled(ctx, entryWriteError(translate(tx, err)))
		}
		if ids, err = scanIDs(rows, ids[:0]); err != nil {
			return cancelled(ctx, entryWriteError(translate(tx, err)))
		}
		if len(ids) != len(chunk) {
			return fmt.Errorf("store: insert of %d entries returned %d ids", len(chunk), len(ids))
		}
		// Neither engine promises the order of RETURNING's rows; ids are handed out as the
		// rows are inserted, in the order of VALUES, so the smallest is the first row's.
		slices.Sort(ids)
		for k, i := range chunk {
			entries[i].ID = ids[k]
		}
	}
	return nil
}

// scanIDs appends the ids rows return and closes them.
func scanIDs(rows *sql.Rows, ids []int64) ([]int64, error) {
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return ids, err
	}
	return ids, rows.Close()
}

// translate turns a driver's error into GORM's (a unique violation into
// gorm.ErrDuplicatedKey), as GORM does for its own statements.
func translate(tx *gorm.DB, err error) error {
	if t, ok := tx.Dialector.(gorm.ErrorTranslator); ok {
		return t.Translate(err)
	}
	return err
}
