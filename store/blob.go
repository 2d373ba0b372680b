package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// blobPath is where the workbook with this sha256 lives.
func (s *Store) blobPath(sum string) (string, error) {
	if len(sum) != 64 {
		return "", fmt.Errorf("bad sha256 %q", sum)
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return "", fmt.Errorf("bad sha256 %q", sum)
	}
	return filepath.Join(s.blobs, sum[:2], sum), nil
}

// PutBlob stores b under its sha256 and returns the sum. The file is
// written beside its final name, synced, renamed, and its folder synced:
// once PutBlob returns, the workbook survives a crash, so a row may refer
// to it. The same content is stored once.
func (s *Store) PutBlob(b []byte) (string, error) {
	h := sha256.Sum256(b)
	sum := hex.EncodeToString(h[:])
	path, _ := s.blobPath(sum)
	if st, err := os.Stat(path); err == nil && st.Size() == int64(len(b)) {
		return sum, nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return sum, syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a folder
// (NTFS journals the rename itself).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Blob returns the workbook with this sha256, checked against it.
func (s *Store) Blob(sum string) ([]byte, error) {
	path, err := s.blobPath(sum)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != sum {
		return nil, fmt.Errorf("工作簿 %s 已损坏 (sha256 不符)", sum)
	}
	return b, nil
}
