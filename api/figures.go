package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/netfolio/netfolio/jobs"
	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
)

// jobRunner is the scheduler as the API sees it.
type jobRunner interface {
	RunNow(name string) error
	Status() []jobs.Status
}

type reminderStore interface {
	Reminders(ctx context.Context, userID int64) ([]byte, time.Time, error)
}

type figuresHandler struct {
	snapshots *snapshot.Service
	jobs      jobRunner
	reminders reminderStore
	log       *slog.Logger
}

// portfolio serves the figures: the latest snapshot, or figures computed on the spot for
// ?as_of=, ?horizon= or ?fresh=true.
func (h *figuresHandler) portfolio(c echo.Context) error {
	f := portfolio.Fields{}
	asOf := queryDate(c, f, "as_of")
	horizon := queryInt(c, f, "horizon", 1, 600)
	fresh := c.QueryParam("fresh")
	if fresh != "" && fresh != "true" && fresh != "false" {
		f.Add("fresh", "must be true or false")
	}
	if err := f.Err(); err != nil {
		return err
	}
	u := userOf(c)
	ctx := c.Request().Context()
	if asOf == nil && horizon == 0 && fresh != "true" {
		snap, err := h.snapshots.Current(ctx, u.ID, false)
		if err != nil {
			return err
		}
		return c.JSONBlob(http.StatusOK, snap.Figures)
	}
	settings := h.snapshots.Settings()
	if horizon > 0 {
		settings.HorizonMonths = int(horizon)
	}
	day := h.snapshots.Today()
	if asOf != nil {
		day = *asOf
	}
	report, err := h.snapshots.Report(ctx, u, day, settings)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, report)
}

// whatIf answers "where would I end after the horizon if exactly these networks collapsed
// today?" with the stress test's rules.
func (h *figuresHandler) whatIf(c echo.Context) error {
	f := portfolio.Fields{}
	horizon := queryInt(c, f, "horizon", 1, 600)
	if horizon == 0 {
		horizon = int64(h.snapshots.Settings().HorizonMonths)
	}
	var collapse []int64
	for _, part := range strings.Split(c.QueryParam("collapse"), ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			f.Add("collapse", "must be network ids separated by commas")
			break
		}
		collapse = append(collapse, id)
	}
	if err := f.Err(); err != nil {
		return err
	}
	u := userOf(c)
	figures, err := h.snapshots.Figures(c.Request().Context(), u.ID, h.snapshots.Today(), h.snapshots.Settings())
	if err != nil {
		return err
	}
	known := map[int64]bool{}
	for _, n := range figures.Networks {
		known[n.ID] = true
	}
	for _, id := range collapse {
		if !known[id] {
			return invalid(portfolio.Fields{"collapse": fmt.Sprintf("no such network: %d", id)})
		}
	}
	w := portfolio.ComputeWhatIf(figures, collapse, int(horizon))
	return c.JSON(http.StatusOK, portfolio.NewWhatIfReport(w, u.BaseCurrency))
}

// history serves the month-end series from the snapshot, from..to (months or days) inclusive.
func (h *figuresHandler) history(c echo.Context) error {
	f := portfolio.Fields{}
	from, to := queryMonth(c, f, "from"), queryMonth(c, f, "to")
	if err := f.Err(); err != nil {
		return err
	}
	u := userOf(c)
	snap, err := h.snapshots.Current(c.Request().Context(), u.ID, true)
	if err != nil {
		return err
	}
	var points []portfolio.HistoryReport
	if err := json.Unmarshal(snap.History, &points); err != nil {
		return err
	}
	kept := make([]portfolio.HistoryReport, 0, len(points))
	for _, p := range points {
		if (from == "" || p.Month >= from) && (to == "" || p.Month <= to) {
			kept = append(kept, p)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"base_currency": u.BaseCurrency, "points": kept})
}

// queryMonth reads an optional YYYY-MM (or YYYY-MM-DD) query parameter as YYYY-MM.
func queryMonth(c echo.Context, f portfolio.Fields, name string) string {
	s := c.QueryParam(name)
	if s == "" {
		return ""
	}
	if len(s) == 7 {
		s += "-01"
	}
	d, err := portfolio.ParseDate(s)
	if err != nil {
		f.Add(name, "must be a month YYYY-MM or a date YYYY-MM-DD")
		return ""
	}
	return d.MonthKey()
}

// recompute has the snapshot job run now and answers at once.
func (h *figuresHandler) recompute(c echo.Context) error {
	if h.jobs != nil {
		if err := h.jobs.RunNow(jobs.SnapshotJob); err != nil {
			return err
		}
	} else {
		userID := userOf(c).ID
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			if _, err := h.snapshots.Refresh(ctx, userID); err != nil {
				h.log.Error("recompute", "user_id", userID, "error", err)
			}
		}()
	}
	return c.JSON(http.StatusAccepted, map[string]string{"status": "scheduled"})
}

func (h *figuresHandler) listJobs(c echo.Context) error {
	if h.jobs == nil {
		return c.JSON(http.StatusOK, []jobs.Status{})
	}
	return c.JSON(http.StatusOK, h.jobs.Status())
}

// listReminders serves what the reminders job found for the user.
func (h *figuresHandler) listReminders(c echo.Context) error {
	body, _, err := h.reminders.Reminders(c.Request().Context(), userOf(c).ID)
	if errors.Is(err, store.ErrNotFound) {
		return c.JSON(http.StatusOK, []jobs.Reminder{})
	}
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, body)
}
