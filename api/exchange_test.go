package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/netfolio/netfolio/portfolio/exchange"
)

// seedExchange gives a user networks and entries in EUR, USD and ETH, with notes that look
// like spreadsheet formulas.
func seedExchange(t *testing.T, c *client) (int64, int64, int64) {
	t.Helper()
	a := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "AdPack: Pro", "kind": "revshare"}), "id")
	u := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "Dollar  Yield", "kind": "revshare", "currency": "USD"}), "id")
	p := id(c.must(201, "POST", "/api/v1/networks", map[string]any{"name": "VitaLife", "kind": "product"}), "id")
	c.must(200, "PUT", "/api/v1/rates", []map[string]any{
		{"date": "2025-01-02", "currency": "USD", "units_per_eur": "1.0321"},
		{"date": "2025-06-30", "currency": "USD", "units_per_eur": "1.1720"},
		{"date": "2025-03-01", "currency": "ETH", "units_per_eur": "0.00045"},
	})
	c.must(201, "POST", "/api/v1/entries/batch", []map[string]any{
		{"network_id": a, "date": "2024-12-30", "kind": "investment", "amount": "500"},
		{"network_id": a, "date": "2025-01-05", "kind": "investment", "amount": "1000.00", "note": "=HYPERLINK(\"x\")"},
		{"network_id": a, "date": "2025-02-28", "kind": "payout", "amount": "120.50", "note": "-5 fee deducted"},
		{"network_id": a, "date": "2025-02-28", "kind": "payout", "amount": "120.50", "note": "-5 fee deducted"},
		{"network_id": a, "date": "2025-03-03", "kind": "payout", "amount": "0.25", "currency": "ETH", "external_id": "wallet:0xabc"},
		{"network_id": a, "date": "2025-03-31", "kind": "reinvest", "amount": "50"},
		{"network_id": a, "date": "2025-04-01", "kind": "balance", "amount": "310.10"},
		{"network_id": u, "date": "2025-01-06", "kind": "investment", "amount": "1500"},
		{"network_id": u, "date": "2025-07-01", "kind": "payout", "amount": "117.20", "income_class": "passive"},
		{"network_id": u, "date": "2025-07-01", "kind": "fee", "amount": "2.5", "base_amount": "2.13"},
		{"network_id": p, "date": "2025-02-05", "kind": "purchase", "amount": "89.90", "note": "@autoship"},
		{"network_id": p, "date": "2025-02-20", "kind": "payout", "amount": "45.00", "note": "+bonus"},
		{"network_id": p, "date": "2026-01-05", "kind": "purchase", "amount": "89.90"},
	})
	c.must(201, "PUT", "/api/v1/payouts/monthly", map[string]any{"network_id": p, "month": "2025-03", "amount": "0"})
	return a, u, p
}

func readCSV(t *testing.T, raw []byte, sep rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	r.Comma = sep
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, raw)
	}
	return rows
}

