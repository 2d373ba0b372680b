package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/internal/atomicfile"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/round"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:      "status",
		Usage:     "回收进度: 清单中每个项目是否已交回、是否合格, 哪一份为准",
		ArgsUsage: "文件夹|文件 ...",
		Description: `按生成模板所用的清单 (--spec), 校验收到的工作簿, 给清单中每个项目一个状态:
   未交、合格、需退回 (有错误)、模板被改 (tpl.*)、重复 (同一项目收到多份, 以工作簿自身记录的
   最后保存时间最新的一份为准, 列出其余各份)。不在清单中的表列为「不在清单」。
   退出码: 0 全部合格; 1 仍有未交、需退回、模板被改或无法读取的; 2 无法运行。

示例:
   xlsxeval status --spec 项目清单.csv 回收/
   xlsxeval status --spec 项目清单.csv 回收/ --format json -o 进度.json --summary 汇总.xlsx`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "spec", Required: true, Usage: "生成模板所用的项目清单: .yaml/.yml/.json/.xlsx/.csv"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "输出格式: text | json"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "把进度写入此文件 (默认标准输出)"},
			&cli.StringFlag{Name: "summary", Usage: "写出汇总工作簿 (.xlsx), 含「回收进度」表 (按单位分组)"},
			&cli.StringFlag{Name: "lang", Value: "zh", Usage: "消息语言: zh | en"},
			&cli.StringFlag{Name: "profile", Usage: "地区配置文件 (YAML 或 JSON)"},
			layoutFlag(),
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: 4, Usage: "并行校验的文件数"},
			signKeyFlag("签名密钥文件: 核验模板签名 (同 check)"),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.Exit("请指定收到的工作簿所在的文件夹, 例如: xlsxeval status --spec 清单.csv 回收/", exitRun)
			}
			k, err := newChecker(c, validate.Checks())
			if err != nil {
				return err
			}
			return runStatus(c, k)
		},
	}
}

// runStatus checks the arguments' workbooks with k and writes the round's
// progress against --spec.
func runStatus(c *cli.Context, k *validate.Checker) error {
	lang, err := parseLang(c.String("lang"))
	if err != nil {
		return err
	}
	if f := c.String("format"); f != "text" && f != "json" {
		return cli.Exit(fmt.Sprintf("不支持的输出格式 %q", f), exitRun)
	}
	spec, err := template.ReadSpec(c.String("spec"), k.Profile(), 0)
	if err != nil {
		return cli.Exit("清单有误:\n"+err.Error(), exitRun)
	}
	paths, err := validate.Expand(c.Args().Slice())
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	var files []report.File
	sum := report.NewSummaryBook(lang)
	k.CheckAll(paths, c.Int("jobs"), func(r validate.FileResult) {
		f := report.FromResult(r, lang)
		files = append(files, f)
		sum.Add(f)
	})
	p := round.Build(spec, files, round.ModifiedTime)
	if err := writeStatus(c, p, sum, lang, paths); err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	if p.Open() {
		return cli.Exit("", exitFindings)
	}
	return nil
}

func writeStatus(c *cli.Context, p *round.Progress, sum *report.SummaryBook, lang report.Lang, inputs []string) error {
	if path := c.String("summary"); path != "" {
		for _, in := range inputs {
			if atomicfile.Same(in, path) {
				return fmt.Errorf("汇总工作簿 %s 是输入文件之一, 不能覆盖", path)
			}
		}
		head, rows := p.Sheet(lang)
		sum.AddSheet(round.SheetName(lang), "Round", head, rows)
		if err := atomicfile.Write(path, sum.Write); err != nil {
			return fmt.Errorf("无法写出汇总工作簿: %w", err)
		}
	}
	w, done, err := openOutput(c.String("output"), c.App.Writer, inputs)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { return p.WriteText(w, lang) }
	if c.String("format") == "json" {
		write = p.WriteJSON
	}
	err = write(w)
	if derr := done(err == nil); err == nil {
		err = derr
	}
	return err
}
