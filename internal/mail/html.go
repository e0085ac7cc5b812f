package mail

import (
	"html/template"
	"regexp"
	"strings"
)

// htmlPage is deliberately plain: mail clients ignore most CSS, and a plain
// page reads well in screen readers and high-contrast modes.
var htmlPage = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; color: #1a1a1a;">
{{range .Paragraphs}}<p>{{range $i, $line := .}}{{if $i}}<br>
{{end}}{{range $line}}{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}{{end}}</p>
{{end}}</body>
</html>
`))

type segment struct {
	Text string
	URL  string
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// RenderHTML turns a plain-text body into a small HTML document: blank lines
// separate paragraphs, line breaks are kept, and http(s) links become
// anchors. Everything is escaped, so text cannot inject markup.
func RenderHTML(title, text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var paras [][][]segment
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.Trim(p, "\n")
		if strings.TrimSpace(p) == "" {
			continue
		}
		var lines [][]segment
		for _, l := range strings.Split(p, "\n") {
			lines = append(lines, linkify(l))
		}
		paras = append(paras, lines)
	}
	var b strings.Builder
	// The template and its data are fixed in shape; Execute cannot fail.
	_ = htmlPage.Execute(&b, struct {
		Title      string
		Paragraphs [][][]segment
	}{title, paras})
	return b.String()
}

// linkify splits a line into text and link segments. Punctuation that ends a
// sentence is not part of the link.
func linkify(line string) []segment {
	var segs []segment
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(line, -1) {
		u := strings.TrimRight(line[m[0]:m[1]], ".,;:!?)")
		end := m[0] + len(u)
		if m[0] > last {
			segs = append(segs, segment{Text: line[last:m[0]]})
		}
		segs = append(segs, segment{Text: u, URL: u})
		last = end
	}
	if last < len(line) {
		segs = append(segs, segment{Text: line[last:]})
	}
	return segs
}
