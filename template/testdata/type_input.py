#!/usr/bin/python3
"""Types a form into a workbook through LibreOffice's typed-input path.

Usage: type_input.py PIPE PLAN.json

Connects to a headless soffice listening on PIPE, opens plan["in"], and
for each step selects the cell (.uno:GoToCell) and types the text
(.uno:EnterString), as a unit filling the form does: the cell's number
format applies, so "=100.00(%)" in a text cell stays text. Then it
recalculates, reads each row's cap cell, types each row's score (the cap,
or for every other row capped under its weight one unit above it), recalculates,
saves plan["out"] as xlsx, and evaluates each row's conditional-format
condition (given by the test, read from the workbook) in a scratch cell
of the unsaved document. Results go to plan["result"] as JSON.
"""
import json
import sys
import time
from decimal import Decimal, ROUND_DOWN

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        except Exception:
            time.sleep(0.25)
    raise SystemExit("soffice did not answer on pipe " + pipe)


def main():
    pipe, plan_path = sys.argv[1], sys.argv[2]
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    ctx = connect(pipe)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(plan["in"]), "_blank", 0, (prop("Hidden", True),))
    try:
        run(plan, doc, dispatcher)
    finally:
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge goes away with the process


def run(plan, doc, dispatcher):
    ctl = doc.getCurrentController()
    frame = ctl.getFrame()
    sheet = doc.getSheets().getByName(plan["sheet"])
    ctl.setActiveSheet(sheet)

    def type_in(cell, text):
        dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", cell),))
        dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))

    for step in plan["steps"]:
        type_in(step["cell"], step["text"])
    doc.calculateAll()
    rows, capped = [], 0
    for row in plan["rows"]:
        cap = sheet.getCellRangeByName(row["cap"])
        w = Decimal(row["weight"])
        unit = Decimal(1).scaleb(-plan["places"])
        if cap.getString() != "":
            c = Decimal(repr(cap.getValue())).quantize(unit, rounding=ROUND_DOWN)
            # Every other row whose cap is under the weight: one unit over.
            score = c
            if c < w:
                if capped % 2 == 0:
                    score = c + unit
                capped += 1
        else:
            score = w
        type_in(row["score"], str(score))
        rows.append({"score": str(score)})
    doc.calculateAll()
    doc.storeToURL(uno.systemPathToFileUrl(plan["out"]), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    # The colour state: each row's conditional-format condition, typed as
    # a formula into a scratch cell of this (no longer saved) document.
    sheet.unprotect(plan.get("password", ""))
    for i, row in enumerate(plan["rows"]):
        out = rows[i]
        out["cap"] = sheet.getCellRangeByName(row["cap"]).getString()
        for name, cond in row["conds"].items():
            type_in(row["scratch"], "=" + cond)
            doc.calculateAll()
            shown = sheet.getCellRangeByName(row["scratch"]).getString()
            out[name] = {"TRUE": True, "FALSE": False}.get(shown.upper(), shown)
    with open(plan["result"], "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
