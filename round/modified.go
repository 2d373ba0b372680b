package round

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"time"
)

// maxCoreXML bounds what is read of docProps/core.xml (a few hundred
// bytes in practice); a hostile file cannot make us read more.
const maxCoreXML = 1 << 16

// ModifiedTime is when the workbook at path says it was last saved
// (docProps/core.xml, dcterms:modified, written by Excel, WPS and
// LibreOffice). A copied or mailed file keeps it, where the file's own
// time changes on the way. Without it, the file's time is used.
func ModifiedTime(path string) time.Time {
	if t, ok := coreModified(path); ok {
		return t
	}
	if st, err := os.Stat(path); err == nil {
		return st.ModTime().UTC()
	}
	return time.Time{}
}

func coreModified(path string) (time.Time, bool) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return time.Time{}, false
	}
	defer zr.Close()
	return CoreModified(&zr.Reader)
}

// CoreModified reads dcterms:modified from an opened workbook.
func CoreModified(zr *zip.Reader) (time.Time, bool) {
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, "docProps/core.xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return time.Time{}, false
		}
		defer rc.Close()
		var core struct {
			Modified string `xml:"modified"`
		}
		if err := xml.NewDecoder(io.LimitReader(rc, maxCoreXML)).Decode(&core); err != nil {
			return time.Time{}, false
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(core.Modified))
		return t.UTC(), err == nil
	}
	return time.Time{}, false
}
