package main

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/validate"
)

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:      "extract",
		Usage:     "把填报后的自评表数据汇成一张表 (csv | json | xlsx), 供部门存档与汇总",
		ArgsUsage: "文件|文件夹|通配符 ...",
		Description: `读取每个工作簿中的每张自评表, 输出为一张表: 每个绩效指标一行, 行首重复该表的
文件、工作表、年度、项目名称、主管部门、实施单位、金额单位、四行资金 (年初预算数、全年预算数、
全年执行数、执行率)、资金分值与得分、预期目标、实际完成情况、总分、评分等级; 其后为一级、二级、
三级指标, 年度指标值及其解析出的运算符 (≥ ≤ = > <)、数值、单位, 实际完成值及其数值、单位、
完成程度, 分值, 得分, 偏差原因。没有指标的表输出一行。不做校验 (校验请用 check)。
CSV 为带 BOM 的 UTF-8, 可直接用 Excel 打开; JSON 为对象数组, 数值为数字;
xlsx 为带筛选的表格, 数值为数字单元格。未给 --format 时按 -o 的扩展名决定, 默认 csv。
有文件无法读取时照常输出其余文件, 退出码为 2。

示例:
   xlsxeval extract -o 数据.xlsx 回收/
   xlsxeval extract --format json -o 数据.json 回收/*.xlsx
   xlsxeval extract --format csv 回收/ > 数据.csv
   xlsxeval extract --lang en -o data.csv 回收/

English: export every form's data (header, funds, indicators with parsed operator,
value and unit) as one table; column headers in English with --lang en.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "输出格式: csv | json | xlsx (默认按 -o 扩展名, 否则 csv)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "输出文件 (默认标准输出; xlsx 须指定)"},
			&cli.StringFlag{Name: "lang", Value: "zh", Usage: "表头语言: zh | en"},
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Value: runtime.NumCPU(), Usage: "并行读取的文件数"},
			&cli.StringFlag{Name: "profile", Usage: "地区配置文件 (YAML 或 JSON)"},
			layoutFlag(),
			&cli.StringFlag{Name: "password", Usage: "打开加密工作簿的密码"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.Exit("请指定要导出的文件或文件夹, 例如: xlsxeval extract 回收/ -o 数据.xlsx", exitRun)
			}
			// extract only reads: a checker with no checks.
			k, err := newChecker(c, nil)
			if err != nil {
				return err
			}
			return runExtract(c, k)
		},
	}
}

func extractFormat(c *cli.Context) (string, error) {
	format := strings.ToLower(c.String("format"))
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(c.String("output"))), ".")
		if format != "json" && format != "xlsx" {
			format = "csv"
		}
	}
	switch format {
	case "csv", "json":
		return format, nil
	case "xlsx":
		if o := c.String("output"); o == "" || o == "-" {
			return "", cli.Exit("xlsx 格式须用 -o 指定输出文件", exitRun)
		}
		return format, nil
	}
	return "", cli.Exit(fmt.Sprintf("不支持的输出格式 %q (可选 csv、json、xlsx)", format), exitRun)
}

// runExtract writes the data of every form k reads from the arguments.
func runExtract(c *cli.Context, k *validate.Checker) error {
	lang, err := parseLang(c.String("lang"))
	if err != nil {
		return err
	}
	format, err := extractFormat(c)
	if err != nil {
		return err
	}
	paths, err := validate.Expand(c.Args().Slice())
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	w, done, err := openOutput(c.String("output"), c.App.Writer, paths)
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	ex, err := report.NewExtractor(format, w, lang)
	if err != nil {
		return cli.Exit(err.Error(), exitRun)
	}
	var werr error
	unreadable := 0
	k.CheckAll(paths, c.Int("jobs"), func(r validate.FileResult) {
		if r.Err != nil {
			unreadable++
			fmt.Fprintln(c.App.ErrWriter, "xlsxeval:", r.Err)
			return
		}
		for _, fr := range r.Forms {
			if werr == nil {
				werr = ex.Add(r.Path, fr.Form)
			}
		}
	})
	if werr == nil {
		werr = ex.Close()
	}
	if err := done(werr == nil); err != nil && werr == nil {
		werr = err
	}
	switch {
	case werr != nil:
		return cli.Exit("无法写出: "+werr.Error(), exitRun)
	case unreadable > 0:
		return cli.Exit(fmt.Sprintf("%d 个文件无法读取", unreadable), exitRun)
	}
	return nil
}
