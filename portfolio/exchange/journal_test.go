package exchange

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio"
)

var journalSample = `; netfolio journal: one transaction per entry with a cash flow, amounts in EUR.
; Assets:Cash:<network> is each network's net (payouts − investments, purchases, fees).

commodity EUR
    format 1000.00000000 EUR

2025-01-15 * Alpha: payout - January
    Assets:Cash:Alpha  100.50 EUR
    Income:Networks:Alpha:capital  -100.50 EUR

2025-02-01 * Beta: investment - =SUM(A1:A9)
    Assets:Cash:Beta  -1130.39098984 EUR  ; original: -1234.50 USD, units_per_eur: 1.0921
    Assets:Networks:Beta  1130.39098984 EUR

2025-03-10 * Gamma: payout - -5
    Assets:Cash:Gamma  404.61716378 EUR  ; original: 0.123456789012345678 ETH, units_per_eur: 0.00030512
    Income:Networks:Gamma:capital  -404.61716378 EUR

2025-03-31 * Beta: purchase - @home, stock
    Assets:Cash:Beta  -46.10551603 EUR  ; original: -49.90 USD, units_per_eur: 1.0823
    Expenses:Networks:Beta:purchase  46.10551603 EUR

; 2025-04-01 Alpha: reinvest 20.00 EUR (no cash flow)

; 2025-05-01 Alpha: payout 0.00 EUR (no cash flow)

2025-06-01 * Beta: payout - Bonus, June
    Assets:Cash:Beta  270.00 EUR  ; original: 300.00 USD
    Income:Networks:Beta:active  -270.00 EUR

2025-06-15 * Beta: payout - Team
    Assets:Cash:Beta  11.92270531 EUR  ; original: 12.34 USD, units_per_eur: 1.0350
    Income:Networks:Beta:passive  -11.92270531 EUR

; 2025-06-30 Gamma: balance 1.50 ETH (no cash flow)

2025-07-01 * Alpha: fee - Tab
    Assets:Cash:Alpha  -2.00 EUR
    Expenses:Networks:Alpha:fee  2.00 EUR

`

