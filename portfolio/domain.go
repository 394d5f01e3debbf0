package portfolio

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// NetworkKind tells how money flows in a network.
type NetworkKind string

// The two kinds of network.
const (
	Revshare NetworkKind = "revshare" // income network: investments in, payouts out
	Product  NetworkKind = "product"  // product network: purchases in, commissions out
)

// NetworkStatus is where a network stands.
type NetworkStatus string

// Network statuses; Exited and Collapsed close a network from its closed_on day.
const (
	StatusActive    NetworkStatus = "active"
	StatusPaused    NetworkStatus = "paused"
	StatusExited    NetworkStatus = "exited"
	StatusCollapsed NetworkStatus = "collapsed"
)

// Closing reports whether the status closes a network.
func (s NetworkStatus) Closing() bool { return s == StatusExited || s == StatusCollapsed }

// EntryKind is what a dated line records.
type EntryKind string

// Entry kinds and their cash-flow sign (see CashSign).
const (
	Investment EntryKind = "investment"
	Purchase   EntryKind = "purchase"
	Fee        EntryKind = "fee"
	Payout     EntryKind = "payout"
	Reinvest   EntryKind = "reinvest"
	Balance    EntryKind = "balance"
)

// CashSign is −1 for money out, +1 for money in and 0 for lines that move no cash.
func (k EntryKind) CashSign() int {
	switch k {
	case Investment, Purchase, Fee:
		return -1
	case Payout:
		return 1
	}
	return 0
}

// Valid reports whether k is one of the six entry kinds.
func (k EntryKind) Valid() bool { return containsString(entryKinds, string(k)) }

// IncomeClass classifies payouts: own sales, team commissions, or capital returns.
type IncomeClass string

// The three income classes.
const (
	ClassActive  IncomeClass = "active"
	ClassPassive IncomeClass = "passive"
	ClassCapital IncomeClass = "capital"
)

// DefaultIncomeClass is the class of a payout that names none.
func DefaultIncomeClass(kind NetworkKind) IncomeClass {
	if kind == Revshare {
		return ClassCapital
	}
	return ClassActive
}

var (
	networkKinds   = []string{string(Revshare), string(Product)}
	statuses       = []string{string(StatusActive), string(StatusPaused), string(StatusExited), string(StatusCollapsed)}
	entryKinds     = []string{string(Investment), string(Purchase), string(Fee), string(Payout), string(Reinvest), string(Balance)}
	incomeClasses  = []string{string(ClassActive), string(ClassPassive), string(ClassCapital)}
	oneOf          = func(list []string) string { return "must be one of " + strings.Join(list, ", ") }
	containsString = func(list []string, s string) bool {
		for _, v := range list {
			if v == s {
				return true
			}
		}
		return false
	}
)

