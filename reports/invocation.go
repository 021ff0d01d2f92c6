package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Invocation is what a manifest.json says about how a result document was
// produced: details that depend on the invocation and so never appear in
// results.* (product.md §4). Every field may be empty; unknown keys of the
// manifest are ignored.
type Invocation struct {
	Command     []string `json:"command"`      // argv, "luosim" first
	Scenario    string   `json:"scenario"`     // the scenario file, or "embedded:NAME"
	Luosim      string   `json:"luosim"`       // luosim's version
	Revision    string   `json:"revision"`     // VCS revision, "+dirty" when modified
	Go          string   `json:"go"`           // Go version of the binary
	Workers     int      `json:"workers"`      // -j
	WallSeconds float64  `json:"wall_seconds"` // host time the run took
	Started     string   `json:"started"`      // RFC 3339, UTC
	Host        string   `json:"host"`
}

// ReadInvocation parses a manifest.json; name is the file's name for
// errors. It refuses an empty, truncated or malformed file, or one that is
// not a JSON object.
func ReadInvocation(name string, data []byte) (*Invocation, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty file, not a luosim manifest", name)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%s: truncated: the file ends inside the JSON object", name)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s: not a luosim manifest (a JSON object is expected)", name)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: unexpected data after the manifest", name)
	}
	if raw == nil {
		return nil, fmt.Errorf("%s: not a luosim manifest (a JSON object is expected)", name)
	}
	var inv Invocation
	if err := json.Unmarshal(data, &inv); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s: key %q: %s where %s is expected", name, te.Field, te.Value, te.Type)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &inv, nil
}

// commandLine is the invocation's command line, quoted for a POSIX shell
// where an argument needs it.
func (inv *Invocation) commandLine() string {
	if inv == nil || len(inv.Command) == 0 {
		return ""
	}
	parts := make([]string, len(inv.Command))
	for i, a := range inv.Command {
		parts[i] = shellQuote(a)
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:,=+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
