package reports_test

import (
	"os"
	"testing"

	"github.com/luosim/luosim/lockmodels"
)

// TestMain checks the kernel model's invariants in every test run
// (lockmodels.CheckAll): a broken invariant fails the test that broke it.
func TestMain(m *testing.M) {
	lockmodels.CheckAll = true
	os.Exit(m.Run())
}