func TestTaxExports(t *testing.T) {
	s := startServer(t)
	c := s.newUser("tina", false)
	seedExchange(t, c)

	de := c.do("GET", "/api/v1/export/tax.csv?year=2025&dialect=de", nil)
	if de.Status != 200 || !strings.HasPrefix(de.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(de.Header.Get("Content-Disposition"), "netfolio-tax-2025-de.csv") || !bytes.HasPrefix(de.Raw, []byte("\xef\xbb\xbf")) {
		t.Fatalf("German tax CSV: %d %v %q", de.Status, de.Header, de.Raw[:min(len(de.Raw), 40)])
	}
	rows := readCSV(t, de.Raw, ';')
	wantHeader := "Datum;Netzwerk;Netzwerkart;Buchungsart;Einkunftsart;Notiz;Betrag;Währung;Kurs je EUR;Betrag in Basiswährung;Basiswährung"
	if got := strings.Join(rows[0], ";"); got != wantHeader {
		t.Errorf("header %q", got)
	}
	// 2025 only, cash flows only: not the 2024 and 2026 entries, the reinvest, the balance, the 0 log line.
	if len(rows) != 1+9 {
		t.Fatalf("%d rows, want 9:\n%s", len(rows)-1, de.Raw)
	}
	first := strings.Join(rows[1], "|")
	if first != "05.01.2025|AdPack: Pro|Einkommensnetzwerk|Investition||'=HYPERLINK(\"x\")|-1000,00|EUR|1|-1000,00|EUR" {
		t.Errorf("first row %q", first)
	}
	byNote := map[string][]string{}
	for _, r := range rows[1:] {
		byNote[r[5]] = r
	}
	if r := byNote["'-5 fee deducted"]; r == nil || r[6] != "120,50" {
		t.Errorf("a note starting with - is neutralised, its amount is not: %v", r)
	}
	if r := byNote["'@autoship"]; r == nil || r[6] != "-89,90" {
		t.Errorf("@ note: %v", r)
	}
	if r := byNote["'+bonus"]; r == nil {
		t.Errorf("+ note not neutralised: %v", byNote)
	}
	// 1500 USD at 1.0321 = 1453.347543842...; every digit kept (to the 10^-8 it is stored at).
	var usd []string
	for _, r := range rows[1:] {
		if r[7] == "USD" && r[3] == "Investition" {
			usd = r
		}
	}
	if usd == nil || usd[6] != "-1500,00" || usd[8] != "1,0321" || usd[9] != "-1453,34754384" {
		t.Errorf("USD row %v", usd)
	}

	intl := readCSV(t, c.do("GET", "/api/v1/export/tax.csv?year=2025&dialect=intl", nil).Raw, ',')
	if strings.Join(intl[0], ",") != "date,network,network_kind,kind,income_class,note,amount,currency,units_per_eur,base_amount,base_currency" ||
		intl[1][0] != "2025-01-05" || intl[1][9] != "-1000.00" || len(intl) != len(rows) {
		t.Errorf("intl: %v", intl[:2])
	}

	// The summary's sums equal the sums of the rows, to the cent and beyond.
	rowSum := decimal.Zero
	for _, r := range intl[1:] {
		rowSum = rowSum.Add(decimal.RequireFromString(r[9]))
	}
	sum := readCSV(t, c.do("GET", "/api/v1/export/tax-summary.csv?year=2025", nil).Raw, ',')
	total := sum[len(sum)-1]
	if got := decimal.RequireFromString(total[len(total)-1]); !got.Equal(rowSum) {
		t.Errorf("summary total %s, rows %s\n%v", got, rowSum, sum)
	}
	kinds := 0
	for _, r := range sum {
		if strings.Contains(strings.ToLower(strings.Join(r, " ")), "revshare") && r[0] == "" {
			kinds++
		}
	}
	if len(sum) < 6 {
		t.Errorf("summary too short: %v", sum)
	}

	run(t, c, []scenario{
		{name: "bad dialect", method: "GET", path: "/api/v1/export/tax.csv?dialect=fr", status: 422, fields: []string{"dialect"}},
		{name: "bad year", method: "GET", path: "/api/v1/export/tax.csv?year=20x5", status: 422, fields: []string{"year"}},
	})
	// Another user's export holds none of it.
	other := s.newUser("ulf", false)
	if rows := readCSV(t, other.do("GET", "/api/v1/export/tax.csv?year=2025", nil).Raw, ','); len(rows) != 1 {
		t.Errorf("ulf's export has %d rows", len(rows)-1)
	}
}

func TestEntriesRoundTripAndImport(t *testing.T) {
	s := startServer(t)
	c := s.newUser("vera", false)
	seedExchange(t, c)
	exported := c.do("GET", "/api/v1/export/entries.csv", nil).Raw
	german := c.do("GET", "/api/v1/export/entries.csv?dialect=de", nil).Raw

	// Back into the same user, whose entries came through the API (no external ids): nothing
	// is added, though two of them are equal payouts on one day.
	if res := c.must(200, "POST", "/api/v1/import/entries.csv", exported); str(res, "added") != "0" || str(res, "skipped") != "14" {
		t.Errorf("re-import into the same user: %v", res)
	}

	// Into a fresh user: the networks are created, and exporting again gives the same file.
	fresh := s.newUser("walt", false)
	run(t, fresh, []scenario{
		{name: "without create_networks every line fails", method: "POST", path: "/api/v1/import/entries.csv", body: exported, status: 422},
	})
	fresh.t = t
	if got := fresh.must(200, "GET", "/api/v1/networks", nil); length(got) != 0 {
		t.Fatalf("a failed import created networks: %v", got)
	}
	dry := fresh.must(200, "POST", "/api/v1/import/entries.csv?create_networks=true&dry_run=true", exported)
	if str(dry, "added") != "14" || str(dry, "dry_run") != "true" || length(dry, "networks_created") != 3 {
		t.Errorf("dry run: %v", dry)
	}
	if got := fresh.must(200, "GET", "/api/v1/entries", nil); length(got, "items") != 0 {
		t.Fatalf("a dry run wrote entries")
	}
	res := fresh.must(200, "POST", "/api/v1/import/entries.csv?create_networks=true", exported)
	if str(res, "added") != "14" || str(res, "skipped") != "0" {
		t.Errorf("import: %v", res)
	}
	again := fresh.do("GET", "/api/v1/export/entries.csv", nil).Raw
	if !bytes.Equal(again, exported) {
		t.Errorf("round trip differs:\n--- exported\n%s\n--- re-exported\n%s", exported, again)
	}
	// Importing the same file again adds nothing, also in the German dialect.
	if res := fresh.must(200, "POST", "/api/v1/import/entries.csv?create_networks=true", exported); str(res, "added") != "0" || str(res, "skipped") != "14" {
		t.Errorf("second import: %v", res)
	}
	if res := fresh.must(200, "POST", "/api/v1/import/entries.csv", german); str(res, "added") != "0" || str(res, "skipped") != "14" {
		t.Errorf("German re-import: %v", res)
	}
	// The figures agree after the round trip.
	pa, pb := c.must(200, "GET", "/api/v1/portfolio", nil), fresh.must(200, "GET", "/api/v1/portfolio", nil)
	for _, k := range []string{"outlay", "returned", "net", "exposure"} {
		if str(pa, "totals", k) != str(pb, "totals", k) {
			t.Errorf("totals.%s: %s vs %s", k, str(pa, "totals", k), str(pb, "totals", k))
		}
	}

	// A third equal payout in a file is a third payout.
	three := "date,network,kind,amount,currency,note\n" + strings.Repeat("2025-02-28,AdPack: Pro,payout,120.50,EUR,-5 fee deducted\n", 3)
	if res := c.must(200, "POST", "/api/v1/import/entries.csv", three); str(res, "added") != "1" || str(res, "skipped") != "2" {
		t.Errorf("three equal lines over two equal entries: %v", res)
	}

	// A file with errors: every error with its line and column, nothing written.
	before := length(fresh.must(200, "GET", "/api/v1/entries?limit=1000", nil), "items")
	bad := "date,network,kind,amount,currency\n2025-01-01,New Net,payout,10,EUR\n2025-13-01,AdPack: Pro,payout,10,EUR\n2025-01-02,AdPack: Pro,payout,ten,EUR\n2025-01-03,AdPack: Pro,gift,1,EUR\n2025-01-04,AdPack: Pro,payout,5,GBP\n"
	failed := fresh.do("POST", "/api/v1/import/entries.csv", bad)
	if failed.Status != 422 || str(failed.Body, "error", "code") != "import_failed" {
		t.Fatalf("bad file: %d %s", failed.Status, failed.Raw)
	}
	lines := get(failed.Body, "error", "lines").([]any)
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%s:%s", str(l, "line"), str(l, "column")))
	}
	if want := "2:network 3:date 4:amount 5:kind 6:currency"; strings.Join(got, " ") != want {
		t.Errorf("errors at %v, want %s (%s)", got, want, failed.Raw)
	}
	if after := length(fresh.must(200, "GET", "/api/v1/entries?limit=1000", nil), "items"); after != before {
		t.Errorf("a failed import wrote %d entries", after-before)
	}
	run(t, fresh, []scenario{
		{name: "empty file", method: "POST", path: "/api/v1/import/entries.csv", body: "", status: 422, fields: []string{"file"}},
		{name: "bad flag", method: "POST", path: "/api/v1/import/entries.csv?dry_run=maybe", body: exported, status: 422, fields: []string{"dry_run"}},
	})
}

