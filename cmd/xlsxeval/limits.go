package main

import (
	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/internal/xlsx"
	"github.com/xlsxeval/xlsxeval/validate"
)

// limitFlags are check's read limits (internal/xlsx/limits.go) and its per-file timeout (validate).
func limitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Int64Flag{Name: "max-file-size", Value: xlsx.DefaultMaxFileSize >> 20, Usage: "单个工作簿文件的大小上限 (MB)"},
		&cli.Int64Flag{Name: "max-unzip-size", Value: xlsx.DefaultMaxUnzipSize >> 20, Usage: "单个工作簿解压后的大小上限 (MB), 防压缩炸弹"},
		&cli.IntFlag{Name: "max-rows", Value: xlsx.DefaultMaxRows, Usage: "单张工作表的行数上限, 超过的工作表不检查"},
		&cli.IntFlag{Name: "max-cells", Value: xlsx.DefaultMaxCells, Usage: "单张工作表的单元格数上限 (也限制共享字符串条数)"},
		&cli.DurationFlag{Name: "timeout", Value: validate.DefaultTimeout, Usage: "单个文件的校验时间上限, 超时记为无法读取 (0 不限)"},
	}
}

// withLimits adds the limit flags to opt; a limit that is not positive is
// refused before any output is opened.
func withLimits(c *cli.Context, opt validate.ReadOptions) (validate.ReadOptions, error) {
	for _, n := range []string{"max-file-size", "max-unzip-size", "max-rows", "max-cells"} {
		if c.Int64(n) <= 0 { // reads the int flags too
			return opt, cli.Exit("--"+n+" 须为正数", exitRun)
		}
	}
	if c.Duration("timeout") < 0 {
		return opt, cli.Exit("--timeout 不能为负", exitRun)
	}
	opt.MaxFileSize = c.Int64("max-file-size") << 20
	opt.MaxUnzipSize = c.Int64("max-unzip-size") << 20
	opt.MaxRows = c.Int("max-rows")
	opt.MaxCells = c.Int("max-cells")
	opt.Timeout = c.Duration("timeout")
	if opt.Timeout == 0 {
		opt.Timeout = -1 // no limit
	}
	return opt, nil
}
