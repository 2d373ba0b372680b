// Command xlsxeval generates and checks 财政项目支出绩效自评表 workbooks.
//
// Wiring is explicit: newApp lists the commands, each command's flags are
// declared with it, and check, extract and serve build one
// validate.Checker (newChecker: the explicit check list, profile, seal,
// limits) that everything they read and report goes through.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// version is stamped by the build (-ldflags "-X main.version=...").
var version = "dev"

// exitRun is the exit code when the tool could not run.
const exitRun = 2

func newApp() *cli.App {
	commands := []*cli.Command{
		checkCommand(),
		extractCommand(),
		layoutsCommand(),
		rulesCommand(),
		serveCommand(),
		statusCommand(),
		templateCommand(),
		versionCommand(),
	}
	for _, c := range commands {
		if c.UsageText == "" {
			c.UsageText = strings.TrimSpace("xlsxeval " + c.Name + " [选项] " + c.ArgsUsage)
		}
		c.CustomHelpTemplate = zhHelp.Replace(cli.CommandHelpTemplate)
	}
	localizeHelpFlags()
	return &cli.App{
		Name:                  "xlsxeval",
		Usage:                 "生成并校验财政项目支出绩效自评表 (Excel .xlsx)",
		Version:               version,
		Commands:              commands,
		CustomAppHelpTemplate: zhHelp.Replace(cli.AppHelpTemplate),
		// Each command's --help says it all; a "help" command would be English.
		HideHelpCommand: true,
		// Errors are printed by main with the right exit code.
		ExitErrHandler: func(*cli.Context, error) {},
	}
}

func main() {
	app := newApp()
	if err := app.Run(interspersed(app.Commands, os.Args)); err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "xlsxeval:", msg)
		}
		if e, ok := err.(cli.ExitCoder); ok && e.ExitCode() != 0 {
			os.Exit(e.ExitCode())
		}
		os.Exit(exitRun)
	}
}
