// Package soffice drives a headless LibreOffice for tests: convert a
// workbook (which recalculates it) and render it to PDF.
package soffice

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Required reports whether tests must fail, not skip, without LibreOffice
// (CI sets XLSXEVAL_REQUIRE_SOFFICE=1).
func Required() bool { return os.Getenv("XLSXEVAL_REQUIRE_SOFFICE") == "1" }

// Path returns the soffice binary, or "".
func Path() string {
	for _, n := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Need skips t without LibreOffice, or fails it where it is required.
func Need(t testing.TB) string {
	t.Helper()
	p := Path()
	if p == "" {
		if Required() {
			t.Fatal("LibreOffice (soffice) is required here but not installed")
		}
		t.Skip("LibreOffice not installed; set XLSXEVAL_REQUIRE_SOFFICE=1 to require it")
	}
	return p
}

// One LibreOffice at a time: concurrent instances on one profile fail.
var mu sync.Mutex

// Convert converts in to the given filter ("xlsx", "pdf", "csv:...") into
// outDir and returns the output path. LibreOffice recalculates formulas
// on load, so a converted xlsx carries LibreOffice's values.
func Convert(in, outDir, to string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	p := Path()
	if p == "" {
		return "", fmt.Errorf("soffice not found")
	}
	prof, err := os.MkdirTemp("", "xlsxeval-lo-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(prof)
	cmd := exec.Command(p, "-env:UserInstallation=file://"+prof, "--headless", "--norestore",
		"--convert-to", to, "--outdir", outDir, in)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("soffice: %v: %s", err, out)
	}
	ext := to
	if i := strings.IndexByte(ext, ':'); i >= 0 {
		ext = ext[:i]
	}
	res := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+ext)
	if _, err := os.Stat(res); err != nil {
		return "", fmt.Errorf("soffice wrote no %s: %s", res, out)
	}
	return res, nil
}

// Python is the interpreter with LibreOffice's UNO bridge: Debian's
// python3-uno installs it for the system Python only.
const Python = "/usr/bin/python3"

// NeedUNO skips t without LibreOffice and python3-uno, or fails it where
// LibreOffice is required.
func NeedUNO(t testing.TB) {
	t.Helper()
	Need(t)
	if err := exec.Command(Python, "-c", "import uno").Run(); err != nil {
		if Required() {
			t.Fatalf("python3-uno is required here: %s -c 'import uno': %v", Python, err)
		}
		t.Skip("python3-uno not installed")
	}
}

// RunUNO starts a headless LibreOffice listening on a private pipe, runs
// the Python script with the pipe's name and args, and stops the
// LibreOffice it started. The script's output is returned. The UNO bridge
// now and then crashes the interpreter (a signal, seen under load): that
// run is repeated once with a fresh LibreOffice; a script that fails is
// not.
func RunUNO(script string, args ...string) ([]byte, error) {
	mu.Lock()
	defer mu.Unlock()
	out, err := runUNO(script, args...)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == -1 { // killed by a signal
		out, err = runUNO(script, args...)
	}
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", filepath.Base(script), err, out)
	}
	return out, nil
}

func runUNO(script string, args ...string) ([]byte, error) {
	prof, err := os.MkdirTemp("", "xlsxeval-lo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(prof)
	pipe := "xlsxeval" + filepath.Base(prof)
	lo := exec.Command(Path(), "-env:UserInstallation=file://"+prof, "--headless", "--invisible", "--norestore",
		"--nologo", "--nodefault", "--accept=pipe,name="+pipe+";urp;")
	if err := lo.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- lo.Wait() }()
	out, err := exec.Command(Python, append([]string{script, pipe}, args...)...).CombinedOutput()
	select {
	case <-done: // the script terminated it
	case <-time.After(20 * time.Second):
		lo.Process.Kill()
		<-done
	}
	return out, err
}
