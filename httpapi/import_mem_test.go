package httpapi

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// heapNow is the memory of the heap's objects, live or not yet swept.
func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestImportMemory measures the peak heap of importing a large scenario
// (20,000 actors × 12 issues, 28 MiB as JSON) through the API, for
// docs/security.md. It runs only when JIRGA_IMPORT_MEM names the format
// (json or yaml); GOGC=10 makes the peak close to the live data:
//
//	GOGC=10 JIRGA_IMPORT_MEM=json go test ./httpapi -run TestImportMemory -v
//
// JIRGA_IMPORT_DUMP=FILE writes the file instead, e.g. to post it to a
// running jirga serve and read its peak resident memory.
func TestImportMemory(t *testing.T) {
	f := os.Getenv("JIRGA_IMPORT_MEM")
	if f == "" {
		t.Skip("set JIRGA_IMPORT_MEM=json or yaml to measure the memory of a large import")
	}
	n, m := 20000, 12
	rng := rand.New(rand.NewPCG(1, 1))
	s := &jirga.Scenario{ID: "big", Title: "big"}
	for k := range m {
		s.Issues = append(s.Issues, &jirga.Issue{ID: fmt.Sprintf("i%d", k), StatusQuo: jirga.Val(50)})
	}
	for i := range n {
		a := &jirga.Actor{ID: fmt.Sprintf("actor-%05d", i), Name: fmt.Sprintf("Actor number %d", i), Capability: jirga.Val(1 + rng.Float64()), Stances: map[string]*jirga.Stance{}}
		for _, is := range s.Issues {
			a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(100 * rng.Float64()), Salience: jirga.Val(100 * rng.Float64())}
		}
		s.Actors = append(s.Actors, a)
	}
	var b bytes.Buffer
	if err := format.Write(&b, []*jirga.Scenario{s}, f); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if p := os.Getenv("JIRGA_IMPORT_DUMP"); p != "" {
		os.WriteFile(p, data, 0o644)
		return
	}
	s = nil
	b = bytes.Buffer{}
	ts := newTestServer(t, newStore(t), nil)
	runtime.GC()
	base := heapNow()
	stop := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		top := base
		tk := time.NewTicker(time.Millisecond)
		for {
			select {
			case <-tk.C:
				top = max(top, heapNow())
			case <-stop:
				peak <- top - base
				return
			}
		}
	}()
	t0 := time.Now()
	code, raw := ts.do("POST", "/api/import?name=big."+f, "", data, nil)
	if code != 201 {
		t.Fatalf("%d %.300s", code, raw)
	}
	close(stop)
	p := <-peak
	t.Logf("%s: %.1f MiB file imported in %v: peak heap +%.0f MiB (%.0f× the file)", f, float64(len(data))/(1<<20), time.Since(t0), float64(p)/(1<<20), float64(p)/float64(len(data)))
}
