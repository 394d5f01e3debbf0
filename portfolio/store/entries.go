package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// ItemError says which item of a batch failed; Err is the item's own error.
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index, e.Err) }
func (e *ItemError) Unwrap() error { return e.Err }

// EntryFilter narrows Entries; zero fields do not filter.
type EntryFilter struct {
	NetworkID int64
	Kind      portfolio.EntryKind
	From, To  *portfolio.Date
	Limit     int    // 1–1000; 100 when 0
	Cursor    string // from the previous page's next cursor
}

// ErrBadCursor is a cursor this store did not hand out.
var ErrBadCursor = errors.New("invalid cursor")

// Entries lists the user's entries, newest first (by date, then by id), a page at a time.
// The returned cursor is empty on the last page.
func (s *Store) Entries(ctx context.Context, userID int64, f EntryFilter) ([]portfolio.Entry, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q := s.r.WithContext(ctx).Where("user_id = ?", userID)
	if f.NetworkID != 0 {
		q = q.Where("network_id = ?", f.NetworkID)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.From != nil {
		q = q.Where("date >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("date <= ?", *f.To)
	}
	if f.Cursor != "" {
		day, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("(date < ? OR (date = ? AND id < ?))", day, day, id)
	}
	entries := make([]portfolio.Entry, 0, limit+1)
	if err := q.Order("date DESC, id DESC").Limit(limit + 1).Find(&entries).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(entries) > limit {
		entries = entries[:limit]
		last := entries[limit-1]
		next = encodeCursor(last.Date, last.ID)
	}
	return entries, next, nil
}

func encodeCursor(day portfolio.Date, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(day.String() + "/" + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (portfolio.Date, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, ErrBadCursor
	}
	dayText, idText, ok := strings.Cut(string(b), "/")
	day, err1 := portfolio.ParseDate(dayText)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, ErrBadCursor
	}
	return day, id, nil
}

// Entry returns one of the user's entries.
func (s *Store) Entry(ctx context.Context, userID, id int64) (portfolio.Entry, error) {
	return entry(s.r.WithContext(ctx), userID, id)
}

func entry(db *gorm.DB, userID, id int64) (portfolio.Entry, error) {
	var e portfolio.Entry
	err := db.Where("user_id = ? AND id = ?", userID, id).Take(&e).Error
	return e, notFound(err)
}

// entryContext is what checking and converting entries needs, loaded once per transaction.
type entryContext struct {
	tx       *gorm.DB
	user     portfolio.User
	networks map[int64]portfolio.Network
	rates    *rateBook
}

func (s *Store) newEntryContext(tx *gorm.DB, userID int64) (*entryContext, error) {
	var u userRow
	if err := tx.Where("id = ?", userID).Take(&u).Error; err != nil {
		return nil, notFound(err)
	}
	var nets []portfolio.Network
	if err := tx.Where("user_id = ?", userID).Find(&nets).Error; err != nil {
		return nil, err
	}
	ec := &entryContext{tx: tx, user: u.user(), networks: make(map[int64]portfolio.Network, len(nets)), rates: newRateBook(tx, userID)}
	for _, n := range nets {
		ec.networks[n.ID] = n
	}
	return ec, nil
}

// prepare fills an entry's defaults (currency and income class from its network), validates
// it and sets its base amount: the one it came with, or one converted at the day's rates.
func (ec *entryContext) prepare(e *portfolio.Entry) error {
	e.UserID = ec.user.ID
	n, ok := ec.networks[e.NetworkID]
	if !ok {
		return &portfolio.ValidationError{Fields: portfolio.Fields{"network_id": "no such network"}}
	}
	if e.Currency == "" {
		e.Currency = n.Currency
	}
	if e.Kind == portfolio.Payout && e.IncomeClass == "" {
		e.IncomeClass = portfolio.DefaultIncomeClass(n.Kind)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if e.BaseGiven {
		e.UnitsPerEUR = ""
		return e.SetBase(e.BaseAmount, true)
	}
	base, rate, err := ec.rates.toBase(e.Amount, e.Currency, ec.user.BaseCurrency, e.Date)
	if err != nil {
		return err
	}
	e.UnitsPerEUR = rate
	return e.SetBase(base, false)
}

// CreateEntries checks and stores entries for the user, all or nothing. A failing item comes
// back as an *ItemError; an external id that exists already (or twice in the batch) is a
// *ConflictError carrying the existing entry's id.
func (s *Store) CreateEntries(ctx context.Context, userID int64, entries []portfolio.Entry) ([]portfolio.Entry, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockUser(tx, userID); err != nil {
			return err
		}
		ec, err := s.newEntryContext(tx, userID)
		if err != nil {
			return err
		}
		for i := range entries {
			entries[i].ID = 0
			if err := ec.prepare(&entries[i]); err != nil {
				return &ItemError{Index: i, Err: err}
			}
		}
		if err := checkExternalIDs(tx, userID, entries); err != nil {
			return err
		}
		if err := s.insertEntries(ctx, tx, entries); err != nil {
			return err
		}
		if err := touch(tx, userID); err != nil {
			return err
		}
		return s.addToDays(ctx, tx, userID, entries)
	})
	return entries, err
}

func checkExternalIDs(tx *gorm.DB, userID int64, entries []portfolio.Entry) error {
	index := map[string]int{}
	var ids []string
	for i, e := range entries {
		if e.ExternalID == "" {
			continue
		}
		if _, dup := index[e.ExternalID]; dup {
			return &ItemError{Index: i, Err: &ConflictError{Field: "external_id", Message: fmt.Sprintf("external_id %q appears twice in the batch", e.ExternalID)}}
		}
		index[e.ExternalID] = i
		ids = append(ids, e.ExternalID)
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		var existing []portfolio.Entry
		if err := tx.Select("id, external_id").Where("user_id = ? AND external_id <> '' AND external_id IN ?", userID, chunk).Limit(1).Find(&existing).Error; err != nil {
			return err
		}
		if len(existing) > 0 {
			x := existing[0]
			return &ItemError{Index: index[x.ExternalID], Err: externalIDConflict(x)}
		}
	}
	return nil
}

func externalIDConflict(existing portfolio.Entry) *ConflictError {
	return &ConflictError{Field: "external_id", ExistingID: existing.ID,
		Message: fmt.Sprintf("an entry with external_id %q exists (id %d)", existing.ExternalID, existing.ID)}
}

// entryWriteError turns a unique-index violation that a concurrent writer caused into a
// conflict.
func entryWriteError(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &ConflictError{Field: "external_id", Message: "an entry with this external_id exists"}
	}
	return err
}

