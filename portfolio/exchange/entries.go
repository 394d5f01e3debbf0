package exchange

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

// column is one column of entries.csv.
type column int

const (
	colExternalID column = iota
	colDate
	colNetwork
	colNetworkKind
	colKind
	colAmount
	colCurrency
	colBaseAmount
	colIncomeClass
	colNote
	numColumns
)

// Header names of entries.csv, English and German, in the order the writer writes them.
var (
	entriesHeaderIntl   = []string{"external_id", "date", "network", "network_kind", "kind", "amount", "currency", "base_amount", "income_class", "note"}
	entriesHeaderGerman = []string{"Externe ID", "Datum", "Netzwerk", "Netzwerkart", "Buchungsart", "Betrag", "Währung", "Betrag in Basiswährung", "Einkunftsart", "Notiz"}
	requiredColumns     = []column{colDate, colNetwork, colKind, colAmount}
)

// headerColumns maps a lower-case header name to its column; germanHeader tells the German ones.
var headerColumns, germanHeader = func() (map[string]column, map[string]bool) {
	cols, german := map[string]column{}, map[string]bool{}
	for i := range numColumns {
		cols[strings.ToLower(entriesHeaderIntl[i])] = i
		g := strings.ToLower(entriesHeaderGerman[i])
		cols[g] = i
		german[g] = true
	}
	return cols, german
}()

// taxOnlyColumns are columns of tax.csv that entries.csv does not have.
var taxOnlyColumns = map[string]bool{"units_per_eur": true, "base_currency": true, "kurs je eur": true, "basiswährung": true}

// EntriesWriter streams entries.csv, the format netfolio imports: every entry (reinvest and
// balance lines included), amounts unsigned as stored, and the base amount of every entry, so
// that an import reproduces the same figures without needing exchange rates.
//
// Columns: external_id, date, network, network_kind, kind, amount, currency, base_amount,
// income_class, note (German: Externe ID, Datum, Netzwerk, Netzwerkart, Buchungsart, Betrag,
// Währung, Betrag in Basiswährung, Einkunftsart, Notiz).
type EntriesWriter struct {
	cw     *csv.Writer
	d      Dialect
	record []string
}

// NewEntriesWriter starts entries.csv on w: the BOM (German dialect) and the header line.
func NewEntriesWriter(w io.Writer, d Dialect) (*EntriesWriter, error) {
	header := entriesHeaderIntl
	if d.German {
		header = entriesHeaderGerman
	}
	cw, err := newCSVWriter(w, d, header)
	if err != nil {
		return nil, err
	}
	return &EntriesWriter{cw: cw, d: d, record: make([]string, numColumns)}, nil
}

// Write writes one entry.
func (w *EntriesWriter) Write(r Row) error {
	e := r.Entry
	class := ""
	if e.Kind == portfolio.Payout && e.IncomeClass != "" {
		class = w.d.word(string(e.IncomeClass))
	}
	rec := w.record
	rec[colExternalID] = Neutralise(e.ExternalID)
	rec[colDate] = w.d.date(e.Date)
	rec[colNetwork] = Neutralise(r.Network)
	rec[colNetworkKind] = w.d.word(string(r.NetworkKind))
	rec[colKind] = w.d.word(string(e.Kind))
	rec[colAmount] = w.d.number(formatAmount(e.Amount, e.Currency))
	rec[colCurrency] = e.Currency
	// The writer does not know the base currency: base amounts get at least two places.
	rec[colBaseAmount] = w.d.number(portfolio.FormatBase(e.BaseAmount, ""))
	rec[colIncomeClass] = class
	rec[colNote] = Neutralise(e.Note)
	return w.cw.Write(rec)
}

// Flush writes out what is buffered and reports any write error so far.
func (w *EntriesWriter) Flush() error { return flushCSV(w.cw) }

// ImportRow is one line of entries.csv, read and checked. Entry has Date, Kind, Amount,
// Currency ("" = the network's), BaseAmount, BaseUnits and BaseGiven when the line has a base
// amount, IncomeClass ("" = the network kind's default), Note, and either ExternalID or
// ImportHash. NetworkKind is "" when the line does not say.
type ImportRow struct {
	Line        int
	Network     string
	NetworkKind portfolio.NetworkKind
	Entry       portfolio.Entry
}

