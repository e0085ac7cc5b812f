package fim

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on the XML read, so that a hostile file cannot exhaust memory.
// BlaueKarte.xml, a real 150 KB export, has about 4,000 elements.
const (
	MaxFileSize = 20 << 20
	maxDepth    = 64
	maxNodes    = 200_000
)

// node is an XML element with its text and children.
type node struct {
	space string // namespace URI
	name  string // local name
	attrs []xml.Attr
	text  []byte // character data directly inside, concatenated
	kids  []*node
	line  int
	col   int
}

// attr returns an attribute value by local name.
func (n *node) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// value is the element's trimmed text.
func (n *node) value() string { return strings.TrimSpace(string(n.text)) }

// empty reports whether the element has neither text nor children.
func (n *node) empty() bool { return n.value() == "" && len(n.kids) == 0 && len(n.attrs) == 0 }

// qname writes the element as it appears in messages: <xdf:name>.
func (n *node) qname() string {
	if n.space == "" {
		return "<" + n.name + ">"
	}
	return "<xdf:" + n.name + ">"
}

// Error is an import problem, with the position in the file where known.
// Message is German and names the problem.
type Error struct {
	Line    int
	Message string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("fim: Zeile %d: %s", e.Line, e.Message)
	}
	return "fim: " + e.Message
}

func errorAt(n *node, format string, args ...any) *Error {
	e := &Error{Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.line
	}
	return e
}

// readTree parses the whole document into nodes.
func readTree(r io.Reader) (*node, error) {
	lr := &io.LimitedReader{R: r, N: MaxFileSize + 1}
	dec := xml.NewDecoder(lr)
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
			return input, nil
		}
		return nil, fmt.Errorf("Zeichenkodierung %q wird nicht unterstützt; speichern Sie die Datei als UTF-8", label)
	}
	var root *node
	var stack []*node
	count := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		line, col := dec.InputPos()
		if err != nil {
			if lr.N <= 0 {
				return nil, &Error{Message: fmt.Sprintf("Die Datei ist größer als %d MB.", MaxFileSize>>20)}
			}
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &Error{Line: se.Line, Message: "Die Datei ist kein wohlgeformtes XML: " + se.Msg}
			}
			return nil, &Error{Line: line, Message: "Die Datei ist kein wohlgeformtes XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxNodes {
				return nil, &Error{Line: line, Message: fmt.Sprintf("Die Datei hat mehr als %d Elemente.", maxNodes)}
			}
			if len(stack) >= maxDepth {
				return nil, &Error{Line: line, Message: fmt.Sprintf("Die Elemente sind tiefer als %d Ebenen verschachtelt.", maxDepth)}
			}
			n := &node{space: t.Name.Space, name: t.Name.Local, attrs: t.Attr, line: line, col: col}
			if len(stack) == 0 {
				if root != nil {
					return nil, &Error{Line: line, Message: "Die Datei hat mehr als ein Wurzelelement."}
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.text = append(p.text, t...)
			}
		}
	}
	if root == nil {
		return nil, &Error{Message: "Die Datei enthält kein XML-Element."}
	}
	return root, nil
}
