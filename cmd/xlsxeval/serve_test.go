package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xlsxeval/xlsxeval/server"
	"github.com/xlsxeval/xlsxeval/validate"
)

// POST /api/check answers byte for byte what `check --format json` prints
// for the same files under the same names.
func TestServeJSONMatchesCheck(t *testing.T) {
	in := reportInputs(t)
	paths, err := validate.Expand([]string{in})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "check", "--format", "json", ".")
	cmd.Dir = in
	var cli bytes.Buffer
	cmd.Stdout = &cli
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range paths {
		rel, _ := filepath.Rel(in, p)
		w, _ := mw.CreateFormFile("file", filepath.ToSlash(rel))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	mw.Close()
	ts := httptest.NewServer(server.New(server.Config{}))
	defer ts.Close()
	resp, err := ts.Client().Post(ts.URL+"/api/check", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	api, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(paths) < 4 || decode(t, cli.String()).Summary.Errors == 0 {
		t.Fatalf("inputs too tame: %d files\n%s", len(paths), cli.String())
	}
	if !bytes.Equal(api, cli.Bytes()) {
		t.Errorf("API and CLI differ\nAPI:\n%s\nCLI:\n%s", api, cli.String())
	}
}

// The serve command listens, answers, and stops cleanly on SIGINT.
func TestServeCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	if _, errOut, code := run(t, "serve", "--max-upload", "lots"); code != exitRun || !strings.Contains(errOut, "--max-upload") {
		t.Errorf("bad --max-upload: %d %q", code, errOut)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--max-upload", "1MB", "--quiet")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatalf("no output; stderr %s", errb.String())
	}
	url := regexp.MustCompile(`http://[0-9.:]+/`).FindString(lines.Text())
	if url == "" {
		t.Fatalf("no address in %q", lines.Text())
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "1MB") {
		t.Errorf("page does not show the --max-upload limit")
	}
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case tail := <-rest:
		if !strings.Contains(tail, "已停止") {
			t.Errorf("after SIGINT: %q", tail)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v; stderr %s", err, errb.String())
	}
}

// scripts/dist.sh cross-builds a foreign target and the native one, both
// static and stamped with the version.
func TestDist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	t.Parallel()
	foreign := "windows/amd64"
	if runtime.GOOS == "windows" {
		foreign = "linux/arm64"
	}
	native := runtime.GOOS + "/" + runtime.GOARCH
	dist := t.TempDir()
	const version = "v9.8.7-test"
	cmd := exec.Command("bash", "../../scripts/dist.sh")
	cmd.Env = append(os.Environ(), "TARGETS="+foreign+" "+native, "VERSION="+version, "DIST="+dist)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dist.sh: %v\n%s", err, out)
	}
	name := func(target string) string {
		p := filepath.Join(dist, "xlsxeval-"+version+"-"+strings.ReplaceAll(target, "/", "-"))
		if strings.HasPrefix(target, "windows/") {
			p += ".exe"
		}
		return p
	}
	fb, err := os.ReadFile(name(foreign))
	if err != nil {
		t.Fatal(err)
	}
	magic := map[string]string{"windows/amd64": "MZ", "linux/arm64": "\x7fELF"}[foreign]
	if !bytes.HasPrefix(fb, []byte(magic)) || !bytes.Contains(fb, []byte(version)) {
		t.Errorf("%s: not a %s binary with %s stamped in", name(foreign), foreign, version)
	}
	got, err := exec.Command(name(native), "version").Output()
	if err != nil || !strings.HasPrefix(string(got), "xlsxeval "+version+" ("+native) {
		t.Errorf("version: %q, %v", got, err)
	}
	if runtime.GOOS == "linux" {
		f, err := elf.Open(name(native))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("native binary is dynamically linked (has PT_INTERP)")
			}
		}
	}
}
