package lockmodels

import (
	"flag"
	"os"
	"testing"
)

// TestMain checks every model's invariants in every test (CheckAll);
// benchmark runs (-bench) measure the unchecked path users run.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		CheckAll = true
	}
	os.Exit(m.Run())
}
