package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"
	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/validate"
)

// Exit codes, like a linter.
const (
	exitClean    = 0
	exitFindings = 1
)

// streamOutputs are check's --format values: the report streamed to
// stdout or -o.
func streamOutputs(lang report.Lang, color, quiet bool) map[string]func(io.Writer) report.Writer {
	return map[string]func(io.Writer) report.Writer{
		"text": func(w io.Writer) report.Writer { return &report.Text{W: w, Lang: lang, Color: color, Quiet: quiet} },
		"json": func(w io.Writer) report.Writer { return &report.JSON{W: w} },
		"csv":  func(w io.Writer) report.Writer { return &report.CSV{W: w, Lang: lang} },
		"html": func(w io.Writer) report.Writer { return &report.HTML{W: w, Lang: lang} },
	}
}

// sink receives every file's results next to the stream output: the
// annotated copies and the summary workbook (reports.go).
type sink interface {
	Add(validate.FileResult, report.File) error
	Close(report.Summary) error
}

func checkCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "输出格式: text | json | csv | html"},
		&cli.StringFlag{Name: "lang", Value: "zh", Usage: "消息语言: zh | en"},
		&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "达到此级别的问题时退出码为 1: error | warning | info"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: runtime.NumCPU(), Usage: "并行校验的文件数"},
		&cli.StringFlag{Name: "profile", Usage: "地区配置文件 (YAML 或 JSON)"},
		layoutFlag(),
		&cli.StringFlag{Name: "password", Usage: "打开加密工作簿的密码"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "把报告写入此文件 (默认标准输出)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "文本输出只列出有错误或警告、无法读取或没有自评表的文件, 以及汇总行"},
		&cli.BoolFlag{Name: "no-progress", Usage: "不显示进度条"},
		&cli.StringFlag{Name: "annotate", Usage: "把有错误或警告的工作簿另存一份批注副本到此文件夹 (标红/标黄并加批注, 首页为「校验结果」)"},
		&cli.StringFlag{Name: "summary", Usage: "写出汇总工作簿 (.xlsx): 每张表一行、问题清单、规则统计"},
		signKeyFlag("签名密钥文件: 核验模板签名, 指出被改动的预设内容和公式 (tpl.*)"),
		&cli.StringFlag{Name: "spec", Usage: "生成模板所用的项目清单: 无密钥时按项目名称 (及编码) 比对预设内容 (tpl.changed)"},
	}
	return &cli.Command{
		Name:      "check",
		Usage:     "校验填报后的自评表, 逐个单元格列出问题",
		ArgsUsage: "文件|文件夹|通配符 ...",
		Description: `读取工作簿 (文件夹递归查找 .xlsx), 按 FORM.md 的规则重新计算执行率、得分、总分和等级,
   列出每个问题所在的文件、工作表、单元格、规则代码、应为值和实际值。
   退出码: 0 无问题; 1 有达到 --fail-on 级别的问题; 2 无法运行或有文件无法读取。

示例:
   xlsxeval check samples/
   xlsxeval check 回收/*.xlsx --format json -o 结果.json
   xlsxeval check 回收/ --fail-on warning --lang en
   xlsxeval check --annotate 退回/ --summary 汇总.xlsx --format html -o 结果.html 回收/
   xlsxeval check --format csv -o 问题.csv 回收/`,
		Flags: append(flags, limitFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.Exit("请指定要校验的文件或文件夹, 例如: xlsxeval check samples/", exitRun)
			}
			k, err := newChecker(c, validate.Checks())
			if err != nil {
				return err
			}
			defer batchGC()()
			return runCheck(c, k)
		},
	}
}

// runCheck checks the arguments' workbooks with k and writes every report
// asked for.
func runCheck(c *cli.Context, k *validate.Checker) error {
	lang, err := parseLang(c.String("lang"))
	if err != nil {
		return err
	}
	failOn, ok := validate.ParseSeverity(c.String("fail-on"))
	if !ok {
		return cli.Exit(fmt.Sprintf("--fail-on 须为 error、warning 或 info, 而非 %q", c.String("fail-on")), exitRun)
	}
	color := c.String("output") == "" && isTerminal(os.Stdout)
	newOut, ok := streamOutputs(lang, color, c.Bool("quiet"))[c.String("format")]
	if !ok {
		return cli.Exit(fmt.Sprintf("不支持的输出格式 %q (可选 text、json、csv、html)", c.String("format")), exitRun)
	}
	paths, err := validate.Expand(c.Args().Slice())
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	var sinks []sink
	for _, mk := range []func(*cli.Context, report.Lang) (sink, error){newAnnotateSink, newSummarySink} {
		s, err := mk(c, lang)
		if err != nil {
			return cli.Exit(err.Error(), exitRun)
		}
		if s != nil {
			sinks = append(sinks, s)
		}
	}
	w, done, err := openOutput(c.String("output"), c.App.Writer, paths)
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	out := newOut(w)
	prog := newProgress(len(paths), !c.Bool("no-progress"))
	var sum report.Summary
	worst, unreadable := validate.Severity(-1), false
	var werr error
	k.CheckAll(paths, c.Int("jobs"), func(r validate.FileResult) {
		prog.step()
		f := report.FromResult(r, lang)
		sum.Add(f)
		unreadable = unreadable || r.Err != nil
		for _, x := range r.Findings {
			worst = max(worst, x.Severity)
		}
		for _, fr := range r.Forms {
			for _, x := range fr.Findings {
				worst = max(worst, x.Severity)
			}
		}
		if werr == nil {
			werr = out.File(f)
		}
		for _, s := range sinks {
			if err := s.Add(r, f); err != nil && werr == nil {
				werr = err
			}
		}
	})
	prog.finish()
	if werr == nil {
		werr = out.Close(sum)
	}
	for _, s := range sinks {
		if err := s.Close(sum); err != nil && werr == nil {
			werr = err
		}
	}
	if err := done(werr == nil); err != nil && werr == nil {
		werr = err
	}
	switch {
	case werr != nil:
		return cli.Exit("无法写出报告: "+werr.Error(), exitRun)
	case unreadable:
		return cli.Exit("", exitRun)
	case len(paths) > 0 && worst >= failOn:
		return cli.Exit("", exitFindings)
	}
	return nil
}

func parseLang(s string) (report.Lang, error) {
	switch strings.ToLower(s) {
	case "zh", "cn", "zh-cn", "":
		return report.ZH, nil
	case "en":
		return report.EN, nil
	}
	return "", cli.Exit(fmt.Sprintf("--lang 须为 zh 或 en, 而非 %q", s), exitRun)
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
