package validate

import (
	"bytes"
	"testing"
)

// A workbook with no form in it is an error (file.noform), so a batch of
// wrong files does not pass (issue 14); each skipped sheet says why.
func TestNoForm(t *testing.T) {
	x := newXL(t)
	x.str("Sheet1", "A1", "通知")
	x.str("Sheet1", "A2", "请于 3 月 31 日前报送")
	x.sheet("空表")
	var b bytes.Buffer
	x.must(x.f.Write(&b))
	res := NewChecker(Checks(), ReadOptions{}).CheckReader(bytes.NewReader(b.Bytes()), int64(b.Len()), "通知.xlsx")
	if res.Err != nil || len(res.Forms) != 0 {
		t.Fatalf("read: %v, %d forms", res.Err, len(res.Forms))
	}
	if len(res.Findings) != 1 {
		t.Fatalf("want one file finding, got %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Rule != "file.noform" || f.Severity != Error || f.MessageEn == "" {
		t.Errorf("got %+v", f)
	}
	for _, want := range []string{"没有找到自评表", "「Sheet1」未找到自评表", "「空表」空白工作表"} {
		if !bytes.Contains([]byte(f.Message), []byte(want)) {
			t.Errorf("message %q lacks %q", f.Message, want)
		}
	}
	good := goodBook(t, nil)
	if res := NewChecker(Checks(), ReadOptions{}).CheckReader(bytes.NewReader(good), int64(len(good)), "good.xlsx"); len(res.Findings) != 0 {
		t.Errorf("a workbook with a form has file findings: %+v", res.Findings)
	}
}
