package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/validate"
)

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "列出全部校验规则: 代码、默认级别和说明",
		Description: `列出 check 命令使用的每条规则。规则代码出现在 check 的每条结果中。
级别: error (须退回修改)、warning (可疑, 请核实)、info (提示)。

示例:
  xlsxeval rules
  xlsxeval rules --lang en
  xlsxeval rules --format json > rules.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "lang", Value: "zh", Usage: "说明语言: zh | en"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "输出格式: text | json"},
		},
		Action: rulesAction,
	}
}

// ruleJSON is one rule in `rules --format json`.
type ruleJSON struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Doc      string `json:"doc"`
}

func rulesAction(c *cli.Context) error {
	lang, format := c.String("lang"), c.String("format")
	if lang != "zh" && lang != "en" {
		return cli.Exit(fmt.Sprintf("--lang 须为 zh 或 en, 而非 %q", lang), exitRun)
	}
	var rules []ruleJSON
	for _, k := range validate.Checks() {
		doc := k.Doc
		if lang == "en" {
			doc = k.DocEn
		}
		rules = append(rules, ruleJSON{k.Code, k.Severity.String(), doc})
	}
	switch format {
	case "text":
		return writeRulesText(c.App.Writer, rules)
	case "json":
		e := json.NewEncoder(c.App.Writer)
		e.SetIndent("", "  ")
		e.SetEscapeHTML(false)
		return e.Encode(rules)
	}
	return cli.Exit(fmt.Sprintf("--format 须为 text 或 json, 而非 %q", format), exitRun)
}

func writeRulesText(w io.Writer, rules []ruleJSON) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Code, r.Severity, r.Doc)
	}
	return tw.Flush()
}
