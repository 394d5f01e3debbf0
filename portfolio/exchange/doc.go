// Package exchange is netfolio's export and import format layer: tax.csv, tax-summary.csv,
// entries.csv (export and import) and a plain-text accounting journal. It is pure: no
// database, no clock. Writers stream rows to an io.Writer and readers read an io.Reader line
// by line, in constant memory (the summary keeps one sum per network and income class; the
// entries reader keeps about 20 bytes per line without an external id, to number identical
// lines).
//
// # CSV dialects
//
// Intl: ',' separator, decimal point, dates YYYY-MM-DD, English headers, no BOM.
// German ("de"): ';' separator, decimal comma, dates DD.MM.YYYY, German headers and German
// words for kinds, network kinds and income classes, UTF-8 with BOM, so that German Excel and
// LibreOffice open the file as it is. Both end lines with CRLF (RFC 4180). Numbers never have
// thousands separators and are never rounded: an amount is written with every decimal place
// it was stored with (and at least the currency's minor unit, up to two places), a base
// amount with at least the base currency's minor unit and up to the eight places it is kept
// at.
//
// Every text cell (network, note, external id) that starts with = + - @ tab or CR gets a
// leading apostrophe against formula injection (see Neutralise); numeric cells are never
// changed, so -1234,50 stays a number. The entries reader takes the apostrophe off again.
//
// # tax.csv
//
// One line per entry with a cash flow; amounts signed (payouts positive, investments,
// purchases and fees negative):
//
//	date,network,network_kind,kind,income_class,note,amount,currency,units_per_eur,base_amount,base_currency
//	2025-03-01,Alpha,revshare,payout,capital,March,100.00,USD,1.0921,91.56670635,EUR
//
//	Datum;Netzwerk;Netzwerkart;Buchungsart;Einkunftsart;Notiz;Betrag;Währung;Kurs je EUR;Betrag in Basiswährung;Basiswährung
//	01.03.2025;Alpha;Einkommensnetzwerk;Auszahlung;Kapital;March;100,00;USD;1,0921;91,56670635;EUR
//
// # tax-summary.csv
//
// See Summary: per network one line per income class with payouts and one line (empty income
// class) with the expenses, then a subtotal line per network kind and a total line, all in the
// base currency:
//
//	network,network_kind,income_class,income,expenses,net
//	Alpha,revshare,capital,100.50,0.00,100.50
//	Alpha,revshare,,0.00,2.00,-2.00
//	Beta,product,active,270.00,0.00,270.00
//	Beta,product,,0.00,1176.49650587,-1176.49650587
//	,revshare,subtotal,100.50,2.00,98.50
//	,product,subtotal,270.00,1176.49650587,-906.49650587
//	,,total,370.50,1178.49650587,-807.99650587
//
// German: Netzwerk;Netzwerkart;Einkunftsart;Einnahmen;Ausgaben;Saldo, with "Zwischensumme"
// and "Summe" for subtotal and total.
//
// # entries.csv
//
// Every entry, unsigned amounts as stored, importable as it is (see EntriesWriter and
// NewEntriesReader):
//
//	external_id,date,network,network_kind,kind,amount,currency,base_amount,income_class,note
//	,2025-03-01,Alpha,revshare,payout,100.00,USD,91.56670635,capital,March
//
// # Journal
//
// One transaction per entry with a cash flow, dated YYYY-MM-DD, status cleared, described as
// "<network>: <kind> - <note>", with two postings in the base currency (exact, decimal point,
// the commodity after the amount). The accounts, with <name> the network's name made safe by
// AccountName:
//
//	investment:  Assets:Networks:<name>                  (capital placed in the network)
//	purchase:    Expenses:Networks:<name>:purchase
//	fee:         Expenses:Networks:<name>:fee
//	payout:      Income:Networks:<name>:<income_class>   (active, passive or capital)
//
// and the other leg of every transaction is Assets:Cash:<name>, so that
// "hledger bal Assets:Cash" or "ledger bal Assets:Cash" shows each network's net (returned −
// outlay) directly. When the entry's currency is not the base currency, the cash posting has
// the original amount (signed like the posting, and the rate it was converted at) as a comment:
//
//	2025-03-01 * Alpha: payout - March
//	    Assets:Cash:Alpha  91.56670635 EUR  ; original: 100.00 USD, units_per_eur: 1.0921
//	    Income:Networks:Alpha:capital  -91.56670635 EUR
//
// Entries without a cash flow (reinvest, balance, a payout of 0) are kept as a comment line.
package exchange