// LineError is what is wrong with one line of an imported file. Line counts from 1, the
// header line; Column is the header name as the file spells it ("" when the problem is the
// line as a whole, such as a wrong number of fields).
type LineError struct {
	Line    int
	Column  string
	Message string
}

func (e *LineError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Message)
}

// maxLineBytes bounds one record of an imported file (a note is at most 10,000 characters),
// so that a stray quote cannot make the reader hold the rest of a large file in memory.
const maxLineBytes = 1 << 20

// ErrLineTooLong is returned when a line (or a quoted field running over many lines) is
// longer than a megabyte: most likely a quote that is never closed.
var ErrLineTooLong = errors.New("a line is longer than 1 MB (is a quote not closed?)")

// limiter counts the bytes read since its last reset and fails past maxLineBytes.
type limiter struct {
	r io.Reader
	n int
}

func (l *limiter) Read(p []byte) (int, error) {
	if l.n > maxLineBytes {
		return 0, ErrLineTooLong
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// EntriesReader streams an entries.csv in either dialect; see NewEntriesReader and Next.
type EntriesReader struct {
	lim     *limiter
	cr      *csv.Reader
	names   []string // header names as written
	index   [numColumns]int
	dialect Dialect
	seen    map[uint64]uint32 // lines without external id so far, by content
}

// NewEntriesReader reads and checks the header line. The dialect is detected from it: ';' as
// separator (more ';' than ',' in the header) or German header names mean decimal commas;
// otherwise numbers have a decimal point. A UTF-8 BOM is skipped, CRLF and LF line ends are
// both fine. Header names are English or German (as the writers write them, any case), in any
// order; date, network, kind and amount are required, external_id, network_kind, currency,
// base_amount, income_class and note optional, anything else is an error. A problem with the
// header is a *LineError on line 1.
func NewEntriesReader(r io.Reader) (*EntriesReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	hadBOM := false
	if b, _ := br.Peek(len(bom)); string(b) == bom {
		hadBOM = true
		_, _ = br.Discard(len(bom))
	}
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, &LineError{Line: 1, Message: "the header line is too long"}
	case err == io.EOF && len(bytes.TrimSpace(line)) == 0:
		return nil, &LineError{Line: 1, Message: "the file is empty: it needs a header line (" + strings.Join(entriesHeaderIntl, ",") + ") and one line per entry"}
	case err != nil && err != io.EOF:
		return nil, err
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return nil, &LineError{Line: 1, Message: "the first line must be the header (" + strings.Join(entriesHeaderIntl, ",") + ")"}
	}
	sep := ','
	if bytes.Count(line, []byte{';'}) > bytes.Count(line, []byte{','}) {
		sep = ';'
	}
	hr := csv.NewReader(bytes.NewReader(line))
	hr.Comma = sep
	header, err := hr.Read()
	if err != nil {
		return nil, &LineError{Line: 1, Message: "cannot read the header: " + csvProblem(err)}
	}

	er := &EntriesReader{names: make([]string, len(header)), seen: map[uint64]uint32{}}
	for i := range er.index {
		er.index[i] = -1
	}
	german := false
	for i, h := range header {
		name := strings.TrimSpace(h)
		er.names[i] = name
		key := strings.ToLower(name)
		c, ok := headerColumns[key]
		switch {
		case name == "":
			return nil, &LineError{Line: 1, Message: fmt.Sprintf("a column has no name (field %d of the header; is there a separator too many?)", i+1)}
		case !ok && taxOnlyColumns[key]:
			return nil, &LineError{Line: 1, Column: name, Message: "unknown column: this looks like tax.csv, which is a report; import entries.csv (columns " + strings.Join(entriesHeaderIntl, ", ") + ")"}
		case !ok:
			return nil, &LineError{Line: 1, Column: name, Message: "unknown column: the columns are " + strings.Join(entriesHeaderIntl, ", ") + " (or their German names " + strings.Join(entriesHeaderGerman, ", ") + ")"}
		case er.index[c] >= 0:
			return nil, &LineError{Line: 1, Column: name, Message: "the column appears twice (as " + er.names[er.index[c]] + ")"}
		}
		er.index[c] = i
		german = german || germanHeader[key]
	}
	for _, c := range requiredColumns {
		if er.index[c] < 0 {
			return nil, &LineError{Line: 1, Column: entriesHeaderIntl[c], Message: "a required column is missing (date, network, kind and amount are required)"}
		}
	}

	er.dialect = Intl
	if sep == ';' || german {
		er.dialect = German
	}
	er.dialect.Comma, er.dialect.BOM, er.dialect.German = sep, hadBOM, german

	er.lim = &limiter{r: br}
	er.cr = csv.NewReader(er.lim)
	er.cr.Comma = sep
	er.cr.FieldsPerRecord = len(header)
	er.cr.ReuseRecord = true
	return er, nil
}

// Dialect is what the reader detected: Comma, DecimalComma (';' separator or German
// headers), BOM and German (headers); dates are read in both layouts whatever it says.
func (r *EntriesReader) Dialect() Dialect { return r.dialect }

// Next returns the next data line: an ImportRow, or a *LineError when the line is wrong (the
// reading goes on with the next line), io.EOF after the last line, or another error when the
// file cannot be read on. Lines that are empty or hold only separators are skipped.
func (r *EntriesReader) Next() (ImportRow, *LineError, error) {
	for {
		r.lim.n = 0
		rec, err := r.cr.Read()
		if err == io.EOF {
			return ImportRow{}, nil, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return ImportRow{}, nil, err
			}
			if blank(rec) && errors.Is(pe.Err, csv.ErrFieldCount) {
				continue
			}
			line := pe.StartLine + 1
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				return ImportRow{}, &LineError{Line: line, Message: fmt.Sprintf("has %d fields, the header has %d (separator %q)", len(rec), len(r.names), r.cr.Comma)}, nil
			}
			return ImportRow{}, &LineError{Line: line, Message: "cannot read the line: " + csvProblem(err)}, nil
		}
		if blank(rec) {
			continue
		}
		line, _ := r.cr.FieldPos(0)
		row, lerr := r.parse(rec, line+1)
		return row, lerr, nil
	}
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			return `a " inside a field that is not quoted (quote the field and double the ": "5"" screen")`
		case errors.Is(pe.Err, csv.ErrQuote):
			return `a quoted field is not closed properly (a " inside a quoted field is written "")`
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// parse checks one record; problems are reported for the first wrong column in the order
// of the writer's columns.
func (r *EntriesReader) parse(rec []string, line int) (ImportRow, *LineError) {
	get := func(c column) string {
		if i := r.index[c]; i >= 0 {
			return rec[i]
		}
		return ""
	}
	fail := func(c column, format string, args ...any) (ImportRow, *LineError) {
		return ImportRow{}, &LineError{Line: line, Column: r.names[r.index[c]], Message: fmt.Sprintf(format, args...)}
	}
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return ImportRow{}, &LineError{Line: line, Column: r.names[i], Message: "is not valid UTF-8: save the file as UTF-8 (in Excel: \"CSV UTF-8\")"}
		}
		if strings.IndexByte(f, 0) >= 0 {
			return ImportRow{}, &LineError{Line: line, Column: r.names[i], Message: "contains a NUL character"}
		}
	}

	row := ImportRow{Line: line}
	e := &row.Entry

	e.ExternalID = strings.TrimSpace(text(get(colExternalID)))
	if len(e.ExternalID) > 200 {
		return fail(colExternalID, "must be at most 200 characters")
	}

	var err error
	if e.Date, err = parseDate(get(colDate)); err != nil {
		return fail(colDate, "%v", err)
	}

	row.Network = strings.TrimSpace(text(get(colNetwork)))
	switch {
	case row.Network == "":
		return fail(colNetwork, "is required")
	case len(row.Network) > 200:
		return fail(colNetwork, "must be at most 200 characters")
	}

	if v := strings.TrimSpace(get(colNetworkKind)); v != "" {
		k, ok := networkKindWords[strings.ToLower(v)]
		if !ok {
			return fail(colNetworkKind, "unknown network kind %q: use revshare or product (Einkommensnetzwerk, Produktnetzwerk)", v)
		}
		row.NetworkKind = k
	}

	v := strings.TrimSpace(get(colKind))
	k, ok := entryKindWords[strings.ToLower(v)]
	if !ok {
		if v == "" {
			return fail(colKind, "is required")
		}
		return fail(colKind, "unknown kind %q: use investment, purchase, fee, payout, reinvest or balance (Investition, Einkauf, Gebühr, Auszahlung, Reinvestition, Kontostand)", v)
	}
	e.Kind = k

	if e.Amount, err = r.parseNumber(get(colAmount)); err != nil {
		return fail(colAmount, "%v", err)
	}
	switch {
	case e.Kind == portfolio.Balance || e.IsMonthlyLog():
		if e.Amount.IsNegative() {
			return fail(colAmount, "must be >= 0")
		}
	case !e.Amount.IsPositive():
		return fail(colAmount, "must be > 0 (amounts are unsigned: the kind says whether money went in or out)")
	}

	if v := strings.TrimSpace(get(colCurrency)); v != "" {
		e.Currency = strings.ToUpper(v)
		if !portfolio.ValidCurrency(e.Currency) {
			return fail(colCurrency, "must be 2–10 letters or digits, such as EUR, USD or ETH")
		}
	}

	if v := get(colBaseAmount); strings.TrimSpace(v) != "" {
		base, err := r.parseNumber(v)
		if err != nil {
			return fail(colBaseAmount, "%v", err)
		}
		switch {
		case base.IsNegative():
			return fail(colBaseAmount, "must be >= 0")
		case !base.Round(portfolio.BaseUnitPlaces).Equal(base):
			return fail(colBaseAmount, "must have at most %d decimal places", portfolio.BaseUnitPlaces)
		}
		if e.SetBase(base, true) != nil {
			return fail(colBaseAmount, "must be below 90000000000")
		}
	}

	if v := strings.TrimSpace(get(colIncomeClass)); v != "" {
		c, ok := incomeClassWords[strings.ToLower(v)]
		switch {
		case !ok:
			return fail(colIncomeClass, "unknown income class %q: use active, passive or capital (aktiv, passiv, Kapital)", v)
		case e.Kind != portfolio.Payout:
			return fail(colIncomeClass, "is only set on payouts")
		}
		e.IncomeClass = c
	}

	e.Note = text(get(colNote))
	if len(e.Note) > 10000 {
		return fail(colNote, "must be at most 10000 characters")
	}

	if e.ExternalID == "" {
		e.ImportHash = r.hash(&row)
	}
	return row, nil
}

