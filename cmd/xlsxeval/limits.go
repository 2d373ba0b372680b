package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/report"
	"github.com/xlsxeval/xlsxeval/validate"
)

// The read limits of check (validate/limits.go), raised by flags.
func init() {
	checkCmd.Flags = append(checkCmd.Flags,
		&cli.Int64Flag{Name: "max-file-size", Value: validate.DefaultMaxFileSize >> 20, Usage: "单个工作簿文件的大小上限 (MB)"},
		&cli.Int64Flag{Name: "max-unzip-size", Value: validate.DefaultMaxUnzipSize >> 20, Usage: "单个工作簿解压后的大小上限 (MB), 防压缩炸弹"},
		&cli.IntFlag{Name: "max-rows", Value: validate.DefaultMaxRows, Usage: "单张工作表的行数上限, 超过的工作表不检查"},
		&cli.IntFlag{Name: "max-cells", Value: validate.DefaultMaxCells, Usage: "单张工作表的单元格数上限 (也限制共享字符串条数)"},
		&cli.DurationFlag{Name: "timeout", Value: validate.DefaultTimeout, Usage: "单个文件的校验时间上限, 超时记为无法读取 (0 不限)"},
	)
	checkSinks = append(checkSinks, newInputGuard)
}

// withLimits adds the limit flags (checked by newInputGuard) to opt.
func withLimits(c *cli.Context, opt validate.ReadOptions) (validate.ReadOptions, error) {
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

// newInputGuard runs before any output is opened: it refuses limits that
// are not positive.
func newInputGuard(c *cli.Context, _ report.Lang) (sink, error) {
	for n, v := range map[string]int64{"max-file-size": c.Int64("max-file-size"), "max-unzip-size": c.Int64("max-unzip-size"),
		"max-rows": int64(c.Int("max-rows")), "max-cells": int64(c.Int("max-cells"))} {
		if v <= 0 {
			return nil, fmt.Errorf("--%s 须为正数", n)
		}
	}
	if c.Duration("timeout") < 0 {
		return nil, fmt.Errorf("--timeout 不能为负")
	}
	return nil, nil
}
