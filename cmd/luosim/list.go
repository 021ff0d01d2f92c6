package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/luosim/luosim/lockmodels"
)

func runDesigns(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("designs", stderr)
	fs.Bool("q", false, "accepted for uniformity; designs prints no status lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "design\tsession\trefcount\tregistry\twhat it is")
	for _, d := range lockmodels.Designs() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Name, d.Session, d.Refcount, d.Registry, d.Description)
	}
	return tw.Flush()
}

func runProfiles(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("profiles", stderr)
	fs.Bool("q", false, "accepted for uniformity; profiles prints no status lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "profile\tlocks\tt_x llc/socket/remote\twake-up\tmachine")
	for _, n := range lockmodels.ProfileNames() {
		p, _ := lockmodels.LookupProfile(n)
		fmt.Fprintf(tw, "%s\t%s\t%v/%v/%v\t%v\t%s\n", p.Name, p.Fidelity, p.LineLLC, p.LineSocket, p.LineRemote, p.WakeLatency(), p.Description)
	}
	return tw.Flush()
}
