package main

import (
	"bytes"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/portal"
	"github.com/xlsxeval/xlsxeval/server"
	"github.com/xlsxeval/xlsxeval/store"
	"github.com/xlsxeval/xlsxeval/validate"
)

// portalFlags are serve's flags for the collection portal (--data).
func portalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "data", Usage: "回收门户的数据文件夹 (数据库与收到的工作簿); 不给出时为普通的拖放校验页"},
		&cli.StringFlag{Name: "db", Usage: "回收门户使用的 PostgreSQL: postgres://用户:密码@主机/库 (默认: 数据文件夹中的 SQLite)"},
		&cli.BoolFlag{Name: "new-admin-link", Usage: "重新生成部门管理链接 (旧链接作废)"},
		&cli.Float64Flag{Name: "upload-rate", Value: 30, Usage: "每个上传链接每分钟可上传的次数"},
		&cli.IntFlag{Name: "upload-burst", Value: 10, Usage: "每个上传链接可连续上传的次数"},
	}
}

// runPortal serves the collection portal over the data folder.
func runPortal(c *cli.Context) error {
	cfg, err := serveConfig(c)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, c.String("data"), c.String("db"))
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	defer st.Close()
	link, err := adminLink(c, st)
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	k := cfg.Checker
	pc := portal.Config{
		Store: st, Profile: k.Profile(), SignKey: cfg.SignKey, Lang: cfg.Lang, MaxUpload: cfg.MaxUpload,
		UploadRate: c.Float64("upload-rate"), UploadBurst: c.Int("upload-burst"), AllowHosts: c.StringSlice("allow-host"),
		Log: log.New(os.Stderr, "", log.LstdFlags),
		Check: func(b []byte, name string, specs []*integrity.Record) validate.FileResult {
			return k.WithSpecs(specs).CheckReader(bytes.NewReader(b), int64(len(b)), name)
		},
	}
	if c.Bool("quiet") {
		pc.Log = nil
	}
	err = portal.Run(ctx, pc, c.String("addr"), func(addr string) {
		fmt.Fprintf(c.App.Writer, "xlsxeval %s: 回收门户已启动 (%s), 地址 http://%s/ (按 Ctrl+C 停止)\n", version, st.Backend(), addr)
		if link != "" {
			fmt.Fprintf(c.App.Writer, "部门管理链接 (只显示这一次, 请妥善保管): http://%s/a/%s/\n", linkHost(addr, c.StringSlice("allow-host")), link)
		} else {
			fmt.Fprintln(c.App.Writer, "部门管理链接已在首次启动时给出; 遗失时以 --new-admin-link 重新生成。")
		}
		if !server.IsLoopback(addr) && len(c.StringSlice("allow-host")) == 0 {
			fmt.Fprintln(c.App.ErrWriter, "注意: 同事若以主机名 (而非 IP 地址) 访问, 请用 --allow-host 给出该名称。")
		}
	})
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	fmt.Fprintln(c.App.Writer, "已停止。")
	return nil
}

// adminLink issues the department's link on first start or when asked;
// "" when one exists (only its hash is kept, so it cannot be shown again).
func adminLink(c *cli.Context, st *store.Store) (string, error) {
	has, err := st.HasAdmin(c.Context)
	if err != nil || (has && !c.Bool("new-admin-link")) {
		return "", err
	}
	return st.NewAdminToken(c.Context)
}

// linkHost is the host of the printed link: the first --allow-host (what
// colleagues type), else the address, with 127.0.0.1 for "all addresses".
func linkHost(addr string, allow []string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if len(allow) > 0 {
		host = allow[0]
	} else if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
