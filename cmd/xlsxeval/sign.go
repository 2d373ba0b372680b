package main

import (
	"github.com/urfave/cli/v2"

	"github.com/xlsxeval/xlsxeval/formulas"
	"github.com/xlsxeval/xlsxeval/integrity"
	"github.com/xlsxeval/xlsxeval/template"
	"github.com/xlsxeval/xlsxeval/validate"
)

// signKeyEnv holds the signing key itself when no key file is given.
const signKeyEnv = "XLSXEVAL_SIGN_KEY"

func signKeyFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "sign-key-file", Usage: usage + " (或环境变量 " + signKeyEnv + " 给出密钥本身)"}
}

// signKey is the key of --sign-key-file or XLSXEVAL_SIGN_KEY; zero when
// neither is given. Its errors never quote the key.
func signKey(c *cli.Context) (integrity.Key, error) {
	k, err := integrity.LoadKey(c.String("sign-key-file"), signKeyEnv)
	if err != nil {
		return k, cli.Exit(err.Error(), exitRun)
	}
	return k, nil
}

// sealOptions asks check for the tpl.* checks when a key or a spec is
// given; nil otherwise.
func sealOptions(c *cli.Context, p *formulas.Profile) (*validate.Seal, error) {
	k, err := signKey(c)
	if err != nil {
		return nil, err
	}
	s := &validate.Seal{Key: k}
	if path := c.String("spec"); path != "" {
		spec, err := template.ReadSpec(path, p, 0)
		if err != nil {
			return nil, cli.Exit("清单有误:\n"+err.Error(), exitRun)
		}
		s.Specs = template.SpecRecords(spec, p)
	}
	if k.IsZero() && len(s.Specs) == 0 {
		return nil, nil
	}
	return s, nil
}
