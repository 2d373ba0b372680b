package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/layout"
)

func layoutsCommand() *cli.Command {
	return &cli.Command{
		Name:  "layouts",
		Usage: "列出内置的各地自评表版式",
		Description: `列出 check 识别的自评表版式 (各地区的表格布局: 标签、分栏、总分和等级的位置、占位行写法、金额单位)。
   每张工作表按最吻合的版式读取, JSON 结果的 layout 字段给出所用版式。
   内置之外的地区: 照 --show 给出的 YAML 写一个版式文件, 用 check --layout 文件 读取, 无需改代码。
   template --layout 名称|文件 按任一版式生成模板。

示例:
   xlsxeval layouts
   xlsxeval layouts --show yunnan-14 > 我的版式.yaml
   xlsxeval template --layout 我的版式.yaml -o 自评表.xlsx
   xlsxeval check --layout 我的版式.yaml 回收/`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "lang", Value: "zh", Usage: "说明语言: zh | en"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "输出格式: text | json"},
			&cli.StringFlag{Name: "show", Usage: "输出此内置版式的 YAML (可作为新版式的起点)"},
		},
		Action: layoutsAction,
	}
}

// layoutJSON is one layout in `layouts --format json`.
type layoutJSON struct {
	Name    string   `json:"name"`
	Scope   string   `json:"scope"`
	Regions []string `json:"regions"`
	Title   string   `json:"title"`
}

func layoutsAction(c *cli.Context) error {
	lang, format := c.String("lang"), c.String("format")
	if lang != "zh" && lang != "en" {
		return cli.Exit(fmt.Sprintf("--lang 须为 zh 或 en, 而非 %q", lang), exitRun)
	}
	if name := c.String("show"); name != "" {
		b, err := layout.Source(name)
		if err != nil {
			return cli.Exit(err.Error(), exitRun)
		}
		_, err = c.App.Writer.Write(b)
		return err
	}
	var out []layoutJSON
	for _, l := range layout.Builtin() {
		t := l.Title
		if lang == "en" {
			t = l.TitleEn
		}
		out = append(out, layoutJSON{l.Name, l.Scope, l.Regions, t})
	}
	switch format {
	case "text":
		tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
		for _, l := range out {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Name, l.Scope, strings.Join(l.Regions, "、"), l.Title)
		}
		return tw.Flush()
	case "json":
		e := json.NewEncoder(c.App.Writer)
		e.SetIndent("", "  ")
		e.SetEscapeHTML(false)
		return e.Encode(out)
	}
	return cli.Exit(fmt.Sprintf("--format 须为 text 或 json, 而非 %q", format), exitRun)
}

// layoutFlag is --layout of the commands that read forms.
func layoutFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "layout", Usage: "另加的版式: 内置版式名或 YAML 文件 (可多次给出; 优先于内置版式)"}
}

// layoutsOf are the layouts a command reads with: those --layout names
// first (a tie goes to them), then the built-in ones they do not replace.
func layoutsOf(c *cli.Context) ([]*layout.Layout, error) {
	var out []*layout.Layout
	seen := map[string]bool{}
	for _, n := range c.StringSlice("layout") {
		l, err := layout.Find(n)
		if err != nil {
			return nil, cli.Exit(err.Error(), exitRun)
		}
		out = append(out, l)
		seen[l.Name] = true
	}
	for _, l := range layout.Builtin() {
		if !seen[l.Name] {
			out = append(out, l)
		}
	}
	return out, nil
}
