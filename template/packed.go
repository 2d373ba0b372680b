package template

import (
	"bytes"
	"io"
	"sync"
)

// packedParts are package parts as deflated once, by name, shared by the
// workbooks of one spec: the parts they all write alike (theme, styles,
// relationships, content types, properties) are compressed for the
// first and copied compressed into the others. A part is reused only
// when its bytes are the same.
type packedParts struct {
	mu sync.Mutex
	m  map[string]packedPart
}

type packedPart struct{ plain, packed []byte }

func newPackedParts() *packedParts { return &packedParts{m: map[string]packedPart{}} }

// compressor is the zip compressor of one workbook's parts: the part
// named by *name, written whole, is deflated or copied from p.
func (p *packedParts) compressor(name *string) func(io.Writer) (io.WriteCloser, error) {
	return func(out io.Writer) (io.WriteCloser, error) {
		return &packing{parts: p, name: *name, out: out}, nil
	}
}

// packing collects a part and deflates it on Close.
type packing struct {
	parts *packedParts
	name  string
	out   io.Writer
	plain []byte
}

func (k *packing) Write(b []byte) (int, error) {
	k.plain = append(k.plain, b...)
	return len(b), nil
}

func (k *packing) Close() error {
	p := k.parts
	p.mu.Lock()
	known, ok := p.m[k.name]
	p.mu.Unlock()
	if ok && bytes.Equal(known.plain, k.plain) {
		_, err := k.out.Write(known.packed)
		return err
	}
	var buf bytes.Buffer
	fw, err := pooledDeflate(&buf)
	if err != nil {
		return err
	}
	if _, err := fw.Write(k.plain); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	if !ok {
		// The first workbook's parts are kept: a part the others
		// write differently (the form, its strings) is deflated each time.
		p.mu.Lock()
		if _, ok := p.m[k.name]; !ok {
			p.m[k.name] = packedPart{plain: k.plain, packed: buf.Bytes()}
		}
		p.mu.Unlock()
	}
	_, err = k.out.Write(buf.Bytes())
	return err
}