// UpdateEntry loads one of the user's entries, lets apply change it, then checks it and
// recomputes its base amount (unless it carries one of its own) in one transaction.
func (s *Store) UpdateEntry(ctx context.Context, userID, id int64, apply func(*portfolio.Entry) error) (portfolio.Entry, error) {
	var e portfolio.Entry
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockUser(tx, userID); err != nil {
			return err
		}
		var err error
		if e, err = entry(tx, userID, id); err != nil {
			return err
		}
		oldExternal, oldDay := e.ExternalID, dayKey{e.NetworkID, e.Date}
		if err := apply(&e); err != nil {
			return err
		}
		e.ID = id
		ec, err := s.newEntryContext(tx, userID)
		if err != nil {
			return err
		}
		if err := ec.prepare(&e); err != nil {
			return err
		}
		if e.ExternalID != "" && e.ExternalID != oldExternal {
			var existing []portfolio.Entry
			if err := tx.Select("id, external_id").Where("user_id = ? AND external_id = ? AND id <> ?", userID, e.ExternalID, id).Limit(1).Find(&existing).Error; err != nil {
				return err
			}
			if len(existing) > 0 {
				return externalIDConflict(existing[0])
			}
		}
		if err := tx.Select("*").Omit("created_at").Save(&e).Error; err != nil {
			return entryWriteError(err)
		}
		return touch(tx, userID, oldDay, dayKey{e.NetworkID, e.Date})
	})
	return e, err
}

// DeleteEntry removes one of the user's entries.
func (s *Store) DeleteEntry(ctx context.Context, userID, id int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockUser(tx, userID); err != nil {
			return err
		}
		e, err := entry(tx, userID, id)
		if err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND id = ?", userID, id).Delete(&portfolio.Entry{}).Error; err != nil {
			return err
		}
		return touch(tx, userID, dayKey{e.NetworkID, e.Date})
	})
}

// CountEntries counts the user's entries.
func (s *Store) CountEntries(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&portfolio.Entry{}).Where("user_id = ?", userID).Count(&n).Error
	return n, err
}
