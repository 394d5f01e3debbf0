package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// EachEntry calls fn for each of the user's entries dated from..to (inclusive), oldest first
// (by date, then by id), with the entry's network. The entries carry what the exports need:
// NetworkID, Date, Kind, Amount, Currency, BaseAmount, BaseUnits, IncomeClass, Note,
// ExternalID and UnitsPerEUR.
//
// One query's rows are streamed inside a read transaction, so the export is consistent and
// its memory constant however many entries there are. They are read on a goroutine of their
// own, a batch at a time, while fn runs on the caller's: on two cores reading the rows and
// writing them out overlap. When fn fails, the reading stops and fn's error is returned.
// The rows are scanned by hand, without GORM's reflection, and only the columns named above
// are read: with cgo every column of every row costs calls.
func (s *Store) EachEntry(ctx context.Context, userID int64, from, to portfolio.Date, fn func(portfolio.Entry, portfolio.Network) error) error {
	return s.readTx(ctx, func(tx *gorm.DB) error {
		var networks []portfolio.Network
		if err := tx.Where("user_id = ?", userID).Find(&networks).Error; err != nil {
			return err
		}
		byID := make(map[int64]portfolio.Network, len(networks))
		for _, n := range networks {
			byID[n.ID] = n
		}
		readCtx, stopReading := context.WithCancel(ctx)
		defer stopReading()
		full := make(chan []portfolio.Entry, exportBuffers)
		free := make(chan []portfolio.Entry, exportBuffers)
		for range exportBuffers {
			free <- make([]portfolio.Entry, 0, exportBatch)
		}
		read := make(chan error, 1)
		go func() {
			defer close(full)
			read <- s.readEntries(readCtx, tx, userID, from, to, free, full)
		}()
		var err error
	batches:
		for batch := range full {
			for _, e := range batch {
				if err = fn(e, byID[e.NetworkID]); err != nil {
					break batches
				}
			}
			free <- batch[:0]
		}
		stopReading()
		if readErr := <-read; err == nil {
			err = readErr
		}
		// The transaction ends with ctx, closing the rows under the reader: say why.
		return cancelled(ctx, err)
	})
}

// The rows of an export travel in exportBuffers batches of exportBatch entries each.
const (
	exportBatch   = 512
	exportBuffers = 4
)

