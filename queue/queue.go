package queue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/sqlstore"
	"github.com/jirga/jirga/postgres"
	"github.com/jirga/jirga/sqlite"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
)

// Defaults of the Config settings.
const (
	DefaultWorkers      = 2
	DefaultMaxQueue     = 1024
	DefaultMaxRunTime   = 10 * time.Minute
	DefaultMaxResumes   = 2
	DefaultMaxAttempts  = 25
	DefaultRetryBackoff = time.Second
	MaxRetryBackoff     = 10 * time.Minute
	DefaultHeartbeat    = 5 * time.Second
	DefaultRecoverEvery = 30 * time.Second
	DefaultGrace        = 5 * time.Second
	DefaultCacheBytes   = 256 << 20
	DefaultPartTime     = time.Minute
	DefaultMaxParts     = 64
	// DefaultRescueMargin is how much longer than the wall-time limit a job
	// must have been running before River's rescuer takes it for dead.
	DefaultRescueMargin = time.Minute
)

// fetchCooldown is the shortest time between two fetches of jobs by one
// process.
const fetchCooldown = 5 * time.Millisecond

// Name is the River queue the runs' jobs go to.
const Name = "jirga"

// Config are a queue's settings; the zero value of every field works.
type Config struct {
	// Role names the process in the list of workers: "serve" or "worker".
	Role string
	// Workers is the number of parts this process computes at once;
	// default DefaultWorkers. A negative value computes none: the process
	// only stores runs and their jobs (an API-only replica of jirga serve).
	Workers int
	// MaxQueue bounds the runs stored and not finished, over every process
	// on the database; Submit refuses a run beyond it (ErrBusy). Default
	// DefaultMaxQueue.
	MaxQueue int
	// MaxRunTime is the wall time a part may run: a part still running
	// after it is stopped and its run failed. Default DefaultMaxRunTime.
	MaxRunTime time.Duration
	// MaxResumes is how many times a part whose worker died (a crash, a
	// kill, out of memory) is taken up again; the next time its run fails
	// with the reason. Default DefaultMaxResumes; negative means never.
	MaxResumes int
	// MaxAttempts is how many times River runs a job that returns an error
	// (a store error) before it gives up and the run fails; default
	// DefaultMaxAttempts.
	MaxAttempts int
	// RetryBackoff is the wait before the first retry of a job that
	// returned an error, doubling with each attempt up to MaxRetryBackoff;
	// default DefaultRetryBackoff.
	RetryBackoff time.Duration
	// RescueAfter is how long River lets a job run before its rescuer
	// takes it for dead and retries it, the backstop of the heartbeats;
	// it must be longer than MaxRunTime. Default MaxRunTime +
	// DefaultRescueMargin.
	RescueAfter time.Duration
	// Heartbeat is how often the process says it is alive; default
	// DefaultHeartbeat. WorkerTimeout is how long after its last
	// heartbeat a process is taken for dead and its parts taken over;
	// default six heartbeats.
	Heartbeat, WorkerTimeout time.Duration
	// RecoverEvery is how often the process looks for runs and parts no
	// live job computes; default DefaultRecoverEvery.
	RecoverEvery time.Duration
	// Grace is how long Close lets running parts finish before it hands
	// them back; default DefaultGrace.
	Grace time.Duration
	// CacheBytes bounds the memory of the decoded scenario versions kept
	// for runs; default DefaultCacheBytes.
	CacheBytes int64
	// PartTime is the CPU time, by the cost estimate, that a part of a run
	// cut into parts should take; default DefaultPartTime. MaxParts bounds
	// the parts of one run; default DefaultMaxParts.
	PartTime time.Duration
	MaxParts int
	// PollInterval is how often River looks for jobs it was not told of;
	// default River's (1 s). Jobs inserted by any process on PostgreSQL,
	// or by this one, are taken at once.
	PollInterval time.Duration
	// Admit checks a run against the budget again before it is computed,
	// so that a run accepted by a process with a larger budget (or none)
	// is failed instead of run; nil admits every run.
	Admit func(s *jirga.Scenario, run *jirga.RunRecord) error
	// Logger receives the queue's messages, each naming the run, part and
	// job; default none.
	Logger *slog.Logger
	// StoreError, when set, is told of every failed store operation.
	StoreError func(op string, err error)
}

