package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/luosim/luosim/workload"
)

// ReadDocument parses a results.json written by luosim version: name is
// the file's name for errors. It refuses, with an error naming the file
// and what is wrong, a file that is empty, truncated or corrupted, not a
// luosim result document, written by another luosim version, or whose
// scenario does not match its recorded SHA-256.
func ReadDocument(name string, data []byte, version string) (*Document, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty file, not a luosim result document", name)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonError(name, data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: unexpected data after the result document", name)
	}
	if doc.Version == "" || doc.Evidence == "" || doc.ScenarioSHA256 == "" || len(doc.Scenario) == 0 {
		return nil, fmt.Errorf("%s: not a luosim result document (luosim_version, scenario, scenario_sha256 or evidence missing)", name)
	}
	if doc.Version != version {
		return nil, fmt.Errorf("%s: written by luosim %s, this is luosim %s: rerun the scenario with this version", name, doc.Version, version)
	}
	sc, err := workload.Parse(name+": scenario", doc.Scenario)
	if err != nil {
		return nil, fmt.Errorf("%s: its scenario does not parse: %v", name, err)
	}
	if got := sc.SHA256(); got != doc.ScenarioSHA256 {
		return nil, fmt.Errorf("%s: scenario_sha256 %s does not match its scenario (%s): the file was edited or corrupted", name, doc.ScenarioSHA256, got)
	}
	// The results are exactly the scenario's grid, in plan order.
	points := sc.Points()
	if want := len(sc.Designs) * len(points); len(doc.Results) != want {
		return nil, fmt.Errorf("%s: %d results, its scenario has %d designs x %d points", name, len(doc.Results), len(sc.Designs), len(points))
	}
	for i, r := range doc.Results {
		d, pt := sc.Designs[i/len(points)], points[i%len(points)]
		if r.Design != d.Name || r.Point != pt.Key() || r.CPUs != pt.CPUs || r.Replications != sc.Replications ||
			!maps.Equal(r.Params, params(pt)) {
			return nil, fmt.Errorf("%s: results[%d] is (%s, %s, %d replications), its scenario says (%s, %s, %d replications)",
				name, i, r.Design, r.Point, r.Replications, d.Name, pt.Key(), sc.Replications)
		}
	}
	doc.scenarioName = sc.Name
	return &doc, nil
}

// ScenarioName returns the name of the document's scenario.
func (d *Document) ScenarioName() string { return d.scenarioName }

// jsonError positions a JSON decoding error as name:line:col.
func jsonError(name string, data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: truncated: the file ends inside the JSON document", name)
	}
	if off < 0 {
		return fmt.Errorf("%s: %v", name, err)
	}
	off = min(off, int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Errorf("%s:%d:%d: %v", name, line, col, err)
}
