package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"
)

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:        "version",
		Usage:       "显示版本号",
		Description: "示例:\n   xlsxeval version",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(c.App.Writer, "xlsxeval %s (%s/%s, %s)\n", version, runtime.GOOS, runtime.GOARCH, runtime.Version())
			return nil
		},
	}
}
