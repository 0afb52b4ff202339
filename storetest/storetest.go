package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jirga/jirga"
)

// Run runs the suite. open returns a new, empty store for each subtest; the
// suite closes it.
func Run(t *testing.T, open func(t *testing.T) jirga.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s jirga.Store)
	}{
		{"CreateFind", testCreateFind},
		{"CreateConflict", testCreateConflict},
		{"Versions", testVersions},
		{"NotFound", testNotFound},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"Runs", testRuns},
		{"RunFilter", testRunFilter},
		{"ResultBytes", testResultBytes},
		{"Restarts", testRestarts},
		{"Damaged", testDamaged},
		{"Parts", testParts},
		{"Executions", testExecutions},
		{"Workers", testWorkers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			tt.fn(t, s)
		})
	}
}

// scenario returns a small valid scenario with the given id whose actor a
// holds position pos on issue x.
func scenario(id string, pos float64) *jirga.Scenario {
	return &jirga.Scenario{
		ID: id, Title: "Test " + id,
		Issues: []*jirga.Issue{{ID: "x", Name: "X"}},
		Actors: []*jirga.Actor{
			{ID: "a", Capability: jirga.Val(2), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(pos), Salience: jirga.Val(80)}}},
			{ID: "b", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(100), Salience: jirga.Val(50)}}},
		},
	}
}

