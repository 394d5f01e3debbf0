package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
)

// CommitmentID is the external id of a network's commitment purchase for a month; it makes
// booking idempotent.
func CommitmentID(networkID int64, month portfolio.Date) string {
	return fmt.Sprintf("commitment:%d:%s", networkID, month.MonthKey())
}

// DueCommitments returns the purchases a product network's monthly commitment has made due by
// today: one on the commitment day of each month from the day the network was recorded (or
// joined, if later) while it is open. Months before netfolio knew of the network are not
// booked: the user may have recorded those purchases already.
func DueCommitments(n portfolio.Network, today portfolio.Date) []portfolio.Entry {
	if n.Kind != portfolio.Product || n.CommitmentAmount == nil || n.CommitmentDay == 0 {
		return nil
	}
	start := max(n.JoinedOn, portfolio.DateFromTime(n.CreatedAt))
	var due []portfolio.Entry
	for month := start.Month(); month <= today; month = month.AddMonths(1) {
		day := month + portfolio.Date(n.CommitmentDay-1)
		if day < start || day > today || !n.OpenOn(day) || n.Status == portfolio.StatusPaused {
			continue
		}
		due = append(due, portfolio.Entry{NetworkID: n.ID, Date: day, Kind: portfolio.Purchase,
			Amount: *n.CommitmentAmount, Currency: n.Currency, Note: "monthly commitment",
			ExternalID: CommitmentID(n.ID, month)})
	}
	return due
}

// Commitments books every due monthly commitment purchase that is not booked yet, catching
// up months missed while netfolio was down. It returns how many it booked.
func Commitments(ctx context.Context, st *store.Store, today portfolio.Date) (int, error) {
	networks, err := st.CommitmentNetworks(ctx)
	if err != nil {
		return 0, err
	}
	booked := 0
	var errs []error
	for _, n := range networks {
		due := DueCommitments(n, today)
		if len(due) == 0 {
			continue
		}
		count, err := st.BookCommitments(ctx, n.UserID, n.ID, due)
		if err != nil {
			errs = append(errs, fmt.Errorf("network %d: %w", n.ID, err))
			continue
		}
		booked += count
	}
	return booked, errors.Join(errs...)
}

// FetchRates downloads an ECB reference-rate file and stores its rates for every user.
func FetchRates(ctx context.Context, client *http.Client, url string, st *store.Store) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fetch rates: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("fetch rates: %s answered %s", url, res.Status)
	}
	rates, err := portfolio.ParseECB(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return 0, fmt.Errorf("rates file: %w", err)
	}
	return st.PutRates(ctx, store.SharedRates, rates)
}

// Reminder is an open network whose payouts are overdue and whose last complete month has no
// payout line in the monthly log.
type Reminder struct {
	NetworkID    int64          `json:"network_id"`
	Name         string         `json:"name"`
	Month        string         `json:"month"`
	LatestPayout portfolio.Date `json:"latest_payout"`
	DaysSince    int            `json:"days_since"`
}

// Reminders finds, for every user, the networks that the payouts_overdue rule flags and whose
// last complete month is not logged, and stores them for the dashboard.
func Reminders(ctx context.Context, st *store.Store, snaps *snapshot.Service) error {
	users, err := st.UserIDs(ctx)
	if err != nil {
		return err
	}
	today := snaps.Today()
	lastMonth := today.Month().AddMonths(-1)
	var errs []error
	for _, id := range users {
		found, err := remindersFor(ctx, st, snaps, id, today, lastMonth)
		if err == nil {
			var body []byte
			if body, err = json.Marshal(found); err == nil {
				err = st.SaveReminders(ctx, id, snaps.Now(), body)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("user %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

func remindersFor(ctx context.Context, st *store.Store, snaps *snapshot.Service, userID int64, today, lastMonth portfolio.Date) ([]Reminder, error) {
	// The rule's verdict comes from the user's snapshot, which the figures keep current anyway.
	snap, err := snaps.Current(ctx, userID, false)
	if err != nil {
		return nil, err
	}
	var report portfolio.Report
	if err := json.Unmarshal(snap.Figures, &report); err != nil {
		return nil, err
	}
	payouts, err := st.PayoutSummary(ctx, userID, lastMonth, lastMonth.AddMonths(1)-1, today)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, n := range report.Networks {
		names[n.ID] = n.Name
	}
	out := []Reminder{}
	for _, rule := range report.Rules {
		if rule.ID != portfolio.RulePayoutsOverdue {
			continue
		}
		for _, nid := range rule.Networks {
			p := payouts[nid]
			if p.InRange {
				continue // last month is logged
			}
			out = append(out, Reminder{NetworkID: nid, Name: names[nid], Month: lastMonth.MonthKey(),
				LatestPayout: p.Latest, DaysSince: int(today - p.Latest)})
		}
	}
	return out, nil
}

// Backup writes a consistent copy of the database into dir as netfolio-YYYYMMDD-HHMMSS.db and
// keeps the newest keep backups. It returns the new file's path.
func Backup(ctx context.Context, st *store.Store, dir string, keep int, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "netfolio-"+now.UTC().Format("20060102-150405")+".db")
	if err := st.Backup(ctx, path); err != nil {
		return "", err
	}
	matches, err := filepath.Glob(filepath.Join(dir, "netfolio-*.db"))
	if err != nil {
		return path, err
	}
	// Only files named like our backups count: another database that matches the pattern
	// (netfolio-old.db) is neither counted nor removed.
	matches = slices.DeleteFunc(matches, func(m string) bool { return !isBackupName(filepath.Base(m)) })
	sort.Strings(matches) // the timestamp in the name sorts by age
	keep = max(keep, 1)   // never the backup just made
	var errs []error
	for len(matches) > keep {
		errs = append(errs, os.Remove(matches[0]))
		matches = matches[1:]
	}
	return path, errors.Join(errs...)
}

// isBackupName reports whether name is netfolio-YYYYMMDD-HHMMSS.db, as Backup names files.
func isBackupName(name string) bool {
	const layout = "20060102-150405"
	stamp, hasPrefix := strings.CutPrefix(name, "netfolio-")
	stamp, hasSuffix := strings.CutSuffix(stamp, ".db")
	if !hasPrefix || !hasSuffix || len(stamp) != len(layout) {
		return false
	}
	_, err := time.Parse(layout, stamp)
	return err == nil
}
