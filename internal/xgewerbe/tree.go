package xgewerbe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits for untrusted input. XGewerbeanzeige messages are a few dozen
// kilobytes; the limits leave room for a batch of many Sätze while keeping
// memory and time bounded.
const (
	// MaxSize is the largest message Parse reads, in bytes.
	MaxSize = 4 << 20
	// maxDepth bounds element nesting; the deepest real path is about 8.
	maxDepth = 32
	// maxElements bounds the number of elements in one message.
	maxElements = 100_000
	// maxAttrs bounds the attributes of one element.
	maxAttrs = 32
	// maxTokens bounds all tokens (text, comments …), so a flood of
	// comments between text chunks cannot make decoding slow.
	maxTokens = 1_000_000
)

// node is one element of a decoded message. Text holds the element's own
// character data (not its children's), untrimmed.
type node struct {
	space, name string
	attrs       []xml.Attr
	text        string
	line        int
	kids        []*node
	// orig is the sender's name for an element converted from the 1.x
	// DatML-RAW format (e.g. "GueltigAb"), so problems name what the sender
	// wrote; empty for 2.x elements.
	orig string
}

// label is the element's name as the sender wrote it.
func (n *node) label() string {
	if n.orig != "" {
		return n.orig
	}
	return n.name
}

// child returns the first child with the given local name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// children returns all children with the given local name.
func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// value is the trimmed text of a simple element, or of its <code> child for
// XÖV code types (whose code may be wrapped in whitespace, as in KoSIT's
// examples).
func (n *node) value() string {
	if n == nil {
		return ""
	}
	if c := n.child("code"); c != nil {
		return strings.TrimSpace(c.text)
	}
	return strings.TrimSpace(n.text)
}

// attr returns the value of the attribute with the given local name.
func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// decode reads one XML document into a tree, refusing what a hostile sender
// could use against us: DTDs (and so external or expanding entities),
// documents larger than MaxSize, deep nesting, huge element counts and
// encodings other than UTF-8.
func decode(r io.Reader) (*node, error) {
	src := &recordingReader{r: r}
	lr := &io.LimitedReader{R: src, N: MaxSize + 1}
	d := xml.NewDecoder(lr)
	d.Strict = true
	var badCharset string
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		badCharset = label
		return nil, errors.New("unsupported charset")
	}
	var (
		root          *node
		stack         []*node
		texts         [][]byte // character data of the open elements
		count, tokens int
	)
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if tokens++; tokens > maxTokens {
			return nil, refuse(line, "", "Die Nachricht besteht aus mehr als %d Bestandteilen.", maxTokens)
		}
		if err != nil {
			switch {
			case src.err != nil:
				return nil, fmt.Errorf("xgewerbe: read message: %w", src.err)
			case lr.N <= 0:
				return nil, refuse(0, "", "Die Nachricht ist größer als %d MiB.", MaxSize>>20)
			case badCharset != "":
				return nil, refuse(1, "", "Die Zeichenkodierung %q wird nicht unterstützt; XGewerbeanzeige-Nachrichten sind UTF-8-kodiert.", badCharset)
			}
			errLine, _ := d.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				errLine = se.Line
			}
			return nil, refuse(errLine, "", "Die Nachricht ist kein wohlgeformtes XML (%s).", xmlReason(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, refuse(line, t.Name.Local, "Nach dem Wurzelelement folgt ein weiteres Element; eine Nachricht hat genau ein Wurzelelement.")
			}
			count++
			if count > maxElements {
				return nil, refuse(line, t.Name.Local, "Die Nachricht hat mehr als %d Elemente.", maxElements)
			}
			if len(stack) >= maxDepth {
				return nil, refuse(line, t.Name.Local, "Die Elemente sind tiefer als %d Ebenen verschachtelt.", maxDepth)
			}
			if len(t.Attr) > maxAttrs {
				return nil, refuse(line, t.Name.Local, "Das Element hat mehr als %d Attribute.", maxAttrs)
			}
			n := &node{space: t.Name.Space, name: t.Name.Local, attrs: t.Attr, line: line}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			texts = append(texts, nil)
		case xml.EndElement:
			stack[len(stack)-1].text = string(texts[len(texts)-1])
			stack, texts = stack[:len(stack)-1], texts[:len(texts)-1]
		case xml.CharData:
			if len(stack) > 0 {
				texts[len(texts)-1] = append(texts[len(texts)-1], t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, refuse(line, "", "Text außerhalb des Wurzelelements ist nicht erlaubt.")
			}
		case xml.Directive:
			return nil, refuse(line, "", "DOCTYPE-Deklarationen und Entitäten sind in XGewerbeanzeige-Nachrichten nicht erlaubt.")
		}
	}
	if root == nil {
		return nil, refuse(0, "", "Die Nachricht ist leer.")
	}
	return root, nil
}

// recordingReader remembers a read error other than EOF, so a failing
// source is reported as such and not as malformed XML.
type recordingReader struct {
	r   io.Reader
	err error
}

func (rr *recordingReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF {
		rr.err = err
	}
	return n, err
}

// xmlReason strips Go's "xml: " prefix so the reason reads as a clause.
func xmlReason(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return strings.TrimPrefix(err.Error(), "xml: ")
}

// el builds an output element; kids that are nil are dropped, so optional
// parts can be written inline as conditional calls.
func el(space, name string, kids ...*node) *node {
	n := &node{space: space, name: name}
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	return n
}

// withAttr adds attributes given as name, value pairs; empty values are skipped.
func (n *node) withAttr(pairs ...string) *node {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: pairs[i]}, Value: pairs[i+1]})
		}
	}
	return n
}

// encodeDoc writes a tree as an indented UTF-8 document. Elements in ns get
// the prefix "xga:", as in KoSIT's examples; <code> stays unqualified.
func encodeDoc(root *node, ns string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	writeNode(&b, root, ns, 0)
	return b.Bytes()
}

func writeNode(b *bytes.Buffer, n *node, ns string, depth int) {
	name := n.name
	if n.space == ns {
		name = "xga:" + n.name
	}
	b.WriteString(strings.Repeat("   ", depth))
	b.WriteString("<" + name)
	for _, a := range n.attrs {
		fmt.Fprintf(b, ` %s="`, a.Name.Local)
		_ = xml.EscapeText(b, []byte(a.Value))
		b.WriteByte('"')
	}
	b.WriteByte('>')
	if len(n.kids) == 0 {
		_ = xml.EscapeText(b, []byte(n.text))
	} else {
		b.WriteByte('\n')
		for _, k := range n.kids {
			writeNode(b, k, ns, depth+1)
		}
		b.WriteString(strings.Repeat("   ", depth))
	}
	b.WriteString("</" + name + ">\n")
}