func code(t *testing.T, err error, want string) {
	t.Helper()
	if got := jirga.ErrorCode(err); got != want {
		t.Fatalf("error code %q (%v), want %q", got, err, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testCreateFind(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	sc := scenario("alpha", 10)
	sv, err := s.CreateScenario(ctx, sc)
	must(t, err)
	if sv.ID != "alpha" || sv.Version != 1 || sv.CreatedAt.IsZero() {
		t.Fatalf("created %+v, want id alpha version 1 with a time", sv)
	}
	got, err := s.FindScenario(ctx, "alpha", 0)
	must(t, err)
	if got.Version != 1 || got.Title != "Test alpha" {
		t.Fatalf("found version %d title %q", got.Version, got.Title)
	}
	if !got.CreatedAt.Equal(sv.CreatedAt.Truncate(time.Microsecond)) && !got.CreatedAt.Equal(sv.CreatedAt) {
		t.Errorf("CreatedAt=%v, want %v", got.CreatedAt, sv.CreatedAt)
	}
	a, _ := json.Marshal(sc)
	b, _ := json.Marshal(got.Scenario)
	if string(a) != string(b) {
		t.Fatalf("scenario round trip:\n got %s\nwant %s", b, a)
	}
	_, err = s.CreateScenario(ctx, scenario("beta", 20))
	must(t, err)
	list, err := s.FindScenarios(ctx)
	must(t, err)
	if len(list) != 2 || list[0].ID != "alpha" || list[1].ID != "beta" {
		t.Fatalf("list %v, want alpha, beta", ids(list))
	}
	if list[0].Scenario != nil {
		t.Errorf("list carries scenario bodies")
	}
}

func ids(list []*jirga.ScenarioVersion) []string {
	var out []string
	for _, sv := range list {
		out = append(out, fmt.Sprintf("%s@%d", sv.ID, sv.Version))
	}
	return out
}

func testCreateConflict(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	_, err = s.CreateScenario(ctx, scenario("alpha", 30))
	code(t, err, jirga.ECONFLICT)
	got, err := s.FindScenario(ctx, "alpha", 0)
	must(t, err)
	if p := got.Scenario.Actors[0].Stances["x"].Position.Value; p != 10 {
		t.Fatalf("conflicting create overwrote the scenario: position %v, want 10", p)
	}
}

func testVersions(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	for i, pos := range []float64{20, 30} {
		sv, err := s.UpdateScenario(ctx, scenario("alpha", pos))
		must(t, err)
		if sv.Version != i+2 {
			t.Fatalf("update %d: version %d, want %d", i, sv.Version, i+2)
		}
	}
	for v, want := range map[int]float64{0: 30, 1: 10, 2: 20, 3: 30} {
		got, err := s.FindScenario(ctx, "alpha", v)
		must(t, err)
		if p := got.Scenario.Actors[0].Stances["x"].Position.Value; p != want {
			t.Errorf("version %d: position %v, want %v", v, p, want)
		}
	}
	vs, err := s.FindScenarioVersions(ctx, "alpha")
	must(t, err)
	if got, want := fmt.Sprint(ids(vs)), "[alpha@1 alpha@2 alpha@3]"; got != want {
		t.Errorf("versions %s, want %s", got, want)
	}
	list, err := s.FindScenarios(ctx)
	must(t, err)
	if got, want := fmt.Sprint(ids(list)), "[alpha@3]"; got != want {
		t.Errorf("list %s, want %s", got, want)
	}
}

func testNotFound(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	_, err := s.FindScenario(ctx, "nope", 0)
	code(t, err, jirga.ENOTFOUND)
	_, err = s.UpdateScenario(ctx, scenario("nope", 1))
	code(t, err, jirga.ENOTFOUND)
	_, err = s.FindScenarioVersions(ctx, "nope")
	code(t, err, jirga.ENOTFOUND)
	_, err = s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	_, err = s.FindScenario(ctx, "alpha", 2)
	code(t, err, jirga.ENOTFOUND)
	_, err = s.FindRun(ctx, 12345)
	code(t, err, jirga.ENOTFOUND)
	err = s.UpdateRun(ctx, &jirga.RunRecord{ID: 12345, Status: jirga.RunDone})
	code(t, err, jirga.ENOTFOUND)
	err = s.CreateRun(ctx, &jirga.RunRecord{ScenarioID: "alpha", Version: 9, Kind: jirga.KindForecast, Status: jirga.RunQueued})
	code(t, err, jirga.ENOTFOUND)
}

// testConcurrentUpdates saves versions from several goroutines: every save
// must get its own version number and none may be lost.
func testConcurrentUpdates(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	_, err := s.CreateScenario(ctx, scenario("alpha", 0))
	must(t, err)
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateScenario(ctx, scenario("alpha", float64(i+1)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	vs, err := s.FindScenarioVersions(ctx, "alpha")
	must(t, err)
	if len(vs) != n+1 {
		t.Fatalf("%d versions, want %d", len(vs), n+1)
	}
	seen := map[float64]bool{}
	for _, v := range vs {
		sv, err := s.FindScenario(ctx, "alpha", v.Version)
		must(t, err)
		seen[sv.Scenario.Actors[0].Stances["x"].Position.Value] = true
	}
	if len(seen) != n+1 {
		t.Fatalf("%d distinct saved positions, want %d", len(seen), n+1)
	}
}

func newRun(id string, kind jirga.RunKind) *jirga.RunRecord {
	return &jirga.RunRecord{
		ScenarioID: id, Version: 1, Kind: kind, Models: []string{"mean", "nbs"},
		Options: jirga.RunOptions{Rounds: 3, Opts: map[string]string{"nbs.utility": "linear"}},
		Seed:    1<<63 + 5, EngineVersion: jirga.Version, InputHash: "abc", Status: jirga.RunQueued,
	}
}

func testRuns(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	r := newRun("alpha", jirga.KindForecast)
	must(t, s.CreateRun(ctx, r))
	if r.ID == 0 || r.CreatedAt.IsZero() {
		t.Fatalf("CreateRun set id %d, created %v", r.ID, r.CreatedAt)
	}
	got, err := s.FindRun(ctx, r.ID)
	must(t, err)
	if got.Status != jirga.RunQueued || got.Seed != r.Seed || got.Options.Rounds != 3 ||
		got.Options.Opts["nbs.utility"] != "linear" || fmt.Sprint(got.Models) != "[mean nbs]" ||
		got.EngineVersion != jirga.Version || got.InputHash != "abc" || got.FinishedAt != nil || got.Result != nil {
		t.Fatalf("stored run differs: %+v", got)
	}
	fin := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	r.Status, r.Result, r.Error, r.FinishedAt = jirga.RunFailed, nil, "boom", &fin
	must(t, s.UpdateRun(ctx, r))
	got, err = s.FindRun(ctx, r.ID)
	must(t, err)
	if got.Status != jirga.RunFailed || got.Error != "boom" || got.FinishedAt == nil || !got.FinishedAt.Equal(fin) {
		t.Fatalf("updated run: status %s error %q finished %v", got.Status, got.Error, got.FinishedAt)
	}
}

func testRunFilter(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	for _, id := range []string{"alpha", "beta"} {
		_, err := s.CreateScenario(ctx, scenario(id, 10))
		must(t, err)
	}
	var all []int64
	for i, c := range []struct {
		id   string
		kind jirga.RunKind
		st   jirga.RunStatus
	}{
		{"alpha", jirga.KindForecast, jirga.RunDone},
		{"alpha", jirga.KindSweep, jirga.RunQueued},
		{"beta", jirga.KindForecast, jirga.RunQueued},
		{"alpha", jirga.KindForecast, jirga.RunFailed},
	} {
		r := newRun(c.id, c.kind)
		r.Status = c.st
		must(t, s.CreateRun(ctx, r))
		all = append(all, r.ID)
		_ = i
	}
	for _, c := range []struct {
		f    jirga.RunFilter
		want []int64
	}{
		{jirga.RunFilter{}, []int64{all[3], all[2], all[1], all[0]}},
		{jirga.RunFilter{ScenarioID: "alpha"}, []int64{all[3], all[1], all[0]}},
		{jirga.RunFilter{Kind: jirga.KindForecast}, []int64{all[3], all[2], all[0]}},
		{jirga.RunFilter{Status: jirga.RunQueued}, []int64{all[2], all[1]}},
		{jirga.RunFilter{ScenarioID: "alpha", Kind: jirga.KindForecast, Status: jirga.RunDone}, []int64{all[0]}},
		{jirga.RunFilter{Limit: 2}, []int64{all[3], all[2]}},
		{jirga.RunFilter{Limit: 2, Offset: 2}, []int64{all[1], all[0]}},
		{jirga.RunFilter{ScenarioID: "nope"}, nil},
	} {
		runs, err := s.FindRuns(ctx, c.f)
		must(t, err)
		var got []int64
		for _, r := range runs {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("FindRuns(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
}

// testResultBytes checks that a result comes back byte for byte, key order
// and spacing included, since re-runs are compared on these bytes.
func testResultBytes(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	r := newRun("alpha", jirga.KindForecast)
	must(t, s.CreateRun(ctx, r))
	res := json.RawMessage(`{"zeta":1,"alpha":[0.1, 2e-7],"mid":{"b":"ü","a":null}}`)
	now := time.Now()
	r.Status, r.Result, r.FinishedAt = jirga.RunDone, res, &now
	must(t, s.UpdateRun(ctx, r))
	got, err := s.FindRun(ctx, r.ID)
	must(t, err)
	if string(got.Result) != string(res) {
		t.Fatalf("result %s, want %s", got.Result, res)
	}
	runs, err := s.FindRuns(ctx, jirga.RunFilter{})
	must(t, err)
	if len(runs) != 1 || runs[0].Result != nil {
		t.Fatalf("FindRuns should omit results")
	}
}

// testRestarts checks that a run's restart count is stored and read back.
func testRestarts(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	r := newRun("alpha", jirga.KindForecast)
	must(t, s.CreateRun(ctx, r))
	if got, err := s.FindRun(ctx, r.ID); err != nil || got.Restarts != 0 {
		t.Fatalf("new run: restarts %v, %v; want 0", got, err)
	}
	r.Status, r.Restarts = jirga.RunQueued, 2
	must(t, s.UpdateRun(ctx, r))
	got, err := s.FindRun(ctx, r.ID)
	must(t, err)
	if got.Restarts != 2 {
		t.Fatalf("restarts %d, want 2", got.Restarts)
	}
	runs, err := s.FindRuns(ctx, jirga.RunFilter{})
	must(t, err)
	if len(runs) != 1 || runs[0].Restarts != 2 {
		t.Fatalf("FindRuns: %+v", runs)
	}
}

// testDamaged damages stored rows (in stores that expose their SQL handle)
// and checks that each damaged run is reported as damaged, alone: the list
// still holds the others.
func testDamaged(t *testing.T, s jirga.Store) {
	db, ok := s.(interface{ SQL() *sql.DB })
	if !ok {
		t.Skip("the store does not expose its SQL handle")
	}
	ctx := context.Background()
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	var ids []int64
	for range 4 {
		r := newRun("alpha", jirga.KindForecast)
		must(t, s.CreateRun(ctx, r))
		ids = append(ids, r.ID)
	}
	// ids[0] stays sound; the others are damaged one field each.
	for _, q := range []string{
		fmt.Sprintf(`UPDATE runs SET options = 'not json' WHERE id = %d`, ids[1]),
		fmt.Sprintf(`UPDATE runs SET models = '{' WHERE id = %d`, ids[2]),
		fmt.Sprintf(`UPDATE runs SET result = '{"half":', status = 'done' WHERE id = %d`, ids[3]),
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := s.FindRuns(ctx, jirga.RunFilter{})
	must(t, err)
	if len(runs) != 4 {
		t.Fatalf("FindRuns returned %d runs, want all 4", len(runs))
	}
	want := map[int64]string{ids[0]: "", ids[1]: "options", ids[2]: "models", ids[3]: ""}
	for _, r := range runs {
		if w := want[r.ID]; (w == "") != (r.Damaged == "") || !strings.Contains(r.Damaged, w) {
			t.Errorf("FindRuns: run %d damaged %q, want %q", r.ID, r.Damaged, w)
		}
	}
	want[ids[3]] = "result"
	for _, id := range ids {
		r, err := s.FindRun(ctx, id)
		must(t, err)
		if w := want[id]; (w == "") != (r.Damaged == "") || !strings.Contains(r.Damaged, w) {
			t.Errorf("FindRun(%d): damaged %q, want %q", id, r.Damaged, w)
		}
		if r.Damaged != "" && r.Result != nil {
			t.Errorf("FindRun(%d): damaged run carries a result", id)
		}
	}
}
