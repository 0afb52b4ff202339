package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jirga/jirga"
)

// healthWindow is how long a failed store operation keeps /healthz
// "degraded".
const healthWindow = 5 * time.Minute

// storeHealth records what went wrong with the store, for /healthz.
type storeHealth struct {
	mu        sync.Mutex
	errors    int       // failed operations since the start
	lastError time.Time // of the last failed operation
	damaged   []int64   // runs found damaged, at most maxDamaged
}

const maxDamaged = 20

// storeReport is the "store" object of /healthz.
type storeReport struct {
	Errors      int        `json:"errors"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
	DamagedRuns []int64    `json:"damaged_runs,omitempty"`
}

func (h *storeHealth) failed(now time.Time) {
	h.mu.Lock()
	h.errors++
	h.lastError = now
	h.mu.Unlock()
}

func (h *storeHealth) sawDamaged(id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !slices.Contains(h.damaged, id) && len(h.damaged) < maxDamaged {
		h.damaged = append(h.damaged, id)
	}
}

// report returns what /healthz says of the store, or nil when all is well:
// no failed operation within healthWindow and no damaged run.
func (h *storeHealth) report(now time.Time) *storeReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	recent := h.errors > 0 && now.Sub(h.lastError) < healthWindow
	if !recent && len(h.damaged) == 0 {
		return nil
	}
	r := &storeReport{Errors: h.errors, DamagedRuns: slices.Clone(h.damaged)}
	if h.errors > 0 {
		t := h.lastError.UTC()
		r.LastErrorAt = &t
	}
	return r
}

// watchedStore is a jirga.Store that records its failures (errors that are
// not about the request: EINTERNAL) and the damaged runs it returns.
type watchedStore struct {
	jirga.Store
	h   *storeHealth
	log *slog.Logger
}

func watchStore(s jirga.Store, h *storeHealth, log *slog.Logger) jirga.Store {
	if w, ok := s.(*watchedStore); ok {
		s = w.Store // a server restarted on the same value
	}
	return &watchedStore{Store: s, h: h, log: log}
}

// check records err if the store failed; it returns err.
func (w *watchedStore) check(op string, err error) error {
	if err != nil && jirga.ErrorCode(err) == jirga.EINTERNAL && !isContextErr(err) {
		w.h.failed(time.Now())
		w.log.Error("store operation failed", slog.String("op", op), slog.Any("err", err))
	}
	return err
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func (w *watchedStore) damaged(r *jirga.RunRecord) {
	if r != nil && r.Damaged != "" {
		w.h.sawDamaged(r.ID)
		w.log.Error("damaged run in the store", slog.Int64("run", r.ID), slog.String("damaged", r.Damaged))
	}
}

// Unwrap returns the store watched, for the queue, which works on the
// database itself.
func (w *watchedStore) Unwrap() jirga.Store { return w.Store }

func (w *watchedStore) CreateScenario(ctx context.Context, s *jirga.Scenario) (*jirga.ScenarioVersion, error) {
	sv, err := w.Store.CreateScenario(ctx, s)
	return sv, w.check("create scenario", err)
}

func (w *watchedStore) UpdateScenario(ctx context.Context, s *jirga.Scenario) (*jirga.ScenarioVersion, error) {
	sv, err := w.Store.UpdateScenario(ctx, s)
	return sv, w.check("update scenario", err)
}

func (w *watchedStore) FindScenario(ctx context.Context, id string, version int) (*jirga.ScenarioVersion, error) {
	sv, err := w.Store.FindScenario(ctx, id, version)
	return sv, w.check("find scenario", err)
}

func (w *watchedStore) FindScenarios(ctx context.Context) ([]*jirga.ScenarioVersion, error) {
	l, err := w.Store.FindScenarios(ctx)
	return l, w.check("find scenarios", err)
}

func (w *watchedStore) FindScenarioVersions(ctx context.Context, id string) ([]*jirga.ScenarioVersion, error) {
	l, err := w.Store.FindScenarioVersions(ctx, id)
	return l, w.check("find scenario versions", err)
}

func (w *watchedStore) CreateRun(ctx context.Context, r *jirga.RunRecord) error {
	return w.check("create run", w.Store.CreateRun(ctx, r))
}

func (w *watchedStore) UpdateRun(ctx context.Context, r *jirga.RunRecord) error {
	return w.check("update run", w.Store.UpdateRun(ctx, r))
}

func (w *watchedStore) FindRun(ctx context.Context, id int64) (*jirga.RunRecord, error) {
	r, err := w.Store.FindRun(ctx, id)
	w.damaged(r)
	return r, w.check("find run", err)
}

func (w *watchedStore) FindRuns(ctx context.Context, f jirga.RunFilter) ([]*jirga.RunRecord, error) {
	runs, err := w.Store.FindRuns(ctx, f)
	for _, r := range runs {
		w.damaged(r)
	}
	return runs, w.check("find runs", err)
}
