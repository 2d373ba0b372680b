package xlsx

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/nfp"
)

// The shown text of a cell must be exactly what excelize's GetRows gives:
// the checker verifies the decimals a person sees, and the excelize path
// is the reference. What follows is excelize v2.11's number formatting
// (numfmt.go) cut down to the tokens forms use: General, 0 and # digit
// places, thousands separators, a decimal point, percent, literals, text
// (@) and alignment padding. It parses codes with excelize's own parser
// (nfp) so both read a code the same way. A code with any other token
// (dates, colours, fractions, exponents, scaling, currency tags) is not
// compiled and the workbook is left to excelize.
//
// Excel shows a float64, and so does excelize: the arithmetic here is in
// float64 on purpose, to round exactly as the reference does.

// valueKind is excelize's CellType as far as formatting cares.
type valueKind int

const (
	kindNumber valueKind = iota
	kindString
	kindBool
)

// numFmt is a compiled number format code.
type numFmt struct {
	code     string
	sections []nfp.Section
}

var fmtTokens = map[string]bool{
	nfp.TokenTypeGeneral:            true,
	nfp.TokenTypeZeroPlaceHolder:    true,
	nfp.TokenTypeHashPlaceHolder:    true,
	nfp.TokenTypeThousandsSeparator: true,
	nfp.TokenTypeDecimalPoint:       true,
	nfp.TokenTypePercent:            true,
	nfp.TokenTypeLiteral:            true,
	nfp.TokenTypeTextPlaceHolder:    true,
	nfp.TokenTypeAlignment:          true,
}

// compileFormat parses code, or reports false when it uses a token this
// package does not format exactly as excelize.
func compileFormat(code string) (*numFmt, bool) {
	p := nfp.NumberFormatParser()
	secs := p.Parse(code)
	for _, s := range secs {
		last := lastDigit(s.Items)
		for i, t := range s.Items {
			if !fmtTokens[t.TType] {
				return nil, false
			}
			if t.TType == nfp.TokenTypeThousandsSeparator && i > last {
				return nil, false // scaling by thousands
			}
		}
	}
	return &numFmt{code: code, sections: secs}, true
}

func lastDigit(items []nfp.Token) int {
	last := -1
	for i, t := range items {
		if t.TType == nfp.TokenTypeZeroPlaceHolder || t.TType == nfp.TokenTypeHashPlaceHolder {
			last = i
		}
	}
	return last
}

// isNumeric is excelize's: a float, its digit count as printed in full,
// and its value.
func isNumeric(s string) (bool, int, float64) {
	if !maybeNumber(s) || strings.Contains(s, "_") {
		return false, 0, 0
	}
	flt, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false, 0, 0
	}
	var buf [32]byte
	full := strconv.AppendFloat(buf[:0], flt, 'f', -1, 64)
	return true, len(full) - bytes.Count(full, []byte(".")), flt
}

// maybeNumber is false for what strconv.ParseFloat refuses by its first
// character (after a sign): most text cells, whose refusal would cost an
// allocated error each.
func maybeNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	c := s[0] | 0x20 // lower case for letters
	return s[0] >= '0' && s[0] <= '9' || s[0] == '.' || c == 'i' || c == 'n'
}

// numberText is how excelize prints a number cell's value before
// formatting it (getCellDefault); v itself when that prints the same.
func numberText(v string) string {
	isNum, prec, d := isNumeric(v)
	if !isNum {
		return v
	}
	if prec > 15 && !withinPrecision(v) {
		return strconv.FormatFloat(d, 'G', 15, 64)
	}
	var buf [32]byte
	if out := strconv.AppendFloat(buf[:0], d, 'f', -1, 64); string(out) != v {
		return string(out)
	}
	return v
}

func withinPrecision(s string) bool {
	if strings.ContainsAny(s, ".Ee") {
		return false
	}
	s = strings.TrimLeft(s, "+-0")
	return len(strings.TrimRight(s, "0")) <= 15
}

// numState is excelize's numberFormat for the tokens kept.
type numState struct {
	sections                             []nfp.Section
	idx                                  int
	value                                string
	number                               float64
	kind                                 valueKind
	usePositive, usePointer, useCommaSep bool
	intHolder, intPadding                int
	fracHolder, fracPadding, percent     int
}

