package template
import ("testing";"os")
func TestDumpBlank(t *testing.T){ w,_:=Blank(opts()); b,_:=w.Bytes(); os.WriteFile("/tmp/blank.xlsx",b,0644)
 w,_=Build(readSeed(t, "seed1.yaml").Projects, opts()); b,_=w.Bytes(); os.WriteFile("/tmp/seed1.xlsx",b,0644)}
