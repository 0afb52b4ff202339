package whatif_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/whatif"
)

// TestWorkers: the variants run on sweep.For and give the same bytes for
// any number of workers; a cancelled context ends them with its error.
func TestWorkers(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ms []jirga.Model
	for _, n := range []string{"mean", "nbs", "bdm"} {
		m, err := models.New(n, models.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	var want string
	for _, w := range []int{1, 2, 5, 0} {
		c, err := whatif.Compare(context.Background(), ss[0], ms, whatif.Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(c)
		if want == "" {
			want = string(b)
		} else if string(b) != want {
			t.Errorf("workers %d: the comparison differs", w)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := whatif.Compare(ctx, ss[0], ms, whatif.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("comparison on a cancelled context: %v", err)
	}
}
