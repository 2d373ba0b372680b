package xlsx

import (
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/efp"
	"github.com/xuri/excelize/v2"
)

// Shared formulas: a column of like formulas is written once, in its
// first cell (the master: <f t="shared" ref="I13:I24" si="0">…</f>), and
// each other cell says only <f t="shared" si="0"/>. A cell's formula is
// the master's with its relative references moved by the cell's offset
// from the master. It is computed here exactly as excelize's
// GetCellFormula does (convertSharedFormula): tokenised by efp, each
// range operand moved by shiftCell, rendered by efp, for the master too.

// Split is a shared formula's master cut at its range operands: the text
// of a cell at an offset from the master is Text[0] + Refs[0] moved +
// Text[1] + … + Text[len(Refs)].
type Split struct {
	Text []string
	Refs []string
}

// SplitFormula tokenises a master's formula text; nil for a text holding
// NUL, which the cut would confuse (XML cannot carry one).
func SplitFormula(f string) *Split {
	if strings.IndexByte(f, 0) >= 0 {
		return nil
	}
	ps := efp.ExcelParser()
	tokens := ps.Parse(f)
	var refs []string
	for i := range tokens {
		t := &tokens[i]
		if t.TType == efp.TokenTypeOperand && t.TSubType == efp.TokenSubTypeRange {
			refs = append(refs, t.TValue)
			t.TValue = "\x00" // XML text cannot hold NUL, so this cuts only here
		}
	}
	return &Split{Text: strings.Split(ps.Render(), "\x00"), Refs: refs}
}

// At is the formula of the cell dCol columns and dRow rows from the master.
func (s *Split) At(dCol, dRow int) string {
	n := len(s.Refs) * 2
	for _, t := range s.Text {
		n += len(t)
	}
	for _, r := range s.Refs {
		n += len(r)
	}
	b := make([]byte, 0, n)
	for i, r := range s.Refs {
		b = append(b, s.Text[i]...)
		b = appendShifted(b, r, dCol, dRow)
	}
	b = append(b, s.Text[len(s.Text)-1]...)
	return string(b)
}

// appendShifted appends shiftCell(ref, dCol, dRow); a plain reference
// ("I14": capitals, a row without leading zeros, staying on the sheet)
// without going through excelize's parsing.
func appendShifted(b []byte, ref string, dCol, dRow int) []byte {
	col, row, ok := plainRef(ref)
	if !ok || col+dCol < 1 || col+dCol > excelize.MaxColumns || row+dRow < 1 || row+dRow > excelize.TotalRows {
		return append(b, shiftCell(ref, dCol, dRow)...)
	}
	b = appendColumn(b, col+dCol)
	return strconv.AppendInt(b, int64(row+dRow), 10)
}

// plainRef reads a relative reference of capitals and digits, 1-based.
func plainRef(ref string) (col, row int, ok bool) {
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		if col = col*26 + int(ref[i]-'A'+1); i >= 3 {
			return 0, 0, false
		}
	}
	if i == 0 || i == len(ref) || ref[i] == '0' || len(ref)-i > 7 {
		return 0, 0, false
	}
	for _, ch := range ref[i:] {
		if ch < '0' || ch > '9' {
			return 0, 0, false
		}
		row = row*10 + int(ch-'0')
	}
	return col, row, col <= excelize.MaxColumns && row <= excelize.TotalRows
}

func appendColumn(b []byte, col int) []byte {
	var buf [3]byte
	i := len(buf)
	for col > 0 {
		col--
		i--
		buf[i] = byte('A' + col%26)
		col /= 26
	}
	return append(b, buf[i:]...)
}

// shiftCell is excelize's shiftCell (cell.go): a reference or range moved
// by dCol, dRow unless its part is absolute ($).
func shiftCell(val string, dCol, dRow int) string {
	parts := strings.Split(val, ":")
	for j := 0; j < len(parts); j++ {
		cell := parts[j]
		trimmed := strings.ReplaceAll(cell, "$", "")
		c, r, err := excelize.CellNameToCoordinates(trimmed)
		if err == nil {
			absCol := strings.Index(cell, "$") == 0
			absRow := strings.LastIndex(cell, "$") > 0
			if !absCol && !absRow {
				parts[j], _ = excelize.CoordinatesToCellName(c+dCol, r+dRow)
			}
			if !absCol && absRow {
				colName, _ := excelize.ColumnNumberToName(c + dCol)
				parts[j] = colName + "$" + strconv.Itoa(r)
			}
			if absCol && !absRow {
				colName, _ := excelize.ColumnNumberToName(c)
				parts[j] = "$" + colName + strconv.Itoa(r+dRow)
			}
			continue
		}
		c, err = excelize.ColumnNameToNumber(trimmed)
		if err == nil && !strings.HasPrefix(cell, "$") {
			parts[j], _ = excelize.ColumnNumberToName(c + dCol)
			continue
		}
		r, err = strconv.Atoi(trimmed)
		if err == nil && !strings.HasPrefix(cell, "$") {
			parts[j] = strconv.Itoa(r + dRow)
		}
	}
	return strings.Join(parts, ":")
}

// Splits keeps masters already split, by their text, for the workbooks
// read or written with it: a batch of forms from one template repeats the
// same few dozen masters, and tokenising one costs a tenth of a
// millisecond. Safe for concurrent use; bounded, so hostile workbooks
// cannot grow it without end. The zero value is ready.
type Splits struct {
	mu    sync.Mutex
	m     map[string]*Split
	bytes int
	// at are formulas already moved, by master and offset: a batch of
	// forms from one template asks for the same cells again and again.
	at map[moved]string
}

type moved struct {
	s          *Split
	dCol, dRow int
}

// Bounds of a Splits: past them new masters are split, and formulas
// moved, but not kept.
const (
	maxSplits     = 4096
	maxSplitBytes = 32 << 20 // masters and moved formulas together
)

// At is s.At(dCol, dRow), kept for the next time it is asked.
func (c *Splits) At(s *Split, dCol, dRow int) string {
	if c == nil {
		return s.At(dCol, dRow)
	}
	k := moved{s, dCol, dRow}
	c.mu.Lock()
	f, ok := c.at[k]
	c.mu.Unlock()
	if ok {
		return f
	}
	f = s.At(dCol, dRow)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil {
		c.at = map[moved]string{}
	}
	if c.bytes+len(f) <= maxSplitBytes {
		c.at[k] = f
		c.bytes += len(f)
	}
	return f
}

// Get splits f, or returns it split before (nil as SplitFormula). A nil
// Splits keeps nothing.
func (c *Splits) Get(f string) *Split {
	if c == nil {
		return SplitFormula(f)
	}
	c.mu.Lock()
	s, ok := c.m[f]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = SplitFormula(f)
	if s == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*Split{}
	}
	if len(c.m) < maxSplits && c.bytes+len(f) <= maxSplitBytes {
		c.m[strings.Clone(f)] = s
		c.bytes += len(f)
	}
	return s
}
