package lockmodels

import (
	"os"
	"testing"
)

// TestMain checks every model's invariants in every test (CheckAll).
func TestMain(m *testing.M) {
	CheckAll = true
	os.Exit(m.Run())
}