// text reads a text cell: the apostrophe Neutralise adds is taken off, and line ends become
// "\n" (CSV readers turn CRLF inside quoted fields into LF anyway; this makes it exact).
func text(s string) string {
	s = Unneutralise(s)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return s
}

// parseDate reads YYYY-MM-DD or DD.MM.YYYY (D.M.YYYY too).
func parseDate(s string) (portfolio.Date, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ".") {
		t, err := time.Parse("2.1.2006", s)
		if err != nil || len(s) > 10 {
			return 0, errors.New("must be a date DD.MM.YYYY or YYYY-MM-DD")
		}
		if t.Year() < 1900 || t.Year() > 9999 {
			return 0, errors.New("must be a date between 1900 and 9999")
		}
		return portfolio.DateFromTime(t), nil
	}
	if s == "" {
		return 0, errors.New("is required")
	}
	d, err := portfolio.ParseDate(s)
	if err != nil {
		if strings.HasPrefix(err.Error(), "must be a date YYYY") {
			return 0, errors.New("must be a date YYYY-MM-DD or DD.MM.YYYY")
		}
		return 0, err
	}
	return d, nil
}

// parseNumber reads a decimal in the file's dialect, exactly. A decimal-comma file (';'
// separator or German headers) writes 1234,50; any other 1234.50. The other mark is refused
// rather than guessed at, since 1.234 may mean 1234 in one convention and 1.234 in the
// other, and thousands separators are refused altogether.
func (r *EntriesReader) parseNumber(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal.Zero, errors.New("is required")
	}
	hasDot, hasComma := strings.Contains(s, "."), strings.Contains(s, ",")
	switch {
	case hasDot && hasComma:
		return decimal.Zero, fmt.Errorf("%q has a thousands separator: write numbers without one, such as %s", s, r.dialect.number("1234.50"))
	case r.dialect.DecimalComma && hasDot:
		return decimal.Zero, fmt.Errorf("%q: this file uses a decimal comma (';' separator or German headers), so write %s; '.' is refused as it may be a thousands separator", s, r.dialect.number("1234.50"))
	case !r.dialect.DecimalComma && hasComma:
		return decimal.Zero, fmt.Errorf("%q: this file uses a decimal point (',' separator and English headers), so write 1234.50; ',' is refused as it may be a thousands separator", s)
	case hasComma:
		if strings.Count(s, ",") > 1 {
			return decimal.Zero, fmt.Errorf("%q has a thousands separator: write numbers without one, such as 1234,50", s)
		}
		s = strings.Replace(s, ",", ".", 1)
	case hasDot && strings.Count(s, ".") > 1:
		return decimal.Zero, fmt.Errorf("%q has a thousands separator: write numbers without one, such as 1234.50", s)
	}
	d, err := portfolio.ParseAmount(s)
	if err != nil {
		if errors.Is(err, portfolio.ErrAmountSyntax) {
			return decimal.Zero, fmt.Errorf("must be a decimal number such as %s", r.dialect.number("1234.50"))
		}
		return decimal.Zero, err
	}
	return d, nil
}