// apply formats value; false when excelize would take a path not
// reproduced here (numbers past 15 digits).
func (f *numFmt) apply(value string, kind valueKind) (string, bool) {
	nf := &numState{sections: f.sections, value: value, kind: kind}
	secType := nf.sectionType()
	numeric := false
	if kind == kindNumber {
		numeric, _, _ = isNumeric(value)
	}
	for i, s := range f.sections {
		if s.Type != secType {
			continue
		}
		nf.idx = i
		var out string
		ok := true
		switch {
		case numeric && s.Type == nfp.TokenSectionPositive:
			out, ok = nf.positive()
		case numeric:
			out, ok = nf.negative()
		default:
			out = nf.text()
		}
		return nf.align(out), ok
	}
	return value, true
}

func (nf *numState) items() []nfp.Token { return nf.sections[nf.idx].Items }

func (nf *numState) sectionType() string {
	if nf.kind != kindNumber {
		return nfp.TokenSectionText
	}
	if isNum, _, _ := isNumeric(nf.value); !isNum {
		return nfp.TokenSectionText
	}
	nf.number, _ = strconv.ParseFloat(nf.value, 64)
	if nf.number >= 0 {
		return nfp.TokenSectionPositive
	}
	for _, s := range nf.sections {
		if s.Type == nfp.TokenSectionNegative {
			return nfp.TokenSectionNegative
		}
	}
	nf.usePositive = true
	return nfp.TokenSectionPositive
}

func (nf *numState) positive() (string, bool) {
	for _, t := range nf.items() {
		if t.TType == nfp.TokenTypeGeneral {
			if isNum, prec, _ := isNumeric(nf.value); isNum && prec > 11 {
				return strconv.FormatFloat(nf.number, 'G', 10, 64), true
			}
			return nf.value, true
		}
	}
	return nf.numberText()
}

func (nf *numState) negative() (string, bool) {
	for _, t := range nf.items() {
		if t.TType == nfp.TokenTypeGeneral {
			return nf.value, true
		}
	}
	return nf.numberText()
}

func (nf *numState) text() string {
	var b strings.Builder
	for _, t := range nf.items() {
		switch t.TType {
		case nfp.TokenTypeLiteral:
			b.WriteString(t.TValue)
		case nfp.TokenTypeTextPlaceHolder, nfp.TokenTypeZeroPlaceHolder:
			b.WriteString(nf.value)
		}
	}
	return b.String()
}

func (nf *numState) align(s string) string {
	items := nf.items()
	if len(items) == 0 {
		return s
	}
	if items[0].TType == nfp.TokenTypeAlignment {
		s = nfp.Whitespace + s
	}
	if items[len(items)-1].TType == nfp.TokenTypeAlignment {
		s += nfp.Whitespace
	}
	return s
}

// conf is excelize's getNumberFmtConf for the tokens kept.
func (nf *numState) conf() {
	for _, t := range nf.items() {
		switch t.TType {
		case nfp.TokenTypeHashPlaceHolder:
			if nf.usePointer {
				nf.fracHolder += len(t.TValue)
			} else {
				nf.intHolder += len(t.TValue)
			}
		case nfp.TokenTypeThousandsSeparator:
			nf.useCommaSep = true // scaling separators are refused by compileFormat
		case nfp.TokenTypePercent:
			nf.percent += len(t.TValue)
		case nfp.TokenTypeDecimalPoint:
			nf.usePointer = true
		case nfp.TokenTypeZeroPlaceHolder:
			nf.intHolder = 0
			if nf.usePointer {
				nf.fracPadding += len(t.TValue)
			} else {
				nf.intPadding += len(t.TValue)
			}
		}
	}
}

func (nf *numState) partLen() (int, int) {
	var intPart, fracPart, intLen, fracLen int
	parts := strings.Split(strconv.FormatFloat(math.Abs(nf.number), 'f', -1, 64), ".")
	intPart = len(parts[0])
	if len(parts) == 2 {
		fracPart = len(parts[1])
	}
	if nf.intHolder > intPart {
		nf.intHolder = intPart
	}
	if intLen = intPart; nf.intPadding+nf.intHolder > intPart {
		intLen = nf.intPadding + nf.intHolder
	}
	if fracLen = fracPart; fracPart > nf.fracHolder+nf.fracPadding {
		fracLen = nf.fracHolder + nf.fracPadding
	}
	if nf.fracPadding > fracPart {
		fracLen = nf.fracPadding
	}
	return intLen, fracLen
}

