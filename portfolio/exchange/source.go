package exchange

import (
	"context"
	"fmt"
	"io"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// Kind names an export.
type Kind string

// The exports.
const (
	TaxCSV     Kind = "tax"
	TaxSummary Kind = "tax-summary"
	EntriesCSV Kind = "entries"
	Journal    Kind = "journal"
)

// EntrySource reads a user's entries with their networks, oldest first, from..to inclusive.
type EntrySource interface {
	EachEntry(ctx context.Context, userID int64, from, to portfolio.Date, fn func(portfolio.Entry, portfolio.Network) error) error
}

// Export is one export of one user's data: the API's downloads and the CLI both run it.
type Export struct {
	Kind         Kind
	UserID       int64
	BaseCurrency string
	Dialect      Dialect
	From, To     portfolio.Date // the entries' days, inclusive; all when both are zero
}

// ContentType is the export's media type.
func (e Export) ContentType() string {
	if e.Kind == Journal {
		return "text/plain; charset=utf-8"
	}
	return "text/csv; charset=utf-8"
}

// FileSuffix ends the export's file name: the dialect and the extension.
func (e Export) FileSuffix() string {
	if e.Kind == Journal {
		return ".ledger"
	}
	return "-" + e.Dialect.Name + ".csv"
}

// Run streams the export to w, reading the entries a page at a time.
func (e Export) Run(ctx context.Context, src EntrySource, w io.Writer) error {
	from, to := e.From, e.To
	if from == 0 && to == 0 {
		from, to = portfolio.NewDate(1900, 1, 1), portfolio.NewDate(9999, 12, 31)
	}
	each := func(fn func(Row) error) error {
		return src.EachEntry(ctx, e.UserID, from, to, func(entry portfolio.Entry, n portfolio.Network) error {
			return fn(Row{Entry: entry, Network: n.Name, NetworkKind: n.Kind})
		})
	}
	switch e.Kind {
	case TaxCSV:
		tw, err := NewTaxWriter(w, e.Dialect, e.BaseCurrency)
		if err != nil {
			return err
		}
		if err := each(func(r Row) error { _, err := tw.Write(r); return err }); err != nil {
			return err
		}
		return tw.Flush()
	case TaxSummary:
		s := NewSummary()
		if err := each(func(r Row) error { s.Add(r); return nil }); err != nil {
			return err
		}
		return s.Write(w, e.Dialect, e.BaseCurrency)
	case EntriesCSV:
		ew, err := NewEntriesWriter(w, e.Dialect)
		if err != nil {
			return err
		}
		if err := each(ew.Write); err != nil {
			return err
		}
		return ew.Flush()
	case Journal:
		jw := NewJournalWriter(w, e.BaseCurrency)
		if err := each(jw.Write); err != nil {
			return err
		}
		return jw.Flush()
	}
	return fmt.Errorf("unknown export %q", e.Kind)
}

// NewImportSource reads an entries CSV as the store's import source: each line an item, or
// the line's problem with its line number and column.
func NewImportSource(r io.Reader) (store.ImportSource, error) {
	er, err := NewEntriesReader(r)
	if err != nil {
		return nil, err
	}
	return func() (store.ImportItem, *store.ImportError, error) {
		row, lineErr, err := er.Next()
		if err != nil {
			return store.ImportItem{}, nil, err
		}
		if lineErr != nil {
			return store.ImportItem{}, &store.ImportError{Line: lineErr.Line, Column: lineErr.Column, Message: lineErr.Message}, nil
		}
		return store.ImportItem{Line: row.Line, Network: row.Network, NetworkKind: row.NetworkKind, Entry: row.Entry}, nil, nil
	}, nil
}
