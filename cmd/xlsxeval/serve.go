package main

import (
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xlsxeval/xlsxeval/server"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "启动本机网页: 拖入自评表即可校验, 下载批注副本、汇总表和模板",
		ArgsUsage: " ",
		Description: `在浏览器中打开显示的地址, 把填报好的自评表 (.xlsx) 或其压缩包 (.zip) 拖到页面上,
   即可看到每张表的项目、总分、等级和问题 (错误在前, 标出要改的单元格),
   并下载批注副本、汇总表、空白模板或按清单预填的模板。
   规则与 xlsxeval check 完全相同; POST /api/check 返回与 check --format json 相同的 JSON。

   默认只监听本机 (127.0.0.1)。上传的文件只在内存中处理, 请求结束即丢弃, 不会保存。
   若要让局域网内的同事使用, 以 --addr 0.0.0.0:8080 启动 (无登录验证、不加密, 请只在可信网络中使用,
   不要暴露在互联网上); 同事用计算机名访问时以 --allow-host 给出该名称, 用 IP 地址访问无需设置。
   服务器只给自己的 --spec 中的项目签名, 上传的清单生成的模板不签名。

示例:
   xlsxeval serve
   xlsxeval serve --addr 0.0.0.0:8080 --allow-host fin-pc.corp.lan --max-upload 200MB --max-files 1000

   带 --data 时为回收门户: 部门用管理链接建立回收轮次、发出各单位的上传链接、查看进度与每一版的问题、
   定稿; 单位用自己的链接下载模板、上传并立即看到校验结果。数据保存在该文件夹 (SQLite),
   或以 --db postgres://… 保存在 PostgreSQL。
   xlsxeval serve --data 回收数据/ --addr 0.0.0.0:8080 --allow-host 自评.example.gov.cn

   English: a local web page and HTTP API over the same checks as 'check'.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "addr", Value: server.DefaultAddr, Usage: "监听地址 (主机:端口); 0.0.0.0:8080 对局域网开放"},
			&cli.StringFlag{Name: "max-upload", Value: "50MB", Usage: "单次上传的大小上限, 如 50MB、200MB"},
			&cli.IntFlag{Name: "max-files", Value: server.DefaultMaxFiles, Usage: "单次上传的工作簿数上限 (含压缩包内的)"},
			&cli.StringFlag{Name: "lang", Value: "zh", Usage: "问题说明的默认语言: zh | en (请求可用 ?lang= 指定)"},
			&cli.StringFlag{Name: "profile", Usage: "地区配置文件 (YAML 或 JSON)"},
			layoutFlag(),
			&cli.DurationFlag{Name: "file-timeout", Value: 30 * time.Second, Usage: "单个工作簿的校验时限"},
			signKeyFlag("签名密钥文件: 页面给出的模板加签名, 校验时核验签名 (同 check 与 template)"),
			&cli.StringFlag{Name: "spec", Usage: "生成模板所用的项目清单: 校验时比对预设内容 (同 check --spec)"},
			&cli.StringSliceFlag{Name: "allow-host", Usage: "局域网访问时允许的主机名 (可多次给出), 如 xlsxeval.example.lan; 本机名与 IP 地址总是允许 (防 DNS 重绑定)"},
			&cli.StringFlag{Name: "memory-limit", Value: "384MB", Usage: "内存软上限: 接近时更积极地回收内存 (环境变量 GOMEMLIMIT 优先)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "不记录每个请求"},
		}, portalFlags()...),
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	// The batch collector first, then serve's tighter memory limit over it.
	defer batchGC()()
	restore, err := serveMemoryLimit(c)
	if err != nil {
		return err
	}
	defer restore()
	if c.String("data") != "" {
		return runPortal(c)
	}
	cfg, err := serveConfig(c)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	out := c.App.ErrWriter
	if out == nil {
		out = os.Stderr
	}
	if !c.Bool("quiet") {
		cfg.Log = log.New(out, "", log.LstdFlags)
	}
	err = server.Run(ctx, cfg, func(addr string) {
		urls := server.URLs(addr)
		fmt.Fprintf(c.App.Writer, "xlsxeval %s: 请在浏览器中打开 %s (按 Ctrl+C 停止)\n", version, urls[0])
		for _, u := range urls[1:] {
			fmt.Fprintf(c.App.Writer, "  局域网内: %s\n", u)
		}
		if !server.IsLoopback(addr) {
			fmt.Fprintln(out, "注意: 服务对其他计算机开放, 且没有登录验证; 请只在可信的网络中使用。")
		}
	})
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	fmt.Fprintln(c.App.Writer, "已停止。")
	return nil
}

// serveMemoryLimit sets --memory-limit as the soft memory limit for the
// page and the portal alike (GOMEMLIMIT in the environment wins); the
// returned func puts the previous limit back.
func serveMemoryLimit(c *cli.Context) (func(), error) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}, nil
	}
	lim, err := server.ParseSize(c.String("memory-limit"))
	if err != nil {
		return nil, cli.Exit("--memory-limit: "+err.Error(), exitRun)
	}
	old := debug.SetMemoryLimit(lim)
	return func() { debug.SetMemoryLimit(old) }, nil
}

func serveConfig(c *cli.Context) (server.Config, error) {
	var cfg server.Config
	lang, err := parseLang(c.String("lang"))
	if err != nil {
		return cfg, err
	}
	size, err := server.ParseSize(c.String("max-upload"))
	if err != nil {
		return cfg, cli.Exit("--max-upload: "+err.Error(), exitRun)
	}
	if c.Int("max-files") < 1 {
		return cfg, cli.Exit("--max-files 须至少为 1", exitRun)
	}
	k, err := newChecker(c, validate.Checks())
	if err != nil {
		return cfg, err
	}
	key, err := signKey(c)
	if err != nil {
		return cfg, err
	}
	cfg = server.Config{
		Addr: c.String("addr"), MaxUpload: size, MaxFiles: c.Int("max-files"), Lang: lang,
		Checker: k, FileTimeout: c.Duration("file-timeout"), Version: version, SignKey: key,
		AllowHosts: c.StringSlice("allow-host"),
		Layouts:    layout.Builtin(), // offered for templates, as xlsxeval layouts lists them
	}
	if path := c.String("spec"); path != "" {
		// Its projects are the only ones the server signs (GET /api/prefilled).
		if cfg.Spec, err = template.ReadSpec(path, k.Profile(), 0); err != nil {
			return cfg, cli.Exit("清单有误:\n"+err.Error(), exitRun)
		}
	}
	return cfg, nil
}
