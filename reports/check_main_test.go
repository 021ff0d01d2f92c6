package reports_test

import (
	"flag"
	"os"
	"testing"

	"github.com/luosim/luosim/lockmodels"
)

// TestMain checks the kernel model's invariants in every test run
// (lockmodels.CheckAll): a broken invariant fails the test that broke it.
// Benchmark runs (-bench) measure the unchecked path users run.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		lockmodels.CheckAll = true
	}
	os.Exit(m.Run())
}