func (c *Config) defaults() {
	if c.Role == "" {
		c.Role = "serve"
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if c.MaxQueue <= 0 {
		c.MaxQueue = DefaultMaxQueue
	}
	if c.MaxRunTime <= 0 {
		c.MaxRunTime = DefaultMaxRunTime
	}
	if c.MaxResumes == 0 {
		c.MaxResumes = DefaultMaxResumes
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.RescueAfter <= c.MaxRunTime {
		c.RescueAfter = c.MaxRunTime + DefaultRescueMargin
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.WorkerTimeout <= c.Heartbeat {
		c.WorkerTimeout = 6 * c.Heartbeat
	}
	if c.RecoverEvery <= 0 {
		c.RecoverEvery = DefaultRecoverEvery
	}
	if c.Grace <= 0 {
		c.Grace = DefaultGrace
	}
	if c.CacheBytes <= 0 {
		c.CacheBytes = DefaultCacheBytes
	}
	if c.PartTime <= 0 {
		c.PartTime = DefaultPartTime
	}
	if c.MaxParts <= 0 {
		c.MaxParts = DefaultMaxParts
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Queue computes the runs of a store on River. It is safe for concurrent
// use.
type Queue struct {
	cfg   Config
	store jirga.Store // the store as given (its operations are watched)
	db    *sqlstore.DB
	b     backend
	cache *VersionCache
	log   *slog.Logger
	id    string
	self  *sqlstore.Worker

	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	loops  sync.WaitGroup

	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	waiters map[int64][]chan struct{}
}

// backend is what differs between River's drivers.
type backend interface {
	// tx runs f in a transaction in which River inserts and cancels jobs.
	tx(ctx context.Context, f func(q sqlstore.Querier, j jobs) error) error
	start(ctx context.Context) error
	stop(ctx context.Context) error
	job(ctx context.Context, id int64) (*rivertype.JobRow, error)
	executor() riverdriver.Executor
}

// jobs inserts and cancels River jobs in a transaction.
type jobs interface {
	insert(ctx context.Context, params []river.InsertManyParams) ([]int64, error)
	cancel(ctx context.Context, id int64) error
}

// ErrBusy is returned by Submit when the queue is full.
var ErrBusy = errors.New("the run queue is full")

// Open returns a queue computing the runs of store, which must be a
// *sqlite.DB or a *postgres.DB (possibly wrapped by a type with an
// Unwrap() jirga.Store method). With cfg.Workers > 0 it starts computing;
// Close stops it.
func Open(ctx context.Context, store jirga.Store, cfg Config) (*Queue, error) {
	cfg.defaults()
	q := &Queue{cfg: cfg, store: store, cache: NewVersionCache(cfg.CacheBytes), log: cfg.Logger,
		waiters: map[int64][]chan struct{}{}}
	q.id = clientID(cfg.Role)
	q.log = cfg.Logger.With(slog.String("worker", q.id))
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &partWorker{q: q}); err != nil {
		return nil, err
	}
	rc := &river.Config{
		ID:                   q.id,
		Workers:              workers,
		JobTimeout:           cfg.MaxRunTime,
		RescueStuckJobsAfter: cfg.RescueAfter,
		MaxAttempts:          cfg.MaxAttempts,
		RetryPolicy:          &backoff{base: cfg.RetryBackoff},
		SoftStopTimeout:      cfg.Grace,
		FetchPollInterval:    cfg.PollInterval,
		Logger:               slog.New(atLeast{cfg.Logger.Handler(), slog.LevelWarn}),
		// Completed jobs are kept a day, as River does; the runs keep
		// everything that matters.
	}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{Name: {MaxWorkers: cfg.Workers}}
	}
	// River fetches at most once per cooldown, and each fetch takes at
	// most the free worker slots: with River's default (100 ms) and two
	// workers a process could start only 20 jobs a second.
	rc.FetchCooldown = fetchCooldown
	if cfg.PollInterval > 0 && cfg.PollInterval < fetchCooldown {
		rc.FetchCooldown = cfg.PollInterval
	}
	var err error
	switch db := unwrap(store).(type) {
	case *postgres.DB:
		q.db = db.DB
		var c *river.Client[pgx.Tx]
		if c, err = river.NewClient(riverpgxv5.New(db.Pool()), rc); err == nil {
			q.b = &riverBackend[pgx.Tx]{client: c, begin: db.PgxTx}
		}
	case *sqlite.DB:
		q.db = db.DB
		var c *river.Client[*sql.Tx]
		if c, err = river.NewClient(riversqlite.New(db.SQL()), rc); err == nil {
			q.b = &riverBackend[*sql.Tx]{client: c, begin: sqlTx(db.SQL())}
		}
	default:
		return nil, fmt.Errorf("queue: the store is a %T, not a SQLite or PostgreSQL store", store)
	}
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	host, _ := os.Hostname()
	q.self = &sqlstore.Worker{ID: q.id, Role: cfg.Role, Host: host, PID: os.Getpid(), Version: jirga.Version, Concurrency: max(cfg.Workers, 0)}
	q.ctx, q.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := q.db.Heartbeat(ctx, q.self); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	if cfg.Workers > 0 {
		if err := q.b.start(q.ctx); err != nil {
			return nil, fmt.Errorf("queue: start River: %w", err)
		}
	}
	// Runs and parts left by processes that stopped are taken up now, as
	// a server resumed its runs at start.
	q.recoverOnce(ctx)
	q.loops.Add(2)
	go q.every(cfg.Heartbeat, q.heartbeat)
	go q.every(cfg.RecoverEvery, func() { q.recoverOnce(q.ctx) })
	return q, nil
}

// unwrap returns the store a wrapper holds.
func unwrap(s jirga.Store) jirga.Store {
	for {
		w, ok := s.(interface{ Unwrap() jirga.Store })
		if !ok {
			return s
		}
		s = w.Unwrap()
	}
}

// clientID is a process's River client id: its role, host, process id and
// a random suffix (River ids are at most 100 characters).
func clientID(role string) string {
	host, _ := os.Hostname()
	if len(host) > 60 {
		host = host[:60]
	}
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s-%s-%d-%s", role, host, os.Getpid(), hex.EncodeToString(b))
}

// Config returns the queue's settings, defaults applied.
func (q *Queue) Config() Config { return q.cfg }

// ID returns the process's worker id, its River client id.
func (q *Queue) ID() string { return q.id }

// Cache returns the cache of decoded scenario versions the queue's
// workers share with the process.
func (q *Queue) Cache() *VersionCache { return q.cache }

// Close stops taking parts, lets running ones finish for Config.Grace,
// hands the others back (queued again, for any process), and stops. It
// may be called more than once.
func (q *Queue) Close() error {
	q.closeOnce.Do(func() { q.closeErr = q.close() })
	return q.closeErr
}

func (q *Queue) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), q.cfg.Grace+30*time.Second)
	defer cancel()
	var err error
	if q.cfg.Workers > 0 {
		err = q.b.stop(ctx)
	}
	q.cancel()
	q.loops.Wait()
	if derr := q.db.DeleteWorker(context.Background(), q.id, time.Now().Add(-24*time.Hour)); derr != nil && err == nil {
		err = derr
	}
	// Release the waiters: their runs go on elsewhere.
	q.mu.Lock()
	for id, chs := range q.waiters {
		for _, ch := range chs {
			close(ch)
		}
		delete(q.waiters, id)
	}
	q.mu.Unlock()
	return err
}

