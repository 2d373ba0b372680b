package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/layout"
	"github.com/xlsxeval/xlsxeval/template"
)

func templateCommand() *cli.Command {
	return &cli.Command{
		Name:      "template",
		Usage:     "生成财政项目支出绩效自评表模板 (空白表, 或按清单预填)",
		ArgsUsage: " ",
		Description: `生成官方格式的自评表 .xlsx: 计算单元格为锁定公式, 填报单元格解锁并以浅黄色标出,
工作表受保护; 一级/二级指标、定性完成程度下拉选择; 金额与得分有校验和中文提示;
得分超过完成情况允许的上限、缺少偏差原因、分值合计不为 100 时即时标色。
不带 --spec 时生成一张空白表; 带 --spec 时每个项目一个文件写入 -o 目录
(或 --single 时所有项目作为同一工作簿的多个工作表)。清单有错时不写任何文件。

清单 (--spec) 可为 YAML、JSON, 或一行一个指标的 .xlsx/.csv 表格, 表头:
项目名称,主管部门,实施单位,年度,一级指标,二级指标,三级指标,年度指标值,分值
(可选: 项目编码,预期目标,实际完成情况,实际完成值,得分,偏差原因分析及改进措施,
年初预算数,全年预算数,全年执行数, 以及 上年结转资金全年预算数 等)。

示例:
xlsxeval template -o 自评表.xlsx
xlsxeval template -o 自评表.xlsx --rows 20 --year 2024 --unit 元 --password 1234
xlsxeval template -o out/ --spec samples/specs/batch.csv
xlsxeval template -o 全部项目.xlsx --spec samples/specs/seed1.yaml --single
xlsxeval template -o 云南自评表.xlsx --layout yunnan-14
xlsxeval template -o 本地自评表.xlsx --layout 我的版式.yaml

--layout 按其他地区的版式生成 (xlsxeval layouts 列出内置版式, 也可给出 YAML 版式文件):
公式、下拉、校验和指纹与默认版式相同, check 读回时识别为该版式。

English: generate the official self-evaluation form, blank or prefilled from a spec.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "输出文件 (.xlsx); 带 --spec 且不带 --single 时为输出目录"},
			&cli.IntFlag{Name: "rows", Value: template.DefaultRows, Usage: "空白表的指标行数"},
			&cli.IntFlag{Name: "year", Value: time.Now().Year() - 1, Usage: "年度 (默认上一年)"},
			&cli.StringFlag{Name: "unit", Usage: "金额单位: 万元 或 元 (默认取配置, 即 万元)"},
			&cli.StringFlag{Name: "spec", Usage: "项目清单: .yaml/.yml/.json/.xlsx/.csv"},
			&cli.BoolFlag{Name: "single", Usage: "所有项目写入同一个工作簿 (每个项目一个工作表)"},
			&cli.StringFlag{Name: "password", Usage: "工作表保护密码 (默认无密码保护)"},
			&cli.StringFlag{Name: "profile", Usage: "地区配置文件 (YAML 或 JSON)"},
			&cli.StringFlag{Name: "layout", Usage: "版式: 内置版式名 (xlsxeval layouts) 或 YAML 版式文件 (默认通用版式)"},
			signKeyFlag("签名密钥文件: 为预设内容和公式签名, 以便 check 发现改动"),
		},
		Action: runTemplate,
	}
}

func runTemplate(c *cli.Context) error {
	p := formulas.Default()
	if path := c.String("profile"); path != "" {
		var err error
		if p, err = formulas.LoadProfile(path); err != nil {
			return cli.Exit(err, exitRun)
		}
	}
	if u := c.String("unit"); u != "" {
		if u != "万元" && u != "元" {
			return cli.Exit(fmt.Sprintf("--unit 须为 万元 或 元, 而非 %q", u), exitRun)
		}
		p.AmountUnit = u
	}
	o := template.Options{Profile: p, Rows: c.Int("rows"), Year: c.Int("year"), Password: c.String("password")}
	var err error
	if n := c.String("layout"); n != "" {
		if o.Layout, err = layout.Find(n); err != nil {
			return cli.Exit(err, exitRun)
		}
		if c.String("unit") == "" && o.Layout.AmountUnit != "" {
			p.AmountUnit = o.Layout.AmountUnit // 公开14表 is in 元
		}
	}
	if o.SignKey, err = signKey(c); err != nil {
		return err
	}
	if o.Rows < 1 || o.Rows > 500 {
		return cli.Exit("--rows 须在 1 到 500 之间", exitRun)
	}
	out := c.String("output")
	if c.String("spec") == "" {
		return writeBlank(c, out, o)
	}
	single := c.Bool("single")
	if single && strings.HasSuffix(out, string(os.PathSeparator)) {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return cli.Exit(err, exitRun)
		}
	}
	paths, err := template.FromSpecFile(c.String("spec"), out, single, o)
	if template.IsSpecError(err) {
		return cli.Exit("清单有误, 未写入任何文件:\n"+err.Error(), exitRun)
	}
	if err != nil {
		return cli.Exit(err, exitRun)
	}
	for _, path := range paths {
		fmt.Fprintln(c.App.Writer, "已生成", path)
	}
	return nil
}

func writeBlank(c *cli.Context, out string, o template.Options) error {
	if isDir(out) {
		out = filepath.Join(out, template.BlankName)
	}
	w, err := template.Blank(o)
	if err != nil {
		return cli.Exit(err, exitRun)
	}
	if err := w.Save(out); err != nil {
		return cli.Exit(err, exitRun)
	}
	fmt.Fprintln(c.App.Writer, "已生成", out)
	return nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return (err == nil && st.IsDir()) || strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(os.PathSeparator))
}