// readEntries reads the entries of EachEntry into batches taken from free and sends them on
// full, until the rows or ctx end.
func (s *Store) readEntries(ctx context.Context, tx *gorm.DB, userID int64, from, to portfolio.Date, free <-chan []portfolio.Entry, full chan<- []portfolio.Entry) error {
	// With cgo each column of each row costs calls into SQLite, which would otherwise take
	// most of an export's time: so the columns of fixed syntax come joined into one text
	// (every write checks them: none can hold a space; parseFixedColumns insists on six
	// fields), and the free texts, mostly empty, as NULL (a NULL column costs one call, a
	// text three).
	rows, err := tx.WithContext(s.stepContext(ctx)).Raw(`SELECT network_id, base_units,
			date || ' ' || kind || ' ' || amount || ' ' || currency || ' ' || income_class || ' ' || units_per_eur,
			NULLIF(note, ''), NULLIF(external_id, '')
		FROM entries WHERE user_id = ? AND date >= ? AND date <= ? ORDER BY date, id`, userID, from, to).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var batch []portfolio.Entry
	take := func() error {
		select {
		case batch = <-free:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	send := func() error {
		select {
		case full <- batch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := take(); err != nil {
		return err
	}
	var fixed string
	var note, externalID sql.NullString
	for rows.Next() {
		e := portfolio.Entry{UserID: userID}
		if err := rows.Scan(&e.NetworkID, &e.BaseUnits, &fixed, &note, &externalID); err != nil {
			return err
		}
		if err := parseFixedColumns(fixed, &e); err != nil {
			return err
		}
		e.Note, e.ExternalID = note.String, externalID.String
		e.BaseAmount = portfolio.FromBaseUnits(e.BaseUnits)
		batch = append(batch, e)
		if len(batch) == exportBatch {
			// On SQLite the query cannot be cancelled (see stepContext): this is where it stops.
			if err := send(); err != nil {
				return err
			}
			if err := take(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// parseFixedColumns reads date, kind, amount, currency, income class and rate, joined by
// spaces, into e.
func parseFixedColumns(fixed string, e *portfolio.Entry) error {
	var f [6]string
	rest, more := fixed, true
	for i := range f {
		if !more {
			return fmt.Errorf("store: entry columns %q: want %d fields", fixed, len(f))
		}
		f[i], rest, more = strings.Cut(rest, " ")
	}
	if more {
		return fmt.Errorf("store: entry columns %q: more than %d fields", fixed, len(f))
	}
	var err error
	if e.Date, err = portfolio.ParseDate(f[0]); err != nil {
		return fmt.Errorf("store: entry date %q: %w", f[0], err)
	}
	if e.Amount, err = decimal.NewFromString(f[2]); err != nil {
		return fmt.Errorf("store: entry of %s: amount %q: %w", f[0], f[2], err)
	}
	e.Kind, e.Currency, e.IncomeClass, e.UnitsPerEUR = portfolio.EntryKind(f[1]), f[3], portfolio.IncomeClass(f[4]), f[5]
	return nil
}

// ImportItem is one line of an import: the entry and the network it names.
type ImportItem struct {
	Line        int
	Network     string
	NetworkKind portfolio.NetworkKind // needed only to create the network
	Entry       portfolio.Entry
}

// ImportError is what is wrong with one line of an import.
type ImportError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

func (e ImportError) Error() string {
	return fmt.Sprintf("line %d, %s: %s", e.Line, e.Column, e.Message)
}

// ImportSource yields an import's lines one at a time: an item, or what is wrong with the
// line; io.EOF after the last.
type ImportSource func() (ImportItem, *ImportError, error)

// ImportOptions choose how an import runs.
type ImportOptions struct {
	DryRun         bool // check and count everything, store nothing
	CreateNetworks bool // create networks the file names that do not exist yet
}

// ImportResult says what an import added (or would add) and what was wrong.
type ImportResult struct {
	DryRun          bool          `json:"dry_run"`
	Added           int           `json:"added"`
	Skipped         int           `json:"skipped"` // already there (same external id or same line)
	NetworksCreated []string      `json:"networks_created"`
	Errors          []ImportError `json:"errors"`
	ErrorCount      int           `json:"error_count"`
}

// maxImportErrors is how many line errors an import reports; it counts them all.
const maxImportErrors = 1000

// errRollback ends a transaction that must leave nothing behind: a dry run, or an import
// with errors.
var errRollback = errors.New("rollback")

// Import reads every line of src and stores the entries in one transaction, all or nothing:
// any line with an error and nothing is stored. Lines whose external id (or, without one,
// whose import hash) the user has already are skipped, so importing a file twice adds nothing.
func (s *Store) Import(ctx context.Context, userID int64, src ImportSource, opt ImportOptions) (ImportResult, error) {
	res := ImportResult{DryRun: opt.DryRun, NetworksCreated: []string{}, Errors: []ImportError{}}
	fail := func(e ImportError) {
		res.ErrorCount++
		if len(res.Errors) < maxImportErrors {
			res.Errors = append(res.Errors, e)
		}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// Move the user's version first: its row lock serialises this import with the user's
		// other writers, so the daily sums refreshed below see their committed entries.
		if err := touch(tx, userID); err != nil {
			return err
		}
		ec, err := s.newEntryContext(tx, userID)
		if err != nil {
			return err
		}
		byName := make(map[string]int64, len(ec.networks))
		for _, n := range ec.networks {
			byName[strings.ToLower(n.Name)] = n.ID
		}
		seen := map[string]bool{}      // external ids and hashes met earlier in this file
		occurrence := map[string]int{} // how often each content was met so far in this file
		var batch []portfolio.Entry
		var nth []int // for entries without an external id: the how-many-th of its content
		var had int64
		if err := tx.Model(&portfolio.Entry{}).Where("user_id = ?", userID).Limit(1).Count(&had).Error; err != nil {
			return err
		}
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			// A user who had no entries has nothing to skip: repeats within the file are
			// caught by seen, concurrent imports by the unique indexes.
			if had > 0 {
				if err := s.dropExisting(tx, userID, &batch, &nth, true, &res); err != nil {
					return err
				}
			}
			if res.ErrorCount == 0 && len(batch) > 0 {
				if err := s.insertEntries(ctx, tx, batch); err != nil {
					return err
				}
				if err := s.addToDays(ctx, tx, userID, batch); err != nil {
					return err
				}
			}
			res.Added += len(batch)
			batch, nth = batch[:0], nth[:0]
			return nil
		}
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			item, lineErr, err := src()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if lineErr != nil {
				fail(*lineErr)
				continue
			}
			key := item.Entry.ExternalID
			if key == "" {
				key = "#" + item.Entry.ImportHash
			}
			if key != "#" && seen[key] {
				res.Skipped++
				continue
			}
			seen[key] = true
			id, ok := byName[strings.ToLower(item.Network)]
			if !ok {
				n, err := s.importNetwork(tx, ec, item, opt)
				if err != nil {
					var v *portfolio.ValidationError
					if errors.As(err, &v) {
						fail(ImportError{Line: item.Line, Column: "network", Message: v.Error()})
						continue
					}
					return err
				}
				id = n.ID
				byName[strings.ToLower(n.Name)] = id
				res.NetworksCreated = append(res.NetworksCreated, n.Name)
			}
			item.Entry.NetworkID = id
			if err := ec.prepare(&item.Entry); err != nil {
				var v *portfolio.ValidationError
				if !errors.As(err, &v) {
					return err
				}
				for field, msg := range v.Fields {
					fail(ImportError{Line: item.Line, Column: field, Message: msg})
				}
				continue
			}
			n := 0
			if item.Entry.ExternalID == "" {
				k := contentKey(item.Entry)
				occurrence[k]++
				n = occurrence[k]
			}
			batch, nth = append(batch, item.Entry), append(nth, n)
			if len(batch) >= 1000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if res.ErrorCount > 0 || opt.DryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return res, err
	}
	return res, nil
}

// importNetwork creates the network an import line names, when the import may.
func (s *Store) importNetwork(tx *gorm.DB, ec *entryContext, item ImportItem, opt ImportOptions) (portfolio.Network, error) {
	if !opt.CreateNetworks {
		return portfolio.Network{}, &portfolio.ValidationError{Message: fmt.Sprintf("no network named %q; import with create_networks=true to create it", item.Network)}
	}
	kind := item.NetworkKind
	if kind == "" {
		return portfolio.Network{}, &portfolio.ValidationError{Message: fmt.Sprintf("no network named %q, and no network_kind to create it with", item.Network)}
	}
	currency := item.Entry.Currency
	if currency == "" {
		currency = ec.user.BaseCurrency
	}
	n := portfolio.Network{UserID: ec.user.ID, Name: strings.TrimSpace(item.Network), Kind: kind, Status: portfolio.StatusActive,
		Currency: currency, JoinedOn: item.Entry.Date}
	if err := n.Validate(); err != nil {
		return n, err
	}
	if err := tx.Create(&n).Error; err != nil {
		return n, networkWriteError(err)
	}
	ec.networks[n.ID] = n
	return n, nil
}

// dropExisting removes from batch the entries the user has already and counts them as
// skipped: the same external id; without one, the same import hash, or — for entries recorded
// another way (the API, the dashboard) — as many entries with the same content as this line is
// the how-many-th of in the file, so a file exported and imported again adds nothing while two
// equal payouts on one day stay two.
func (s *Store) dropExisting(tx *gorm.DB, userID int64, batch *[]portfolio.Entry, nth *[]int, byContent bool, res *ImportResult) error {
	var ids, hashes []string
	for _, e := range *batch {
		if e.ExternalID != "" {
			ids = append(ids, e.ExternalID)
		} else if e.ImportHash != "" {
			hashes = append(hashes, e.ImportHash)
		}
	}
	have := map[string]bool{}
	for _, q := range []struct {
		column string
		values []string
	}{{"external_id", ids}, {"import_hash", hashes}} {
		if len(q.values) == 0 {
			continue
		}
		var found []string
		// "<> ''" lets PostgreSQL use the partial unique index even with a generic plan.
		if err := tx.Model(&portfolio.Entry{}).Where("user_id = ? AND "+q.column+" <> '' AND "+q.column+" IN ?", userID, q.values).Pluck(q.column, &found).Error; err != nil {
			return err
		}
		for _, v := range found {
			have[q.column+":"+v] = true
		}
	}
	kept, keptNth := (*batch)[:0], (*nth)[:0]
	for i, e := range *batch {
		dup := (e.ExternalID != "" && have["external_id:"+e.ExternalID]) || (e.ExternalID == "" && e.ImportHash != "" && have["import_hash:"+e.ImportHash])
		if !dup && e.ExternalID == "" && byContent {
			var same int64
			err := tx.Model(&portfolio.Entry{}).Where("user_id = ? AND network_id = ? AND date = ? AND kind = ? AND amount = ? AND currency = ? AND note = ?",
				userID, e.NetworkID, e.Date, e.Kind, e.Amount, e.Currency, e.Note).Count(&same).Error
			if err != nil {
				return err
			}
			dup = same >= int64((*nth)[i])
		}
		if dup {
			res.Skipped++
			continue
		}
		kept, keptNth = append(kept, e), append(keptNth, (*nth)[i])
	}
	*batch, *nth = kept, keptNth
	return nil
}

// contentKey identifies what an entry records, for telling equal lines apart by count.
func contentKey(e portfolio.Entry) string {
	return fmt.Sprintf("%d|%s|%s|%s|%s|%s", e.NetworkID, e.Date, e.Kind, e.Amount.String(), e.Currency, e.Note)
}
