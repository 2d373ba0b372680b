package formulas

// RescaledTotal is total.sum where indicators marked 不适用 are left out
// (Profile.Rescale): the budget 得分 plus the remaining indicator 得分,
// scaled so that the remaining 分值 count as the full total_weight.
// Names as for TotalScore and WeightsSum, plus total_weight (100).
func RescaledTotal() Expr { return Div(Mul(TotalScore(), R("total_weight")), WeightsSum()) }

// LevelFloor is the lowest score FORM.md's bands give a qualitative
// completion level (names as for Cap): 达成 → 80% of 分值, 部分达成 → 50%,
// 未达成 → 0. A score below it is possible (the evaluator may deduct more)
// but contradicts the stated level.
func LevelFloor() Expr {
	return If(lvlIs(LevelMet), Mul(R("w"), N("0.8")),
		If(lvlIs(LevelPartial), Mul(R("w"), N("0.5")), N("0")))
}
