// Package jobs runs netfolio's scheduled work with gocron: figures snapshots, monthly
// commitment purchases, ECB exchange rates, payout reminders and backups. Each job body is a
// plain function of a context that the CLI and the tests call directly; the Runner only wires
// them to schedules and records how each run went.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/netfolio/netfolio/portfolio/snapshot"
	"github.com/netfolio/netfolio/portfolio/store"
)

// Job names, as GET /api/v1/jobs lists them.
const (
	SnapshotJob    = "snapshot"
	CommitmentsJob = "commitments"
	RatesJob       = "rates"
	RemindersJob   = "reminders"
	BackupJob      = "backup"
	UpkeepJob      = "upkeep"
)

// Config is what the jobs need. Store and Snapshots are required.
type Config struct {
	Store     *store.Store
	Snapshots *snapshot.Service
	Logger    *slog.Logger
	Clock     clockwork.Clock // the scheduler's clock; the real one when nil
	Location  *time.Location  // the zone daily jobs run in; time.Local when nil

	// SnapshotEvery is how often stale snapshots are looked for: after a write, figures are
	// stored within this interval. 5 s when 0.
	SnapshotEvery time.Duration
	RatesURL      string // ECB reference-rate file to fetch daily; off when empty
	HTTPClient    *http.Client
	BackupDir     string // folder for daily SQLite backups; off when empty
	BackupKeep    int    // backups to keep; 7 when 0
	// Elector picks the one replica that runs the jobs when several share a database.
	Elector gocron.Elector
}

// Status is how a job's runs went.
type Status struct {
	Name      string     `json:"name"`
	LastRun   *time.Time `json:"last_run"`
	NextRun   *time.Time `json:"next_run"`
	LastError *string    `json:"last_error"`
}

// jobSpec is one job to schedule: its name, schedule and body, and whether it also runs at
// start.
type jobSpec struct {
	name string
	def  gocron.JobDefinition
	run  func(ctx context.Context) error
	now  bool
}

// Runner schedules the jobs and remembers their last outcome.
type Runner struct {
	sched gocron.Scheduler
	log   *slog.Logger
	clock clockwork.Clock

	mu     sync.Mutex
	jobs   map[string]gocron.Job
	status map[string]*Status
}

// Start schedules every enabled job and starts the scheduler.
func Start(cfg Config) (*Runner, error) {
	if cfg.Store == nil || cfg.Snapshots == nil {
		return nil, errors.New("jobs: Store and Snapshots are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.SnapshotEvery <= 0 {
		cfg.SnapshotEvery = 5 * time.Second
	}
	if cfg.BackupKeep <= 0 {
		cfg.BackupKeep = 7
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: time.Minute}
	}
	opts := []gocron.SchedulerOption{gocron.WithClock(cfg.Clock), gocron.WithLocation(cfg.Location),
		gocron.WithStopTimeout(30 * time.Second)}
	if cfg.Elector != nil {
		opts = append(opts, gocron.WithDistributedElector(cfg.Elector))
	}
	sched, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, fmt.Errorf("new scheduler: %w", err)
	}
	r := &Runner{sched: sched, log: cfg.Logger, clock: cfg.Clock, jobs: map[string]gocron.Job{}, status: map[string]*Status{}}
	st, snaps := cfg.Store, cfg.Snapshots
	today := snaps.Today
	daily := func(h, m uint) gocron.JobDefinition {
		return gocron.DailyJob(1, gocron.NewAtTimes(gocron.NewAtTime(h, m, 0)))
	}

	add := []jobSpec{
		{SnapshotJob, gocron.DurationJob(cfg.SnapshotEvery), func(ctx context.Context) error {
			_, err := snaps.RefreshStale(ctx)
			return err
		}, true},
		{CommitmentsJob, daily(0, 10), func(ctx context.Context) error {
			_, err := Commitments(ctx, st, today())
			return err
		}, true},
		{RemindersJob, daily(6, 0), func(ctx context.Context) error {
			return Reminders(ctx, st, snaps)
		}, true},
		{UpkeepJob, gocron.DurationJob(time.Hour), func(ctx context.Context) error {
			return errors.Join(st.PurgeExpired(ctx), st.Optimize(ctx))
		}, false},
	}
	if cfg.RatesURL != "" {
		add = append(add, jobSpec{RatesJob, daily(16, 30), func(ctx context.Context) error {
			_, err := FetchRates(ctx, cfg.HTTPClient, cfg.RatesURL, st)
			return err
		}, true})
	}
	if cfg.BackupDir != "" && st.Dialect() != store.SQLite {
		cfg.Logger.Warn("backup job off: online backups are for SQLite; back up PostgreSQL with pg_dump")
	} else if cfg.BackupDir != "" {
		add = append(add, jobSpec{BackupJob, daily(3, 0), func(ctx context.Context) error {
			_, err := Backup(ctx, st, cfg.BackupDir, cfg.BackupKeep, r.clock.Now())
			return err
		}, false})
	}
	for _, j := range add {
		opts := []gocron.JobOption{gocron.WithName(j.name), gocron.WithSingletonMode(gocron.LimitModeReschedule)}
		if j.now {
			opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
		}
		job, err := sched.NewJob(j.def, gocron.NewTask(r.wrap(j.name, j.run)), opts...)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("schedule %s: %w", j.name, err), sched.Shutdown())
		}
		r.jobs[j.name] = job
		r.status[j.name] = &Status{Name: j.name}
	}
	sched.Start()
	return r, nil
}

// wrap runs a job body with a time limit, logs it and records its outcome.
func (r *Runner) wrap(name string, run func(ctx context.Context) error) func() {
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		start := r.clock.Now()
		err := run(ctx)
		r.mu.Lock()
		s := r.status[name]
		s.LastRun = &start
		s.LastError = nil
		if err != nil {
			msg := err.Error()
			s.LastError = &msg
		}
		r.mu.Unlock()
		if err != nil {
			r.log.Error("job failed", "job", name, "duration", r.clock.Since(start), "error", err)
		} else {
			r.log.Debug("job done", "job", name, "duration", r.clock.Since(start))
		}
	}
}

// RunNow runs a job at once (outside its schedule).
func (r *Runner) RunNow(name string) error {
	job, ok := r.jobs[name]
	if !ok {
		return fmt.Errorf("no job %q", name)
	}
	return job.RunNow()
}

// Status lists every job by name with its last run, next run and last error.
func (r *Runner) Status() []Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Status, 0, len(r.status))
	for name, s := range r.status {
		st := *s
		if next, err := r.jobs[name].NextRun(); err == nil && !next.IsZero() {
			st.NextRun = &next
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Stop stops the scheduler and waits for running jobs.
func (r *Runner) Stop() error { return r.sched.Shutdown() }
