package reports

import (
	"bytes"
	"fmt"
	"strings"
)

// markdown renders report.md: the same sections as report.html, the plots
// as links to plots/*.svg beside it, every scenario string escaped so that
// a code forge renders it as text.
func (r *report) markdown() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# %s\n\n", mdEscape(r.Title))
	p("**SIMULATED**: every number and plot below comes from luosim's discrete-event simulation of the " +
		"Live Update Orchestrator's lock designs, not from measurements on hardware.\n\n")

	p("## Summary verdict per design\n\n")
	p("%s\n\n", mdEscape(r.Headline))
	for _, f := range r.Facts {
		p("- **%s**: %s\n", mdEscape(f.Key), mdEscape(f.Value))
	}
	p("\n")
	mdTable(&b, r.Verdicts)
	textFence := mdFence(r.Text)
	p("%stext\n%s%s\n\n", textFence, r.Text, textFence)

	p("## Tables\n\n")
	for _, t := range r.Tables {
		mdTable(&b, t)
	}

	p("## Plots\n\n")
	for _, f := range r.Figures {
		p("### %s\n\n", mdEscape(f.Title))
		p("![%s](%s)\n\n", mdEscape(f.Title), f.File)
		p("*%s*\n\n", mdEscape(f.Caption))
	}
	if len(r.Skipped) > 0 {
		p("### Plots not drawn\n\n")
		for _, s := range r.Skipped {
			p("- **%s**: %s\n", mdEscape(s.Title), mdEscape(s.Reason))
		}
		p("\n")
	}

	p("## Safety\n\n")
	mdTable(&b, r.Safety)
	p("## Locks\n\n")
	if len(r.Locks.Rows) > 0 {
		mdTable(&b, r.Locks)
	} else {
		p("No lock statistics in these results.\n\n")
	}

	p("## Scenario (canonical form)\n\n")
	fence := mdFence(r.Scenario)
	p("%syaml\n%s", fence, r.Scenario)
	if !strings.HasSuffix(r.Scenario, "\n") {
		p("\n")
	}
	p("%s\n\n", fence)

	p("## Reproducibility\n\n")
	for _, kv := range r.Repro {
		p("- **%s**: %s\n", mdEscape(kv.Key), mdEscape(kv.Value))
	}
	p("\nThe same luosim binary, scenario and seed give byte-identical results files; " +
		"`luosim report DIR` re-renders this report from DIR/results.json.\n")
	return b.Bytes()
}

// mdTable writes t as a GitHub-flavoured Markdown table.
func mdTable(b *bytes.Buffer, t table) {
	fmt.Fprintf(b, "### %s\n\n", mdEscape(t.Title))
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	head := make([]string, len(t.Head))
	rule := make([]string, len(t.Head))
	for i, h := range t.Head {
		head[i] = mdEscape(h)
		rule[i] = "---"
		if i < len(t.Num) && t.Num[i] {
			rule[i] = "---:"
		}
	}
	row(head)
	row(rule)
	for _, r := range t.Rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = mdEscape(c.Text)
			if c.Alert && cells[i] != "" {
				cells[i] = "**" + cells[i] + "**"
			}
		}
		row(cells)
	}
	b.WriteString("\n")
	if t.Note != "" {
		fmt.Fprintf(b, "%s\n\n", mdEscape(t.Note))
	}
}

// mdEscape makes s literal text in Markdown, inside a table cell too: HTML
// is escaped and Markdown's punctuation backslash-escaped; a line break
// becomes a space.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\n', '\r':
			b.WriteByte(' ')
		case '\\', '`', '*', '_', '[', ']', '|', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdFence is a code fence longer than any run of backquotes in s.
func mdFence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}
