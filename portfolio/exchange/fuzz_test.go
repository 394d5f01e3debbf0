package exchange

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/netfolio/netfolio/portfolio"
)

// FuzzEntriesReader checks that the reader never panics, that every line it accepts or
// refuses is a data line (2 or later) in order, and that a file that imports exports back
// to an equivalent file: the imported rows, written with EntriesWriter in either dialect
// (with the base amount the store would give them) and read back, are the same entries with
// the same hashes, and writing them again gives the same bytes.
func FuzzEntriesReader(f *testing.F) {
	// badLines without its last line, a 10,000-character note: large seeds make the fuzzer
	// spend its time minimising.
	shortBadLines := badLines[:strings.LastIndex(strings.TrimSuffix(badLines, "\n"), "\n")+1]
	for _, seed := range []string{
		entriesIntl, entriesGerman, germanHandmade, shortBadLines, taxIntl, taxGerman,
		"date,network,kind,amount\n2025-01-01,A,payout,5\n2025-01-01,A,payout,5\n",
		"Datum;Netzwerk;Buchungsart;Betrag;Notiz\r\n01.01.2025;'=A;Gebühr;1,5;\"a\r\r\nb\"\r\n",
		"date,network,kind,amount,note,external_id\n2025-01-01, '-x ,fee,1e3,'''@,\t'+y\n",
		"kind,amount,network,date,base_amount,currency,income_class,network_kind\nbalance,0,X,1.1.1900,0.00000001,eth,,product\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewEntriesReader(bytes.NewReader(data))
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("header error of an unexpected type: %T %v", err, err)
			}
			return
		}
		var rows []ImportRow
		last := 1
		for {
			row, lerr, err := r.Next()
			if err != nil {
				break // io.EOF, or a line too long
			}
			line := row.Line
			if lerr != nil {
				line = lerr.Line
			}
			if line <= last {
				t.Fatalf("line %d after line %d", line, last)
			}
			last = line
			if lerr == nil {
				rows = append(rows, row)
			}
		}
		if len(rows) == 0 {
			return
		}
		// What the store does with an imported line before exporting it: a base amount.
		stored := make([]Row, len(rows))
		for i, row := range rows {
			e := row.Entry
			if !e.BaseGiven {
				base := e.Amount.Round(portfolio.BaseUnitPlaces)
				if base.Abs().Cmp(portfolio.MaxBaseAmount) >= 0 {
					base = portfolio.MaxBaseAmount.Sub(portfolio.FromBaseUnits(1))
				}
				if err := e.SetBase(base, false); err != nil {
					t.Fatalf("line %d: %v", row.Line, err)
				}
			}
			stored[i] = Row{Entry: e, Network: row.Network, NetworkKind: row.NetworkKind}
		}
		for _, d := range []Dialect{Intl, German} {
			file := writeEntries(t, d, stored)
			back, errs, err := readAll(t, file)
			if err != nil || len(errs) != 0 {
				t.Fatalf("%s: our own export does not import: %v %v\n%q", d.Name, err, errs, file)
			}
			if len(back) != len(rows) {
				t.Fatalf("%s: %d rows back, %d imported", d.Name, len(back), len(rows))
			}
			for i := range rows {
				sameEntry(t, d.Name, stored[i], back[i])
				if back[i].Entry.ImportHash != rows[i].Entry.ImportHash {
					t.Errorf("%s: line %d: hash %s, imported with %s", d.Name, back[i].Line, back[i].Entry.ImportHash, rows[i].Entry.ImportHash)
				}
			}
			if again := writeEntries(t, d, asRows(back)); again != file {
				t.Errorf("%s: export → import → export changed the file\n got: %q\nwant: %q", d.Name, again, file)
			}
		}
	})
}