// Network is one network business a user takes part in.
type Network struct {
	ID               int64
	UserID           int64
	Name             string
	Kind             NetworkKind
	Status           NetworkStatus
	Currency         string
	JoinedOn         Date
	ClosedOn         *Date
	Sponsor          string
	Notes            string
	CommitmentAmount *decimal.Decimal
	CommitmentDay    int // 1–28, 0 when there is no commitment
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// OpenOn reports whether the network is open on day t: it is, unless it is exited or
// collapsed with closed_on on or before t.
func (n *Network) OpenOn(t Date) bool {
	return !(n.Status.Closing() && n.ClosedOn != nil && *n.ClosedOn <= t)
}

// Validate checks a network's own fields.
func (n *Network) Validate() error {
	v := Fields{}
	name := strings.TrimSpace(n.Name)
	switch {
	case name == "":
		v.Add("name", "is required")
	case len(name) > 200:
		v.Add("name", "must be at most 200 characters")
	}
	if !containsString(networkKinds, string(n.Kind)) {
		v.Add("kind", oneOf(networkKinds))
	}
	if !containsString(statuses, string(n.Status)) {
		v.Add("status", oneOf(statuses))
	}
	if !ValidCurrency(n.Currency) {
		v.Add("currency", "must be 2–10 upper-case letters or digits")
	}
	if n.ClosedOn != nil && !n.Status.Closing() {
		v.Add("closed_on", "is only set for status exited or collapsed")
	}
	if len(n.Sponsor) > 200 {
		v.Add("sponsor", "must be at most 200 characters")
	}
	if len(n.Notes) > 10000 {
		v.Add("notes", "must be at most 10000 characters")
	}
	hasAmount, hasDay := n.CommitmentAmount != nil, n.CommitmentDay != 0
	switch {
	case (hasAmount || hasDay) && n.Kind != Product:
		v.Add("commitment_amount", "only product networks have a monthly commitment")
	case hasAmount != hasDay:
		v.Add("commitment_day", "commitment_amount and commitment_day go together")
	}
	if hasAmount && !n.CommitmentAmount.IsPositive() {
		v.Add("commitment_amount", "must be > 0")
	}
	if hasDay && (n.CommitmentDay < 1 || n.CommitmentDay > 28) {
		v.Add("commitment_day", "must be between 1 and 28")
	}
	return v.Err()
}

// Entry is one dated line of a network: money in or out, or a valuation.
type Entry struct {
	ID          int64
	UserID      int64
	NetworkID   int64
	Date        Date
	Kind        EntryKind
	Amount      decimal.Decimal
	Currency    string
	BaseAmount  decimal.Decimal // in the user's base currency, rounded to 10^-8
	BaseUnits   int64           // BaseAmount in 10^-8 units
	BaseGiven   bool            // BaseAmount came with the entry (a bank statement), not from rates
	IncomeClass IncomeClass     // payouts only
	Note        string
	ExternalID  string // "" when none
	// UnitsPerEUR is the rate of Currency the base amount was converted at ("" when the
	// entry brought its own base amount, or needed no rate).
	UnitsPerEUR string
	// ImportHash identifies an imported line without an external id, so that importing the
	// same file again adds nothing ("" otherwise).
	ImportHash string
	CreatedAt  time.Time
}

// Validate checks an entry's own fields (not its network or its base amount).
func (e *Entry) Validate() error {
	v := Fields{}
	if !containsString(entryKinds, string(e.Kind)) {
		v.Add("kind", oneOf(entryKinds))
	}
	switch {
	case e.Kind == Balance || e.IsMonthlyLog():
		if e.Amount.IsNegative() {
			v.Add("amount", "must be >= 0")
		}
	case !e.Amount.IsPositive():
		v.Add("amount", "must be > 0")
	}
	if !ValidCurrency(e.Currency) {
		v.Add("currency", "must be 2–10 upper-case letters or digits")
	}
	if e.IncomeClass != "" {
		if e.Kind != Payout {
			v.Add("income_class", "is only set on payouts")
		} else if !containsString(incomeClasses, string(e.IncomeClass)) {
			v.Add("income_class", oneOf(incomeClasses))
		}
	}
	if len(e.Note) > 10000 {
		v.Add("note", "must be at most 10000 characters")
	}
	if len(e.ExternalID) > 200 {
		v.Add("external_id", "must be at most 200 characters")
	}
	return v.Err()
}

// MonthlyLogPrefix starts the external id of a monthly payout log line.
const MonthlyLogPrefix = "monthly:"

// MonthlyLogID is the external id of a network's payout line for a month in the payout log.
func MonthlyLogID(networkID int64, month Date) string {
	return MonthlyLogPrefix + strconv.FormatInt(networkID, 10) + ":" + month.MonthKey()
}

// IsMonthlyLog reports whether the entry is a payout log line; only those may record a payout
// of 0 ("no payout this month").
func (e *Entry) IsMonthlyLog() bool {
	return e.Kind == Payout && strings.HasPrefix(e.ExternalID, MonthlyLogPrefix)
}

// SetBase records the base amount, checking that it fits the 10^-8 integer column.
func (e *Entry) SetBase(base decimal.Decimal, given bool) error {
	if base.IsNegative() {
		return &ValidationError{Fields: Fields{"base_amount": "must be >= 0"}}
	}
	units, err := ToBaseUnits(base)
	if err != nil {
		return &ValidationError{Fields: Fields{"base_amount": "must be below 90000000000 in the base currency"}}
	}
	e.BaseUnits, e.BaseAmount, e.BaseGiven = units, FromBaseUnits(units), given
	return nil
}

// Rate is one ECB-style reference rate: how many units of Currency one euro buys on Date.
type Rate struct {
	Date        Date
	Currency    string
	UnitsPerEUR decimal.Decimal
}

// MaxRateAge is how old the latest rate on or before an entry's date may be.
const MaxRateAge = 7

// Fields maps a field name to what is wrong with it.
type Fields map[string]string

// Add records the first problem of a field.
func (f Fields) Add(field, problem string) {
	if _, ok := f[field]; !ok {
		f[field] = problem
	}
}

// Err returns a *ValidationError when there are problems, else nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &ValidationError{Fields: f}
}

// ValidationError is invalid input: the API answers it with 422 and the fields.
type ValidationError struct {
	Message string
	Fields  Fields
}

func (e *ValidationError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + e.Fields[k]
	}
	return strings.Join(parts, "; ")
}

// User owns networks, entries and rates; figures are in the user's base currency.
type User struct {
	ID           int64
	Username     string
	BaseCurrency string
	Admin        bool
	CreatedAt    time.Time
}
