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
	var b strings.Builder
	for i, r := range s.Refs {
		b.WriteString(s.Text[i])
		b.WriteString(shiftCell(r, dCol, dRow))
	}
	b.WriteString(s.Text[len(s.Text)-1])
	return b.String()
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
}

// Bounds of a Splits: past them new masters are split but not kept.
const (
	maxSplits     = 4096
	maxSplitBytes = 16 << 20
)

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