// The journal reads in hledger and ledger without error, and their balance per network equals
// netfolio's net.
func TestJournalAgreesWithHledgerAndLedger(t *testing.T) {
	s := startServer(t)
	c := s.newUser("xena", false)
	seedExchange(t, c)
	journal := c.do("GET", "/api/v1/export/journal.ledger", nil)
	if journal.Status != 200 {
		t.Fatalf("journal: %d", journal.Status)
	}
	path := filepath.Join(t.TempDir(), "netfolio.ledger")
	if err := os.WriteFile(path, journal.Raw, 0o600); err != nil {
		t.Fatal(err)
	}
	p := c.must(200, "GET", "/api/v1/portfolio?as_of=2099-12-31", nil)
	want := map[string]decimal.Decimal{}
	for i := 0; i < length(p, "networks"); i++ {
		want[str(p, "networks", i, "name")] = decimal.RequireFromString(str(p, "networks", i, "net"))
	}
	tools := map[string][]string{
		"hledger": {"-f", path, "bal", "Assets:Cash", "--flat", "--no-total", "--format", "%(account)|%(total)"},
		"ledger":  {"-f", path, "bal", "Assets:Cash", "--flat", "--no-total", "--format", "%(account)|%(display_total)\n"},
	}
	for tool, args := range tools {
		t.Run(tool, func(t *testing.T) {
			if _, err := exec.LookPath(tool); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s is not installed (make test installs it)", tool)
				}
				t.Skipf("%s is not installed; make test installs it", tool)
			}
			out, err := exec.Command(tool, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s\n--- journal\n%s", tool, err, out, journal.Raw)
			}
			got := map[string]decimal.Decimal{}
			number := regexp.MustCompile(`-?[\d,]*\.?\d+`)
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				account, amount, ok := strings.Cut(strings.TrimSpace(line), "|")
				if !ok || !strings.HasPrefix(account, "Assets:Cash:") {
					continue
				}
				v := strings.ReplaceAll(number.FindString(amount), ",", "")
				got[strings.TrimPrefix(account, "Assets:Cash:")] = decimal.RequireFromString(v)
			}
			if len(got) != len(want) {
				t.Fatalf("%s shows %d networks, netfolio %d:\n%s", tool, len(got), len(want), out)
			}
			for name, net := range want {
				account := exchange.AccountName(name)
				if v, ok := got[account]; !ok || !v.Round(2).Equal(net) {
					t.Errorf("%s: %s = %s, netfolio net %s\n%s", tool, name, v, net, out)
				}
			}
		})
	}
}
