package report

import (
	"encoding/json"
	"io"
)

// JSON streams {"files": [...], "summary": {...}}: each file is written
// as soon as it is checked, so a long batch is never held in memory.
type JSON struct {
	W     io.Writer
	count int
}

// File writes one element of the files array.
func (j *JSON) File(f File) error {
	sep := ",\n"
	if j.count == 0 {
		sep = "{\"files\": [\n"
	}
	j.count++
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = io.WriteString(j.W, sep+string(b))
	return err
}

// Close ends the array and writes the summary.
func (j *JSON) Close(s Summary) error {
	head := "\n"
	if j.count == 0 {
		head = "{\"files\": ["
	}
	if s.Rules == nil {
		s.Rules = map[string]int{}
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = io.WriteString(j.W, head+"],\n\"summary\": "+string(b)+"}\n")
	return err
}
