// Package integrity makes our templates tamper-evident. A template records
// what the department set (project identity, year, budget figures, each
// indicator's 一级/二级/三级, target and weight) and every formula, in a
// canonical record signed with HMAC-SHA256. A returned form is compared
// with its record, so a change is named at its cell, not only detected.
package integrity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Version is the record format version.
const Version = 1

// Record is what the department set on one form sheet.
type Record struct {
	Version int    `json:"v"`
	Sheet   string `json:"sheet"`
	Project string `json:"project,omitempty"`
	Code    string `json:"code,omitempty"`
	// Fields are the preset values, keyed like form.Cells.
	Fields []Field `json:"fields"`
	// Formulas are every formula cell's formula, normalised (NormFormula).
	Formulas []Formula `json:"formulas,omitempty"`
	// Protected is set when the sheet was protected.
	Protected bool `json:"protected,omitempty"`
}

// Field is one preset value at its cell.
type Field struct {
	Key   string `json:"k"`
	Ref   string `json:"r"`
	Value string `json:"v"`
	// Num marks a number, compared as a decimal.
	Num bool `json:"n,omitempty"`
}

// Formula is one formula cell. Key names the form field it is, or
// "ind.<i>.helper" for a hidden helper cell of indicator i, so the cell
// can be found again after rows were inserted or deleted.
type Formula struct {
	Key     string `json:"k"`
	Ref     string `json:"r"`
	Formula string `json:"f"`
}

// Canonical is the byte string the signature covers: the record as JSON
// with its fields in a fixed order.
func (r *Record) Canonical() ([]byte, error) { return json.Marshal(r) }

// Status is the outcome of verifying a seal.
type Status int

const (
	Valid    Status = iota
	Missing         // no seal: never signed, or the seal was removed
	OtherKey        // signed with another key
	Altered         // signed with this key, but the record was changed
	Broken          // the seal cannot be read
)

// Seal is a signed record as stored in a workbook.
type Seal struct {
	KeyID  string
	MAC    string
	Record *Record
	// raw is the record as stored; the MAC covers its canonical form.
	raw []byte
}

// Key is a signing key. It formats as a placeholder, so that it cannot
// reach a message or a report by accident.
type Key struct{ b []byte }

// NewKey wraps key material; it must be at least MinKeyLen bytes.
func NewKey(b []byte) (Key, error) {
	if len(b) < MinKeyLen {
		return Key{}, fmt.Errorf("签名密钥太短 (至少 %d 个字符)", MinKeyLen)
	}
	return Key{append([]byte(nil), b...)}, nil
}

// MinKeyLen is the shortest key accepted.
const MinKeyLen = 8

// IsZero reports whether no key was given.
func (k Key) IsZero() bool { return len(k.b) == 0 }

func (k Key) String() string   { return "[签名密钥]" }
func (k Key) GoString() string { return "integrity.Key{...}" }

// MarshalJSON never writes the key.
func (k Key) MarshalJSON() ([]byte, error) { return []byte(`"[签名密钥]"`), nil }

// ID is a public identifier of the key (the first 8 bytes of an HMAC of a
// fixed label), so a seal made with another key can be told from an
// altered record without revealing either key.
func (k Key) ID() string { return hex.EncodeToString(k.mac([]byte("xlsxeval key id"))[:8]) }

func (k Key) mac(msg []byte) []byte {
	h := hmac.New(sha256.New, k.b)
	h.Write(msg)
	return h.Sum(nil)
}

// macLabel separates our MACs from any other use of the same key.
const macLabel = "xlsxeval seal v1\n"

// Sign seals r with k.
func Sign(r *Record, k Key) (*Seal, error) {
	if k.IsZero() {
		return nil, errors.New("没有签名密钥")
	}
	b, err := r.Canonical()
	if err != nil {
		return nil, err
	}
	return &Seal{KeyID: k.ID(), MAC: hex.EncodeToString(k.mac(append([]byte(macLabel), b...))), Record: r, raw: b}, nil
}

// Verify checks s with k.
func (s *Seal) Verify(k Key) Status {
	if s == nil {
		return Missing
	}
	if s.Record == nil {
		return Broken
	}
	b, err := s.Record.Canonical()
	if err != nil {
		return Broken
	}
	want := k.mac(append([]byte(macLabel), b...))
	got, err := hex.DecodeString(s.MAC)
	if err == nil && hmac.Equal(want, got) {
		return Valid
	}
	if s.KeyID != k.ID() {
		return OtherKey
	}
	return Altered
}

// LoadKey reads a key from a file (its content, surrounding white space
// trimmed) or, without a file, from the environment variable env. It
// returns a zero Key when neither is given. Errors never quote the key.
func LoadKey(file, env string) (Key, error) {
	var b []byte
	switch {
	case file != "":
		var err error
		if b, err = os.ReadFile(file); err != nil {
			return Key{}, fmt.Errorf("无法读取签名密钥文件 %s", file)
		}
		b = []byte(strings.TrimSpace(string(b)))
		if len(b) == 0 {
			return Key{}, fmt.Errorf("签名密钥文件 %s 为空", file)
		}
	case os.Getenv(env) != "":
		b = []byte(strings.TrimSpace(os.Getenv(env)))
	default:
		return Key{}, nil
	}
	k, err := NewKey(b)
	if err != nil && file != "" {
		return Key{}, fmt.Errorf("%s: %w", file, err)
	}
	if err != nil {
		return Key{}, fmt.Errorf("环境变量 %s: %w", env, err)
	}
	return k, nil
}
