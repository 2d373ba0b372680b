package main

import (
	"reflect"
	"testing"
)

func TestInterspersedFlags(t *testing.T) {
	cmds := newApp().Commands
	cases := []struct{ in, want []string }{
		{[]string{"x", "check", "a/", "--format", "json", "b.xlsx", "-q"},
			[]string{"x", "check", "--format", "json", "-q", "a/", "b.xlsx"}},
		{[]string{"x", "check", "a/", "--lang=en", "-j", "2"},
			[]string{"x", "check", "--lang=en", "-j", "2", "a/"}},
		{[]string{"x", "check", "--", "-odd.xlsx"}, []string{"x", "check", "--", "-odd.xlsx"}},
		{[]string{"x", "version"}, []string{"x", "version"}},
	}
	for _, c := range cases {
		if got := interspersed(cmds, c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: got %v, want %v", c.in, got, c.want)
		}
	}
}
