package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// Help in Chinese: the people who run this read Chinese first.
var zhHelp = strings.NewReplacer(
	"NAME:", "名称:", "USAGE:", "用法:", "VERSION:", "版本:", "DESCRIPTION:", "说明:",
	"GLOBAL OPTIONS:", "全局选项:", "COMMANDS:", "命令:", "OPTIONS:", "选项:",
	"[global options]", "[全局选项]", "command [command options]", "命令 [选项]", "[command options]", "[选项]",
	"AUTHOR", "作者", "COPYRIGHT:", "版权:",
)

// localizeHelpFlags words --help and --version in Chinese. urfave/cli
// reads these two flags from package variables only, so newApp sets them.
func localizeHelpFlags() {
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "显示帮助"}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "显示版本号"}
}
