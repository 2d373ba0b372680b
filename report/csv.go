package report

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/shopspring/decimal"
)

// CSV streams findings as CSV for Excel: UTF-8 with a byte order mark so
// that Chinese shows, one row per finding (and per unreadable file).
type CSV struct {
	W    io.Writer
	Lang Lang
	w    *csv.Writer
}

var csvHead = map[Lang][]string{
	ZH: {"文件", "工作表", "项目名称", "单元格", "级别", "规则", "问题", "应为", "实为"},
	EN: {"file", "sheet", "project", "cell", "severity", "rule", "message", "expected", "found"},
}

func (c *CSV) start() error {
	if c.w != nil {
		return nil
	}
	if _, err := io.WriteString(c.W, "\ufeff"); err != nil {
		return err
	}
	c.w = csv.NewWriter(c.W)
	c.w.UseCRLF = true // what Excel writes and expects
	return c.w.Write(csvHead[langOr(c.Lang)])
}

// File writes one file's findings.
func (c *CSV) File(f File) error {
	if err := c.start(); err != nil {
		return err
	}
	t := &Text{Lang: c.Lang}
	if f.Error != "" {
		if err := c.row(f.Path, "", "", "", t.word("error"), "file.unreadable", t.word("unreadable")+": "+f.Error, "", ""); err != nil {
			return err
		}
	}
	for _, x := range f.Findings {
		if err := c.row(f.Path, "", "", "", t.word(x.Severity.String()), x.Rule, x.Message, x.Expected, x.Found); err != nil {
			return err
		}
	}
	for _, fm := range f.Forms {
		for _, x := range fm.Findings {
			if err := c.row(f.Path, x.Sheet, fm.Project, x.Cell, t.word(x.Severity.String()), x.Rule, x.Message, x.Expected, x.Found); err != nil {
				return err
			}
		}
	}
	c.w.Flush()
	return c.w.Error()
}

func (c *CSV) row(cells ...string) error {
	for i, s := range cells {
		cells[i] = SafeCSV(s)
	}
	return c.w.Write(cells)
}

// Close ends the file; a run without findings still has its header.
func (c *CSV) Close(Summary) error {
	if err := c.start(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// SafeCSV neutralises text that a spreadsheet would run as a formula
// (= + - @, or a leading tab or CR) by prefixing a quote. A number such as
// -2.5 is left as it is: it is no formula, and the quote would make it
// text in Excel.
func SafeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !isNumber(s) {
		return "'" + s
	}
	return s
}

// isNumber is a plain decimal number: sign, digits, at most one point,
// an optional exponent. No spaces, operators or percent signs.
func isNumber(s string) bool {
	_, err := decimal.NewFromString(s)
	return err == nil && strings.Trim(s, "+-.0123456789eE") == "" && strings.ContainsAny(s, "0123456789")
}