// every calls f every d until Close.
func (q *Queue) every(d time.Duration, f func()) {
	defer q.loops.Done()
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-q.ctx.Done():
			return
		case <-t.C:
		}
		f()
	}
}

// heartbeat says that the process is alive (every Config.Heartbeat).
func (q *Queue) heartbeat() {
	if err := q.db.Heartbeat(q.ctx, q.self); err != nil && q.ctx.Err() == nil {
		q.storeError("heartbeat", err)
	}
}

func (q *Queue) storeError(op string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	q.log.Warn("store operation failed", slog.String("op", op), slog.Any("err", err))
	if q.cfg.StoreError != nil {
		q.cfg.StoreError(op, err)
	}
}

// riverBackend is the backend of River's driver for transactions TTx.
type riverBackend[TTx any] struct {
	client *river.Client[TTx]
	begin  func(ctx context.Context, f func(tx TTx, q sqlstore.Querier) error) error
}

func (b *riverBackend[TTx]) tx(ctx context.Context, f func(q sqlstore.Querier, j jobs) error) error {
	return b.begin(ctx, func(tx TTx, q sqlstore.Querier) error {
		return f(q, riverJobs[TTx]{b.client, tx})
	})
}

func (b *riverBackend[TTx]) start(ctx context.Context) error { return b.client.Start(ctx) }
func (b *riverBackend[TTx]) stop(ctx context.Context) error  { return b.client.Stop(ctx) }

func (b *riverBackend[TTx]) job(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return b.client.JobGet(ctx, id)
}

func (b *riverBackend[TTx]) executor() riverdriver.Executor { return b.client.Driver().GetExecutor() }

type riverJobs[TTx any] struct {
	client *river.Client[TTx]
	tx     TTx
}

func (j riverJobs[TTx]) insert(ctx context.Context, params []river.InsertManyParams) ([]int64, error) {
	res, err := j.client.InsertManyTx(ctx, j.tx, params)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(res))
	for i, r := range res {
		ids[i] = r.Job.ID
	}
	return ids, nil
}

func (j riverJobs[TTx]) cancel(ctx context.Context, id int64) error {
	_, err := j.client.JobCancelTx(ctx, j.tx, id)
	if errors.Is(err, river.ErrNotFound) {
		return nil // cleaned away: nothing to cancel
	}
	return err
}

// sqlTx is the transaction runner of a database/sql store.
func sqlTx(db *sql.DB) func(ctx context.Context, f func(tx *sql.Tx, q sqlstore.Querier) error) error {
	return func(ctx context.Context, f func(tx *sql.Tx, q sqlstore.Querier) error) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := f(tx, sqlstore.SQL(tx)); err != nil {
			return err
		}
		return tx.Commit()
	}
}

// backoff is the retry policy of jobs that returned an error: base,
// doubling with each attempt, at most MaxRetryBackoff.
type backoff struct{ base time.Duration }

func (b *backoff) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(b.delay(job.Attempt))
}

func (b *backoff) delay(attempt int) time.Duration {
	d := b.base
	for i := 1; i < attempt && d < MaxRetryBackoff; i++ {
		d *= 2
	}
	return min(d, MaxRetryBackoff)
}

// atLeast is a slog handler that passes records of level min and above.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(as []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(as), h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{h.Handler.WithGroup(name), h.min}
}