func writeJournal(t testing.TB, base string, rows []Row) string {
	t.Helper()
	var buf bytes.Buffer
	jw := NewJournalWriter(&buf, base)
	for _, r := range rows {
		if err := jw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := jw.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestJournal(t *testing.T) {
	if got := writeJournal(t, "EUR", sampleRows(t)); got != journalSample {
		t.Errorf("journal differs\n got: %q\nwant: %q", got, journalSample)
	}
}

// oddNames are network names that would break a naive journal: the account separator, two
// spaces, tabs, comment and cost characters, brackets (virtual postings), percent signs,
// and names that differ only in a character that is replaced.
var oddNames = []string{
	"A:B", "A_B", "A%3AB", "x  y", "x y", " lead", "trail ", "Über Straße 100%", "(Paren) [br] ;semi @at",
	"=cmd", "a\tb", "日本", "emoji😀", "Fee", "-", "a\nb", "{lot} *star* !bang \"q\" $ # | =", "ﬁ ligature",
	"*star", "!bang", "#hash", "; semi", "|pipe", "2025-01-01", "Assets", "Assets:Cash:Alpha",
}

func TestAccountName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Alpha", "Alpha"},
		{"A:B", "A%3AB"},
		{"A_B", "A_B"},
		{"A%3AB", "A%253AB"},
		{"x  y", "x%20%20y"},
		{"x y", "x y"},
		{" lead", "%20lead"},
		{"trail ", "trail%20"},
		{"Über Straße 100%", "Über Straße 100%25"},
		{"(Paren) [br] ;semi @at", "%28Paren%29 %5Bbr%5D %3Bsemi %40at"},
		{"=cmd", "%3Dcmd"},
		{"a\tb", "a%09b"},
		{"日本", "日本"},
		{"emoji😀", "emoji%F0%9F%98%80"},
		{"O'Brien & Co. +1/2, x-y", "O'Brien & Co. +1/2, x-y"},
		{"bad\xffbyte", "bad%FFbyte"},
		{"", "%00"},
	} {
		if got := AccountName(c.in); got != c.want {
			t.Errorf("AccountName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	seen := map[string]string{}
	for _, n := range oddNames {
		a := AccountName(n)
		if other, dup := seen[a]; dup {
			t.Errorf("%q and %q share account %q", n, other, a)
		}
		seen[a] = n
		if strings.ContainsAny(a, ":;@()[]{}\t\n\"=*!$#|") || strings.Contains(a, "  ") || strings.HasPrefix(a, " ") || strings.HasSuffix(a, " ") {
			t.Errorf("AccountName(%q) = %q is not safe", n, a)
		}
	}
}

func TestJournalOddNames(t *testing.T) {
	rows := oddRows(t)
	j := writeJournal(t, "EUR", rows)
	want := "2025-01-02 * [Paren) [br] ,semi @at: payout - note, with semicolon and tab\n" +
		"    Assets:Cash:%28Paren%29 %5Bbr%5D %3Bsemi %40at  7.00 EUR\n" +
		"    Income:Networks:%28Paren%29 %5Bbr%5D %3Bsemi %40at:capital  -7.00 EUR\n"
	if !strings.Contains(j, want) {
		t.Errorf("journal lacks\n%s\nin\n%s", want, j)
	}
	if !strings.Contains(j, "2025-01-02 * a b: payout - note, with semicolon and tab\n    Assets:Cash:a%0Ab  ") {
		t.Errorf("a network name with a line break is not on one line:\n%s", j)
	}
}

// oddRows gives each odd network a payout, an investment and a fee, with notes that need
// cleaning, and a base currency other than the entry's.
func oddRows(t testing.TB) []Row {
	var rows []Row
	for i, n := range oddNames {
		amount := decimal.New(int64(i+1)*100+7, -2)
		for _, spec := range []rowSpec{
			{date: "2025-01-02", kind: "payout", amount: "7", currency: "EUR", base: "7", class: "capital", note: "note; with semicolon\tand tab\n"},
			{date: "2025-01-03", kind: "investment", amount: amount.String(), currency: "USD", base: amount.Mul(decimal.New(9, -1)).String(), rate: "1.1111"},
			{date: "2025-01-04", kind: "fee", amount: "0.125", currency: "EUR", base: "0.125"},
			{date: "2025-01-05", kind: "payout", amount: "1000.5", currency: "EUR", base: "1000.5", class: "passive"},
		} {
			spec.network = n
			r := mkRow(t, spec)
			rows = append(rows, r)
		}
	}
	return rows
}

var balanceLine = regexp.MustCompile(`^\s*(-?[0-9]+(?:\.[0-9]+)?) EUR  (\S.*)$`)

// TestJournalWithTools runs hledger and ledger, when installed, on a journal and checks that
// each network's Assets:Cash balance is the sum of its signed base amounts.
func TestJournalWithTools(t *testing.T) {
	tools := map[string][]string{
		"hledger": {"bal", "Assets:Cash", "--flat", "-N"},
		"ledger":  {"bal", "--flat", "--no-total", "Assets:Cash"},
	}
	rows := append(sampleRows(t), oddRows(t)...)
	file := filepath.Join(t.TempDir(), "netfolio.journal")
	if err := os.WriteFile(file, []byte(writeJournal(t, "EUR", rows)), 0o600); err != nil {
		t.Fatal(err)
	}
	want := map[string]decimal.Decimal{}
	for _, r := range rows {
		if HasCashFlow(r.Entry) {
			k := "Assets:Cash:" + AccountName(r.Network)
			want[k] = want[k].Add(signedBase(r.Entry))
		}
	}
	ran := 0
	for tool, args := range tools {
		path, err := exec.LookPath(tool)
		if err != nil {
			continue
		}
		ran++
		t.Run(tool, func(t *testing.T) {
			cmd := exec.Command(path, append([]string{"-f", file}, args...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Env = append(os.Environ(), "LEDGER_FILE="+file, "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
			if err := cmd.Run(); err != nil || stderr.Len() > 0 {
				t.Fatalf("%s: %v\n%s", tool, err, stderr.String())
			}
			got := map[string]decimal.Decimal{}
			for _, line := range strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n") {
				m := balanceLine.FindStringSubmatch(line)
				if m == nil {
					t.Fatalf("%s: unexpected line %q in\n%s", tool, line, stdout.String())
				}
				got[m[2]] = dec(t, m[1])
			}
			for acct, w := range want {
				if !got[acct].Equal(w) {
					t.Errorf("%s: %s = %s, want %s", tool, acct, got[acct], w)
				}
				delete(got, acct)
			}
			for acct, g := range got {
				t.Errorf("%s: unexpected account %s = %s", tool, acct, g)
			}
		})
	}
	if ran == 0 {
		t.Skip("neither hledger nor ledger is installed")
	}
}

func TestJournalOtherBase(t *testing.T) {
	r := mkRow(t, rowSpec{date: "2025-01-02", network: "Alpha", kind: "payout", amount: "10", currency: "EUR", base: "1612.5", rate: "161.25", class: "capital"})
	r.NetworkKind = portfolio.Product
	r.Entry.IncomeClass = "" // the kind's default
	j := writeJournal(t, "JPY", []Row{r})
	if !strings.Contains(j, "    Assets:Cash:Alpha  1612.5 JPY  ; original: 10.00 EUR, units_per_eur: 161.25\n    Income:Networks:Alpha:active  -1612.5 JPY\n") {
		t.Errorf("journal:\n%s", j)
	}
	if j := writeJournal(t, "X1", []Row{r}); !strings.Contains(j, `1612.50 "X1"`) || !strings.Contains(j, `commodity "X1"`) {
		t.Errorf("a code with a digit is not quoted:\n%s", j)
	}
}