// hash identifies a line without an external id: the SHA-256 of its normalised content (what
// the line says about the entry, whatever the dialect: date, network, kind, amount by value,
// currency, income class and note; not the network kind, which describes the network, nor
// the base amount, which is derived) and the number of earlier lines of this file with the
// same content, so that two identical payouts on one day stay two entries and reading the
// same file again gives the same hashes.
func (r *EntriesReader) hash(row *ImportRow) string {
	e := &row.Entry
	h := sha256.New()
	field := func(s string) {
		_, _ = h.Write([]byte(strconv.Itoa(len(s))))
		_, _ = h.Write([]byte{':'})
		_, _ = h.Write([]byte(s))
		_, _ = h.Write([]byte{'\n'})
	}
	field("netfolio entries.csv line v1")
	field(e.Date.String())
	field(row.Network)
	field(string(e.Kind))
	field(e.Amount.String())
	field(e.Currency)
	field(string(e.IncomeClass))
	field(e.Note)
	content := h.Sum(nil)
	key := binary.BigEndian.Uint64(content)
	n := r.seen[key]
	r.seen[key] = n + 1

	h.Reset()
	_, _ = h.Write(content)
	_, _ = h.Write([]byte("#" + strconv.FormatUint(uint64(n), 10)))
	return hex.EncodeToString(h.Sum(nil))
}

// Words the reader understands for kinds, network kinds and classes: English and German.
var entryKindWords, networkKindWords, incomeClassWords = func() (map[string]portfolio.EntryKind, map[string]portfolio.NetworkKind, map[string]portfolio.IncomeClass) {
	kinds := map[string]portfolio.EntryKind{"gebuehr": portfolio.Fee}
	for _, k := range []portfolio.EntryKind{portfolio.Investment, portfolio.Purchase, portfolio.Fee, portfolio.Payout, portfolio.Reinvest, portfolio.Balance} {
		kinds[string(k)] = k
		kinds[strings.ToLower(germanWords[string(k)])] = k
	}
	nets := map[string]portfolio.NetworkKind{}
	for _, k := range []portfolio.NetworkKind{portfolio.Revshare, portfolio.Product} {
		nets[string(k)] = k
		nets[strings.ToLower(germanWords[string(k)])] = k
	}
	classes := map[string]portfolio.IncomeClass{}
	for _, c := range []portfolio.IncomeClass{portfolio.ClassActive, portfolio.ClassPassive, portfolio.ClassCapital} {
		classes[string(c)] = c
		classes[strings.ToLower(germanWords[string(c)])] = c
	}
	return kinds, nets, classes
}()
