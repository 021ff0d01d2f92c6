package workload

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
)

//go:embed scenarios/*.yaml
var scenarioFS embed.FS

// DefaultScenario is the name of the embedded scenario luosim runs when
// given none.
const DefaultScenario = "vm-fleet"

// EmbeddedNames returns the names of the embedded scenarios, sorted.
func EmbeddedNames() []string {
	entries, _ := scenarioFS.ReadDir("scenarios")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// EmbeddedSource returns the YAML source of the named embedded scenario,
// comments included.
func EmbeddedSource(name string) ([]byte, error) {
	data, err := scenarioFS.ReadFile(path.Join("scenarios", name+".yaml"))
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("unknown scenario %q (want one of %s)", name, strings.Join(EmbeddedNames(), ", "))
	}
	return data, nil
}

// Embedded parses the named embedded scenario.
func Embedded(name string) (*Scenario, error) {
	data, err := EmbeddedSource(name)
	if err != nil {
		return nil, err
	}
	return Parse(name+".yaml", data)
}

// Default returns the default scenario (vm-fleet). It panics only if the
// embedded file is broken, which the package's tests rule out.
func Default() *Scenario {
	s, err := Embedded(DefaultScenario)
	if err != nil {
		panic("workload: embedded default scenario: " + err.Error())
	}
	return s
}
