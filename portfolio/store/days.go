package store

import (
	"context"
	"math"
	"sort"

	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// entry_days keeps, per network and day, the sums the figures need and the day's last
// balance. Every write of entries refreshes the days it touches in the same transaction, so
// the figures read tens of thousands of rows instead of summing a million.
const daySelect = `SELECT e.user_id, e.network_id, e.date,
	SUM(CASE WHEN e.kind = 'investment' THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind IN ('purchase', 'fee') THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind = 'payout' AND e.income_class = 'active' THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind = 'payout' AND e.income_class = 'passive' THEN e.base_units ELSE 0 END),
	SUM(CASE WHEN e.kind = 'payout' AND e.income_class NOT IN ('active', 'passive') THEN e.base_units ELSE 0 END),
	MAX(CASE WHEN e.kind IN ('investment', 'purchase', 'fee', 'payout') THEN e.id ELSE 0 END),
	MAX(CASE WHEN e.kind = 'balance' THEN e.id END)
FROM entries e`

const dayColumns = `(user_id, network_id, date, investment, other_outlay, payout_active, payout_passive, payout_capital, last_id, balance_id)`

// dayKey names one network's day.
type dayKey struct {
	network int64
	date    portfolio.Date
}

// refreshDays recomputes the user's given days from the entries table: what a write that
// changes or deletes entries needs. Like addToDays it must come after touch, whose row lock
// orders the user's concurrent writers on PostgreSQL.
func refreshDays(tx *gorm.DB, userID int64, keys []dayKey) error {
	byNetwork := map[int64][]portfolio.Date{}
	seen := map[dayKey]bool{}
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			byNetwork[k.network] = append(byNetwork[k.network], k.date)
		}
	}
	networks := make([]int64, 0, len(byNetwork))
	for n := range byNetwork {
		networks = append(networks, n)
	}
	sort.Slice(networks, func(i, j int) bool { return networks[i] < networks[j] })
	for _, n := range networks {
		dates := byNetwork[n]
		for start := 0; start < len(dates); start += 500 {
			chunk := dates[start:min(start+500, len(dates))]
			if err := tx.Exec("DELETE FROM entry_days WHERE network_id = ? AND date IN ?", n, chunk).Error; err != nil {
				return err
			}
			if err := tx.Exec("INSERT INTO entry_days "+dayColumns+" "+daySelect+
				" WHERE e.user_id = ? AND e.network_id = ? AND e.date IN ? GROUP BY e.user_id, e.network_id, e.date", userID, n, chunk).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// addToDays adds entries just inserted (with their ids) to the sums of their days. Inserts
// only ever add, so the days need not be summed again from the entries: a batch of a
// thousand entries costs one upsert per day it touches, however many entries those days
// already have. The result equals refreshDays' (assertDaysAreTheEntries in the tests). A
// day's sum that would not fit the 64-bit column is refused (errDayTooLarge), never wrapped.
// Call it after touch, as refreshDays.
func (s *Store) addToDays(ctx context.Context, tx *gorm.DB, userID int64, entries []portfolio.Entry) error {
	raw, err := sqlTx(tx)
	if err != nil {
		return err
	}
	type day struct {
		sums      [5]int64 // investment, other outlay, payouts active, passive, capital
		lastID    int64    // the largest id of an entry with a cash flow kind (0: none)
		balanceID int64    // the largest id of a balance (0: none)
	}
	days := map[dayKey]*day{}
	var keys []dayKey
	for _, e := range entries {
		k := dayKey{e.NetworkID, e.Date}
		d := days[k]
		if d == nil {
			d = &day{}
			days[k] = d
			keys = append(keys, k)
		}
		sum := -1
		switch e.Kind {
		case portfolio.Investment:
			sum = 0
		case portfolio.Purchase, portfolio.Fee:
			sum = 1
		case portfolio.Payout:
			switch e.IncomeClass {
			case portfolio.ClassActive:
				sum = 2
			case portfolio.ClassPassive:
				sum = 3
			default:
				sum = 4
			}
		case portfolio.Balance:
			d.balanceID = max(d.balanceID, e.ID)
		}
		if sum >= 0 {
			// Base units are never negative (Entry.SetBase).
			if d.sums[sum] > math.MaxInt64-e.BaseUnits {
				return errDayTooLarge()
			}
			d.sums[sum] += e.BaseUnits
		}
		if e.Kind.CashSign() != 0 {
			d.lastID = max(d.lastID, e.ID)
		}
	}
	// Sorted, so that concurrent writers lock the rows in one order.
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].network != keys[j].network {
			return keys[i].network < keys[j].network
		}
		return keys[i].date < keys[j].date
	})
	const perStatement = 500
	for start := 0; start < len(keys); start += perStatement {
		chunk := keys[start:min(start+perStatement, len(keys))]
		args := make([]any, 0, len(chunk)*10)
		for _, k := range chunk {
			d := days[k]
			var balance any
			if d.balanceID != 0 {
				balance = d.balanceID
			}
			args = append(args, userID, k.network, k.date, d.sums[0], d.sums[1], d.sums[2], d.sums[3], d.sums[4], d.lastID, balance)
		}
		upsert := "INSERT INTO entry_days " + dayColumns + " VALUES " + valueRows(s.dialect, len(chunk), 10) + ` ON CONFLICT (network_id, date) DO UPDATE SET
			investment = entry_days.investment + excluded.investment,
			other_outlay = entry_days.other_outlay + excluded.other_outlay,
			payout_active = entry_days.payout_active + excluded.payout_active,
			payout_passive = entry_days.payout_passive + excluded.payout_passive,
			payout_capital = entry_days.payout_capital + excluded.payout_capital,
			last_id = CASE WHEN excluded.last_id > entry_days.last_id THEN excluded.last_id ELSE entry_days.last_id END,
			balance_id = COALESCE(CASE WHEN excluded.balance_id > entry_days.balance_id THEN excluded.balance_id ELSE entry_days.balance_id END, excluded.balance_id)
			WHERE entry_days.investment <= 9223372036854775807 - excluded.investment
				AND entry_days.other_outlay <= 9223372036854775807 - excluded.other_outlay
				AND entry_days.payout_active <= 9223372036854775807 - excluded.payout_active
				AND entry_days.payout_passive <= 9223372036854775807 - excluded.payout_passive
				AND entry_days.payout_capital <= 9223372036854775807 - excluded.payout_capital`
		res, err := raw.ExecContext(s.stepContext(ctx), upsert, args...)
		if err != nil {
			return cancelled(ctx, err)
		}
		// A day whose sum would overflow is neither inserted nor updated (the WHERE above).
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != int64(len(chunk)) {
			return errDayTooLarge()
		}
	}
	return nil
}

// errDayTooLarge refuses entries whose day would sum to more than the daily sums can hold
// (about 92 billion in the base currency per network, day and kind).
func errDayTooLarge() error {
	return &portfolio.ValidationError{Fields: portfolio.Fields{"base_amount": "the network's entries of this kind on this day would add up to more than 92233720368.54775807 in the base currency"}}
}

// rebuildDays recomputes every day of every user, after rows arrived by another way (a
// migration, a copy).
func rebuildDays(tx *gorm.DB) error {
	if err := tx.Exec("DELETE FROM entry_days").Error; err != nil {
		return err
	}
	return tx.Exec("INSERT INTO entry_days " + dayColumns + " " + daySelect + " GROUP BY e.user_id, e.network_id, e.date").Error
}