// numberText is excelize's numberHandler.
func (nf *numState) numberText() (string, bool) {
	nf.conf()
	num := nf.number
	intLen, fracLen := nf.partLen()
	if intLen+fracLen > 15 {
		if isNum, prec, _ := isNumeric(nf.value); isNum && prec > 15 {
			return "", false // excelize's big-number path
		}
	}
	width := intLen + fracLen
	if fracLen > 0 {
		width++
	}
	if nf.percent > 0 {
		num *= math.Pow(100, float64(nf.percent))
	}
	ratio := math.Pow(10, float64(fracLen))
	num = math.Round(num*ratio) / ratio
	out := fixed(math.Abs(num), width, fracLen, nf.percent)
	if nf.useCommaSep {
		out = commaSep(out)
	}
	return nf.literal(out), true
}

// fixed is fmt.Sprintf("%0{width}.{places}f" followed by percent "%"
// signs, x) as excelize prints it, without parsing a format each time.
func fixed(x float64, width, places, percent int) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return fmt.Sprintf("%0*.*f", width, places, x) + strings.Repeat("%", percent)
	}
	var buf [64]byte
	digits := strconv.AppendFloat(buf[:0], x, 'f', places, 64)
	out := make([]byte, 0, max(width, len(digits))+percent)
	for i := len(digits); i < width; i++ {
		out = append(out, '0')
	}
	out = append(out, digits...)
	for range percent {
		out = append(out, '%')
	}
	return string(out)
}

func commaSep(text string) string {
	var b strings.Builder
	sub := strings.Split(text, ".")
	n := len(sub[0])
	for i := 0; i < n; i++ {
		if i > 0 && (n-i)%3 == 0 {
			b.WriteString(",")
		}
		b.WriteByte(text[i])
	}
	if len(sub) == 2 {
		b.WriteString(".")
		b.WriteString(sub[1])
	}
	return b.String()
}

// literal is excelize's printNumberLiteral: the digits of text dealt out
// to the code's placeholders, literals between them.
func (nf *numState) literal(text string) string {
	var b strings.Builder
	if nf.usePositive {
		b.WriteString("-")
	}
	digits := 0
	for _, t := range nf.items() {
		if t.TType == nfp.TokenTypeHashPlaceHolder || t.TType == nfp.TokenTypeZeroPlaceHolder {
			digits += len(t.TValue)
		}
	}
	intPartLen := 0
	for _, t := range nf.items() {
		switch t.TType {
		case nfp.TokenTypeLiteral:
			b.WriteString(t.TValue)
		case nfp.TokenTypeHashPlaceHolder, nfp.TokenTypeZeroPlaceHolder:
			n, s := dealDigits(text, len(t.TValue), intPartLen, digits)
			intPartLen += n
			b.WriteString(s)
		}
	}
	return b.String()
}

// dealDigits is excelize's handleDigitsLiteral without fill.
func dealDigits(text string, tokenLen, intPartLen, digits int) (int, string) {
	var b strings.Builder
	l := tokenLen
	if intPartLen == 0 && len(text) > digits {
		l = len(text) + tokenLen - digits
	}
	if len(text) < digits {
		intPartLen += len(text) - digits
	}
	r := []rune(text)
	for i := 0; i < l; i++ {
		if j := i + intPartLen; 0 <= j && j < len(r) {
			b.WriteRune(r[j])
		}
	}
	return l, b.String()
}

// builtIn are the built-in formats excelize knows that this package
// formats; other built-in ids (dates, times, fractions, accounting) make
// a cell unsupported.
var builtIn = map[int]string{
	0: "general", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	9: "0%", 10: "0.00%", 49: "@",
}

// knownID reports whether excelize gives id a format of its own (built
// in, or a language-dependent date/time).
func knownID(id int) bool {
	return (0 <= id && id <= 4) || (9 <= id && id <= 22) || (37 <= id && id <= 49) ||
		(27 <= id && id <= 36) || (50 <= id && id <= 62) || (67 <= id && id <= 81)
}
