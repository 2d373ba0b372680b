package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// Help in Chinese: the people who run this read Chinese first.
func init() {
	zh := strings.NewReplacer(
		"NAME:", "名称:", "USAGE:", "用法:", "VERSION:", "版本:", "DESCRIPTION:", "说明:",
		"GLOBAL OPTIONS:", "全局选项:", "COMMANDS:", "命令:", "OPTIONS:", "选项:",
		"[global options]", "[全局选项]", "command [command options]", "命令 [选项]", "[command options]", "[选项]",
		"AUTHOR", "作者", "COPYRIGHT:", "版权:",
	)
	cli.AppHelpTemplate = zh.Replace(cli.AppHelpTemplate)
	cli.CommandHelpTemplate = zh.Replace(cli.CommandHelpTemplate)
	cli.SubcommandHelpTemplate = zh.Replace(cli.SubcommandHelpTemplate)
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "显示帮助"}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "显示版本号"}
}
