package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/netfolio/netfolio/portfolio"
)

// SharedRates is the owner id of rates that every user sees (the ECB rates job imports them);
// a user's own rates win over shared ones of the same currency and day.
const SharedRates = 0

type rateRow struct {
	UserID      int64          `gorm:"primaryKey;autoIncrement:false"`
	Currency    string         `gorm:"primaryKey"`
	Date        portfolio.Date `gorm:"primaryKey"`
	UnitsPerEUR string         `gorm:"column:units_per_eur"` // exact text, as published (1.1690)
}

func (rateRow) TableName() string { return "rates" }

// RateView is a rate as a user sees it, with where it comes from.
type RateView struct {
	portfolio.Rate
	Shared bool
}

// PutRates upserts rates for a user (or SharedRates) in one transaction and returns how many
// it wrote.
func (s *Store) PutRates(ctx context.Context, userID int64, rates []portfolio.Rate) (int, error) {
	if len(rates) == 0 {
		return 0, nil
	}
	rows := make([]rateRow, 0, len(rates))
	for i, r := range rates {
		if !portfolio.ValidCurrency(r.Currency) {
			return 0, &portfolio.ValidationError{Fields: portfolio.Fields{fmt.Sprintf("[%d].currency", i): "must be 2–10 upper-case letters or digits"}}
		}
		if r.Currency == "EUR" && !r.UnitsPerEUR.Equal(decimal.NewFromInt(1)) {
			return 0, &portfolio.ValidationError{Fields: portfolio.Fields{fmt.Sprintf("[%d].units_per_eur", i): "EUR is always 1"}}
		}
		if !r.UnitsPerEUR.IsPositive() {
			return 0, &portfolio.ValidationError{Fields: portfolio.Fields{fmt.Sprintf("[%d].units_per_eur", i): "must be > 0"}}
		}
		rows = append(rows, rateRow{UserID: userID, Currency: r.Currency, Date: r.Date, UnitsPerEUR: portfolio.FormatExact(r.UnitsPerEUR)})
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}, {Name: "currency"}, {Name: "date"}},
			DoUpdates: clause.AssignmentColumns([]string{"units_per_eur"}),
		}).CreateInBatches(rows, 500).Error
	})
	if err != nil {
		return 0, fmt.Errorf("store rates: %w", err)
	}
	return len(rows), nil
}

// RateFilter narrows Rates; zero fields do not filter.
type RateFilter struct {
	Currency string
	From, To *portfolio.Date
}

// Rates lists the rates a user sees, by currency and date: the user's own, and the shared ones
// where the user has none for that currency and day.
func (s *Store) Rates(ctx context.Context, userID int64, f RateFilter) ([]RateView, error) {
	q := s.r.WithContext(ctx).Where("user_id IN ?", []int64{SharedRates, userID})
	if f.Currency != "" {
		q = q.Where("currency = ?", f.Currency)
	}
	if f.From != nil {
		q = q.Where("date >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("date <= ?", *f.To)
	}
	var rows []rateRow
	if err := q.Order("currency, date, user_id DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]RateView, 0, len(rows))
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].Currency == r.Currency && out[n-1].Date == r.Date {
			continue // the user's own rate came first
		}
		v, err := decimal.NewFromString(r.UnitsPerEUR)
		if err != nil {
			return nil, fmt.Errorf("rate %s on %s: %w", r.Currency, r.Date, err)
		}
		out = append(out, RateView{Rate: portfolio.Rate{Date: r.Date, Currency: r.Currency, UnitsPerEUR: v}, Shared: r.UserID == SharedRates})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Currency != out[j].Currency {
			return out[i].Currency < out[j].Currency
		}
		return out[i].Date < out[j].Date
	})
	return out, nil
}

// rateBook looks up rates for one user within a transaction and remembers what it found.
type rateBook struct {
	db     *gorm.DB
	userID int64
	cache  map[rateKey]*decimal.Decimal
}

type rateKey struct {
	currency string
	date     portfolio.Date
}

func newRateBook(db *gorm.DB, userID int64) *rateBook {
	return &rateBook{db: db, userID: userID, cache: map[rateKey]*decimal.Decimal{}}
}

// unitsPerEUR returns the latest rate on or before day, at most MaxRateAge days old; nil when
// there is none. EUR is always 1.
func (b *rateBook) unitsPerEUR(currency string, day portfolio.Date) (*decimal.Decimal, error) {
	if currency == "EUR" {
		one := decimal.NewFromInt(1)
		return &one, nil
	}
	key := rateKey{currency, day}
	if r, ok := b.cache[key]; ok {
		return r, nil
	}
	var rows []rateRow
	err := b.db.Where("user_id IN ? AND currency = ? AND date <= ? AND date >= ?",
		[]int64{SharedRates, b.userID}, currency, day, day-portfolio.MaxRateAge).
		Order("date DESC, user_id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("look up %s rate: %w", currency, err)
	}
	var r *decimal.Decimal
	if len(rows) == 1 {
		v, err := decimal.NewFromString(rows[0].UnitsPerEUR)
		if err != nil {
			return nil, fmt.Errorf("%s rate on %s: %w", currency, rows[0].Date, err)
		}
		r = &v
	}
	b.cache[key] = r
	return r, nil
}

// toBase converts an amount on a day into the base currency and returns the currency's rate
// it used ("" when it needed none); a missing rate is a validation error that names the
// currency and the day.
func (b *rateBook) toBase(amount decimal.Decimal, currency, base string, day portfolio.Date) (decimal.Decimal, string, error) {
	if currency == base || amount.IsZero() {
		rate := ""
		if currency == "EUR" {
			rate = "1"
		}
		return amount.Round(portfolio.BaseUnitPlaces), rate, nil
	}
	baseRate, err := b.unitsPerEUR(base, day)
	if err != nil {
		return decimal.Zero, "", err
	}
	curRate, err := b.unitsPerEUR(currency, day)
	if err != nil {
		return decimal.Zero, "", err
	}
	for _, missing := range []struct {
		code string
		rate *decimal.Decimal
	}{{currency, curRate}, {base, baseRate}} {
		if missing.rate == nil {
			return decimal.Zero, "", &portfolio.ValidationError{
				Message: fmt.Sprintf("no exchange rate for %s on %s or the %d days before; add one with PUT /api/v1/rates or send base_amount", missing.code, day, portfolio.MaxRateAge),
				Fields:  portfolio.Fields{"currency": fmt.Sprintf("no exchange rate for %s on %s", missing.code, day)},
			}
		}
	}
	return portfolio.Convert(amount, *baseRate, *curRate), portfolio.FormatExact(*curRate), nil
}
