package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunCommands(t *testing.T) {
	for _, tt := range []struct {
		name       string
		args       []string
		code       int // -1: success
		wantOut    string
		wantErrOut string
	}{
		{"version", []string{"version"}, -1, "go go1", ""},
		{"help", []string{"help"}, -1, "validate", ""},
		{"designs", []string{"designs"}, -1, "v2-no-refcount      per-session  none", ""},
		{"profiles", []string{"profiles"}, -1, "epyc2s-milan", ""},
		{"designs takes no arguments", []string{"designs", "x"}, 2, "", `unexpected argument "x"`},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"bad flag", []string{"validate", "-nope"}, 2, "", "flag provided but not defined"},
		{"too few replications", []string{"validate", "-count", "1"}, 2, "", "replications 1: want 2..1000"},
		{"too many ops", []string{"validate", "-ops", "1000000000000"}, 2, "", "ops 1000000000000"},
		{"flag help", []string{"validate", "-h"}, -1, "", "-count"},
		{"stray argument", []string{"validate", "x.yaml"}, 2, "", `unexpected argument "x.yaml"`},
		{"validate passes", []string{"validate", "-q", "-count", "3", "-ops", "20000"}, -1, "0 failed", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(tt.args, &out, &errOut)
			switch {
			case tt.code < 0 && err != nil:
				t.Fatalf("error %v; stderr %s", err, errOut.String())
			case tt.code >= 0 && (err == nil || exitCode(err) != tt.code):
				t.Fatalf("err %v (exit %d), want exit %d", err, exitCode(err), tt.code)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErrOut) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tt.wantErrOut)
			}
			if tt.code == 2 && out.Len() > 0 && tt.name != "unknown command" {
				t.Errorf("usage error wrote to stdout: %q", out.String())
			}
		})
	}
}
