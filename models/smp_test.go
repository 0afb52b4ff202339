package models_test

import (
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/models"
)

func TestSMPRegistry(t *testing.T) {
	info, ok := models.Lookup("smp")
	if !ok || !info.Dynamic || info.Explain == nil || len(info.Options) != 11 {
		t.Fatalf("smp registry entry = %+v", info)
	}
	if _, err := models.New("smp", models.Options{Params: map[string]string{"VotingRule": "Cubic", "turns": "5", "seed": "9"}}); err != nil {
		t.Error(err)
	}
	for _, bad := range []map[string]string{{"VotingRule": "Quad"}, {"Bogus": "1"}, {"turns": "0"}, {"seed": "x"}} {
		if _, err := models.New("smp", models.Options{Params: bad}); jirga.ErrorCode(err) != jirga.EINVALID {
			t.Errorf("%v: error %v, want EINVALID", bad, err)
		}
	}
}
