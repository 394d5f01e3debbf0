package store

import (
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

// refreshDays recomputes the days of the given entries from the entries table.
func refreshDays(tx *gorm.DB, keys []dayKey) error {
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
				" WHERE e.network_id = ? AND e.date IN ? GROUP BY e.user_id, e.network_id, e.date", n, chunk).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// rebuildDays recomputes every day of every user, after rows arrived by another way (a
// migration, a copy).
func rebuildDays(tx *gorm.DB) error {
	if err := tx.Exec("DELETE FROM entry_days").Error; err != nil {
		return err
	}
	return tx.Exec("INSERT INTO entry_days " + dayColumns + " " + daySelect + " GROUP BY e.user_id, e.network_id, e.date").Error
}

func entryKeys(entries []portfolio.Entry) []dayKey {
	keys := make([]dayKey, len(entries))
	for i, e := range entries {
		keys[i] = dayKey{e.NetworkID, e.Date}
	}
	return keys
}
